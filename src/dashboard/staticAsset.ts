import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { gzip, gzipSync } from 'node:zlib';

/** One file a page serves, ready to send: its bytes, a gzipped copy and a strong ETag. */
export interface StaticAsset {
  readonly contentType: string;
  readonly body: Buffer;
  readonly gzipped: Buffer;
  readonly etag: string;
}

/** Wraps bytes to serve: a gzipped copy (sent when the client accepts it) and a strong ETag of the content. */
export function staticAsset(body: Buffer, contentType: string): StaticAsset {
  return { contentType, body, gzipped: gzipSync(body), etag: etagOf(body) };
}

const gzipAsync = promisify(gzip);

/** staticAsset for large bodies: gzips in libuv's thread pool rather than on the event loop. */
export async function staticAssetOffLoop(body: Buffer, contentType: string): Promise<StaticAsset> {
  return { contentType, body, gzipped: await gzipAsync(body), etag: etagOf(body) };
}

function etagOf(body: Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

/**
 * Answers a GET or HEAD with an asset: gzipped when the client accepts it, 304 when its If-None-Match names the
 * ETag. `headers` (security headers, cache policy) go on every answer, 304s included.
 */
export function sendStaticAsset(
  req: IncomingMessage,
  res: ServerResponse,
  asset: StaticAsset,
  headers: Readonly<Record<string, string>>,
): void {
  const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  // The gzipped bytes differ from the plain ones, so they carry their own strong ETag.
  const etag = gzip ? `${asset.etag.slice(0, -1)}-gz"` : asset.etag;
  if (etagMatches(req.headers['if-none-match'], etag)) {
    res.writeHead(304, { ...headers, vary: 'accept-encoding', etag });
    res.end();
    return;
  }
  const body = gzip ? asset.gzipped : asset.body;
  res.writeHead(200, {
    ...headers,
    vary: 'accept-encoding',
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

/** The path of a request URL, without its query or fragment. */
export function requestPath(url: string | undefined): string {
  const raw = url ?? '/';
  const end = raw.search(/[?#]/);
  return end === -1 ? raw : raw.slice(0, end);
}
