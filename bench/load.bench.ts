/**
 * `npm run bench:load`: 200 concurrent clients mixing queries and transactions for 20 s against a real node process
 * that mines non-stop while a second real node syncs from it (gossip and a 1 s resync). Prints requests/s, latency
 * (p50/p99), errors (non-2xx, timeouts, socket errors; typed GraphQL results such as INSUFFICIENT_BALANCE are answers,
 * not errors), and the node's RSS before and after, with a baseline run of queries only in the same run.
 * Environment: BENCH_CONNECTIONS (200), BENCH_SECONDS (20).
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import autocannon from 'autocannon';
import { GraphQLClient } from 'graphql-request';
import { startNodeProcess } from '../test/helpers/nodeProcess.js';
import { printTable } from './table.js';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);

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

/** Transfers the node wallet has signed and queued so far (its pending nonce). */
async function sentTransfers(client: GraphQLClient): Promise<number> {
  const { node } = await client.request<any>('{ node { address } }');
  return (await client.request<any>(`{ account(address: "${node.address}") { pendingNonce } }`)).account.pendingNonce;
}

function bodies(withTransactions: boolean): string[] {
  const list = QUERIES.map((query) => JSON.stringify({ query }));
  if (withTransactions) {
    // One request in five is a transfer signed by the node wallet (the tutorial's one-step transaction).
    for (let i = 0; i < 2; i++) {
      list.push(
        JSON.stringify({
          query: `mutation { send(recipient: "${'ab'.repeat(31)}${i.toString(16).padStart(2, '0')}", amount: 1) { __typename } }`,
        }),
      );
    }
  }
  return list;
}

async function run(url: string, withTransactions: boolean): Promise<autocannon.Result> {
  const list = bodies(withTransactions);
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

// The node mines on every core (its mining threads run at nice 19, so serving still wins the CPU). MINER_THREADS
// overrides.
const MINER_THREADS = process.env.MINER_THREADS ?? String(availableParallelism());
const node = await startNodeProcess(
  ['--difficulty', '16', '--mine', '--miner-threads', MINER_THREADS, '--sync-interval', '1000'],
  60_000,
);
const follower = await startNodeProcess(['--difficulty', '16', '--peers', node.url, '--sync-interval', '1000'], 60_000);
try {
  // Let the miner earn some coins for the transfers.
  const client = new GraphQLClient(node.url);
  while ((await client.request<any>('{ node { height } }')).node.height < 20)
    await new Promise((resolve) => setTimeout(resolve, 200));
  const rssStart = rssMegabytes(node.child.pid!);
  const baseline = await run(node.url, false);
  const rssMiddle = rssMegabytes(node.child.pid!);
  const sentBefore = await sentTransfers(client);
  const mixed = await run(node.url, true);
  const accepted = (await sentTransfers(client)) - sentBefore;
  const rssEnd = rssMegabytes(node.child.pid!);
  if (mixed.non2xx > 0) console.log('status codes of the mixed run:', JSON.stringify(mixed.statusCodeStats));
  const [a, b] = await Promise.all([
    client.request<any>('{ node { height } }'),
    new GraphQLClient(follower.url).request<any>('{ node { height } }'),
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
    `${CONNECTIONS} concurrent clients for ${SECONDS} s each, while the node mines (${MINER_THREADS} worker threads at nice 19) and a peer syncs from it (heights now ${a.node.height} / ${b.node.height})`,
    ['load', 'requests/s', 'p50 ms', 'p99 ms', 'errors', 'of which', 'requests'],
    [row('queries only (baseline)', baseline), row('queries + transfers (1 in 3.5)', mixed)],
  );
  // The reward is 1 coin a block (the tutorial's), so most transfers are answered INSUFFICIENT_BALANCE: a typed
  // answer that still runs the whole path (sign, verify, mempool checks) except the durable write.
  console.log(
    `transfers in the mixed run: ${accepted} accepted (signed, queued, written to LMDB, relayed), the rest refused as INSUFFICIENT_BALANCE\n`,
  );
  printTable(
    'RSS of the node under load (MB)',
    ['moment', 'RSS'],
    [
      ['before', rssStart],
      ['after the baseline run', rssMiddle],
      ['after the mixed run', rssEnd],
    ],
  );
} finally {
  await Promise.all([node.stop(), follower.stop()]);
}
