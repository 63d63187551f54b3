/**
 * `npm run bench:load`: a real node process that mines non-stop while a second real node syncs from it (gossip and a
 * 1 s resync), under two loads in the same run:
 * - queries only (the baseline): 200 concurrent clients for 20 s;
 * - honest writes, at several concurrencies (the curve): signed `submitTransaction`s that the node accepts. Each
 *   connection sends the transfers of one ring of RING accounts at a time, in order, round after round (account k
 *   pays 1 coin to account k+1 with its next nonce), so the one coin travels round the ring and every transfer is
 *   valid when it arrives. Only TransactionAccepted answers count as accepted; refusals are counted by code.
 * A ring needs one coin and the reward is 1 coin a block, so the rings are funded by blocks the bench mines before the
 * node starts mining: one block per ring, each paying its reward to the ring's first account, 10 s apart from the
 * genesis timestamp on (the target block time, so the difficulty stays at 16 bits, and hundreds of rings cost seconds
 * of mining instead of hours of retargeted blocks). They reach the node as any pushed block does (submitBlock); then
 * the node mines on top of them (startMining), its difficulty climbing again from 14 bits (fast blocks at first, during
 * the queries run). Every transfer is signed before anything is measured, in this process;
 * the node's cores only serve.
 * Prints requests/s, latency (p50/p99), errors (non-2xx, timeouts, socket errors), accepted transfers per second at
 * each concurrency and the node's RSS. `BENCH_CPU_PROF=<dir>` writes the node's CPU profile (node --cpu-prof) there.
 * `BENCH_BASELINE_MAIN=<path of another build's dist/cli/main.js>` runs everything on that build first, then on this
 * one, with the same blocks and transfers, and prints both (a same-run before/after).
 * Environment: BENCH_CONNECTIONS (200), BENCH_SECONDS (20), BENCH_TRANSFER_CONNECTIONS (the curve, "50,200,400"),
 * BENCH_WRITE_SECONDS (per concurrency, 15), BENCH_RING (4), BENCH_MEMPOOL_SIZE (the node's --mempool-size, 200,000).
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import autocannon from 'autocannon';
import { GraphQLClient } from 'graphql-request';
import { blockHash, createHeaderTemplate } from '../src/chain/block.js';
import { createGenesisBlock } from '../src/chain/genesis.js';
import { createRewardTransaction } from '../src/chain/transaction.js';
import type { Block } from '../src/chain/types.js';
import { WorkerMiner } from '../src/mining/workerMiner.js';
import { networkParams } from '../src/node/config.js';
import { PeerClient } from '../src/peer/peerClient.js';
import { generateWallet, signTransfer, type Wallet } from '../src/wallet/wallet.js';
import { BUILT_MAIN } from '../test/helpers/builtEntry.js';
import { startNodeProcess } from '../test/helpers/nodeProcess.js';
import { printTable } from './table.js';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const CURVE = (process.env.BENCH_TRANSFER_CONNECTIONS ?? '50,200,400').split(',').map(Number);
const WRITE_SECONDS = Number(process.env.BENCH_WRITE_SECONDS ?? 15);
const RING = Number(process.env.BENCH_RING ?? 4);
/** Transfers signed in advance per second of writes: more than the node can take, so no ring runs out. */
const SIGNED_PER_SECOND = Number(process.env.BENCH_SIGNED_PER_SECOND ?? 5_000);
const CPU_PROFILE_DIR = process.env.BENCH_CPU_PROF;
const BASELINE_MAIN = process.env.BENCH_BASELINE_MAIN;
/** Rings beyond the largest concurrency (a quarter more, at least 10): a request that times out keeps its ring. */
const spareRings = (largest: number) => Math.max(10, Math.ceil(largest / 4));
/**
 * The node's mempool bound for the run: the node drains its mempool only as fast as it mines, so at the default
 * (10,000) a window of 20 s is capped near 500 accepted a second by MEMPOOL_FULL, whatever the node can take.
 */
const MEMPOOL_SIZE = Number(process.env.BENCH_MEMPOOL_SIZE ?? 200_000);
const DIFFICULTY = 16;
const PARAMS = networkParams(DIFFICULTY);

function rssMegabytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+)/m.exec(status)![1]) / 1024;
}

/** CPU seconds (user + system) a process, or one of its threads, has used (Linux /proc; clock ticks of 10 ms). */
function cpuSeconds(pid: number, tid?: number): number {
  const stat = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const QUERIES = [
  '{ node { height tip { hash } difficulty mining hashrate peerCount pendingTransactionCount } }',
  '{ chain { length totalWork blocks(last: 5) { edges { node { index hash transactionCount } } } } }',
  '{ block(index: 1) { hash timestamp } }',
  '{ pendingTransactions(first: 10) { id amount } }',
  '{ peers { url status height } }',
];

/** What a connection sends when every ring is held by a timed-out request (see runTransfers). */
const NO_RING_BODY = JSON.stringify({ query: '{ node { height } }' });

const SUBMIT =
  'mutation Submit($input: TransactionInput!) { submitTransaction(input: $input) { __typename ... on Error { code } } }';

async function runQueries(url: string): Promise<autocannon.Result> {
  const list = QUERIES.map((query) => JSON.stringify({ query }));
  let next = 0;
  return autocannon({
    url,
    connections: CONNECTIONS,
    duration: SECONDS,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [{ setupRequest: (request) => ({ ...request, body: list[next++ % list.length]! }) }],
  });
}

/** A ring of accounts and its transfers, signed in advance, in the order they are sent. */
interface Ring {
  readonly wallets: readonly Wallet[];
  readonly bodies: readonly string[];
}

/** Signs `count` transfers round a ring of RING new accounts: round r, account k pays account k+1 with nonce r. */
function signRing(count: number): Ring {
  const wallets = Array.from({ length: RING }, () => generateWallet());
  const bodies: string[] = [];
  for (let i = 0; i < count; i++) {
    const k = i % RING;
    const input = signTransfer(wallets[k]!, {
      recipient: wallets[(k + 1) % RING]!.address,
      amount: 1,
      nonce: (i - k) / RING,
    });
    const { id: _id, ...fields } = input;
    bodies.push(JSON.stringify({ query: SUBMIT, variables: { input: fields } }));
  }
  return { wallets, bodies };
}

/**
 * Mines one block per ring on the genesis block, each rewarding the ring's first account, 10 s apart from the genesis
 * timestamp (the target block time: the retarget keeps 16 bits).
 */
async function mineFundingBlocks(rings: readonly Ring[]): Promise<Block[]> {
  const miner = new WorkerMiner({ threads: availableParallelism() });
  try {
    const blocks: Block[] = [];
    let parent = createGenesisBlock(PARAMS);
    for (const ring of rings) {
      const index = parent.header.index + 1;
      const transactions = [createRewardTransaction(index, ring.wallets[0]!.address, PARAMS.reward)];
      const template = createHeaderTemplate({
        index,
        timestamp: parent.header.timestamp + PARAMS.targetBlockTimeMs,
        previousHash: blockHash(parent.header),
        difficulty: DIFFICULTY,
        transactions,
      });
      parent = { header: await miner.mine(template, new AbortController().signal), transactions };
      blocks.push(parent);
    }
    return blocks;
  } finally {
    await miner.close?.();
  }
}

/** What one writes run measured. */
interface WriteRun {
  readonly connections: number;
  readonly result: autocannon.Result;
  readonly accepted: number;
  readonly refusals: ReadonlyMap<string, number>;
  /** CPU seconds of the node's main thread (the event loop) during the run. */
  readonly nodeMainCpu: number;
  /** CPU seconds of the whole follower process (it does not mine) during the run. */
  readonly followerCpu: number;
}

/** The processes a writes run watches: the node (its main thread) and the follower. */
interface Watched {
  readonly node: number;
  readonly follower: number;
}

/** Sends the rings' next transfers from `connections` connections; a ring has at most one transfer in flight. */
async function runTransfers(
  url: string,
  rings: readonly Ring[],
  sent: number[],
  connections: number,
  watched: Watched,
): Promise<WriteRun> {
  let accepted = 0;
  let noRing = 0;
  const refusals = new Map<string, number>();
  // A ring is lent to one request at a time and its transfers go in order, so each arrives after the one before it
  // was answered. Rings are lent oldest-returned first. (autocannon resets a connection's context after each request,
  // so rings are not tied to sockets.)
  const free = rings.map((_, index) => index);
  type Context = { ring?: number };
  const mainBefore = cpuSeconds(watched.node, watched.node);
  const followerBefore = cpuSeconds(watched.follower);
  const result = await autocannon({
    url,
    connections,
    duration: WRITE_SECONDS,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (request, context: Context) => {
          const ring = free.shift();
          context.ring = ring;
          if (ring === undefined) {
            // Every ring is held by a request that timed out (its transfer may yet be accepted, so its ring is never
            // lent again): this connection asks for the height instead, counted apart, until a ring comes back.
            return { ...request, body: NO_RING_BODY };
          }
          const bodies = rings[ring]!.bodies;
          return { ...request, body: bodies[sent[ring]!++ % bodies.length]! };
        },
        onResponse: (_status, body, context: Context) => {
          if (context.ring === undefined) {
            noRing++;
            return;
          }
          free.push(context.ring);
          if (body.includes('"TransactionAccepted"')) {
            accepted++;
            return;
          }
          const code = /"code":"([A-Z_]+)"/.exec(body)?.[1] ?? 'other';
          refusals.set(code, (refusals.get(code) ?? 0) + 1);
        },
      },
    ],
  });
  const nodeMainCpu = cpuSeconds(watched.node, watched.node) - mainBefore;
  const followerCpu = cpuSeconds(watched.follower) - followerBefore;
  if (noRing > 0) refusals.set('(no free ring: height queries instead)', noRing);
  return { connections, result, accepted, refusals, nodeMainCpu, followerCpu };
}

/** Everything measured on one build of the node. */
interface BuildRun {
  readonly name: string;
  readonly queries: autocannon.Result;
  readonly writes: readonly WriteRun[];
  readonly heights: readonly [number, number];
  readonly mempools: readonly [number, number];
  readonly rss: readonly [number, number, number];
}

// The node mines on every core (its mining threads run at nice 19, so serving still wins the CPU). MINER_THREADS
// overrides.
const MINER_THREADS = process.env.MINER_THREADS ?? String(availableParallelism());

async function measure(name: string, main: string, rings: readonly Ring[], funding: readonly Block[]) {
  const node = await startNodeProcess(
    [
      '--difficulty',
      String(DIFFICULTY),
      '--miner-threads',
      MINER_THREADS,
      '--sync-interval',
      '1000',
      '--mempool-size',
      String(MEMPOOL_SIZE),
    ],
    60_000,
    undefined,
    CPU_PROFILE_DIR === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', CPU_PROFILE_DIR],
    main,
  );
  const follower = await startNodeProcess(
    ['--difficulty', String(DIFFICULTY), '--peers', node.url, '--sync-interval', '1000'],
    60_000,
    undefined,
    [],
    main,
  );
  try {
    const client = new GraphQLClient(node.url);
    const peer = new PeerClient(node.url);
    for (const block of funding) {
      const outcome = await peer.submitBlock(block, blockHash(block.header), null);
      if (outcome !== 'EXTENDED') throw new Error(`funding block ${block.header.index}: ${outcome}`);
    }
    await client.request('mutation { startMining { __typename } }');
    const rssStart = rssMegabytes(node.child.pid!);
    const queries = await runQueries(node.url);
    const rssMiddle = rssMegabytes(node.child.pid!);
    const sent = rings.map(() => 0);
    const writes: WriteRun[] = [];
    const watched = { node: node.child.pid!, follower: follower.child.pid! };
    for (const connections of CURVE) writes.push(await runTransfers(node.url, rings, sent, connections, watched));
    const rssEnd = rssMegabytes(node.child.pid!);
    for (const run of writes) {
      if (run.result.non2xx > 0) {
        console.log(`status codes at ${run.connections} connections:`, JSON.stringify(run.result.statusCodeStats));
      }
    }
    const [a, b] = await Promise.all([
      client.request<any>('{ node { height pendingTransactionCount } }'),
      new GraphQLClient(follower.url).request<any>('{ node { height pendingTransactionCount } }'),
    ]);
    return {
      name,
      queries,
      writes,
      heights: [a.node.height, b.node.height],
      mempools: [a.node.pendingTransactionCount, b.node.pendingTransactionCount],
      rss: [rssStart, rssMiddle, rssEnd],
    } satisfies BuildRun;
  } finally {
    await Promise.all([node.stop(), follower.stop()]);
  }
}

const largest = Math.max(...CURVE);
const ringCount = largest + spareRings(largest);
// Every transfer is signed before anything is measured (seconds of Ed25519 signing here); rings are used evenly.
let started = performance.now();
const perRing = Math.ceil((SIGNED_PER_SECOND * WRITE_SECONDS * CURVE.length) / ringCount / RING) * RING;
const rings = Array.from({ length: ringCount }, () => signRing(perRing));
const signingMs = performance.now() - started;
started = performance.now();
const funding = await mineFundingBlocks(rings);
console.log(
  `${(perRing * ringCount).toLocaleString('en-US')} transfers signed in ${Math.round(signingMs)} ms; ` +
    `${funding.length} funding blocks mined in ${Math.round(performance.now() - started)} ms`,
);

const builds: BuildRun[] = [];
if (BASELINE_MAIN !== undefined)
  builds.push(await measure(`baseline (${BASELINE_MAIN})`, BASELINE_MAIN, rings, funding));
builds.push(await measure('this build', BUILT_MAIN, rings, funding));

const row = (name: string, result: autocannon.Result) => [
  name,
  Math.round(result.requests.average),
  result.latency.p50,
  result.latency.p99,
  // autocannon counts timeouts among `errors` too.
  result.errors + result.non2xx,
  `${result.non2xx} non-2xx, ${result.timeouts} timeouts (> 10 s), ${result.errors - result.timeouts} socket`,
  result.requests.total,
];
for (const build of builds) {
  printTable(
    `${build.name}: load for ${SECONDS} s (queries) and ${WRITE_SECONDS} s (each writes row), while the node mines (${MINER_THREADS} worker threads at nice 19) and a peer syncs from it (heights now ${build.heights[0]} / ${build.heights[1]})`,
    ['load', 'requests/s', 'p50 ms', 'p99 ms', 'errors', 'of which', 'requests'],
    [
      row(`queries only, ${CONNECTIONS} connections (baseline)`, build.queries),
      ...build.writes.map((run) => row(`signed submitTransaction, ${run.connections} connections`, run.result)),
    ],
  );
  printTable(
    `${build.name}: honest writes, ${ringCount} rings of ${RING} accounts, every transfer signed in advance (mempool after: node ${build.mempools[0]} / peer ${build.mempools[1]})`,
    [
      'connections',
      'accepted',
      'accepted/s',
      'p50 ms',
      'p99 ms',
      '× queries/s',
      'goal 3,000/s',
      'refused',
      'node event loop busy',
      'node event loop µs / accepted',
      'peer CPU µs / accepted',
    ],
    build.writes.map((run) => {
      const perSecond = run.accepted / run.result.duration;
      const refused = [...run.refusals].map(([code, count]) => `${code} ${count.toLocaleString('en-US')}`).join(', ');
      return [
        run.connections,
        run.accepted,
        Math.round(perSecond),
        run.result.latency.p50,
        run.result.latency.p99,
        perSecond / build.queries.requests.average,
        perSecond >= 3_000 ? 'met' : 'not met',
        refused === '' ? 'none' : refused,
        `${Math.round((100 * run.nodeMainCpu) / run.result.duration)} %`,
        Math.round((run.nodeMainCpu * 1e6) / Math.max(1, run.accepted)),
        Math.round((run.followerCpu * 1e6) / Math.max(1, run.accepted)),
      ];
    }),
  );
  printTable(
    `${build.name}: RSS of the node under load (MB)`,
    ['moment', 'RSS'],
    [
      ['before', build.rss[0]],
      ['after the queries run', build.rss[1]],
      ['after the writes runs', build.rss[2]],
    ],
  );
}
if (builds.length === 2) {
  const [before, after] = builds as [BuildRun, BuildRun];
  printTable(
    'Accepted transfers a second, this build against the baseline build (same run)',
    [
      'connections',
      'baseline',
      'this build',
      '×',
      'p50 ms (baseline / this)',
      'p99 ms (baseline / this)',
      'event loop µs / accepted (baseline / this)',
    ],
    after.writes.map((run, i) => {
      const base = before.writes[i]!;
      const rate = (w: WriteRun) => w.accepted / w.result.duration;
      return [
        run.connections,
        Math.round(rate(base)),
        Math.round(rate(run)),
        rate(run) / rate(base),
        `${base.result.latency.p50} / ${run.result.latency.p50}`,
        `${base.result.latency.p99} / ${run.result.latency.p99}`,
        `${Math.round((base.nodeMainCpu * 1e6) / Math.max(1, base.accepted))} / ${Math.round((run.nodeMainCpu * 1e6) / Math.max(1, run.accepted))}`,
      ];
    }),
  );
}
