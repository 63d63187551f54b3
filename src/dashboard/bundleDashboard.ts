import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions, OutputFile } from 'esbuild';
import { type StaticAsset, staticAsset } from './staticAsset.js';

/** The bundled browser code and styles. */
export interface DashboardBundle {
  readonly js: StaticAsset;
  readonly css: StaticAsset;
  /** How long bundling (or reading the prebuilt bundle) took. */
  readonly buildMs: number;
}

/** Thrown when esbuild cannot bundle the dashboard (a broken source file, a missing package). */
export class DashboardBundleError extends Error {
  override readonly name = 'DashboardBundleError';
}

/**
 * The page's entry in the repository. `../dashboard/` rather than `./`: this module also runs from dist/ (as
 * dist/dashboard/bundleDashboard.js or inside a dist/chunks/ file), one folder below the root as in src/.
 */
const ENTRY = fileURLToPath(new URL('../../src/dashboard/app/main.ts', import.meta.url));

/** The files `npm run build` writes into dist/dashboard/ and the route serves from there. */
export const DASHBOARD_FILES = { js: 'dashboard.js', css: 'dashboard.css' } as const;

/** esbuild's options for the page: one minified ES module and one stylesheet, named after DASHBOARD_FILES. */
function pageBuildOptions(): BuildOptions {
  return {
    entryPoints: [ENTRY],
    bundle: true,
    outdir: '/dashboard',
    entryNames: 'dashboard',
    format: 'esm',
    platform: 'browser',
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    minify: true,
    legalComments: 'eof',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  };
}

/**
 * Bundles src/dashboard/app (Preact, uPlot, graphql-ws and the CSS it imports) in memory with esbuild: one minified
 * ES module and one stylesheet. Nothing is written to disk; the caller keeps the result. The node uses this only
 * when it runs from source; from dist/ it serves what `npm run build` wrote (writeDashboardBundle).
 * @throws {DashboardBundleError} when esbuild reports errors.
 */
export async function bundleDashboard(): Promise<DashboardBundle> {
  const started = performance.now();
  const { js, css } = await runEsbuild();
  return {
    js: staticAsset(Buffer.from(js), 'text/javascript; charset=utf-8'),
    css: staticAsset(Buffer.from(css), 'text/css; charset=utf-8'),
    buildMs: performance.now() - started,
  };
}

/**
 * Bundles the page and writes DASHBOARD_FILES into `outdir` (the build step: dist/dashboard/).
 * @throws {DashboardBundleError} when esbuild reports errors.
 */
export async function writeDashboardBundle(outdir: string): Promise<void> {
  const { js, css } = await runEsbuild();
  mkdirSync(outdir, { recursive: true });
  writeFileSync(join(outdir, DASHBOARD_FILES.js), js);
  writeFileSync(join(outdir, DASHBOARD_FILES.css), css);
}

async function runEsbuild(): Promise<{ js: Uint8Array; css: Uint8Array }> {
  let outputFiles: OutputFile[];
  try {
    // Imported here, not at the top: a node running from dist/ never loads esbuild.
    const { build } = await import('esbuild');
    ({ outputFiles } = await build({ ...pageBuildOptions(), write: false }));
  } catch (error) {
    throw new DashboardBundleError(`bundling the dashboard failed: ${(error as Error).message}`, { cause: error });
  }
  const js = outputFiles.find((file) => file.path.endsWith('.js'));
  const css = outputFiles.find((file) => file.path.endsWith('.css'));
  if (js === undefined || css === undefined)
    throw new DashboardBundleError('esbuild produced no dashboard.js or dashboard.css');
  return { js: js.contents, css: css.contents };
}
