/**
 * `npm run bench:ratelimit`: what per-client rate limiting (src/api/rateLimit.ts, --rate-limit) costs, and whether it
 * keeps one greedy client from hurting the others. Issue goal: a client hammering at 10× its limit moves other
 * clients' p99 by less than 20 %. What it measures:
 *  1. Micro, in this process: ns per `TokenBuckets.take()` (and per whole `check(req)`) for 1 client and for 10,000
 *     clients in turn, admitted and refused, against a bare Map.get + Map.set per call; bytes per tracked client
 *     (heapUsed after gc(), 100,000 clients) against a Map of the same keys to numbers.
 *  2. Refusals/s: autocannon (10 connections, a small POST query) against a real node process started with
 *     `--rate-limit 1 --rate-limit-burst 1`, so nearly every answer is a 429, against a bare node:http server (a child
 *     process) answering the same 429 bytes: refusals/s, and the server's CPU time per refusal (/proc/<pid>/stat).
 *     Rounds alternate; the median is reported.
 *  3. Other clients' latency: BENCH_CLIENTS well-behaved clients (this process, source addresses 127.0.0.2, .3, …;
 *     the node keys buckets by address) each send `{ chain { length tip { hash } } }` 20 times a second (a timer: open
 *     loop) to a node process with `--rate-limit 50 --rate-limit-burst 100`, alone (the baseline) and while one client
 *     (a child process, from 127.0.0.50) hammers at 10× the limit (500 requests/s on a timer) or flat out (20 requests
 *     in flight); the same hammering against nodes with `--rate-limit 0` shows what the limit saves. Four node
 *     processes: the baseline and the 10× hammer share node A; each other scenario has its own, as a flood leaves
 *     some 15 s of aftermath (major GCs) that would land in the next window on the same node. After a warm-up (each
 *     node first answers thousands of queries: its CPU per query halves once V8 has compiled the path), scenarios are
 *     interleaved (the order rotates each round); the median over rounds of each one's p50 and p99 is reported, and
 *     the p99 of all rounds' requests pooled, with the node's CPU (/proc/<pid>/stat) over the measuring windows and
 *     the CPU other processes on the machine used meanwhile (/proc/stat minus ours: a shared machine's noise). Pass
 *     when both p99 ratios of the 10× scenario are under 1.2; fail when both are over; inconclusive otherwise.
 * Every process runs on this machine over 127.0.0.0/8 (Linux routes all of it to lo), so the hammer and the node share
 * its cores with the measuring clients.
 * Environment: BENCH_SECONDS (4: one scenario's measuring window; refusal rounds are half of it), BENCH_ROUNDS (3; the
 * whole bench takes under 2 minutes, and a p99 of a few ms on a shared 2-core machine varies from round to round, so
 * BENCH_ROUNDS=8, about 4 minutes, gives the firmer verdict), BENCH_CLIENTS (8).
 */
import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import autocannon from 'autocannon';
import { createRateLimiter, TokenBuckets, TrustedProxies } from '../src/api/rateLimit.js';
import type { RateLimit } from '../src/node/config.js';
import { BUILT_MAIN } from '../test/helpers/builtEntry.js';
import { type NodeProcess, startNodeProcess } from '../test/helpers/nodeProcess.js';
import { type HammerOrder, type HammerResult, post } from './ratelimitChild.js';
import { percentile, printTable } from './table.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 8);
// Their addresses are 127.0.0.2 and up; the hammer's is .50, the warm-up's .100 to .139.
if (!(CLIENTS >= 1 && CLIENTS <= 48)) throw new RangeError('BENCH_CLIENTS must be from 1 to 48');
const CLIENT_RATE = 20;
const LIMIT: RateLimit = { perSecond: 50, burst: 100 };
const HAMMER_ADDRESS = '127.0.0.50';
const HAMMER_CONCURRENCY = 20;
/** Each node's warm-up flood. */
const WARM_UP_SECONDS = 2;
/** The hammer starts this long before the measuring window and stops this long after it. */
const LEAD_MS = 300;
const BODY = JSON.stringify({ query: '{ chain { length tip { hash } } }' });
const NODE_FLAGS = ['--difficulty', '8', '--miner-threads', '0'];
const CHILD = fileURLToPath(new URL('./ratelimitChild.ts', import.meta.url));
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values: readonly number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
const round1 = (value: number) => Math.round(value * 10) / 10;

/** A process's CPU time so far (user + system, all threads), in seconds. */
function cpuSeconds(pid: number): number {
  // The command name in parentheses may hold spaces; utime and stime are fields 14 and 15.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(')').at(-1)!.trim().split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** CPU time the whole machine has been busy (all cores, steal included), in seconds. */
function machineBusySeconds(): number {
  const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
    .split('\n', 1)[0]!
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number) as number[];
  return (user! + nice! + system! + irq! + softirq! + steal!) / CLOCK_TICKS;
}

// ---- 1. Micro ----

// node --expose-gc when given; otherwise the same flag set now (tsx runs this file without it).
const gc: () => void =
  (globalThis as { gc?: () => void }).gc ??
  (() => {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  })();

let sink = 0;

/** ns per call of `run(calls)`: the best of 5 timed rounds of at least 50 ms each, after a warm-up of the same. */
function nsPerCall(run: (calls: number) => number): number {
  let calls = 1024;
  for (let started = performance.now(); ; calls *= 2, started = performance.now()) {
    sink += run(calls);
    if (performance.now() - started >= 50) break;
  }
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 5; round++) {
    const started = process.hrtime.bigint();
    sink += run(calls);
    best = Math.min(best, Number(process.hrtime.bigint() - started) / calls);
  }
  return best;
}

/** Distinct IPv4 addresses as flat strings (as a socket's remoteAddress is), 203.0.x.y and up. */
function addresses(count: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    Buffer.from(`203.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, 'latin1').toString('latin1'),
  );
}

function mapCalls(keys: readonly string[]): (calls: number) => number {
  const map = new Map<string, number>();
  return (calls) => {
    let sum = 0;
    for (let i = 0; i < calls; i++) {
      const key = keys[i % keys.length]!;
      const value = map.get(key) ?? 0;
      map.set(key, value + 1);
      sum += value & 1;
    }
    return sum;
  };
}

function takeCalls(keys: readonly string[], limit: RateLimit): (calls: number) => number {
  const buckets = new TokenBuckets(limit, Date.now);
  return (calls) => {
    let admitted = 0;
    for (let i = 0; i < calls; i++) if (buckets.take(keys[i % keys.length]!).ok) admitted++;
    return admitted;
  };
}

/** The node's whole per-request check: client address, bucket key, take, and for a refusal its message and body. */
function checkCalls(keys: readonly string[], limit: RateLimit): (calls: number) => number {
  const limiter = createRateLimiter(limit, new TrustedProxies([]), Date.now);
  const requests = keys.map((remoteAddress) => ({ headers: {}, socket: { remoteAddress } }));
  return (calls) => {
    let refused = 0;
    for (let i = 0; i < calls; i++) if (limiter.check(requests[i % requests.length]!) !== undefined) refused++;
    return refused;
  };
}

/** Heap bytes per client that `fill(count)` keeps, after gc(); the median of 3 tries. */
function bytesPerClient(count: number, fill: (count: number) => unknown): number {
  const tries: number[] = [];
  let kept: unknown;
  for (let i = 0; i < 3; i++) {
    // The previous try's structure must be garbage before the first reading, not freed during this try.
    kept = undefined;
    gc();
    gc();
    const before = process.memoryUsage().heapUsed;
    kept = fill(count);
    gc();
    gc();
    tries.push((process.memoryUsage().heapUsed - before) / count);
  }
  sink += kept === undefined ? 0 : 1;
  return median(tries);
}

function micro(): void {
  const one = addresses(1);
  const many = addresses(10_000);
  // Admitted: a limit no client reaches. Refused: the public default (50/s, burst 100), which these loops exceed by
  // far, so all but a client's first 100 calls (and its refills) are refusals.
  const generous: RateLimit = { perSecond: 1_000_000_000, burst: 1_000_000_000 };
  const rows: Array<Array<string | number>> = [];
  for (const [label, keys] of [
    ['1 client', one],
    ['10,000 clients in turn', many],
  ] as const) {
    const base = nsPerCall(mapCalls(keys));
    rows.push([`Map.get + Map.set (baseline), ${label}`, round1(base), '1']);
    if (keys === one) {
      // take() reads the clock on every call: a good part of its cost.
      const clock = nsPerCall((calls) => {
        let sum = 0;
        for (let i = 0; i < calls; i++) sum += Date.now() & 1;
        return sum;
      });
      rows.push(['Date.now() alone (the clock take() reads)', round1(clock), `× ${(clock / base).toFixed(1)}`]);
    }
    for (const [name, run] of [
      ['take(), admitted', takeCalls(keys, generous)],
      ['take(), refused', takeCalls(keys, LIMIT)],
      ['check(req), admitted', checkCalls(keys, generous)],
      ['check(req), refused (message + JSON body)', checkCalls(keys, LIMIT)],
    ] as const) {
      const ns = nsPerCall(run);
      rows.push([`${name}, ${label}`, round1(ns), `× ${(ns / base).toFixed(1)}`]);
    }
  }
  printTable(
    'TokenBuckets.take() and the whole per-request check(req), ns per call (best of 5 rounds of ≥ 50 ms)',
    ['call', 'ns', 'vs baseline'],
    rows,
  );

  // Memory: keys are made inside the measured region (the map keeps them, as the node's map keeps the addresses of
  // clients long gone); two takes at different times leave fractional tokens, as real traffic does.
  const COUNT = 100_000;
  const start = Date.now();
  const baseBytes = bytesPerClient(COUNT, (count) => {
    const map = new Map<string, number>();
    for (const key of addresses(count)) map.set(key, start + 0.5);
    return map;
  });
  let tracked = 0;
  const bucketBytes = bytesPerClient(COUNT, (count) => {
    let now = start;
    const buckets = new TokenBuckets(LIMIT, () => now);
    const keys = addresses(count);
    for (const key of keys) buckets.take(key);
    now += 7;
    for (const key of keys) buckets.take(key);
    tracked = buckets.trackedClients;
    return buckets;
  });
  printTable(
    `Heap per tracked client (${COUNT.toLocaleString('en-US')} clients, heapUsed after gc(), median of 3; ${tracked.toLocaleString('en-US')} tracked)`,
    ['what', 'bytes per client', 'vs baseline'],
    [
      ['Map<address, number> (baseline)', Math.round(baseBytes), '1'],
      ['TokenBuckets (address → { tokens, at })', Math.round(bucketBytes), `× ${(bucketBytes / baseBytes).toFixed(2)}`],
    ],
  );
}

// ---- Child processes ----

function nextMessage<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve) => child.once('message', (message) => resolve(message as T)));
}

/** Starts a hammer run; resolves once it has started, with the promise of its result. */
async function startHammer(hammer: ChildProcess, order: HammerOrder): Promise<{ result: Promise<HammerResult> }> {
  const started = nextMessage<string>(hammer);
  hammer.send(order);
  await started;
  return { result: nextMessage<HammerResult>(hammer) };
}

// ---- 2. Refusals/s ----

async function refusals(): Promise<void> {
  const strict = await startNodeProcess([...NODE_FLAGS, '--rate-limit', '1', '--rate-limit-burst', '1']);
  let bare: ChildProcess | undefined;
  try {
    // The bare server answers exactly the node's 429: its status, headers and body (the burst is 1: the second).
    const ask = () =>
      fetch(strict.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY });
    await (await ask()).text();
    const response = await ask();
    if (response.status !== 429) throw new Error(`expected a 429 from the strict node, got ${response.status}`);
    const headers: Record<string, string> = {};
    for (const name of ['content-type', 'retry-after', 'cache-control']) headers[name] = response.headers.get(name)!;
    const refusal = { status: 429, headers, body: await response.text() };
    bare = fork(CHILD, ['bare429', JSON.stringify(refusal)]);
    const { port } = await nextMessage<{ port: number }>(bare);
    const targets = [
      { name: 'bare node:http, the same 429 (baseline)', url: `http://127.0.0.1:${port}/graphql`, pid: bare.pid! },
      { name: 'node, --rate-limit 1 --rate-limit-burst 1', url: strict.url, pid: strict.child.pid! },
    ];
    const results = targets.map(() => ({
      perSecond: [] as number[],
      p99: [] as number[],
      cpu: [] as number[],
      usPerRefusal: [] as number[],
      ok: 0,
    }));
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, { url, pid }] of targets.entries()) {
        const cpu = cpuSeconds(pid);
        const result = await autocannon({
          url,
          connections: 10,
          duration: SECONDS / 2,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: BODY,
        });
        const refused = result.statusCodeStats?.['429']?.count ?? 0;
        results[i]!.perSecond.push(refused / result.duration);
        results[i]!.p99.push(result.latency.p99);
        const used = cpuSeconds(pid) - cpu;
        results[i]!.cpu.push((used / result.duration) * 100);
        results[i]!.usPerRefusal.push((used * 1e6) / refused);
        results[i]!.ok += result['2xx'];
      }
    }
    const base = median(results[0]!.perSecond);
    const baseUs = median(results[0]!.usPerRefusal);
    printTable(
      `429 refusals/s to one client over its limit: autocannon, 10 connections, ${SECONDS / 2} s × ${ROUNDS} rounds (median)`,
      [
        'server',
        'refusals/s',
        'vs baseline',
        'p99 ms',
        'server CPU %',
        'CPU µs per refusal',
        'vs baseline',
        'admitted (2xx)',
      ],
      targets.map(({ name }, i) => [
        name,
        Math.round(median(results[i]!.perSecond)),
        (median(results[i]!.perSecond) / base).toFixed(2),
        median(results[i]!.p99),
        Math.round(median(results[i]!.cpu)),
        round1(median(results[i]!.usPerRefusal)),
        (median(results[i]!.usPerRefusal) / baseUs).toFixed(2),
        results[i]!.ok,
      ]),
    );
    console.log(
      'autocannon runs in this process on the same cores, so refusals/s stops at whichever side saturates first (server ' +
        "CPU near 100 %: the server); CPU µs per refusal is the server process's own cost of one answer.",
    );
  } finally {
    bare?.disconnect();
    await strict.stop();
  }
}

// ---- 3. Other clients' latency ----

interface Scenario {
  readonly name: string;
  readonly limited: boolean;
  /**
   * The node process it runs on. A flood leaves an aftermath (V8 shrinking the heap with major GCs for some 15 s),
   * so each hammering kind has its own node; the baseline shares one with the 10× scenario, the goal's comparison.
   */
  readonly node: string;
  readonly hammer?: { readonly rate: number } | { readonly concurrency: number };
  /** The hammer's source addresses (default: HAMMER_ADDRESS alone). */
  readonly sources?: readonly string[];
}

const TEN_TIMES = { rate: 10 * LIMIT.perSecond };
const FLAT_OUT = { concurrency: HAMMER_CONCURRENCY };
const SCENARIOS: readonly Scenario[] = [
  { name: 'alone (baseline)', limited: true, node: 'A' },
  { name: `hammer at 10× (${TEN_TIMES.rate}/s)`, limited: true, node: 'A', hammer: TEN_TIMES },
  { name: `hammer flat out (${FLAT_OUT.concurrency} in flight)`, limited: true, node: 'B', hammer: FLAT_OUT },
  { name: `hammer at 10× (${TEN_TIMES.rate}/s)`, limited: false, node: 'C', hammer: TEN_TIMES },
  { name: `hammer flat out (${FLAT_OUT.concurrency} in flight)`, limited: false, node: 'D', hammer: FLAT_OUT },
];

interface Sample {
  readonly p50: number;
  readonly p99: number;
  readonly cpuPercent: number;
  /** CPU busy on the machine outside this bench's processes (other tenants, steal), % of one core. */
  readonly othersPercent: number;
  /** Well-behaved clients' latencies (ms), sorted. */
  readonly latencies: readonly number[];
  /** The well-behaved clients' answers other than 200 (429s, other statuses, socket errors). */
  readonly refused: number;
  readonly failed: number;
  readonly hammer?: HammerResult;
}

/**
 * CLIENTS clients, each on its own source address and keep-alive connection, send BODY CLIENT_RATE times a second for
 * `seconds`; the latency of each 200 (ms), sorted.
 */
async function wellBehaved(
  url: string,
  seconds: number,
): Promise<{ latencies: number[]; refused: number; failed: number }> {
  const target = new URL(url);
  const agents = Array.from(
    { length: CLIENTS },
    (_, i) => new Agent({ keepAlive: true, localAddress: `127.0.0.${2 + i}` }),
  );
  // One unmeasured request each: the measured ones do not pay for connecting.
  await Promise.all(agents.map((agent) => post(agent, target, BODY)));
  const latencies: number[] = [];
  let refused = 0;
  let failed = 0;
  const inFlight: Array<Promise<void>> = [];
  const period = 1000 / CLIENT_RATE;
  const started = performance.now();
  const send = (agent: Agent) => {
    const sent = performance.now();
    inFlight.push(
      post(agent, target, BODY).then((status) => {
        if (status === 200) latencies.push(performance.now() - sent);
        else if (status === 429) refused++;
        else failed++;
      }),
    );
  };
  await Promise.all(
    agents.map(
      (agent, i) =>
        new Promise<void>((resolve) => {
          // Phases spread over the period, so the clients do not send in lockstep.
          setTimeout(
            () => {
              send(agent);
              const timer = setInterval(() => {
                if (performance.now() - started >= seconds * 1000) {
                  clearInterval(timer);
                  resolve();
                } else send(agent);
              }, period);
            },
            (period * i) / CLIENTS,
          );
        }),
    ),
  );
  await Promise.all(inFlight);
  for (const agent of agents) agent.destroy();
  return { latencies: latencies.sort((a, b) => a - b), refused, failed };
}

async function runScenario(
  scenario: Scenario,
  node: NodeProcess,
  hammer: ChildProcess,
  seconds: number,
  ourPids: readonly number[],
): Promise<Sample> {
  let hammerResult: Promise<HammerResult> | undefined;
  if (scenario.hammer !== undefined) {
    ({ result: hammerResult } = await startHammer(hammer, {
      url: node.url,
      localAddresses: scenario.sources ?? [HAMMER_ADDRESS],
      body: BODY,
      seconds: seconds + (2 * LEAD_MS) / 1000,
      ...scenario.hammer,
    }));
    await sleep(LEAD_MS);
  }
  const pid = node.child.pid!;
  const ours = () => ourPids.reduce((sum, p) => sum + cpuSeconds(p), 0);
  const [cpu, ourCpu, machineCpu] = [cpuSeconds(pid), ours(), machineBusySeconds()];
  const started = performance.now();
  const { latencies, refused, failed } = await wellBehaved(node.url, seconds);
  const wall = (performance.now() - started) / 1000;
  const sample: Sample = {
    latencies,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    cpuPercent: ((cpuSeconds(pid) - cpu) / wall) * 100,
    othersPercent: Math.max(0, ((machineBusySeconds() - machineCpu - (ours() - ourCpu)) / wall) * 100),
    refused,
    failed,
    ...(hammerResult === undefined ? {} : { hammer: await hammerResult }),
  };
  // The node drains whatever is still queued; the hammer's bucket refills (burst / rate = 2 s) before its next run.
  await sleep(scenario.hammer === undefined ? 200 : 500);
  return sample;
}

async function latency(): Promise<void> {
  const hammer = fork(CHILD, ['hammer']);
  const limitFlags = ['--rate-limit', String(LIMIT.perSecond), '--rate-limit-burst', String(LIMIT.burst)];
  const names = [...new Set(SCENARIOS.map((scenario) => scenario.node))];
  const started = await Promise.allSettled(
    names.map((name) =>
      startNodeProcess([
        ...NODE_FLAGS,
        ...(SCENARIOS.find((scenario) => scenario.node === name)!.limited ? limitFlags : ['--rate-limit', '0']),
      ]),
    ),
  );
  const nodes = new Map(
    started.flatMap((result, i) => (result.status === 'fulfilled' ? [[names[i]!, result.value]] : [])),
  );
  const ourPids = [process.pid, process.ppid, hammer.pid!, ...[...nodes.values()].map((node) => node.child.pid!)];
  try {
    for (const result of started) if (result.status === 'rejected') throw result.reason;
    // Warm-up, not reported: a node answers a query with about half the CPU once a few thousand have run (V8 has
    // compiled the path), so each node first gets thousands of queries (from 40 addresses, within their bursts on a
    // limited node), node A first: its aftermath is over when the others' warm-ups are.
    const sources = Array.from({ length: 40 }, (_, i) => `127.0.0.${100 + i}`);
    for (const name of names) {
      const limited = SCENARIOS.find((scenario) => scenario.node === name)!.limited;
      const warmUp: Scenario = { name: 'warm-up', limited, node: name, hammer: { concurrency: 40 }, sources };
      await runScenario(warmUp, nodes.get(name)!, hammer, WARM_UP_SECONDS, ourPids);
    }
    const samples = SCENARIOS.map((): Sample[] => []);
    for (let round = 0; round < ROUNDS; round++) {
      for (let k = 0; k < SCENARIOS.length; k++) {
        const i = (k + round) % SCENARIOS.length;
        const scenario = SCENARIOS[i]!;
        samples[i]!.push(await runScenario(scenario, nodes.get(scenario.node)!, hammer, SECONDS, ourPids));
      }
    }
    const of = (i: number, pick: (sample: Sample) => number) => median(samples[i]!.map(pick));
    const pooledP99 = (i: number) =>
      percentile(
        samples[i]!.flatMap((sample) => sample.latencies).sort((a, b) => a - b),
        99,
      );
    const baseP99 = of(0, (s) => s.p99);
    const basePooled = pooledP99(0);
    const limitName = (scenario: Scenario) => `${scenario.node}: ${scenario.limited ? `${LIMIT.perSecond}/s` : 'off'}`;
    printTable(
      `${CLIENTS} well-behaved clients (127.0.0.2–${1 + CLIENTS}, ${CLIENT_RATE} req/s each, { chain { length tip { hash } } }) ` +
        `while one client (${HAMMER_ADDRESS}) hammers; limit ${LIMIT.perSecond}/s burst ${LIMIT.burst} per client; ` +
        `median of ${ROUNDS} rounds of ${SECONDS} s, and p99 of all rounds' requests together`,
      [
        'scenario',
        'node: limit',
        'p50 ms',
        'p99 ms',
        'vs baseline',
        'p99 per round',
        'p99 pooled',
        'vs baseline',
        'clients: 429 / errors',
      ],
      SCENARIOS.map((scenario, i) => [
        scenario.name,
        limitName(scenario),
        round1(of(i, (s) => s.p50)),
        round1(of(i, (s) => s.p99)),
        (of(i, (s) => s.p99) / baseP99).toFixed(2),
        samples[i]!.map((s) => round1(s.p99)).join(' / '),
        round1(pooledP99(i)),
        (pooledP99(i) / basePooled).toFixed(2),
        `${samples[i]!.reduce((n, s) => n + s.refused, 0)} / ${samples[i]!.reduce((n, s) => n + s.failed, 0)}`,
      ]),
    );
    printTable(
      'The same runs: the hammer, and CPU over the measuring windows (median of rounds; % of one core)',
      ['scenario', 'node: limit', 'hammer req/s', 'hammer 200 / 429 per run', 'node CPU %', "other processes' CPU %"],
      SCENARIOS.map((scenario, i) => {
        const hammers = samples[i]!.flatMap((s) => (s.hammer === undefined ? [] : [s.hammer]));
        const other = hammers.reduce((n, h) => n + h.other, 0);
        return [
          scenario.name,
          limitName(scenario),
          hammers.length === 0 ? '–' : Math.round(median(hammers.map((h) => h.sent / h.seconds))),
          hammers.length === 0
            ? '–'
            : `${Math.round(median(hammers.map((h) => h.admitted)))} / ${Math.round(median(hammers.map((h) => h.refused)))}` +
              (other > 0 ? ` (+${other} other)` : ''),
          Math.round(of(i, (s) => s.cpuPercent)),
          Math.round(of(i, (s) => s.othersPercent)),
        ];
      }),
    );
    const ratio = of(1, (s) => s.p99) / baseP99;
    const pooledRatio = pooledP99(1) / basePooled;
    const verdict =
      ratio < 1.2 && pooledRatio < 1.2
        ? 'PASS'
        : ratio >= 1.2 && pooledRatio >= 1.2
          ? 'FAIL'
          : 'INCONCLUSIVE (the two measures disagree)';
    const baseRounds = samples[0]!.map((s) => s.p99);
    const spread = Math.max(...baseRounds) / Math.min(...baseRounds);
    const others = Math.max(...samples.flat().map((s) => s.othersPercent));
    const clientRefusals = samples.flat().reduce((n, s) => n + s.refused, 0);
    const expected = LIMIT.burst + LIMIT.perSecond * (SECONDS + (2 * LEAD_MS) / 1000);
    console.log(
      `\nGoal (issue 15): a client hammering at 10× its limit moves other clients' p99 by less than 20 %: ` +
        `p99 × ${ratio.toFixed(2)} (median of rounds), × ${pooledRatio.toFixed(2)} (pooled) → ${verdict}.`,
    );
    console.log(
      `Notes: well-behaved clients got ${clientRefusals} 429s in all. The limited hammer gets at most burst + rate × ` +
        `its run = ${expected} requests admitted (fewer when its bucket had not refilled since its last run). The baseline's own p99 varied × ${spread.toFixed(2)} between rounds` +
        (spread < 1.2
          ? ''
          : ROUNDS < 8
            ? ' — more than the 20 % the goal tests, so a run of few rounds does not settle it (BENCH_ROUNDS=8 gives ' +
              'a firmer figure)'
            : ' — more than the 20 % the goal tests: read the verdict with that in mind') +
        `; other processes used up to ${Math.round(others)} % of a core during a window` +
        (others >= 20 ? ' (the machine was busy with other work: treat single figures as noisy)' : '') +
        `. The hammer (a child process) and the node share this machine's ${availableParallelism()} cores with the ` +
        'measuring clients, so a flat-out hammer also takes CPU from them, limit or not.',
    );
  } finally {
    hammer.disconnect();
    await Promise.all([...nodes.values()].map((node) => node.stop()));
  }
}

// The node processes run the build, as `npm start` does.
if (!existsSync(BUILT_MAIN)) throw new Error('dist/ is missing: run `npm run build` first');
micro();
await refusals();
await latency();
if (sink === -1) console.log(sink);
