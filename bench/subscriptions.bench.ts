/**
 * newBlock fan-out to many subscribers (issue 16, goal 1): a real node process (difficulty 8, mining on its main
 * thread) with 10,000 SSE and 1,000 graphql-ws subscribers of one newBlock document, in client processes of their own.
 * Measured for each mode, interleaved in one run:
 * - **multiplexed** (the default): the subscribers share one source stream and one execution per block, and SSE
 *   frames are written straight to each socket (src/api/rawSse.ts);
 * - **iterators** (NODE_SUBSCRIPTION_SINKS=off): multiplexed and straight to the socket, but each subscriber read
 *   through its own chain of async iterators (its slot, the plugins' stamps, its transport's read), as before the
 *   shared stream wrote every subscriber in one loop;
 * - **web-stream** (NODE_RAW_SSE=off): multiplexed, but each SSE response streamed through its web ReadableStream and
 *   @whatwg-node's pump, as before rawSse.ts;
 * - **unshared** (baseline, NODE_SUBSCRIPTION_MULTIPLEXING=off): every subscription executed and serialised alone.
 *
 * Figures:
 * - fan-out latency: from the block's connection, the node's own `block.connected` log line (written by the node at
 *   the moment the block joins the chain, with a millisecond wall-clock timestamp), to the moment each subscriber's
 *   client process read the block (wall clock, same machine). It includes the client processes' own scheduling on the
 *   shared cores, so it is an upper bound of the node's part;
 * - the node's part of it, where the shared stream writes every subscriber in one loop: from `block.connected` to the
 *   end of that loop, when the last subscriber's frame has been handed to the kernel (the node's
 *   `subscription.fanOut` line, written under NODE_BENCH_FANOUT_LOG=on with the loop's own duration). What the
 *   receipt p99 adds to it is the kernel's delivery and the client processes' turn on the cores;
 * - `mine` latency: the mutation's round trip with 0 subscribers and with all of them;
 * - memory per idle subscriber: the node's RSS with all subscribers open and idle, minus its RSS before, divided by
 *   their number (after a warm-up block went to all of them).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type NodeProcess, startNodeProcess } from '../test/helpers/nodeProcess.js';
import { percentile, printTable } from './table.js';

const CHILD = fileURLToPath(new URL('./subscriptionsChild.ts', import.meta.url));
const SSE_SUBSCRIBERS = Number(process.env['BENCH_SSE'] ?? 10_000);
const WS_SUBSCRIBERS = Number(process.env['BENCH_WS'] ?? 1_000);
const SSE_PROCESSES = 3;
const BLOCKS = Number(process.env['BENCH_BLOCKS'] ?? 6);
const MINES_ALONE = 8;
/** BENCH_MODES=multiplexed runs that mode alone (e.g. with BENCH_CPU_PROF=dir, the node's CPU profile into dir). */
type Mode = 'multiplexed' | 'iterators' | 'web-stream' | 'unshared';
const MODES = (process.env['BENCH_MODES']?.split(',') ?? [
  'multiplexed',
  'iterators',
  'web-stream',
  'unshared',
  'multiplexed',
]) as Mode[];
const CPU_PROFILE_DIR = process.env['BENCH_CPU_PROF'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface ModeResult {
  readonly mode: string;
  readonly latencies: number[];
  /** Per block, from block.connected to the end of the node's write loop (empty where no loop writes them all). */
  readonly nodeSide: number[];
  /** Per block, the write loop's own duration, and the node's CPU time in it. */
  readonly writeLoop: number[];
  readonly writeLoopCpu: number[];
  readonly missing: number;
  readonly mineAlone: number[];
  readonly mineWithSubscribers: number[];
  readonly rssPerSubscriberBytes: number;
}

function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match![1]) * 1024;
}

async function mine(node: NodeProcess): Promise<{ ms: number; index: number }> {
  const started = performance.now();
  const response = await fetch(node.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: 'mutation { mine { ... on MineSuccess { block { index } } } }' }),
  });
  const body = (await response.json()) as { data: { mine: { block: { index: number } } } };
  return { ms: performance.now() - started, index: body.data.mine.block.index };
}

/** The wall-clock time of the node's `block.connected` line for `index`. */
async function connectedAt(node: NodeProcess, index: number): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const match = new RegExp(`^(\\S+) block\\.connected index=${index} `, 'm').exec(node.output());
    if (match !== null) return Date.parse(match[1]!);
    await sleep(10);
  }
  throw new Error(`no block.connected line for block ${index}`);
}

/** The node's `subscription.fanOut` line that follows block `index`'s `block.connected` line: its time and loop. */
async function fanOutAfter(
  node: NodeProcess,
  index: number,
): Promise<{ at: number; writeMs: number; writeCpuMs: number } | undefined> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const output = node.output();
    const connected = new RegExp(`^\\S+ block\\.connected index=${index} `, 'm').exec(output);
    if (connected !== null) {
      const fanOut = /^(\S+) subscription\.fanOut .*writeMs=([\d.]+) writeCpuMs=([\d.]+)/m.exec(
        output.slice(connected.index),
      );
      if (fanOut !== null)
        return { at: Date.parse(fanOut[1]!), writeMs: Number(fanOut[2]), writeCpuMs: Number(fanOut[3]) };
    }
    await sleep(10);
  }
  return undefined;
}

function nextMessage<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve) => child.once('message', (message) => resolve(message as T)));
}

/** Receipt times of block `index` from every client process, once all `expected` subscribers have it (or 20 s). */
async function receipts(clients: readonly ChildProcess[], index: number, expected: number): Promise<number[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const reports = await Promise.all(
      clients.map((client) => {
        const answer = nextMessage<{ times: number[] }>(client);
        client.send({ kind: 'report', index });
        return answer;
      }),
    );
    const times = reports.flatMap((report) => report.times);
    if (times.length >= expected || Date.now() > deadline) return times;
    await sleep(100);
  }
}

async function runMode(mode: Mode): Promise<ModeResult> {
  if (mode === 'unshared') process.env['NODE_SUBSCRIPTION_MULTIPLEXING'] = 'off';
  else delete process.env['NODE_SUBSCRIPTION_MULTIPLEXING'];
  if (mode === 'web-stream') process.env['NODE_RAW_SSE'] = 'off';
  else delete process.env['NODE_RAW_SSE'];
  if (mode === 'iterators') process.env['NODE_SUBSCRIPTION_SINKS'] = 'off';
  else delete process.env['NODE_SUBSCRIPTION_SINKS'];
  process.env['NODE_BENCH_FANOUT_LOG'] = 'on';
  const node = await startNodeProcess(
    ['--difficulty', '8', '--miner-threads', '0', '--max-subscriptions', '10000'],
    20_000,
    undefined,
    CPU_PROFILE_DIR === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${CPU_PROFILE_DIR}`],
  );
  const clients: ChildProcess[] = [];
  try {
    const mineAlone: number[] = [];
    for (let i = 0; i < MINES_ALONE; i++) {
      mineAlone.push((await mine(node)).ms);
      await sleep(50);
    }
    await sleep(500);
    const rssBefore = rssBytes(node.child.pid!);
    // Each client process has a loopback source address of its own: the node counts 10,000 slots per address.
    const perSse = Math.ceil(SSE_SUBSCRIBERS / SSE_PROCESSES);
    for (let i = 0; i < SSE_PROCESSES; i++) {
      const count = Math.min(perSse, SSE_SUBSCRIBERS - i * perSse);
      clients.push(fork(CHILD, ['sse', node.url, String(count), `127.0.0.${i + 1}`]));
    }
    if (WS_SUBSCRIBERS > 0)
      clients.push(fork(CHILD, ['ws', node.url, String(WS_SUBSCRIBERS), `127.0.0.${SSE_PROCESSES + 1}`]));
    await Promise.all(clients.map((client) => nextMessage<string>(client)));
    const total = SSE_SUBSCRIBERS + WS_SUBSCRIBERS;
    // A warm-up block reaches every subscriber: all are subscribed, and the first payloads' paths have run.
    const warmUp = await mine(node);
    const warmedUp = (await receipts(clients, warmUp.index, total)).length;
    if (warmedUp < total) throw new Error(`${mode}: only ${warmedUp} of ${total} subscribers got the warm-up block`);
    await sleep(2_000);
    const rssAfter = rssBytes(node.child.pid!);

    const latencies: number[] = [];
    const nodeSide: number[] = [];
    const writeLoop: number[] = [];
    const writeLoopCpu: number[] = [];
    const mineWithSubscribers: number[] = [];
    let missing = 0;
    for (let block = 0; block < BLOCKS; block++) {
      const mined = await mine(node);
      mineWithSubscribers.push(mined.ms);
      const connected = await connectedAt(node, mined.index);
      const times = await receipts(clients, mined.index, total);
      missing += total - times.length;
      for (const time of times) latencies.push(time - connected);
      // Only where one loop writes them all (the line is there by the time every client has the block).
      const fanOut = mode === 'multiplexed' ? await fanOutAfter(node, mined.index) : undefined;
      if (fanOut !== undefined) {
        nodeSide.push(fanOut.at - connected);
        writeLoop.push(fanOut.writeMs);
        writeLoopCpu.push(fanOut.writeCpuMs);
      }
      await sleep(300);
    }
    return {
      mode,
      latencies,
      nodeSide,
      writeLoop,
      writeLoopCpu,
      missing,
      mineAlone,
      mineWithSubscribers,
      rssPerSubscriberBytes: (rssAfter - rssBefore) / total,
    };
  } finally {
    for (const client of clients) {
      client.send({ kind: 'close', index: 0 });
      client.kill();
    }
    await node.stop();
  }
}

const median = (values: readonly number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

const results: ModeResult[] = [];
// Interleaved: the machine's other load falls on both modes alike.
for (const mode of MODES) {
  console.log(`running ${mode} (${SSE_SUBSCRIBERS} SSE + ${WS_SUBSCRIBERS} graphql-ws subscribers)…`);
  results.push(await runMode(mode));
}
const baseline = results.find((result) => result.mode === 'unshared') ?? results[0]!;
const baselineP99 = percentile(
  [...baseline.latencies].sort((a, b) => a - b),
  99,
);
printTable(
  `newBlock fan-out: ${SSE_SUBSCRIBERS.toLocaleString('en-US')} SSE + ${WS_SUBSCRIBERS.toLocaleString('en-US')} ` +
    `graphql-ws subscribers, ${BLOCKS} blocks each, from block.connected to receipt (ms)`,
  [
    'mode',
    'p50',
    'p99',
    'max',
    'p99 vs unshared',
    'node: to last write, median / max',
    'write loop (on CPU), median',
    'missed',
  ],
  results.map((result) => {
    const sorted = [...result.latencies].sort((a, b) => a - b);
    const p99 = percentile(sorted, 99);
    const noLoop = result.nodeSide.length === 0;
    return [
      result.mode,
      percentile(sorted, 50),
      p99,
      sorted.at(-1) ?? 0,
      `${(baselineP99 / p99).toFixed(1)}× faster`,
      noLoop ? '–' : `${median(result.nodeSide)} / ${Math.max(...result.nodeSide)}`,
      noLoop ? '–' : `${median(result.writeLoop)} (${median(result.writeLoopCpu)})`,
      result.missing,
    ];
  }),
);
printTable(
  '`mine` round trip (ms, median) and memory',
  ['mode', 'mine, 0 subscribers', 'mine, with subscribers', 'delay by subscribers', 'RSS per idle subscriber'],
  results.map((result) => {
    const alone = median(result.mineAlone);
    const withSubscribers = median(result.mineWithSubscribers);
    return [
      result.mode,
      alone,
      withSubscribers,
      withSubscribers - alone,
      `${(result.rssPerSubscriberBytes / 1024).toFixed(1)} KiB`,
    ];
  }),
);
