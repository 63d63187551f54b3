/**
 * `npm run bench:mining`: how fast the node mines and how responsive it stays. One run, tables with ratios against
 * baselines measured in the same run:
 *  1. one thread: the limit (node:crypto SHA-256 on a large buffer ÷ 64 bytes = compressions/s on one core), the
 *     tutorial's algorithm, src/mining/searchProof.ts and each hashing kernel;
 *  2. the worker-thread miner on one worker and on all workers: tries/s, × limit, × tutorial, scaling;
 *  3. `mine` over HTTP to node processes (dist/) at difficulty 16 and 1: median and p90, against the hashing alone of
 *     the same tries on one thread, the worker miner alone on the same templates and a trivial query to the same node;
 *  4. the first `mine` after start (sent as soon as the node serves, and after its miner.ready), against later mines;
 *  5. where a `mine`'s time goes: an instrumented node in this process (LMDB, worker miner, HTTP), phase by phase;
 *  6. latency of `{ node { height } }` over HTTP, idle and while mining non-stop on every core.
 * Environment: BENCH_SECONDS (round length of table 1, 0.6), BENCH_WORKER_SECONDS (3), BENCH_MINE_PROCESSES (6 node
 * processes at difficulty 16, 9 blocks each; one at difficulty 1 per 3), BENCH_BREAKDOWN_BLOCKS (30).
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
import {
  ensureFreshBuild,
  hashingAlone,
  medianAndP90,
  mineBreakdown,
  minerAlone,
  PHASES,
  type ProcessRun,
  runNodeProcess,
} from './mineLatency.js';
import { percentile, printTable } from './table.js';

const WORKER_SECONDS = Number(process.env.BENCH_WORKER_SECONDS ?? 3);
const PROCESSES = Number(process.env.BENCH_MINE_PROCESSES ?? 6);
const BREAKDOWN_BLOCKS = Number(process.env.BENCH_BREAKDOWN_BLOCKS ?? 30);
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
  // Starts the threads; each compiles its kernel and runs it hot (the wasm tiered up) before it reports ready.
  await miner.warm();
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

// `mine` latency: node processes (dist/) at difficulty 16 (the first mine sent as soon as the node serves on even
// runs, after miner.ready on odd ones) and at difficulty 1, interleaved; then the baselines on the same blocks.
ensureFreshBuild();
const runs16: ProcessRun[] = [];
const runs1: ProcessRun[] = [];
for (let i = 0; i < PROCESSES; i++) {
  runs16.push(await runNodeProcess(16, i % 2 === 1));
  if (i % 3 === 2) runs1.push(await runNodeProcess(1, true));
}
const headers16 = runs16.flatMap((run) => run.headers);
const hashing = medianAndP90(hashingAlone(headers16));
const minerOnly = medianAndP90(await minerAlone(headers16));
const mine16 = medianAndP90(runs16.flatMap((run) => run.mines));
const query16 = medianAndP90(runs16.flatMap((run) => run.queries));
const mine1 = medianAndP90(runs1.flatMap((run) => run.mines));
const query1 = medianAndP90(runs1.flatMap((run) => run.queries));
printTable(
  `mine over HTTP to node processes (dist/, ${CORES} worker threads): ${headers16.length} blocks at difficulty 16 ` +
    `(${runs16.length} processes), ${runs1.flatMap((run) => run.mines).length} at difficulty 1; first mines apart`,
  ['measure', 'median ms', 'p90 ms', 'median × hashing alone'],
  [
    ['d16: hashing alone, the same tries on one thread (baseline)', hashing.median, hashing.p90, 1],
    [
      'd16: worker miner alone, same templates, in-process',
      minerOnly.median,
      minerOnly.p90,
      minerOnly.median / hashing.median,
    ],
    ['d16: { node { height } } over HTTP, same nodes', query16.median, query16.p90, query16.median / hashing.median],
    ['**d16: mine over HTTP**', mine16.median, mine16.p90, mine16.median / hashing.median],
    ['d1: { node { height } } over HTTP, same nodes', query1.median, query1.p90, '–'],
    ['**d1: mine over HTTP**', mine1.median, mine1.p90, '–'],
  ],
);

const firstNow = runs16.filter((run) => !run.first.afterReady).map((run) => run.first.ms);
const firstReady = runs16.filter((run) => run.first.afterReady).map((run) => run.first.ms);
const warmUps = runs16.flatMap((run) => (run.warmUpMs === undefined ? [] : [run.warmUpMs]));
const row = (name: string, samples: readonly number[]) => {
  const { median } = medianAndP90(samples);
  return [name, samples.length, median, Math.max(...samples), median / mine16.median];
};
printTable(
  'First mine after start, difficulty 16 (ms); baseline: the later mines of the same processes',
  ['measure', 'runs', 'median', 'max', 'median × later mines'],
  [
    row(
      'later mines (baseline)',
      runs16.flatMap((run) => run.mines),
    ),
    row('first mine, sent as soon as the node serves', firstNow),
    row('first mine, sent after miner.ready', firstReady),
    row('warm-up (miner.ready ms in the log, from Node.start)', warmUps),
  ],
);

const breakdown16 = await mineBreakdown(16, BREAKDOWN_BLOCKS);
const breakdown1 = await mineBreakdown(1, BREAKDOWN_BLOCKS);
printTable(
  `Where a mine's time goes (ms; ${BREAKDOWN_BLOCKS} mines each; node in this process from src/, LMDB, client over HTTP)`,
  ['phase', 'd16 median', 'd16 p90', 'd1 median', 'd1 p90'],
  PHASES.map((phase, i) => {
    const at16 = medianAndP90(breakdown16[i]!);
    const at1 = medianAndP90(breakdown1[i]!);
    return [phase, at16.median, at16.p90, at1.median, at1.p90];
  }),
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
