import type { IncomingMessage, ServerResponse } from 'node:http';
import { bundleDashboard, dashboardAsset, type DashboardAsset, type DashboardBundle } from './bundleDashboard.js';
import { dashboardIcon, dashboardPage } from './dashboardPage.js';

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

const COMMON_HEADERS = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  // Revalidate every time (the ETag makes that a 304); a node upgrade then never serves a stale script.
  'cache-control': 'no-cache',
  vary: 'accept-encoding',
} as const;

/**
 * Serves the live dashboard at `/` (with `/dashboard.js`, `/dashboard.css` and `/favicon.svg`). The browser code is
 * bundled with esbuild the first time the page is asked for and kept in memory; a failed bundle answers 500 and is
 * retried on the next request. Every other path and method (POST, /graphql) is left to the next handler.
 */
export function createDashboardRoute(
  options: { build?: () => Promise<DashboardBundle>; now?: () => number } = {},
): DashboardRoute {
  const build = options.build ?? bundleDashboard;
  const now = options.now ?? Date.now;
  const page = dashboardAsset(Buffer.from(dashboardPage()), 'text/html; charset=utf-8');
  const icon = dashboardAsset(Buffer.from(dashboardIcon()), 'image/svg+xml');
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
    const path = pathOf(req.url);
    switch (path) {
      case '/':
        // The script and stylesheet are asked for right after the page: start bundling now.
        loadBundle().catch(() => undefined);
        sendAsset(req, res, page);
        return true;
      case '/favicon.svg':
        sendAsset(req, res, icon);
        return true;
      case '/dashboard.js':
      case '/dashboard.css':
        loadBundle().then(
          (built) => sendAsset(req, res, path === '/dashboard.js' ? built.js : built.css),
          (error: unknown) => sendError(res, (error as Error).message),
        );
        return true;
      default:
        return false;
    }
  };
}

function pathOf(url: string | undefined): string {
  const raw = url ?? '/';
  const end = raw.search(/[?#]/);
  return end === -1 ? raw : raw.slice(0, end);
}

function sendAsset(req: IncomingMessage, res: ServerResponse, asset: DashboardAsset): void {
  const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  // The gzipped bytes differ from the plain ones, so they carry their own strong ETag.
  const etag = gzip ? `${asset.etag.slice(0, -1)}-gz"` : asset.etag;
  if (etagMatches(req.headers['if-none-match'], etag)) {
    res.writeHead(304, { ...COMMON_HEADERS, etag });
    res.end();
    return;
  }
  const body = gzip ? asset.gzipped : asset.body;
  res.writeHead(200, {
    ...COMMON_HEADERS,
    'content-type': asset.contentType,
    'content-length': body.length,
    etag,
    ...(gzip ? { 'content-encoding': 'gzip' } : {}),
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** If-None-Match: `*` or a comma-separated list of ETags, weak ones (`W/"…"`) compared by their opaque part. */
function etagMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || tag === etag || tag === `W/${etag}`;
  });
}

function sendError(res: ServerResponse, message: string): void {
  if (res.headersSent) return;
  const body = `dashboard unavailable: ${message}\n`;
  res.writeHead(500, { ...COMMON_HEADERS, 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
