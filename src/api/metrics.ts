import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Node } from '../node/node.js';
import { loadLater } from './loadLater.js';
import type { MetricsSinceStart } from './metricsRegistry.js';

/** Prometheus metrics of one node's server: chain, peers, mempool, mining, and HTTP request latency. */
export interface NodeMetrics {
  /** Serves `GET /metrics` in the Prometheus text format; any other request is not its own. */
  route(req: IncomingMessage, res: ServerResponse): boolean;
  /** Times one request to the GraphQL endpoint, observed when its response finishes. */
  timeRequest(req: IncomingMessage, res: ServerResponse): void;
  /** Counts a request or WebSocket operation refused by the rate limiter. */
  countRateLimited(): void;
  /** Stops listening to the node's events. */
  close(): void;
}

/** Most request latencies kept while prom-client loads (the load starts at the first scrape or after LOAD_AFTER_MS). */
const MAX_BUFFERED_LATENCIES = 200_000;

/** When prom-client is loaded if nobody has scraped yet: after the start, off the path of the first requests. */
export const LOAD_AFTER_MS = 2_000;

/**
 * Builds the metrics of a node. Each server has its own registry (several nodes can live in one process, as in tests).
 * prom-client (with OpenTelemetry's API, which it imports) is not loaded with the node: that cost ~15 ms of every
 * start. Until it is, counters are plain numbers and latencies wait in a bounded buffer; the registry
 * (metricsRegistry.ts) takes both over at the first scrape, or LOAD_AFTER_MS after the start, whichever comes first.
 */
export function createNodeMetrics(node: Node, options: { path?: string } = {}): NodeMetrics {
  const path = options.path ?? '/metrics';
  const sinceStart: MetricsSinceStart = {
    blocksConnected: 0,
    reorganizations: 0,
    transactionsAccepted: 0,
    rateLimited: 0,
    latencies: [],
  };
  // Until prom-client is loaded, events are counted in `sinceStart`; a failed load is retried by the next scrape.
  const registry = loadLater(
    async () => (await import('./metricsRegistry.js')).createMetricsRegistry(node, sinceStart),
    LOAD_AFTER_MS,
  );

  const unsubscribe = [
    node.events.on('blockConnected', () =>
      registry.value === undefined ? sinceStart.blocksConnected++ : registry.value.blockConnected(),
    ),
    node.events.on('chainReorganized', () =>
      registry.value === undefined ? sinceStart.reorganizations++ : registry.value.chainReorganized(),
    ),
    node.events.on('transactionAccepted', () =>
      registry.value === undefined ? sinceStart.transactionsAccepted++ : registry.value.transactionAccepted(),
    ),
  ];

  return {
    route(req, res) {
      if (req.url !== path && !req.url?.startsWith(`${path}?`)) return false;
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
        res.end(`${path} answers GET only\n`);
        return true;
      }
      registry
        .get()
        .then(async (loaded) => {
          const text = await loaded.text();
          res.writeHead(200, { 'content-type': loaded.contentType, 'cache-control': 'no-store' });
          res.end(req.method === 'HEAD' ? undefined : text);
        })
        .catch((error: Error) => {
          if (res.headersSent) return;
          res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
          res.end(`metrics failed: ${error.message}\n`);
        });
      return true;
    },
    timeRequest(req, res) {
      const started = process.hrtime.bigint();
      res.once('finish', () => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const method = req.method ?? 'UNKNOWN';
        const status = String(res.statusCode);
        if (registry.value !== undefined) registry.value.observeLatency(method, status, seconds);
        else if (sinceStart.latencies.length < MAX_BUFFERED_LATENCIES)
          sinceStart.latencies.push([method, status, seconds]);
      });
    },
    countRateLimited() {
      if (registry.value === undefined) sinceStart.rateLimited++;
      else registry.value.rateLimited();
    },
    close() {
      registry.cancel();
      for (const stop of unsubscribe) stop();
    },
  };
}
