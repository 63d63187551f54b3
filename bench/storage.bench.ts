/**
 * `npm run bench:storage`: the LMDB store at 100,000 blocks. Prints tables; ratios are against baselines measured
 * in the same run.
 *  1. Insert and index: blocks/s into LMDB (validation, indexes, one durable transaction per 1,000-block batch)
 *     vs the in-memory store (baseline).
 *     Also the format 2 → 3 migration: backfilling the block index (every block by height) from the block records.
 *  2. A real node process serving that data directory: latency of `block(index:)`, `account(address:)`, a page of
 *     50 headers and `blockTree` over 50 heights over HTTP (p50/p99) vs the trivial `{ node { height } }` (baseline),
 *     and the process's RSS.
 * Environment: BENCH_BLOCKS (100000), BENCH_QUERIES (1000).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GraphQLClient } from 'graphql-request';
import { createHeaderTemplate } from '../src/chain/block.js';
import { Chain } from '../src/chain/chain.js';
import { backfillBlockIndex } from '../src/chain/db/backfillBlockIndex.js';
import { ChainDb } from '../src/chain/db/chainDb.js';
import { del } from '../src/chain/db/keyValue.js';
import { Keys, prefixEnd, Table } from '../src/chain/db/records.js';
import { createRewardTransaction, signTransaction } from '../src/chain/transaction.js';
import type { Block, Transaction } from '../src/chain/types.js';
import { searchProof } from '../src/mining/searchProof.js';
import { networkParams } from '../src/node/config.js';
import { openDataDirectory } from '../src/storage/dataDirectory.js';
import { generateWallet, type Wallet } from '../src/wallet/wallet.js';
import { startNodeProcess } from '../test/helpers/nodeProcess.js';
import { percentile, printTable } from './table.js';

const BLOCKS = Number(process.env.BENCH_BLOCKS ?? 100_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 1_000);
const DIFFICULTY = 1;
const BATCH = 1_000;
const params = networkParams(DIFFICULTY);

/** 100 miners take turns; every 10th block one of them pays another (so accounts have real histories). */
function generateBlocks(): { blocks: Block[]; wallets: Wallet[] } {
  const wallets = Array.from({ length: 100 }, () => generateWallet());
  const nonces = new Map<string, number>();
  const chain = new Chain({ params, clock: () => Date.now() });
  const blocks: Block[] = [];
  for (let i = 0; i < BLOCKS; i++) {
    const context = chain.nextBlockContext();
    const miner = wallets[i % wallets.length]!;
    const transactions: Transaction[] = [createRewardTransaction(context.index, miner.address, params.reward)];
    if (i >= wallets.length && i % 10 === 0) {
      const payer = wallets[(i + 1) % wallets.length]!;
      const nonce = nonces.get(payer.address) ?? 0;
      nonces.set(payer.address, nonce + 1);
      transactions.push(
        signTransaction({ sender: payer.address, recipient: miner.address, amount: 1, nonce }, payer.privateKey),
      );
    }
    // At the target spacing the retarget keeps the difficulty where it started (1 s apart would raise it every 10 blocks).
    const timestamp = params.genesisTimestamp + (i + 1) * params.targetBlockTimeMs;
    const header = searchProof(
      createHeaderTemplate({ ...context, timestamp, transactions }),
      0,
      Number.MAX_SAFE_INTEGER,
    )!;
    const block = { header, transactions };
    const result = chain.addBlock(block);
    if (result.status !== 'extended') throw new Error(`generation failed at ${i}: ${JSON.stringify(result)}`);
    blocks.push(block);
  }
  return { blocks, wallets };
}

function insert(chain: Chain, blocks: readonly Block[]): number {
  const started = performance.now();
  for (let i = 0; i < blocks.length; i += BATCH) {
    const result = chain.addBlocks(blocks.slice(i, i + BATCH));
    if (result.status !== 'extended') throw new Error(`insert failed at ${i}: ${result.status}`);
  }
  return performance.now() - started;
}

async function latencies(client: GraphQLClient, query: () => [string, Record<string, unknown>]): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < QUERIES; i++) {
    const [document, variables] = query();
    const started = performance.now();
    await client.request(document, variables);
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b);
}

/** The process's resident memory from /proc: total, anonymous (its own heap) and file-backed (mapped database pages). */
function residentMegabytes(pid: number): { total: number; anonymous: number; file: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 'NaN') / 1024;
  return { total: field('VmRSS'), anonymous: field('RssAnon'), file: field('RssFile') };
}

const generationStarted = performance.now();
const { blocks, wallets } = generateBlocks();
console.log(
  `generated ${blocks.length.toLocaleString('en-US')} blocks in ${Math.round(performance.now() - generationStarted)} ms`,
);

const memoryMs = insert(new Chain({ params, clock: () => Date.now() }), blocks);
const dataDir = mkdtempSync(join(tmpdir(), 'bench-storage-'));
try {
  const store = openDataDirectory(dataDir);
  const lmdbMs = insert(new Chain({ params, clock: () => Date.now(), db: new ChainDb(store.kv) }), blocks);
  // What a format-2 directory lacks: drop the block index, then time the migration's backfill.
  const blockAt = Keys.table(Table.blockAt);
  store.kv.batch([...store.kv.range(blockAt, prefixEnd(blockAt))].map(([key]) => del(key)));
  const backfillStarted = performance.now();
  const backfilled = backfillBlockIndex(store.kv);
  const backfillMs = performance.now() - backfillStarted;
  if (backfilled !== BLOCKS + 1) throw new Error(`backfilled ${backfilled} of ${BLOCKS + 1} blocks`);
  await store.close();
  printTable(
    `Insert and index ${BLOCKS.toLocaleString('en-US')} blocks (batches of ${BATCH}, validation included)`,
    ['store', 'seconds', 'blocks/s', 'time ratio to baseline'],
    [
      ['in memory (baseline)', memoryMs / 1000, (BLOCKS / memoryMs) * 1000, 1],
      ['LMDB on disk (one durable transaction per batch)', lmdbMs / 1000, (BLOCKS / lmdbMs) * 1000, lmdbMs / memoryMs],
      [
        'format 2 → 3: backfill of the block index on LMDB (no validation)',
        backfillMs / 1000,
        (BLOCKS / backfillMs) * 1000,
        backfillMs / memoryMs,
      ],
    ],
  );

  const node = await startNodeProcess(['--difficulty', String(DIFFICULTY), '--sync-interval', '0'], 60_000, dataDir);
  try {
    const client = new GraphQLClient(node.url);
    const rssAtStart = residentMegabytes(node.child.pid!);
    const random = (n: number) => Math.floor(Math.random() * n);
    const trivial = await latencies(client, () => ['{ node { height } }', {}]);
    const byIndex = await latencies(client, () => [
      'query($i: Int!) { block(index: $i) { hash transactionCount } }',
      { i: 1 + random(BLOCKS + 1) },
    ]);
    const byAccount = await latencies(client, () => [
      'query($a: String!) { account(address: $a) { balance nonce transactionCount transactions(first: 10) { id blockIndex } } }',
      { a: wallets[random(wallets.length)]!.address },
    ]);
    const headersPage = await latencies(client, () => [
      'query($a: String!) { chain { blocks(first: 50, after: $a) { edges { node { hash previousHash isBest totalWork } } } } }',
      { a: String(random(BLOCKS - 50)) },
    ]);
    const tree = await latencies(client, () => {
      const from = 1 + random(BLOCKS - 50);
      return [
        'query($f: Int!, $t: Int!) { blockTree(fromIndex: $f, toIndex: $t) { hash previousHash isBest totalWork } }',
        { f: from, t: from + 49 },
      ];
    });
    const rss = residentMegabytes(node.child.pid!);
    const row = (name: string, samples: number[]) => [
      name,
      percentile(samples, 50),
      percentile(samples, 99),
      percentile(samples, 99) / percentile(trivial, 99),
    ];
    printTable(
      `Lookups over HTTP on a node serving ${BLOCKS.toLocaleString('en-US')} blocks (${QUERIES} queries each, ms)`,
      ['query', 'p50', 'p99', 'p99 ratio to baseline'],
      [
        row('{ node { height } } (baseline)', trivial),
        row('block(index: random) { hash transactionCount }', byIndex),
        row('account(address: random) { balance nonce transactionCount transactions(first: 10) }', byAccount),
        row('chain { blocks(first: 50, after: random) { hash previousHash isBest totalWork } }', headersPage),
        row('blockTree(50 heights from random) { hash previousHash isBest totalWork }', tree),
      ],
    );
    printTable(
      'Memory of the node process (MB; file-backed = LMDB pages mapped from the page cache, reclaimable)',
      ['moment', 'RSS', 'anonymous (heap)', 'file-backed'],
      [
        ['after start (chain opened)', rssAtStart.total, rssAtStart.anonymous, rssAtStart.file],
        [`after ${QUERIES * 5} queries`, rss.total, rss.anonymous, rss.file],
      ],
    );
  } finally {
    await node.stop();
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
