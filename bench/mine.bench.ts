/**
 * `npm run bench`: how fast the node finds proofs and how responsive it stays while it does.
 * Prints two tables; every ratio is against a baseline measured in the same run.
 *  1. proof search: the tutorial's algorithm (sha256 of f"{last_proof}{proof}" as a hex string, compare "0000")
 *     re-implemented in TypeScript (baseline) vs our header search (midstate copy per try);
 *  2. `mine` at difficulty 16 on a real node, and the latency of `{ node { height } }` over HTTP, idle vs while mining.
 */
import { createHash } from 'node:crypto';
import { GraphQLClient } from 'graphql-request';
import { startServer } from '../src/api/server.js';
import { createHeaderTemplate } from '../src/chain/block.js';
import { createChainParams } from '../src/chain/params.js';
import { searchProof } from '../src/chain/searchProof.js';
import { createRewardTransaction } from '../src/chain/transaction.js';
import { MainThreadMiner } from '../src/mining/mainThreadMiner.js';
import { Node } from '../src/node/node.js';
import { PeerClient } from '../src/peer/peerClient.js';
import { generateWallet } from '../src/wallet/wallet.js';
import { percentile, printTable } from './table.js';

const TRIES = Number(process.env.BENCH_TRIES ?? 400_000);
const BLOCKS = Number(process.env.BENCH_BLOCKS ?? 12);

function tutorialTriesPerSecond(tries: number): number {
  const lastProof = 35_293;
  const started = performance.now();
  let found = 0;
  for (let proof = 0; proof < tries; proof++) {
    const guess = createHash('sha256').update(`${lastProof}${proof}`).digest('hex');
    if (guess.slice(0, 4) === '0000') found++;
  }
  void found;
  return tries / ((performance.now() - started) / 1000);
}

function headerSearchTriesPerSecond(tries: number): number {
  const wallet = generateWallet();
  const template = createHeaderTemplate({
    index: 2,
    timestamp: Date.now(),
    previousHash: 'ab'.repeat(32),
    difficulty: 255, // unreachable: every try is counted
    transactions: [createRewardTransaction(2, wallet.address, 1)],
  });
  const started = performance.now();
  searchProof(template, 0, tries);
  return tries / ((performance.now() - started) / 1000);
}

async function latencies(client: GraphQLClient, count: number, gapMs: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await client.request('{ node { height } }');
    samples.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, gapMs));
  }
  return samples.sort((a, b) => a - b);
}

async function main(): Promise<void> {
  tutorialTriesPerSecond(20_000); // warm-up
  headerSearchTriesPerSecond(20_000);
  const tutorial = tutorialTriesPerSecond(TRIES);
  const ours = headerSearchTriesPerSecond(TRIES);
  printTable('Proof search, one core (main thread)', ['algorithm', 'tries/s', 'ratio'], [
    ['tutorial: sha256(f"{last}{proof}") hex compare (baseline)', Math.round(tutorial), 1],
    ['ours: 85-byte header, one-shot hash + byte compare', Math.round(ours), ours / tutorial],
  ]);

  const node = new Node({
    params: createChainParams({ initialDifficulty: 16 }),
    wallet: generateWallet(),
    miner: new MainThreadMiner(),
    clock: () => Date.now(),
    connectPeer: (url) => new PeerClient(url),
  });
  const server = await startServer(node, { host: '127.0.0.1', port: 0 });
  const client = new GraphQLClient(server.url);
  const idle = await latencies(client, 200, 2);

  const mineTimes: number[] = [];
  const busy: number[] = [];
  let mining = true;
  const prober = (async () => {
    while (mining) busy.push(...(await latencies(client, 1, 5)));
  })();
  for (let i = 0; i < BLOCKS; i++) {
    const started = performance.now();
    await node.mine();
    mineTimes.push(performance.now() - started);
  }
  mining = false;
  await prober;
  busy.sort((a, b) => a - b);
  mineTimes.sort((a, b) => a - b);
  const mean = mineTimes.reduce((sum, t) => sum + t, 0) / mineTimes.length;
  printTable(`mine at difficulty 16 (${BLOCKS} blocks, expected 65,536 tries each)`, ['measure', 'ms'], [
    ['mean', mean],
    ['median', percentile(mineTimes, 50)],
    ['min', mineTimes[0]!],
    ['max', mineTimes[mineTimes.length - 1]!],
  ]);
  printTable('Latency of { node { height } } over HTTP (ms)', ['state', 'samples', 'p50', 'p99', 'max', 'p99 ratio to idle'], [
    ['idle (baseline)', idle.length, percentile(idle, 50), percentile(idle, 99), idle[idle.length - 1]!, 1],
    ['while mining', busy.length, percentile(busy, 50), percentile(busy, 99), busy[busy.length - 1]!, percentile(busy, 99) / percentile(idle, 99)],
  ]);
  node.close();
  await server.close();
}

await main();
