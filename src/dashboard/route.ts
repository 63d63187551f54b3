import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { bundleDashboard, DASHBOARD_FILES, type DashboardBundle } from './bundleDashboard.js';
import { dashboardIcon, dashboardPage } from './dashboardPage.js';
import { requestPath, sendStaticAsset, staticAsset } from './staticAsset.js';

/**
 * The shape of `HttpRoute` in src/api/server.ts, spelled out here because the API layer imports the dashboard and
 * never the other way round: answer and return true for the dashboard's own GET/HEAD paths, false for anything else.
 */
export type DashboardRoute = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * The page may only load its own script and styles; it may talk to any node (`?node=`) over HTTP(S) and WebSockets,
 * and nothing may frame it. No inline script or style is needed (preact and uPlot style through the CSSOM).
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self' http: https: ws: wss:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const RETRY_FAILED_BUILD_MS = 30_000;

const COMMON_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  // Revalidate every time (the ETag makes that a 304); a node upgrade then never serves a stale script.
  'cache-control': 'no-cache',
};

/**
 * The page's browser code: from a node built with `npm run build`, the files it wrote into dist/dashboard/ (this
 * module runs one folder below dist/, so `../dashboard/` is that folder); from source, bundled in memory with esbuild.
 * @throws {DashboardBundleError} when bundling from source fails; the file system's error when the built files exist
 * but cannot be read.
 */
export async function loadDashboardBundle(): Promise<DashboardBundle> {
  const started = performance.now();
  const prebuilt = (name: string) => readFile(new URL(`../dashboard/${name}`, import.meta.url));
  let js: Buffer;
  let css: Buffer;
  try {
    [js, css] = await Promise.all([prebuilt(DASHBOARD_FILES.js), prebuilt(DASHBOARD_FILES.css)]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return bundleDashboard();
  }
  return {
    js: staticAsset(js, 'text/javascript; charset=utf-8'),
    css: staticAsset(css, 'text/css; charset=utf-8'),
    buildMs: performance.now() - started,
  };
}

/**
 * Serves the live dashboard at `/` (with `/dashboard.js`, `/dashboard.css` and `/favicon.svg`). The browser code is
 * loaded (loadDashboardBundle) the first time the page is asked for and kept in memory; a failure answers 500 and is
 * retried later. Every other path and method (POST, /graphql) is left to the next handler.
 */
export function createDashboardRoute(
  options: { build?: () => Promise<DashboardBundle>; now?: () => number } = {},
): DashboardRoute {
  const build = options.build ?? loadDashboardBundle;
  const now = options.now ?? Date.now;
  const page = staticAsset(Buffer.from(dashboardPage()), 'text/html; charset=utf-8');
  const icon = staticAsset(Buffer.from(dashboardIcon()), 'image/svg+xml');
  let bundle: Promise<DashboardBundle> | null = null;
  let failedAt = 0;
  const loadBundle = (): Promise<DashboardBundle> => {
    // A failed build is retried at most every RETRY_FAILED_BUILD_MS, so requests cannot set off a build storm.
    if (bundle !== null && failedAt !== 0 && now() - failedAt >= RETRY_FAILED_BUILD_MS) bundle = null;
    if (bundle !== null) return bundle;
    failedAt = 0;
    bundle = build().catch((error: unknown) => {
      failedAt = now();
      // The details (file paths, compiler output) go to the operator's log, never to the client.
      process.stderr.write(`dashboard: the page's bundle failed to build: ${(error as Error).message}\n`);
      throw new Error('the page could not be built; see the node log');
    });
    return bundle;
  };
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const path = requestPath(req.url);
    switch (path) {
      case '/':
        // The script and stylesheet are asked for right after the page: start bundling now.
        loadBundle().catch(() => undefined);
        sendStaticAsset(req, res, page, COMMON_HEADERS);
        return true;
      case '/favicon.svg':
        sendStaticAsset(req, res, icon, COMMON_HEADERS);
        return true;
      case '/dashboard.js':
      case '/dashboard.css':
        loadBundle().then(
          (built) => sendStaticAsset(req, res, path === '/dashboard.js' ? built.js : built.css, COMMON_HEADERS),
          (error: unknown) => sendError(res, (error as Error).message),
        );
        return true;
      default:
        return false;
    }
  };
}

function sendError(res: ServerResponse, message: string): void {
  if (res.headersSent) return;
  const body = `dashboard unavailable: ${message}\n`;
  res.writeHead(500, {
    ...COMMON_HEADERS,
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}
