import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestPath } from '../dashboard/staticAsset.js';
import type { Node } from '../node/node.js';

/** The paths of the probes (a public contract: supervisors and load balancers are configured with them). */
export const HEALTH_PATHS = { live: '/healthz', ready: '/readyz' } as const;

const HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  // A probe must see the node's state now, never a cached answer.
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
} as const;

/**
 * The probes a supervisor or load balancer polls, answered before GraphQL and without touching it:
 * - `GET /healthz` (liveness): 200 `{"status":"ok"}` whenever the process serves HTTP. Restart the node when it fails.
 * - `GET /readyz` (readiness): 200 with the height and tip when the node should get traffic; 503 with the reason
 *   while the initial sync runs or once the node is stopping. Take the node out of rotation while it fails.
 * HEAD works too; other methods get 405. Query strings are ignored.
 */
export function createHealthRoute(node: Node): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const path = requestPath(req.url);
    if (path !== HEALTH_PATHS.live && path !== HEALTH_PATHS.ready) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(req, res, 405, { status: 'error', reason: `${path} answers GET and HEAD only` }, { allow: 'GET, HEAD' });
      return true;
    }
    if (path === HEALTH_PATHS.live) {
      send(req, res, 200, { status: 'ok' });
      return true;
    }
    const readiness = node.readiness;
    if (readiness.ready) {
      send(req, res, 200, {
        status: 'ready',
        height: node.chain.height,
        tip: node.chain.tip.hash,
        peers: node.peers.size,
      });
    } else {
      send(req, res, 503, { status: 'unavailable', reason: readiness.reason });
    }
    return true;
  };
}

function send(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: Record<string, unknown>,
  extraHeaders: Record<string, string> = {},
): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, { ...HEADERS, ...extraHeaders, 'content-length': Buffer.byteLength(text) });
  res.end(req.method === 'HEAD' ? undefined : text);
}
