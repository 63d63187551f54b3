#!/usr/bin/env node
/**
 * `npm run build` (also run by `npm ci` / `npm install` through the "prepare" script): compiles src/ into plain
 * JavaScript in dist/, which `npm start`, the `node-cli` bin, `npm run devnet` and the mining workers run.
 *
 * esbuild bundles the TypeScript and the packages it imports into a few ES modules (code splitting, so a client command
 * never loads the node's modules and the node never loads the client commands'):
 *   dist/cli/main.js                  the command line (start, devnet, the client commands)
 *   dist/mining/minerWorker.js        a mining worker thread
 *   dist/node/signatureWorker.js      a signature-verification worker thread
 *   dist/dashboard/bundleDashboard.js the dashboard bundler, run here once to write:
 *   dist/dashboard/dashboard.{js,css} the dashboard's browser bundle, served as is
 *   dist/chunks/*.js                  code shared by those
 * Every output file sits exactly one folder below dist/, as every module it comes from sits one folder below src/
 * (src/mining/kernel/ is bundled into its importers), so a module's `new URL('../mining/minerWorker.js',
 * import.meta.url)` (or '../node/signatureWorker.js') finds the same file from src/ and from dist/.
 *
 * Packages stay outside the bundle only when they must: lmdb (a native addon loaded from node_modules), esbuild (only
 * the dashboard bundler uses it, here and in development), @graphql-yoga/render-graphiql (9 MB of GraphiQL, loaded
 * the first time someone opens GraphiQL) and the optional native helpers of ws.
 *
 * Plain JavaScript on purpose: it runs before anything is compiled and needs only esbuild (a dependency).
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(ROOT, 'dist');
// Built beside dist/ and swapped in at the end, so a failed build leaves the last good one, and a node or test run
// using dist/ meanwhile never sees it half-written.
const NEXT = join(ROOT, `dist.next-${process.pid}`);
const PREVIOUS = join(ROOT, `dist.previous-${process.pid}`);

/** Packages loaded from node_modules at run time instead of being bundled (see above). */
const EXTERNAL_PACKAGES = ['lmdb', 'esbuild', '@graphql-yoga/render-graphiql', 'bufferutil', 'utf-8-validate'];

const started = performance.now();
rmSync(NEXT, { recursive: true, force: true });
try {
  await buildInto(NEXT);
} catch (error) {
  rmSync(NEXT, { recursive: true, force: true });
  throw error;
}
if (existsSync(DIST)) renameSync(DIST, PREVIOUS);
renameSync(NEXT, DIST);
rmSync(PREVIOUS, { recursive: true, force: true });

const files = listFiles(DIST).filter((file) => !file.endsWith('.map'));
const bytes = files.reduce((sum, file) => sum + statSync(file).size, 0);
process.stdout.write(
  `build: dist/ in ${Math.round(performance.now() - started)} ms (${files.length} files, ${(bytes / 1024 / 1024).toFixed(1)} MB without source maps)\n`,
);

/** Bundles src/ into `outdir` and writes the dashboard's browser bundle into `outdir`/dashboard. */
async function buildInto(outdir) {
  await build({
    absWorkingDir: ROOT,
    entryPoints: [
      'src/cli/main.ts',
      'src/mining/minerWorker.ts',
      'src/node/signatureWorker.ts',
      'src/dashboard/bundleDashboard.ts',
    ],
    outbase: 'src',
    outdir,
    entryNames: '[dir]/[name]',
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.10',
    external: EXTERNAL_PACKAGES,
    // ES module builds first (graphql's index.mjs rather than its CommonJS index.js): they tree-shake, and they skip the
    // CommonJS interop that copies every export at load time (measured ~30 ms of a node's start). Everything that
    // uses graphql is in the bundle, so there is exactly one copy of it (graphql-js refuses types of another copy).
    mainFields: ['module', 'main'],
    // Not minified: minifying measured no faster start (parse time is not the cost), and stack traces stay readable.
    sourcemap: 'linked',
    sourcesContent: false,
    // Bundled CommonJS packages call require(); an ES module has none, so each output file gets one.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    logLevel: 'warning',
    plugins: [graphqlInstanceOfWithoutRealmCheck()],
  });

  const { writeDashboardBundle } = await import(pathToFileURL(join(outdir, 'dashboard/bundleDashboard.js')).href);
  await writeDashboardBundle(join(outdir, 'dashboard'));
}

/**
 * graphql-js's `instanceOf` as in its production mode (NODE_ENV=production), for this bundle only: in development mode
 * every failed instanceof of a schema type (isObjectType, isInputObjectType, …, called throughout validation, input
 * coercion and execution) also reads the value's Symbol.toStringTag to warn about a second copy of graphql from another
 * realm; it was ~2 % of the event loop under bench:load's writes. The other production switches of graphql-js, and
 * every other package's NODE_ENV, are left as they are.
 */
function graphqlInstanceOfWithoutRealmCheck() {
  return {
    name: 'graphql-instanceof-without-realm-check',
    setup(build) {
      build.onLoad({ filter: /[\\/]node_modules[\\/]graphql[\\/]jsutils[\\/]instanceOf\.m?js$/ }, (args) => {
        const source = readFileSync(args.path, 'utf8');
        const production = source.replace(/const isProduction =[^;]+;|var isProduction =[^;]+;/, (declaration) =>
          declaration.replace(/=[^;]+;/, '= true;'),
        );
        if (production === source) throw new Error(`${args.path}: no isProduction declaration to set`);
        return { contents: production, loader: 'js' };
      });
    },
  };
}

function listFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}
