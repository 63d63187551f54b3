/**
 * `npm run bench:network`: how fast and how cheaply nodes agree. Prints three tables; ratios are against baselines
 * measured in the same run.
 *  1. Sync of a 10,000-block chain (a signed transfer in every block) from one peer over loopback: our resolve
 *     (locator + compact pages), with its signatures checked on worker threads ahead of validation and without
 *     (every signature on the event loop), vs the tutorial's approach (download the whole chain as JSON, 100 blocks a
 *     page, then validate). The three run in turn, BENCH_SYNC_ROUNDS times (order rotated); medians are reported.
 *     The peer is a process of its own (bench/networkChild.ts), as a real peer is another machine, and all three
 *     sync from that same process: serving pages costs none of them event-loop time (until 2026-12-04 it ran in
 *     this process, where serving took ~18 % of our sync's event loop and shared the baseline's as well). Each
 *     method's time and longest event-loop stall (monitorEventLoopDelay over the whole sync) are the syncing side's.
 *  2. Bytes moved by a resolve that finds the peer in sync (it synced once before), at 100 and 10,000 blocks, vs
 *     downloading the chain.
 *  3. N real node processes on loopback all mining: time from the moment the last miner stopped to all tips equal.
 * Environment: BENCH_SYNC_BLOCKS (10000), BENCH_SYNC_ROUNDS (3), BENCH_SIGNATURE_THREADS (every core), BENCH_NODES
 * ("10,20"), BENCH_MINE_SECONDS (6), BENCH_DIFFICULTY (16).
 */
import { fork } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { GraphQLClient } from 'graphql-request';
import { Chain } from '../src/chain/chain.js';
import type { ChainParams } from '../src/chain/params.js';
import { clearSignatureCache } from '../src/chain/transaction.js';
import type { Block } from '../src/chain/types.js';
import { MainThreadMiner } from '../src/mining/mainThreadMiner.js';
import { networkParams } from '../src/node/config.js';
import { Node } from '../src/node/node.js';
import { SignaturePool } from '../src/node/signaturePool.js';
import { PeerClient } from '../src/peer/peerClient.js';
import { MAX_CHUNK_TRANSACTIONS } from '../src/peer/syncFromPeer.js';
import { generateWallet } from '../src/wallet/wallet.js';
import { type NodeProcess, startNodeProcess } from '../test/helpers/nodeProcess.js';
import type { ChildReady } from './networkChild.js';
import { percentile, printTable } from './table.js';

const CHILD = fileURLToPath(new URL('./networkChild.ts', import.meta.url));

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

/** Bytes of request and response bodies that went through `fetch` since the last reset. */
function countingFetch(): { fetch: typeof fetch; bytes: () => number; reset: () => void } {
  let bytes = 0;
  const counted: typeof fetch = async (input, init) => {
    if (typeof init?.body === 'string') bytes += Buffer.byteLength(init.body);
    const response = await fetch(input, init);
    const body = Buffer.from(await response.arrayBuffer());
    bytes += body.byteLength;
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
  return { fetch: counted, bytes: () => bytes, reset: () => (bytes = 0) };
}

function createNode(params: ChainParams, options: { fetch?: typeof fetch; signatures?: SignaturePool } = {}): Node {
  return new Node({
    params,
    // The sequential follower and in-sync checks verify nothing ahead; the parallel follower gets the started pool.
    ...(options.signatures === undefined ? { signatureThreads: 0 } : { signaturePool: options.signatures }),
    wallet: generateWallet(),
    miner: new MainThreadMiner(),
    clock: () => Date.now(),
    connectPeer: (url) =>
      new PeerClient(url, { timeoutMs: 30_000, maxResponseBytes: 64 * 1024 * 1024, fetch: options.fetch }),
    network: { gossip: false, syncIntervalMs: 0 },
  });
}

/** The tutorial's resolve: download every block as JSON (100 a page) and validate the whole chain. */
async function downloadWholeChain(url: string, params: ChainParams, fetchImpl: typeof fetch): Promise<number> {
  const client = new GraphQLClient(url, { fetch: fetchImpl });
  const chain = new Chain({ params, clock: () => Date.now() });
  const blocks: Block[] = [];
  let after = '1';
  for (;;) {
    const page = await client.request<any>(
      `query($after: String!) { chain { blocks(first: 100, after: $after) { pageInfo { hasNextPage endCursor }
        edges { node { index previousHash timestamp merkleRoot difficulty proof transactions { sender recipient amount nonce signature } } } } } }`,
      { after },
    );
    for (const { node } of page.chain.blocks.edges) {
      const { transactions, ...header } = node;
      blocks.push({ header, transactions });
    }
    if (!page.chain.blocks.pageInfo.hasNextPage) break;
    after = page.chain.blocks.pageInfo.endCursor;
  }
  const result = chain.addBlocks(blocks);
  if (result.status !== 'extended') throw new Error(`baseline validation failed: ${result.status}`);
  return blocks.length;
}

/**
 * Runs one sync with a cold signature cache (an earlier round verified every signature in this process) and returns
 * its time and the longest the event loop was held meanwhile: what a query to the syncing node waits at worst.
 */
async function timedSync<T>(sync: () => Promise<T>): Promise<{ result: T; ms: number; stallMs: number }> {
  const stalls = monitorEventLoopDelay({ resolution: 1 });
  clearSignatureCache();
  stalls.enable();
  const started = performance.now();
  const result = await sync();
  const ms = performance.now() - started;
  // The monitor records a stall when its timer finally fires: give it that turn before reading it.
  await new Promise((resolve) => setTimeout(resolve, 5));
  stalls.disable();
  return { result, ms, stallMs: stalls.max / 1e6 };
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

  const counter = countingFetch();
  // The parallel follower is a running node: its signature threads were started with it (Node.start), before the sync.
  const signatures = new SignaturePool(SIGNATURE_THREADS === undefined ? {} : { threads: SIGNATURE_THREADS });
  await signatures.start();
  const syncOurs = async (pool: SignaturePool | undefined) => {
    const follower = createNode(params, { fetch: counter.fetch, ...(pool === undefined ? {} : { signatures: pool }) });
    await follower.registerNodes([bigUrl]);
    counter.reset();
    const run = await timedSync(async () => (await follower.resolve()).outcomes[0]!);
    follower.close();
    if (run.result.outcome !== 'ADOPTED') throw new Error(`sync failed: ${run.result.message}`);
    return { ...run, blocks: run.result.blocksFetched, bytes: counter.bytes() };
  };
  const baselineCounter = countingFetch();
  const syncBaseline = async () => {
    baselineCounter.reset();
    const run = await timedSync(() => downloadWholeChain(bigUrl, params, baselineCounter.fetch));
    return { ...run, blocks: run.result, bytes: baselineCounter.bytes() };
  };
  const methods = [
    { name: 'tutorial: whole chain as JSON, 100/page, then validate (baseline)', run: syncBaseline },
    {
      name: `ours, signatures on the event loop: locator + compact pages (≤1000 blocks), chunks of ≤${MAX_CHUNK_TRANSACTIONS} transactions`,
      run: () => syncOurs(undefined),
    },
    {
      name: `ours, signatures on ${signatures.threads} worker thread${signatures.threads === 1 ? '' : 's'} ahead of validation (pipelined)`,
      run: () => syncOurs(signatures),
    },
  ];
  const runs = methods.map(() => [] as Array<{ ms: number; stallMs: number; blocks: number; bytes: number }>);
  for (let round = 0; round < SYNC_ROUNDS; round++) {
    // Rotate the order, so that no method always runs first (or right after another one's garbage).
    for (let k = 0; k < methods.length; k++) {
      const m = (round + k) % methods.length;
      runs[m]!.push(await methods[m]!.run());
    }
  }
  await signatures.close();
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
      ];
    }),
  );

  const rows: Array<Array<string | number>> = [];
  for (const [length, url] of [
    [101, smallUrl],
    [SYNC_BLOCKS + 1, bigUrl],
  ] as const) {
    // A node in sync with the peer: it synced once (not counted), then resolves again.
    const inSync = createNode(params, { fetch: counter.fetch });
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
