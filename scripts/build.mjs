// Compiles apps/*/src and libs/*/src to dist/ with swc (ES modules, legacy decorators with metadata),
// rewriting the workspace aliases (@bp/<lib>) to relative paths so Node runs the output as is, then
// bundles each service's entry point with esbuild (scripts/lib/bundle-services.mjs): a service starts
// from one file instead of thousands of modules.
// Type checking is tsc's job (`npm run typecheck`); this only transpiles, fast. The browser app
// (apps/portal) is bundled by Vite instead, into dist/apps/portal, reusing the last bundle while its
// sources and the lockfile are unchanged.
import { transformFile } from '@swc/core';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, readdir, writeFile, rm } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleServices } from './lib/bundle-services.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outRoot = join(root, 'dist');
const sourceRoots = ['apps', 'libs'];
/** Projects built by Vite for the browser, not by swc for Node. */
const browserApps = new Set(['portal']);
const isSpec = (name) => /\.(spec|test|e2e-spec)\.ts$/.test(name);
const isCompiled = (name) => name.endsWith('.ts') && !isSpec(name) && !name.endsWith('.d.ts');

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
    if (!project.isDirectory() || (top === 'apps' && browserApps.has(project.name))) continue;
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
console.log(await bundleServices(root, outRoot));

/** Everything a browser bundle depends on: its own files, the lockfile and the base TypeScript settings. */
async function sourceHash(projectDir) {
  const hash = createHash('sha256');
  const files = [];
  for await (const file of walkAll(projectDir)) files.push(file);
  const shared = [join(root, 'package-lock.json'), join(root, 'tsconfig.base.json')].filter((file) => existsSync(file)); // an image build copies no tsconfig
  for (const file of [...files.sort(), ...shared]) {
    hash
      .update(relative(root, file))
      .update('\0')
      .update(await readFile(file))
      .update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

async function* walkAll(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || isSpec(entry.name)) continue; // specs are not bundled
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walkAll(path);
    else yield path;
  }
}

for (const name of browserApps) {
  const projectDir = join(root, 'apps', name);
  if (!existsSync(projectDir)) continue;
  const bundleStarted = Date.now();
  const cacheRoot = join(root, 'node_modules/.cache/browser-builds', name);
  const cached = join(cacheRoot, await sourceHash(projectDir));
  const reused = existsSync(join(cached, 'index.html'));
  if (!reused) {
    const { build } = await import('vite');
    await rm(cacheRoot, { recursive: true, force: true }); // only the current bundle is kept
    await build({ configFile: join(projectDir, 'vite.config.ts'), logLevel: 'warn', build: { outDir: cached } });
  }
  await cp(cached, join(outRoot, 'apps', name), { recursive: true });
  console.log(`build: ${name} ${reused ? 'reused from cache' : 'bundled by Vite'} into dist/apps/${name} in ${Date.now() - bundleStarted} ms`);
}
