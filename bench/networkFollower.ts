/**
 * The syncing side of bench/network.bench.ts's sync table, one timed sync per process (forked from it): every round
 * of every method starts from a fresh heap and fresh compiled code. Run in the bench's own process, each sync left a
 * ~10,000-block in-memory store and tens of MB of promoted blocks behind for the next ones to collect and to grow the
 * heap past, and the rounds differed by far more than the methods: a parallel sync took 1.18 s in the first round,
 * 1.68 and 1.77 s after. Before the clock starts, the process syncs the same way from the 100-block chain (so the
 * timed sync runs compiled code, as in a node that has been running) and forgets its signatures. Arguments:
 * `<method> <url> <warm-up url> <difficulty> [signature threads]`, method `baseline`, `sequential` or `parallel`. It
 * sends the parent one `FollowerResult` and exits.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
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
import { generateWallet } from '../src/wallet/wallet.js';

/** The methods of the sync table. */
export type FollowerMethod = 'baseline' | 'sequential' | 'parallel';

/** What one timed sync measured. */
export interface FollowerResult {
  readonly ms: number;
  /** Longest the event loop was held during the sync (monitorEventLoopDelay, 1 ms resolution). */
  readonly stallMs: number;
  readonly blocks: number;
  /** CPU time of the whole process meanwhile (every thread: the event loop, signature workers, the collector). */
  readonly cpuMs: number;
  /** Request and response bodies moved. */
  readonly bytes: number;
}

/** Bytes of request and response bodies that went through `fetch` since the last reset. */
export function countingFetch(): { fetch: typeof fetch; bytes: () => number; reset: () => void } {
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

/** A following node; with a started pool its signatures are checked ahead on worker threads, else on the event loop. */
export function createFollower(
  params: ChainParams,
  options: { fetch?: typeof fetch; signatures?: SignaturePool } = {},
): Node {
  return new Node({
    params,
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
export async function downloadWholeChain(url: string, params: ChainParams, fetchImpl: typeof fetch): Promise<number> {
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

/** Runs one sync and returns its time and the longest the event loop was held meanwhile. */
async function timedSync(
  sync: () => Promise<number>,
): Promise<{ blocks: number; ms: number; stallMs: number; cpuMs: number }> {
  const stalls = monitorEventLoopDelay({ resolution: 1 });
  stalls.enable();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const blocks = await sync();
  const ms = performance.now() - started;
  const { user, system } = process.cpuUsage(cpu);
  // The monitor records a stall when its timer finally fires: give it that turn before reading it.
  await new Promise((resolve) => setTimeout(resolve, 5));
  stalls.disable();
  return { blocks, ms, stallMs: stalls.max / 1e6, cpuMs: (user + system) / 1000 };
}

/**
 * One timed sync by `method` from the peer at `url`, everything it needs started first (as in a running node) and
 * its code warmed by one untimed sync from `warmUrl`.
 */
export async function followOnce(
  method: FollowerMethod,
  url: string,
  warmUrl: string,
  params: ChainParams,
  signatureThreads?: number,
): Promise<FollowerResult> {
  const counter = countingFetch();
  if (method === 'baseline') {
    await downloadWholeChain(warmUrl, params, counter.fetch);
    clearSignatureCache();
    counter.reset();
    const run = await timedSync(() => downloadWholeChain(url, params, counter.fetch));
    return { ...run, bytes: counter.bytes() };
  }
  // The parallel follower is a running node: its signature threads were started with it (Node.start), before the sync.
  const pool =
    method === 'parallel'
      ? new SignaturePool(signatureThreads === undefined ? {} : { threads: signatureThreads })
      : undefined;
  await pool?.start();
  const warm = createFollower(params, { fetch: counter.fetch, ...(pool === undefined ? {} : { signatures: pool }) });
  await warm.registerNodes([warmUrl]);
  await warm.resolve();
  warm.close();
  if (pool !== undefined) {
    // The workers of a running node have verified many signatures: their code is compiled too (100 blocks are a
    // single batch). The same transfers, verified again from a cleared cache.
    const transfers = [];
    for (let index = 2; index <= warm.chain.height; index++)
      transfers.push(...warm.chain.getBlockAt(index)!.block.transactions);
    for (let i = 0; i < 20; i++) {
      clearSignatureCache();
      await pool.preverify(transfers);
    }
  }
  clearSignatureCache();
  const follower = createFollower(params, {
    fetch: counter.fetch,
    ...(pool === undefined ? {} : { signatures: pool }),
  });
  try {
    await follower.registerNodes([url]);
    counter.reset();
    const run = await timedSync(async () => {
      const outcome = (await follower.resolve()).outcomes[0]!;
      if (outcome.outcome !== 'ADOPTED') throw new Error(`sync failed: ${outcome.message}`);
      return outcome.blocksFetched;
    });
    return { ...run, bytes: counter.bytes() };
  } finally {
    follower.close();
    await pool?.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [method, url, warmUrl, difficulty, threads] = process.argv.slice(2);
  if (!['baseline', 'sequential', 'parallel'].includes(method ?? '') || url === undefined || warmUrl === undefined) {
    throw new Error(
      'usage: networkFollower.ts <baseline|sequential|parallel> <url> <warm-up url> <difficulty> [threads]',
    );
  }
  const result = await followOnce(
    method as FollowerMethod,
    url,
    warmUrl,
    networkParams(Number(difficulty)),
    threads === undefined ? undefined : Number(threads),
  );
  process.send!(result, () => process.exit(0));
}
