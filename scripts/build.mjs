// Compiles apps/*/src and libs/*/src to dist/ with swc (ES modules, legacy decorators with metadata),
// rewriting the workspace aliases (@bp/<lib>) to relative paths so Node runs the output as is.
// Type checking is tsc's job (`npm run typecheck`); this only transpiles, fast.
import { transformFile } from '@swc/core';
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile, rm } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outRoot = join(root, 'dist');
const sourceRoots = ['apps', 'libs'];
const isCompiled = (name) => name.endsWith('.ts') && !/\.(spec|test|e2e-spec)\.ts$/.test(name) && !name.endsWith('.d.ts');

async function* walk(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (isCompiled(entry.name)) yield path;
  }
}

function rewriteAliases(code, outFile) {
  return code.replace(/(from\s+|import\s*\(\s*|import\s+)(["'])@bp\/([a-z-]+)((?:\/[a-z-]+)?)\2/g, (_m, lead, quote, lib, sub) => {
    let target = relative(dirname(outFile), join(outRoot, 'libs', lib, 'src', sub, 'index.js'));
    if (!target.startsWith('.')) target = `./${target}`;
    return `${lead}${quote}${target}${quote}`;
  });
}

const options = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    target: 'es2023',
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    keepClassNames: true,
  },
  module: { type: 'es6' },
  sourceMaps: 'inline',
};

const started = Date.now();
await rm(outRoot, { recursive: true, force: true });
let count = 0;
for (const top of sourceRoots) {
  const base = join(root, top);
  for (const project of await readdir(base, { withFileTypes: true }).catch(() => [])) {
    if (!project.isDirectory()) continue;
    const src = join(base, project.name, 'src');
    if (!existsSync(src)) continue;
    for await (const file of walk(src)) {
      const outFile = join(outRoot, relative(root, file)).replace(/\.ts$/, '.js');
      const { code } = await transformFile(file, { ...options, filename: file });
      await mkdir(dirname(outFile), { recursive: true });
      await writeFile(outFile, rewriteAliases(code, outFile));
      count++;
    }
  }
}
await writeFile(join(outRoot, 'package.json'), JSON.stringify({ type: 'module' }) + '\n');
console.log(`build: ${count} files compiled to dist/ in ${Date.now() - started} ms`);
