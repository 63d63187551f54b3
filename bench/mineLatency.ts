/**
 * The `mine` latency part of `npm run bench:mining`: `mine` over HTTP against real node processes (dist/, as
 * `npm start` runs them), the first `mine` after start, and where the time goes (an instrumented node in this
 * process). Baselines from the same run: `{ node { height } }` over HTTP to the same node, the hashing alone of the
 * same tries on one thread, and the worker miner alone on the same templates.
 */

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../src/api/server.js';
import type { HeaderTemplate } from '../src/chain/block.js';
import { ChainDb } from '../src/chain/db/chainDb.js';
import { del, type KeyValueOperation, type KeyValueStore, put } from '../src/chain/db/keyValue.js';
import { encodeHeader } from '../src/chain/encoding.js';
import { createChainParams } from '../src/chain/params.js';
import type { BlockHeader } from '../src/chain/types.js';
import { findSourceNewerThanBuild } from '../src/cli/staleBuild.js';
import { createProofSearcher } from '../src/mining/kernel/createProofSearcher.js';
import type { Miner } from '../src/mining/miner.js';
import { WorkerMiner } from '../src/mining/workerMiner.js';
import { Node } from '../src/node/node.js';
import { PeerClient } from '../src/peer/peerClient.js';
import { openDataDirectory } from '../src/storage/dataDirectory.js';
import { generateWallet } from '../src/wallet/wallet.js';
import { startNodeProcess } from '../test/helpers/nodeProcess.js';
import { waitFor } from '../test/helpers/waitFor.js';
import { percentile } from './table.js';

/** Proofs per chunk of the worker miner (its default): worker i searches chunk i first. */
const CHUNK_TRIES = 1 << 22;
/** Blocks a node process mines before its first retarget (blocks 2..10 keep the starting difficulty). */
const BLOCKS_PER_PROCESS = 9;
const MINE =
  'mutation { mine { ... on MineSuccess { block { index timestamp previousHash merkleRoot difficulty proof } } } }';
const HEIGHT = '{ node { height } }';

/** Builds dist/ when it is missing or older than src/ (the node processes run dist/). */
export function ensureFreshBuild(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  if (existsSync(join(root, 'dist/cli/main.js')) && findSourceNewerThanBuild(root) === undefined) return;
  const build = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');
}

/** Median and 90th percentile of `samples` (ms). */
export function medianAndP90(samples: readonly number[]): { median: number; p90: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: percentile(sorted, 50), p90: percentile(sorted, 90) };
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/** POSTs a GraphQL document with node:http (keep-alive) and returns its data and the round trip in ms. */
function post(url: string, query: string): Promise<{ ms: number; data: any }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(url, { agent, method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        const ms = performance.now() - started;
        const parsed = JSON.parse(body) as { data?: unknown; errors?: unknown };
        if (res.statusCode !== 200 || parsed.errors !== undefined) reject(new Error(`HTTP ${res.statusCode}: ${body}`));
        else resolve({ ms, data: parsed.data });
      });
    });
    req.on('error', reject);
    req.end(JSON.stringify({ query }));
  });
}

/** What one node process measured. */
export interface ProcessRun {
  /** The first `mine`, and whether it was sent after `miner.ready` (else as soon as the node served). */
  readonly first: { readonly ms: number; readonly afterReady: boolean };
  /** miner.ready's ms from the log (the warm-up's length), if logged. */
  readonly warmUpMs: number | undefined;
  /** Later `mine`s (ms) and the headers they sealed. */
  readonly mines: readonly number[];
  readonly headers: readonly BlockHeader[];
  /** `{ node { height } }` round trips interleaved with the mines (ms). */
  readonly queries: readonly number[];
}

/**
 * Starts a node process at `difficulty` (every core mining), sends the first `mine` as soon as it serves (or after
 * `miner.ready` when `afterReady`), then BLOCKS_PER_PROCESS - 1 more, each after a `{ node { height } }`.
 */
export async function runNodeProcess(difficulty: number, afterReady: boolean): Promise<ProcessRun> {
  const node = await startNodeProcess(['--difficulty', String(difficulty), '--sync-interval', '0'], 60_000);
  try {
    await post(node.url, HEIGHT);
    if (afterReady) await waitFor('miner.ready', () => node.output().includes('miner.ready'), 60_000);
    const first = await post(node.url, MINE);
    const mines: number[] = [];
    const queries: number[] = [];
    const headers: BlockHeader[] = [];
    for (let i = 1; i < BLOCKS_PER_PROCESS; i++) {
      queries.push((await post(node.url, HEIGHT)).ms);
      const mined = await post(node.url, MINE);
      mines.push(mined.ms);
      headers.push(mined.data.mine.block as BlockHeader);
    }
    await waitFor('miner.ready', () => node.output().includes('miner.ready'), 60_000).catch(() => undefined);
    const warmUp = /miner\.ready ms=(\d+)/.exec(node.output());
    return {
      first: { ms: first.ms, afterReady },
      warmUpMs: warmUp === null ? undefined : Number(warmUp[1]),
      mines,
      headers,
      queries,
    };
  } finally {
    await node.stop();
  }
}

/** The tries the winning worker hashed for `header`: from the start of the proof's chunk through the proof. */
function winningTries(header: BlockHeader): { start: number; tries: number } {
  const start = Math.floor(header.proof / CHUNK_TRIES) * CHUNK_TRIES;
  return { start, tries: header.proof - start + 1 };
}

/** Hashing alone: ms to search each header's winning tries with the kernel on this thread (no threads, no I/O). */
export function hashingAlone(headers: readonly BlockHeader[]): number[] {
  // Warm the kernel up (compiled and optimized) on a search that never succeeds.
  createProofSearcher(new Uint8Array(85), 255).search(0, 1 << 18);
  return headers.map((header) => {
    const searcher = createProofSearcher(encodeHeader(header), header.difficulty);
    const { start, tries } = winningTries(header);
    const started = performance.now();
    const found = searcher.search(start, tries);
    const ms = performance.now() - started;
    if (found !== header.proof) throw new Error(`the kernel found ${found}, the node sealed ${header.proof}`);
    return ms;
  });
}

/** The worker miner alone (warmed, in this process): ms to mine each header's template again. */
export async function minerAlone(headers: readonly BlockHeader[]): Promise<number[]> {
  const miner = new WorkerMiner({ threads: availableParallelism() });
  try {
    await miner.warm();
    const times: number[] = [];
    for (const { proof: _, ...template } of headers) {
      const started = performance.now();
      await miner.mine(template, new AbortController().signal);
      times.push(performance.now() - started);
    }
    return times;
  } finally {
    await miner.close();
  }
}

/** A key-value store that times its synchronous (flushed) commits. */
class TimedKeyValueStore implements KeyValueStore {
  readonly #inner: KeyValueStore;
  readonly #probe: Probe;
  constructor(inner: KeyValueStore, probe: Probe) {
    this.#inner = inner;
    this.#probe = probe;
  }
  get(key: Uint8Array) {
    return this.#inner.get(key);
  }
  range(gte: Uint8Array, lt: Uint8Array) {
    return this.#inner.range(gte, lt);
  }
  batch(operations: readonly KeyValueOperation[]): void {
    this.#probe.marks.commitStart ??= performance.now();
    this.#inner.batch(operations);
    this.#probe.marks.commitEnd = performance.now();
  }
  batchSoon(operations: readonly KeyValueOperation[]) {
    return this.#inner.batchSoon(operations);
  }
  put(key: Uint8Array, value: Uint8Array) {
    this.batch([put(key, value)]);
  }
  delete(key: Uint8Array) {
    this.batch([del(key)]);
  }
}

/** A miner that marks when a job starts and ends. */
class TimedMiner implements Miner {
  readonly #inner: WorkerMiner;
  readonly #probe: Probe;
  constructor(inner: WorkerMiner, probe: Probe) {
    this.#inner = inner;
    this.#probe = probe;
  }
  async mine(template: HeaderTemplate, signal: AbortSignal): Promise<BlockHeader> {
    this.#probe.marks.minerStart = performance.now();
    try {
      return await this.#inner.mine(template, signal);
    } finally {
      this.#probe.marks.minerEnd = performance.now();
    }
  }
  stats() {
    return this.#inner.stats();
  }
  warm() {
    return this.#inner.warm();
  }
  close() {
    return this.#inner.close();
  }
}

interface Marks {
  minerStart?: number;
  minerEnd?: number;
  commitStart?: number;
  commitEnd?: number;
  eventsEnd?: number;
}

/** The marks of the `mine` in flight (replaced before each). */
interface Probe {
  marks: Marks;
}

/** The phases of one `mine`, in ms, in order. */
export const PHASES = [
  'request → miner starts (HTTP, GraphQL, block template)',
  'miner (dispatch to the workers, hashing, check)',
  'miner → commit (block validation, ledger)',
  'LMDB commit, flushed',
  'mempool update and event listeners (gossip, subscriptions)',
  'answer (GraphQL result, HTTP response)',
  'total',
] as const;

/**
 * `mine` over HTTP on a node built as startNode builds it (LMDB data directory, worker miner, GraphQL server) in this
 * process, instrumented: the miner and the store mark their phases, a last tipChanged listener marks the events'
 * end. Difficulty fixed (no retarget). Returns each phase's samples (ms), PHASES order.
 */
export async function mineBreakdown(difficulty: number, blocks: number): Promise<number[][]> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-mine-'));
  const store = openDataDirectory(dir);
  const probe: Probe = { marks: {} };
  const miner = new TimedMiner(new WorkerMiner({ threads: availableParallelism() }), probe);
  const node = new Node({
    db: new ChainDb(new TimedKeyValueStore(store.kv, probe)),
    params: createChainParams({
      networkName: `bench-breakdown-${difficulty}`,
      initialDifficulty: difficulty,
      minDifficulty: Math.min(8, difficulty),
      retargetInterval: 0,
    }),
    wallet: generateWallet(),
    miner,
    clock: () => Date.now(),
    connectPeer: (url) => new PeerClient(url),
    network: { publicUrl: null, syncIntervalMs: 0 },
  });
  const server = await startServer(node, { host: '127.0.0.1', port: 0 });
  await node.start();
  await miner.warm();
  // Registered last, so it runs after the node's own listeners.
  node.events.on('tipChanged', () => (probe.marks.eventsEnd = performance.now()));
  const phases: number[][] = PHASES.map(() => []);
  try {
    await post(server.url, MINE); // warm-up of the GraphQL path
    for (let i = 0; i < blocks; i++) {
      probe.marks = {};
      const sent = performance.now();
      const { ms } = await post(server.url, MINE);
      const done = sent + ms;
      const m = probe.marks as Required<Marks>;
      const values = [
        m.minerStart - sent,
        m.minerEnd - m.minerStart,
        m.commitStart - m.minerEnd,
        m.commitEnd - m.commitStart,
        m.eventsEnd - m.commitEnd,
        done - m.eventsEnd,
        ms,
      ];
      for (const [phase, value] of values.entries()) phases[phase]!.push(value);
    }
  } finally {
    node.close();
    await server.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return phases;
}
