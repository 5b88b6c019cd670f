// Bundles each service's compiled entry point (dist/apps/<name>/src/main.js) with esbuild into that
// one file (and its source map): its own code, the libraries and the packages it uses. A service then
// reads one file at start instead of 3,000–4,000 modules, each resolved, read and compiled: about a
// third of the CPU a start costs (docs/performance.md). The compiled files stay beside the bundle (the
// migration CLI runs them, and a migration's checksum is its compiled file).
//
// The bundle behaves as the modules did:
// - main.js's `await import('./bootstrap.js')` still evaluates the application only after
//   OpenTelemetry has started (esbuild keeps a dynamic import's modules lazy), so what it instruments
//   loads after it.
// - Packages patched or instrumented at run time stay outside (`runtimePatched`), and are loaded with
//   `require` where the application first needs them (an external `import` would be hoisted to the top
//   of the bundle, before OpenTelemetry): a patch loads the package's own files, which must be the ones
//   the service uses, and the instrumentation sees the require.
// - A package that is not installed (an optional peer dependency of Nest, the MongoDB driver's
//   compressors) stays an import, failing or being skipped at run time exactly as without a bundle.
// - `import.meta.url`, `__dirname` and `__filename` in a bundled file still name that file, relative
//   to the bundle, so files read beside the code (migrations' checksums, package metadata) are found.
import { build } from 'esbuild';
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';

/** Loaded from node_modules at run time: mongoose and its driver are instrumented (traces), kafkajs and the driver patched at load. */
const runtimePatched = /^(mongoose|mongodb|bson|kafkajs)(\/|$)/;

const banner = [
  "import { createRequire as __bpCreateRequire } from 'node:module';",
  "import { fileURLToPath as __bpFileURLToPath } from 'node:url';",
  'const require = __bpCreateRequire(import.meta.url);',
  'const __bpUrl = (path) => new URL(path, import.meta.url).href;',
  'const __bpPath = (path) => __bpFileURLToPath(new URL(path, import.meta.url));',
].join('\n');

function relativeUrl(fromDir, file) {
  const path = relative(fromDir, file).split('\\').join('/');
  return path.startsWith('.') ? path : `./${path}`;
}

/**
 * An ES module standing for a runtimePatched package: it requires the package when the application is
 * evaluated and exports what Node would let an `import` of that CommonJS package see (the package
 * as default, its properties by name; read here, at build time).
 */
function requiredAtRunTime(root, specifier) {
  const exports = createRequire(join(root, 'package.json'))(specifier);
  const names = Object.keys(exports).filter((name) => name !== 'default' && /^[A-Za-z_$][\w$]*$/.test(name));
  return [
    `const required = require(${JSON.stringify(specifier)});`,
    'export default required;',
    ...names.map((name) => `export const ${name} = required.${name};`),
  ].join('\n');
}

/** Packages resolved as usual; those runtimePatched are required at run time; those not installed stay imports. */
function externals(root) {
  return {
    name: 'externals',
    setup(esbuild) {
      esbuild.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === 'resolving') return undefined;
        if (runtimePatched.test(args.path)) {
          // A require() stays one (the package itself); an import gets the module above.
          const required = args.kind === 'require-call' || args.namespace === 'runtime-require';
          return required ? { path: args.path, external: true } : { path: args.path, namespace: 'runtime-require' };
        }
        const resolved = await esbuild.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'resolving' });
        return resolved.errors.length > 0 ? { path: args.path, external: true } : resolved;
      });
      esbuild.onLoad({ filter: /.*/, namespace: 'runtime-require' }, (args) => ({ contents: requiredAtRunTime(root, args.path), loader: 'js' }));
    },
  };
}

/** Rewrites a bundled file's own location (import.meta.url, __dirname, __filename) relative to the bundle. */
function ownLocation(outDir) {
  return {
    name: 'own-location',
    setup(esbuild) {
      esbuild.onLoad({ filter: /\.(c?js|mjs)$/ }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        const usesUrl = source.includes('import.meta.');
        const usesDirname = /\b__(dirname|filename)\b/.test(source) && !/\b(const|let|var)\s+__(dirname|filename)\b/.test(source);
        if (!usesUrl && !usesDirname) return undefined;
        const file = relativeUrl(outDir, args.path);
        const dir = relativeUrl(outDir, dirname(args.path));
        let contents = source
          .replace(/\bimport\.meta\.url\b/g, `__bpUrl(${JSON.stringify(file)})`)
          .replace(/\bimport\.meta\.filename\b/g, `__bpPath(${JSON.stringify(file)})`)
          .replace(/\bimport\.meta\.dirname\b/g, `__bpPath(${JSON.stringify(dir)})`);
        if (usesDirname) contents = `var __filename = __bpPath(${JSON.stringify(file)}), __dirname = __bpPath(${JSON.stringify(dir)});\n${contents}`;
        return { contents, loader: 'js', resolveDir: dirname(args.path) };
      });
    },
  };
}

/**
 * Bundles every service of services.json, each dist/apps/<name>/src/main.js in place (its source map
 * beside it), in one esbuild run so the packages they share are parsed once. Resolves with what it did,
 * for the build's log.
 */
export async function bundleServices(root, distRoot) {
  const { services } = JSON.parse(await readFile(join(root, 'services.json'), 'utf8'));
  const started = Date.now();
  const appsDir = join(distRoot, 'apps');
  // Every bundle sits at the same depth (apps/<name>/src/main.js), so a path relative to one such
  // folder serves them all.
  const bundleDir = join(appsDir, services[0].name, 'src');
  const result = await build({
    entryPoints: Object.fromEntries(services.map(({ name }) => [`${name}/src/main`, join(appsDir, name, 'src', 'main.js')])),
    outdir: appsDir,
    write: false, // esbuild will not overwrite its own input; written below
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    keepNames: true, // classes keep their names where two modules declare the same one
    sourcemap: 'linked',
    sourcesContent: false,
    banner: { js: banner },
    logLevel: 'warning',
    plugins: [externals(root), ownLocation(bundleDir)],
  });
  for (const file of result.outputFiles) await writeFile(file.path, file.contents);
  const megabytes = result.outputFiles.filter((file) => file.path.endsWith('.js')).map((file) => (file.contents.length / 1e6).toFixed(1));
  return `build: ${services.length} services bundled by esbuild into their main.js (${megabytes.join(', ')} MB) in ${Date.now() - started} ms`;
}
