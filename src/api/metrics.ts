import type { IncomingMessage, ServerResponse } from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Node } from '../node/node.js';
import type { PeerStatus } from '../peer/peerSet.js';

const PEER_STATUSES: readonly PeerStatus[] = ['REACHABLE', 'UNREACHABLE', 'REFUSED', 'UNKNOWN'];

/** Request latency buckets in seconds: 0.5 ms to 10 s (a GraphQL query here takes ~1 ms; timeouts are 30 s). */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The standard process_* and nodejs_* metrics (memory, CPU, event-loop lag, GC), under their usual names: one set per
 * process, shared by every server's /metrics. collectDefaultMetrics starts an event-loop delay monitor and a GC
 * observer that nothing can stop, so collecting them per server would leak both on every server start.
 */
let processRegistry: Registry | undefined;
function processMetricsRegistry(): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** Prometheus metrics of one node's server: chain, peers, mempool, mining, and HTTP request latency. */
export interface NodeMetrics {
  /** Serves `GET /metrics` in the Prometheus text format; any other request is not its own. */
  route(req: IncomingMessage, res: ServerResponse): boolean;
  /** Times one request to the GraphQL endpoint, observed when its response finishes. */
  timeRequest(req: IncomingMessage, res: ServerResponse): void;
  /** Stops listening to the node's events. */
  close(): void;
}

/**
 * Builds the metrics of a node. Each server has its own registry (several nodes can live in one process, as in tests).
 * Gauges read the node when scraped, so they cost nothing between scrapes; counters follow node events.
 */
export function createNodeMetrics(node: Node, options: { path?: string } = {}): NodeMetrics {
  const path = options.path ?? '/metrics';
  const registry = new Registry();

  new Gauge({
    name: 'blockchain_height',
    help: 'Blocks in the best chain, genesis included (the tutorial\'s chain length).',
    registers: [registry],
    collect() {
      this.set(node.chain.height);
    },
  });
  new Gauge({
    name: 'blockchain_difficulty_bits',
    help: 'Leading zero bits the next block needs.',
    registers: [registry],
    collect() {
      this.set(node.chain.nextBlockContext().difficulty);
    },
  });
  new Gauge({
    name: 'blockchain_tip_timestamp_seconds',
    help: 'Timestamp of the best chain\'s tip (Unix seconds).',
    registers: [registry],
    collect() {
      this.set(node.chain.tip.block.header.timestamp / 1000);
    },
  });
  new Gauge({
    name: 'blockchain_mempool_transactions',
    help: 'Transfers waiting in the mempool.',
    registers: [registry],
    collect() {
      this.set(node.mempool.size);
    },
  });
  new Gauge({
    name: 'blockchain_peers',
    help: 'Registered peers by status.',
    labelNames: ['status'],
    registers: [registry],
    collect() {
      const counts = new Map<PeerStatus, number>(PEER_STATUSES.map((status) => [status, 0]));
      for (const peer of node.peers.list()) counts.set(peer.status, (counts.get(peer.status) ?? 0) + 1);
      for (const [status, count] of counts) this.set({ status }, count);
    },
  });
  new Gauge({
    name: 'blockchain_mining',
    help: '1 while the node mines continuously, else 0.',
    registers: [registry],
    collect() {
      this.set(node.mining ? 1 : 0);
    },
  });
  new Gauge({
    name: 'blockchain_hashrate',
    help: 'Proofs tried per second by this node\'s miner, all threads together.',
    registers: [registry],
    collect() {
      this.set(node.hashrate);
    },
  });

  const blocksConnected = new Counter({
    name: 'blockchain_blocks_connected_total',
    help: 'Blocks that joined the best chain since start (mined here, submitted or synced).',
    registers: [registry],
  });
  const reorganizations = new Counter({
    name: 'blockchain_reorganizations_total',
    help: 'Switches of the best chain to another branch since start.',
    registers: [registry],
  });
  const transactionsAccepted = new Counter({
    name: 'blockchain_transactions_accepted_total',
    help: 'Transfers accepted into the mempool since start.',
    registers: [registry],
  });
  const unsubscribe = [
    node.events.on('blockConnected', () => blocksConnected.inc()),
    node.events.on('chainReorganized', () => reorganizations.inc()),
    node.events.on('transactionAccepted', () => transactionsAccepted.inc()),
  ];

  const latency = new Histogram({
    name: 'graphql_http_request_duration_seconds',
    help: 'Time from a request to the GraphQL endpoint until its response finished, by method and status code.',
    labelNames: ['method', 'status'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });

  // What a scrape reads: this node's metrics and the process's.
  const scraped = Registry.merge([processMetricsRegistry(), registry]);

  return {
    route(req, res) {
      if (req.url !== path && !req.url?.startsWith(`${path}?`)) return false;
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
        res.end(`${path} answers GET only\n`);
        return true;
      }
      scraped.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': scraped.contentType, 'cache-control': 'no-store' });
          res.end(req.method === 'HEAD' ? undefined : text);
        },
        (error: Error) => {
          res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
          res.end(`metrics failed: ${error.message}\n`);
        },
      );
      return true;
    },
    timeRequest(req, res) {
      const started = process.hrtime.bigint();
      res.once('finish', () => {
        latency.observe({ method: req.method ?? 'UNKNOWN', status: String(res.statusCode) }, Number(process.hrtime.bigint() - started) / 1e9);
      });
    },
    close() {
      for (const stop of unsubscribe) stop();
    },
  };
}
