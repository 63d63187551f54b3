/**
 * `npm run bench:load`: a real node process that mines non-stop while a second real node syncs from it (gossip and a
 * 1 s resync), under two loads in the same run:
 * - queries only (the baseline): 200 concurrent clients for 20 s;
 * - honest writes: signed `submitTransaction`s that the node accepts. Before the measured window the node's mined
 *   rewards fund one account in each ring of RING accounts (one ring per connection), and every transfer is signed
 *   in advance (src/wallet signTransfer): each connection sends its ring's transfers in order, round after round
 *   (account k pays 1 coin to account k+1 with its next nonce), so the one coin travels round the ring and every
 *   transfer is valid when it arrives. Only TransactionAccepted answers count as accepted; refusals are counted by
 *   code.
 * Prints requests/s, latency (p50/p99), errors (non-2xx, timeouts, socket errors), accepted transfers per second and
 * the node's RSS before and after. `BENCH_CPU_PROF=<dir>` writes the node's CPU profile (node --cpu-prof) there.
 * Environment: BENCH_CONNECTIONS (200), BENCH_SECONDS (20), BENCH_TRANSFER_CONNECTIONS (50), BENCH_RING (4),
 * BENCH_MEMPOOL_SIZE (the node's --mempool-size, 200,000).
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import autocannon from 'autocannon';
import { GraphQLClient } from 'graphql-request';
import { generateWallet, signTransfer, type Wallet } from '../src/wallet/wallet.js';
import { startNodeProcess } from '../test/helpers/nodeProcess.js';
import { printTable } from './table.js';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const TRANSFER_CONNECTIONS = Number(process.env.BENCH_TRANSFER_CONNECTIONS ?? 50);
const RING = Number(process.env.BENCH_RING ?? 4);
/** Transfers signed in advance per second of the window: more than the node can take, so no connection runs out. */
const SIGNED_PER_SECOND = Number(process.env.BENCH_SIGNED_PER_SECOND ?? 6_000);
const CPU_PROFILE_DIR = process.env.BENCH_CPU_PROF;
const SPARE_RINGS = 10;
/**
 * The node's mempool bound for the run: the node drains its mempool only as fast as it mines, so at the default
 * (10,000) a window of 20 s is capped near 500 accepted a second by MEMPOOL_FULL, whatever the node can take.
 */
const MEMPOOL_SIZE = Number(process.env.BENCH_MEMPOOL_SIZE ?? 200_000);

function rssMegabytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+)/m.exec(status)![1]) / 1024;
}

const QUERIES = [
  '{ node { height tip { hash } difficulty mining hashrate peerCount pendingTransactionCount } }',
  '{ chain { length totalWork blocks(last: 5) { edges { node { index hash transactionCount } } } } }',
  '{ block(index: 1) { hash timestamp } }',
  '{ pendingTransactions(first: 10) { id amount } }',
  '{ peers { url status height } }',
];

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

/** A ring of accounts and its transfers, signed in advance, in the order one connection sends them. */
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

/** What the honest-writes run measured. */
interface WriteRun {
  readonly result: autocannon.Result;
  readonly accepted: number;
  readonly refusals: ReadonlyMap<string, number>;
}

async function runTransfers(url: string, rings: readonly Ring[], connections: number): Promise<WriteRun> {
  let accepted = 0;
  const refusals = new Map<string, number>();
  // A ring is lent to one request at a time and its transfers go in order, so each arrives after the one before it
  // was answered. (autocannon resets a connection's context after each request, so rings are not tied to sockets.)
  const free = rings.map((_, index) => index);
  const sent = rings.map(() => 0);
  type Context = { ring?: number };
  const result = await autocannon({
    url,
    connections,
    duration: SECONDS,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (request, context: Context) => {
          const ring = free.shift();
          if (ring === undefined) throw new Error('every ring is in flight: a request was never answered');
          context.ring = ring;
          const bodies = rings[ring]!.bodies;
          return { ...request, body: bodies[sent[ring]!++ % bodies.length]! };
        },
        onResponse: (_status, body, context: Context) => {
          if (context.ring !== undefined) free.push(context.ring);
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
  return { result, accepted, refusals };
}

// The node mines on every core (its mining threads run at nice 19, so serving still wins the CPU). MINER_THREADS
// overrides.
const MINER_THREADS = process.env.MINER_THREADS ?? String(availableParallelism());
const node = await startNodeProcess(
  [
    '--difficulty',
    '16',
    '--mine',
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
);
const follower = await startNodeProcess(['--difficulty', '16', '--peers', node.url, '--sync-interval', '1000'], 60_000);
try {
  const client = new GraphQLClient(node.url);
  // Sign every transfer before anything is measured (a few seconds of Ed25519 signing here).
  const perRing = Math.ceil((SIGNED_PER_SECOND * SECONDS) / TRANSFER_CONNECTIONS / RING) * RING;
  // A few rings more than connections: a request that times out keeps its ring.
  const rings = Array.from({ length: TRANSFER_CONNECTIONS + SPARE_RINGS }, () => signRing(perRing));
  // Let the miner earn one coin per ring (the reward is 1 coin a block, the tutorial's), then fund each ring's first
  // account from the node wallet.
  const { node: info } = await client.request<any>('{ node { address } }');
  const balance = async () =>
    (await client.request<any>(`{ account(address: "${info.address}") { pendingBalance } }`)).account.pendingBalance;
  while ((await balance()) < rings.length) await new Promise((resolve) => setTimeout(resolve, 200));
  for (const ring of rings) {
    const funded = await client.request<any>(
      `mutation { send(recipient: "${ring.wallets[0]!.address}", amount: 1) { __typename ... on Error { code message } } }`,
    );
    if (funded.send.__typename !== 'TransactionAccepted') throw new Error(`funding failed: ${JSON.stringify(funded)}`);
  }
  const rssStart = rssMegabytes(node.child.pid!);
  const baseline = await runQueries(node.url);
  const rssMiddle = rssMegabytes(node.child.pid!);
  const writes = await runTransfers(node.url, rings, TRANSFER_CONNECTIONS);
  const rssEnd = rssMegabytes(node.child.pid!);
  if (writes.result.non2xx > 0)
    console.log('status codes of the writes run:', JSON.stringify(writes.result.statusCodeStats));
  const [a, b] = await Promise.all([
    client.request<any>('{ node { height pendingTransactionCount } }'),
    new GraphQLClient(follower.url).request<any>('{ node { height pendingTransactionCount } }'),
  ]);
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
  printTable(
    `Load for ${SECONDS} s each, while the node mines (${MINER_THREADS} worker threads at nice 19) and a peer syncs from it (heights now ${a.node.height} / ${b.node.height})`,
    ['load', 'requests/s', 'p50 ms', 'p99 ms', 'errors', 'of which', 'requests'],
    [
      row(`queries only, ${CONNECTIONS} connections (baseline)`, baseline),
      row(`signed submitTransaction, ${TRANSFER_CONNECTIONS} connections`, writes.result),
    ],
  );
  const seconds = writes.result.duration;
  const refused = [...writes.refusals].map(([code, count]) => `${code} ${count.toLocaleString('en-US')}`).join(', ');
  printTable(
    `Honest writes: ${TRANSFER_CONNECTIONS} rings of ${RING} accounts, every transfer signed in advance`,
    ['accepted', 'accepted/s', 'goal', 'refused', 'mempool after (node / peer)'],
    [
      [
        writes.accepted,
        Math.round(writes.accepted / seconds),
        `3,000/s: ${writes.accepted / seconds >= 3_000 ? 'met' : 'not met'}`,
        refused === '' ? 'none' : refused,
        `${a.node.pendingTransactionCount} / ${b.node.pendingTransactionCount}`,
      ],
    ],
  );
  printTable(
    'RSS of the node under load (MB)',
    ['moment', 'RSS'],
    [
      ['before', rssStart],
      ['after the queries run', rssMiddle],
      ['after the writes run', rssEnd],
    ],
  );
} finally {
  await Promise.all([node.stop(), follower.stop()]);
}
