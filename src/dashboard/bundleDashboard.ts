import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/** One file the dashboard serves, ready to send: its bytes, a gzipped copy and an ETag. */
export interface DashboardAsset {
  readonly contentType: string;
  readonly body: Buffer;
  readonly gzipped: Buffer;
  readonly etag: string;
}

/** The bundled browser code and styles. */
export interface DashboardBundle {
  readonly js: DashboardAsset;
  readonly css: DashboardAsset;
  /** How long bundling took. */
  readonly buildMs: number;
}

/** Thrown when esbuild cannot bundle the dashboard (a broken source file, a missing package). */
export class DashboardBundleError extends Error {
  override readonly name = 'DashboardBundleError';
}

const ENTRY = fileURLToPath(new URL('./app/main.ts', import.meta.url));

/**
 * Bundles src/dashboard/app (Preact, uPlot, graphql-ws and the CSS it imports) in memory with esbuild: one minified
 * ES module and one stylesheet. Nothing is written to disk; the caller keeps the result.
 * @throws {DashboardBundleError} when esbuild reports errors.
 */
export async function bundleDashboard(): Promise<DashboardBundle> {
  const started = performance.now();
  let result;
  try {
    result = await build({
      entryPoints: [ENTRY],
      bundle: true,
      write: false,
      // Output names only; with write: false nothing lands here.
      outdir: '/dashboard',
      entryNames: 'dashboard',
      format: 'esm',
      platform: 'browser',
      target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
      minify: true,
      legalComments: 'eof',
      define: { 'process.env.NODE_ENV': '"production"' },
      logLevel: 'silent',
    });
  } catch (error) {
    throw new DashboardBundleError(`bundling the dashboard failed: ${(error as Error).message}`, { cause: error });
  }
  const js = result.outputFiles.find((file) => file.path.endsWith('.js'));
  const css = result.outputFiles.find((file) => file.path.endsWith('.css'));
  if (js === undefined || css === undefined) throw new DashboardBundleError('esbuild produced no dashboard.js or dashboard.css');
  return {
    js: dashboardAsset(Buffer.from(js.contents), 'text/javascript; charset=utf-8'),
    css: dashboardAsset(Buffer.from(css.contents), 'text/css; charset=utf-8'),
    buildMs: performance.now() - started,
  };
}

/** Wraps bytes to serve: a gzipped copy (sent when the client accepts it) and a strong ETag of the content. */
export function dashboardAsset(body: Buffer, contentType: string): DashboardAsset {
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  return { contentType, body, gzipped: gzipSync(body), etag };
}
