/**
 * `npm run bench:network`: how fast and how cheaply nodes agree. Prints three tables; ratios are against baselines
 * measured in the same run.
 *  1. Sync of a 10,000-block chain (a signed transfer in every block) from one peer over loopback: our resolve
 *     (locator + compact pages), with its signatures checked on worker threads ahead of validation and without
 *     (every signature on the event loop), vs the tutorial's approach (download the whole chain as JSON, 100 blocks a
 *     page, then validate). The three run in turn, BENCH_SYNC_ROUNDS times (order rotated) after one untimed round;
 *     medians are reported.
 *     The peer is a process of its own (bench/networkChild.ts), as a real peer is another machine, and all three
 *     sync from that same process: serving pages costs none of them event-loop time (until 2026-12-04 it ran in
 *     this process, where serving took ~18 % of our sync's event loop and shared the baseline's as well). Each sync
 *     runs in a fresh process of its own too (bench/networkFollower.ts, set up and warmed by an untimed sync of the
 *     100-block chain before the clock starts): in one process, each sync left its heap to the ones after it. Each
 *     method's time, longest event-loop stall (monitorEventLoopDelay over the whole sync) and CPU time (every thread
 *     of its process: on a busy machine the CPU a method needs says more than its time) are the syncing side's.
 *  2. Bytes moved by a resolve that finds the peer in sync (it synced once before), at 100 and 10,000 blocks, vs
 *     downloading the chain.
 *  3. N real node processes on loopback all mining: time from the moment the last miner stopped to all tips equal.
 * Environment: BENCH_SYNC_BLOCKS (10000), BENCH_SYNC_ROUNDS (3), BENCH_SIGNATURE_THREADS (every core), BENCH_NODES
 * ("10,20"), BENCH_MINE_SECONDS (6), BENCH_DIFFICULTY (16).
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { GraphQLClient } from 'graphql-request';
import { networkParams } from '../src/node/config.js';
import { SignaturePool } from '../src/node/signaturePool.js';
import { MAX_CHUNK_TRANSACTIONS } from '../src/peer/syncFromPeer.js';
import { type NodeProcess, startNodeProcess } from '../test/helpers/nodeProcess.js';
import type { ChildReady } from './networkChild.js';
import {
  countingFetch,
  createFollower,
  downloadWholeChain,
  type FollowerMethod,
  type FollowerResult,
} from './networkFollower.js';
import { percentile, printTable } from './table.js';

const CHILD = fileURLToPath(new URL('./networkChild.ts', import.meta.url));
const FOLLOWER = fileURLToPath(new URL('./networkFollower.ts', import.meta.url));

const SYNC_BLOCKS = Number(process.env.BENCH_SYNC_BLOCKS ?? 10_000);
const SYNC_ROUNDS = Math.max(1, Number(process.env.BENCH_SYNC_ROUNDS ?? 3));
const SIGNATURE_THREADS =
  process.env.BENCH_SIGNATURE_THREADS === undefined ? undefined : Number(process.env.BENCH_SIGNATURE_THREADS);
const NODE_COUNTS = (process.env.BENCH_NODES ?? '10,20')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const MINE_SECONDS = Number(process.env.BENCH_MINE_SECONDS ?? 6);
const MINING_DIFFICULTY = Number(process.env.BENCH_DIFFICULTY ?? 16);
const SYNC_DIFFICULTY = 8;

/** One timed sync by `method` in a fresh process (bench/networkFollower.ts). */
async function followInFreshProcess(method: FollowerMethod, url: string, warmUrl: string): Promise<FollowerResult> {
  const args = [
    method,
    url,
    warmUrl,
    String(SYNC_DIFFICULTY),
    ...(SIGNATURE_THREADS === undefined ? [] : [String(SIGNATURE_THREADS)]),
  ];
  const child = fork(FOLLOWER, args);
  return new Promise<FollowerResult>((resolve, reject) => {
    child.once('message', (message) => resolve(message as FollowerResult));
    child.once('exit', (code) => reject(new Error(`the ${method} follower exited with ${code} before reporting`)));
  });
}

/** Forks the serving peer (bench/networkChild.ts) and waits until it serves both chains. */
async function startServingPeer(): Promise<ChildReady & { pid: number; stop: () => void }> {
  const child = fork(CHILD, [String(SYNC_BLOCKS), String(SYNC_DIFFICULTY)]);
  const ready = await new Promise<ChildReady>((resolve, reject) => {
    child.once('message', (message) => resolve(message as ChildReady));
    child.once('exit', (code) => reject(new Error(`the serving peer exited with ${code} before serving`)));
  });
  return { ...ready, pid: child.pid!, stop: () => child.disconnect() };
}

async function syncBenchmark(): Promise<void> {
  const params = networkParams(SYNC_DIFFICULTY);
  const peer = await startServingPeer();
  const { bigUrl, smallUrl } = peer;
  console.log(
    `the serving peer (process ${peer.pid}) built ${SYNC_BLOCKS} + 100 blocks at difficulty ${SYNC_DIFFICULTY} in ` +
      `${Math.round(peer.buildMs)} ms`,
  );

  // Only to name the parallel method's threads: each follower process starts a pool of its own.
  const threads = new SignaturePool(SIGNATURE_THREADS === undefined ? {} : { threads: SIGNATURE_THREADS }).threads;
  const methods: Array<{ name: string; method: FollowerMethod }> = [
    { name: 'tutorial: whole chain as JSON, 100/page, then validate (baseline)', method: 'baseline' },
    {
      name: `ours, signatures on the event loop: locator + compact pages (≤1000 blocks), chunks of ≤${MAX_CHUNK_TRANSACTIONS} transactions`,
      method: 'sequential',
    },
    {
      name: `ours, signatures on ${threads} worker thread${threads === 1 ? '' : 's'} ahead of validation (pipelined)`,
      method: 'parallel',
    },
  ];
  const runs = methods.map(() => [] as FollowerResult[]);
  // One untimed round first: the serving peer's own code warms up on the first pages it encodes (every method's
  // first round was 0.6-2 s slower than its others).
  for (const { method } of methods) await followInFreshProcess(method, bigUrl, smallUrl);
  for (let round = 0; round < SYNC_ROUNDS; round++) {
    // Rotate the order, so that no method always runs first (or always right after the same one).
    for (let k = 0; k < methods.length; k++) {
      const m = (round + k) % methods.length;
      runs[m]!.push(await followInFreshProcess(methods[m]!.method, bigUrl, smallUrl));
    }
  }
  const median = (values: number[]) =>
    percentile(
      [...values].sort((a, b) => a - b),
      50,
    );
  const baselineMs = median(runs[0]!.map((run) => run.ms));
  printTable(
    `Sync of a ${SYNC_BLOCKS.toLocaleString('en-US')}-block chain with a signed transfer per block from one peer (loopback), ` +
      `median of ${SYNC_ROUNDS} rounds`,
    [
      'method',
      'seconds',
      'seconds, each round',
      'blocks/s',
      'bytes',
      'time ratio to baseline',
      'times faster than baseline',
      'longest event-loop stall ms (any round)',
      'CPU seconds, all threads (median)',
    ],
    methods.map((method, m) => {
      const ms = median(runs[m]!.map((run) => run.ms));
      const { blocks, bytes } = runs[m]![0]!;
      return [
        method.name,
        ms / 1000,
        runs[m]!.map((run) => (run.ms / 1000).toFixed(2)).join(' '),
        (blocks / ms) * 1000,
        bytes,
        ms / baselineMs,
        baselineMs / ms,
        Math.max(...runs[m]!.map((run) => run.stallMs)),
        median(runs[m]!.map((run) => run.cpuMs)) / 1000,
      ];
    }),
  );

  const counter = countingFetch();
  const baselineCounter = countingFetch();
  const rows: Array<Array<string | number>> = [];
  for (const [length, url] of [
    [101, smallUrl],
    [SYNC_BLOCKS + 1, bigUrl],
  ] as const) {
    // A node in sync with the peer: it synced once (not counted), then resolves again.
    const inSync = createFollower(params, { fetch: counter.fetch });
    await inSync.registerNodes([url]);
    await inSync.resolve();
    counter.reset();
    const result = await inSync.resolve();
    inSync.close();
    const resolveBytes = counter.bytes();
    baselineCounter.reset();
    await downloadWholeChain(url, params, baselineCounter.fetch);
    rows.push([
      length,
      result.outcomes[0]!.outcome,
      resolveBytes,
      baselineCounter.bytes(),
      resolveBytes / baselineCounter.bytes(),
    ]);
  }
  printTable(
    'Bytes moved (request + response bodies) by resolve when already in sync',
    ['chain length', 'outcome', 'ours', 'tutorial: whole chain (baseline)', 'ratio'],
    rows,
  );
  peer.stop();
}

async function convergenceBenchmark(count: number): Promise<Array<string | number>> {
  const flags = ['--difficulty', String(MINING_DIFFICULTY), '--sync-interval', '2000'];
  const nodes: NodeProcess[] = [];
  try {
    // Start in small batches: a cold start compiles TypeScript, and 20 at once starve two cores.
    nodes.push(await startNodeProcess(flags, 60_000));
    while (nodes.length < count) {
      const batch = Math.min(4, count - nodes.length);
      nodes.push(
        ...(await Promise.all(
          Array.from({ length: batch }, () => startNodeProcess([...flags, '--peers', nodes[0]!.url], 60_000)),
        )),
      );
    }
    const clients = nodes.map((node) => new GraphQLClient(node.url));
    // Complete the mesh: every node registers every other one.
    await Promise.all(
      clients.map((client, i) =>
        client.request('mutation($urls: [String!]!) { registerNodes(urls: $urls) { __typename } }', {
          urls: nodes.filter((_, j) => j !== i).map((n) => n.url),
        }),
      ),
    );
    await Promise.all(clients.map((client) => client.request('mutation { startMining { continuous } }')));
    await new Promise((resolve) => setTimeout(resolve, MINE_SECONDS * 1000));
    await Promise.all(clients.map((client) => client.request('mutation { stopMining { continuous } }')));
    // Poll every node's tip; the last block is the final common tip. Its spread time is from the first poll where
    // any node had it to the first poll where all nodes had it (resolution: one poll round, ~20 ms plus the queries).
    const snapshots: Array<{ at: number; tips: string[]; idle: boolean }> = [];
    const deadline = performance.now() + 30_000;
    let final: { hash: string; height: number } | undefined;
    while (performance.now() < deadline) {
      const states = await Promise.all(
        clients.map((client) => client.request<any>('{ node { mining height tip { hash } } }')),
      );
      const tips = states.map((state) => state.node.tip.hash as string);
      const idle = states.every((state) => !state.node.mining);
      snapshots.push({ at: performance.now(), tips, idle });
      if (idle && tips.every((tip) => tip === tips[0])) {
        final = { hash: tips[0]!, height: states[0].node.height };
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    if (final === undefined) return [count, '', 'did not converge within 30 s', '', MINE_SECONDS, MINING_DIFFICULTY];
    const firstSeen = snapshots.find((snapshot) => snapshot.tips.includes(final!.hash))!.at;
    const allSeen = snapshots.find((snapshot) => snapshot.tips.every((tip) => tip === final!.hash))!.at;
    const resolution = (snapshots[snapshots.length - 1]!.at - snapshots[0]!.at) / Math.max(1, snapshots.length - 1);
    return [count, final.height, allSeen - firstSeen, resolution, MINE_SECONDS, MINING_DIFFICULTY];
  } finally {
    await Promise.all(nodes.map((node) => node.stop()));
  }
}

await syncBenchmark();
const rows: Array<Array<string | number>> = [];
for (const count of NODE_COUNTS) rows.push(await convergenceBenchmark(count));
printTable(
  'N node processes on loopback all mining, then stopping: time from the last block first seen on one node to all tips equal',
  [
    'nodes',
    'final height',
    'ms from last block to all tips equal',
    'poll round ms (resolution)',
    'mined for s',
    'difficulty',
  ],
  rows,
);
