import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Node } from '../node/node.js';
import type { PeerStatus } from '../peer/peerSet.js';

const PEER_STATUSES: readonly PeerStatus[] = ['REACHABLE', 'UNREACHABLE', 'REFUSED', 'UNKNOWN'];

/** Request latency buckets in seconds: 0.5 ms to 10 s (a GraphQL query here takes ~1 ms; timeouts are 30 s). */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The standard process_* and nodejs_* metrics (memory, CPU, event-loop lag, GC), under their usual names: one set per
 * process, shared by every server's /metrics. collectDefaultMetrics starts an event-loop delay monitor and a GC
 * observer that nothing can stop, so collecting them per server would leak both on every server start. Both start
 * when prom-client is first loaded (the first scrape, or a moment after the node starts), not at process start.
 */
let processRegistry: Registry | undefined;
function processMetricsRegistry(): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** What happened before prom-client was loaded, handed to the registry once it is (createNodeMetrics, metrics.ts). */
export interface MetricsSinceStart {
  blocksConnected: number;
  reorganizations: number;
  transactionsAccepted: number;
  /** Requests and WebSocket operations refused with 429 RATE_LIMITED. */
  rateLimited: number;
  /** Request latencies not yet observed by the registry's histogram: method, status, seconds. */
  readonly latencies: Array<readonly [method: string, status: string, seconds: number]>;
}

/** A node's prom-client registry, fed by createNodeMetrics (metrics.ts). */
export interface MetricsRegistry {
  readonly contentType: string;
  /** Everything a scrape reads (this node's metrics and the process's), in the Prometheus text format. */
  text(): Promise<string>;
  blockConnected(): void;
  chainReorganized(): void;
  transactionAccepted(): void;
  rateLimited(): void;
  observeLatency(method: string, status: string, seconds: number): void;
}

/**
 * Builds the registry of a node, starting from what `sinceStart` counted before prom-client was loaded. Gauges read
 * the node when scraped, so they cost nothing between scrapes; counters follow node events.
 */
export function createMetricsRegistry(node: Node, sinceStart: MetricsSinceStart): MetricsRegistry {
  const registry = new Registry();
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  gauge(
    'blockchain_height',
    "Blocks in the best chain, genesis included (the tutorial's chain length).",
    () => node.chain.height,
  );
  gauge(
    'blockchain_difficulty_bits',
    'Leading zero bits the next block needs.',
    () => node.chain.nextBlockContext().difficulty,
  );
  gauge(
    'blockchain_tip_timestamp_seconds',
    "Timestamp of the best chain's tip (Unix seconds).",
    () => node.chain.tip.block.header.timestamp / 1000,
  );
  gauge('blockchain_mempool_transactions', 'Transfers waiting in the mempool.', () => node.mempool.size);
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
  gauge('blockchain_mining', '1 while the node mines continuously, else 0.', () => (node.mining ? 1 : 0));
  gauge(
    'blockchain_hashrate',
    "Proofs tried per second by this node's miner, all threads together.",
    () => node.hashrate,
  );

  const counter = (name: string, help: string, initial: number) => {
    const metric = new Counter({ name, help, registers: [registry] });
    metric.inc(initial);
    return metric;
  };
  const blocksConnected = counter(
    'blockchain_blocks_connected_total',
    'Blocks that joined the best chain since start (mined here, submitted or synced).',
    sinceStart.blocksConnected,
  );
  const reorganizations = counter(
    'blockchain_reorganizations_total',
    'Switches of the best chain to another branch since start.',
    sinceStart.reorganizations,
  );
  const transactionsAccepted = counter(
    'blockchain_transactions_accepted_total',
    'Transfers accepted into the mempool since start.',
    sinceStart.transactionsAccepted,
  );
  const rateLimited = counter(
    'graphql_rate_limited_total',
    'Requests and WebSocket operations refused since start because their client was over --rate-limit.',
    sinceStart.rateLimited,
  );

  const latency = new Histogram({
    name: 'graphql_http_request_duration_seconds',
    help: 'Time from a request to the GraphQL endpoint until its response finished, by method and status code.',
    labelNames: ['method', 'status'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  for (const [method, status, seconds] of sinceStart.latencies.splice(0)) latency.observe({ method, status }, seconds);

  const scraped = Registry.merge([processMetricsRegistry(), registry]);
  return {
    contentType: scraped.contentType,
    text: () => scraped.metrics(),
    blockConnected: () => blocksConnected.inc(),
    chainReorganized: () => reorganizations.inc(),
    transactionAccepted: () => transactionsAccepted.inc(),
    rateLimited: () => rateLimited.inc(),
    observeLatency: (method, status, seconds) => latency.observe({ method, status }, seconds),
  };
}
