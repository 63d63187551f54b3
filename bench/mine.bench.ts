/**
 * `npm run bench:mining`: how fast the node mines and how responsive it stays. One run, tables with ratios against
 * baselines measured in the same run:
 *  1. one thread: the limit (node:crypto SHA-256 on a large buffer ÷ 64 bytes = compressions/s on one core), the
 *     tutorial's algorithm, src/mining/searchProof.ts and each hashing kernel;
 *  2. the worker-thread miner on one worker and on all workers: tries/s, × limit, × tutorial, scaling;
 *  3. `mine` at difficulty 16 on a node with the worker miner;
 *  4. latency of `{ node { height } }` over HTTP, idle and while mining non-stop on every core.
 * Environment: BENCH_SECONDS (round length of table 1, 0.6), BENCH_WORKER_SECONDS (3), BENCH_BLOCKS (12).
 */
import { availableParallelism } from 'node:os';
import { GraphQLClient } from 'graphql-request';
import { startServer } from '../src/api/server.js';
import { createHeaderTemplate } from '../src/chain/block.js';
import { createChainParams } from '../src/chain/params.js';
import { createRewardTransaction } from '../src/chain/transaction.js';
import { WorkerMiner } from '../src/mining/workerMiner.js';
import { Node } from '../src/node/node.js';
import { PeerClient } from '../src/peer/peerClient.js';
import { generateWallet } from '../src/wallet/wallet.js';
import { singleThreadRows } from './kernelRates.js';
import { percentile, printTable } from './table.js';

const WORKER_SECONDS = Number(process.env.BENCH_WORKER_SECONDS ?? 3);
const BLOCKS = Number(process.env.BENCH_BLOCKS ?? 12);
const CORES = availableParallelism();

/** Tries per second of a worker miner with `threads` workers, hashing a proof it never finds for WORKER_SECONDS. */
async function workerTriesPerSecond(threads: number): Promise<number> {
  const miner = new WorkerMiner({ threads });
  const template = createHeaderTemplate({
    index: 2,
    timestamp: Date.now(),
    previousHash: 'ab'.repeat(32),
    difficulty: 255,
    transactions: [createRewardTransaction(2, generateWallet().address, 1)],
  });
  // Warm-up job: starts the threads and lets the wasm tier up.
  const warm = new AbortController();
  const warming = miner.mine(template, warm.signal).catch(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, 500));
  warm.abort(new Error('warm-up done'));
  await warming;
  const controller = new AbortController();
  const before = miner.stats().tries;
  const started = performance.now();
  const mining = miner.mine(template, controller.signal).catch(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, WORKER_SECONDS * 1000));
  const tries = miner.stats().tries - before;
  const elapsed = performance.now() - started;
  controller.abort(new Error('measured'));
  await mining;
  await miner.close();
  return (tries / elapsed) * 1000;
}

async function latencies(client: GraphQLClient, count: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await client.request('{ node { height } }');
    samples.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return samples.sort((a, b) => a - b);
}

function createNode(difficulty: number): Node {
  return new Node({
    params: createChainParams({
      networkName: `bench-${difficulty}`,
      initialDifficulty: difficulty,
      retargetInterval: 0,
    }),
    wallet: generateWallet(),
    miner: new WorkerMiner({ threads: CORES }),
    clock: () => Date.now(),
    connectPeer: (url) => new PeerClient(url),
    network: { gossip: false, syncIntervalMs: 0 },
  });
}

const { limit, tutorial, rows } = singleThreadRows();
printTable(
  `Proof search on one thread (Node ${process.version}). Limit: node:crypto SHA-256 of a 16 MiB buffer ÷ 64 bytes`,
  ['algorithm', 'tries/s', '× limit', '× tutorial'],
  [
    ['limit: node:crypto compressions/s (one core)', Math.round(limit), 1, limit / tutorial],
    ...rows.map(([name, rate]) => [name, Math.round(rate), rate / limit, rate / tutorial]),
  ],
);

const one = await workerTriesPerSecond(1);
const all = await workerTriesPerSecond(CORES);
printTable(
  `Worker-thread miner (wasm-simd kernel), ${WORKER_SECONDS} s each`,
  ['workers', 'tries/s', '× limit (one core)', '× tutorial', 'scaling vs 1 worker'],
  [
    ['1', Math.round(one), one / limit, one / tutorial, 1],
    [`${CORES} (all cores)`, Math.round(all), all / limit, all / tutorial, all / one],
  ],
);

const miningNode = createNode(16);
const mineTimes: number[] = [];
for (let i = 0; i < BLOCKS; i++) {
  const started = performance.now();
  await miningNode.mine();
  mineTimes.push(performance.now() - started);
}
miningNode.close();
mineTimes.sort((a, b) => a - b);
printTable(
  `mine at difficulty 16 on ${CORES} worker threads (${BLOCKS} blocks, 65,536 tries expected each)`,
  ['measure', 'ms'],
  [
    ['mean', mineTimes.reduce((sum, t) => sum + t, 0) / mineTimes.length],
    ['median', percentile(mineTimes, 50)],
    ['max', mineTimes[mineTimes.length - 1]!],
  ],
);

// Responsiveness: a node that never finds its block (difficulty 48) mines non-stop on every core.
const busyNode = createNode(48);
const server = await startServer(busyNode, { host: '127.0.0.1', port: 0 });
const client = new GraphQLClient(server.url);
await latencies(client, 50); // warm-up
const idle = await latencies(client, 300);
busyNode.startMining();
await new Promise((resolve) => setTimeout(resolve, 1000));
const busy = await latencies(client, 300);
const hashrate = busyNode.hashrate;
busyNode.close();
await server.close();
printTable(
  `Latency of { node { height } } over HTTP (ms), 300 requests each; while mining: ${Math.round(hashrate).toLocaleString('en-US')} tries/s on ${CORES} workers`,
  ['state', 'p50', 'p99', 'max', 'p99 ratio to idle'],
  [
    ['idle (baseline)', percentile(idle, 50), percentile(idle, 99), idle[idle.length - 1]!, 1],
    [
      'mining non-stop on every core',
      percentile(busy, 50),
      percentile(busy, 99),
      busy[busy.length - 1]!,
      percentile(busy, 99) / percentile(idle, 99),
    ],
  ],
);
