/**
 * `npm run bench:cache`: small-query throughput with the response cache (src/api/responseCache.ts), without it, and
 * of the seed's baseline, the tutorial's Flask node (bench/seedNode.py) answering GET /chain, in the same run. Each
 * server is driven by wrk with the same connections for the same time, in interleaved rounds (seed, cached, uncached,
 * then again), so that other load on the machine falls on all three alike. Our two nodes are real processes on the
 * same chain length as the seed's, idle (no mining), as the seed is; the query is GET
 * `{ chain { length tip { hash } } }`.
 * Environment: BENCH_CONNECTIONS (20), BENCH_SECONDS (5 per round), BENCH_ROUNDS (3), BENCH_BLOCKS (5).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { GraphQLClient } from 'graphql-request';
import { freePorts } from '../test/helpers/freePorts.js';
import { type NodeProcess, startNodeProcess } from '../test/helpers/nodeProcess.js';
import { printTable } from './table.js';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BLOCKS = Number(process.env.BENCH_BLOCKS ?? 5);
const WRK = process.env.WRK_PATH ?? '/usr/bin/wrk';
const QUERY = '{ chain { length tip { hash } } }';

/** What one wrk run measured. */
interface WrkRun {
  readonly requests: number;
  readonly seconds: number;
  readonly errors: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** wrk's duration ("812.34us", "1.20ms", "2.01s") in ms. */
function milliseconds(text: string): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text)!;
  const value = Number(match[1]);
  return { us: value / 1000, ms: value, s: value * 1000, m: value * 60_000 }[match[2] as 'us' | 'ms' | 's' | 'm'];
}

/** Runs wrk against `url` and reads its summary. */
function wrk(url: string): WrkRun {
  const run = spawnSync(WRK, ['-t2', `-c${CONNECTIONS}`, `-d${SECONDS}s`, '--latency', url], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`wrk failed: ${run.stderr}`);
  const out = run.stdout;
  const total = /(\d+) requests in ([\d.]+)(s|m)/.exec(out)!;
  const errorCounts = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  return {
    requests: Number(total[1]),
    seconds: Number(total[2]) * (total[3] === 'm' ? 60 : 1),
    errors:
      (errorCounts === null ? 0 : errorCounts.slice(1).reduce((sum, n) => sum + Number(n), 0)) +
      Number(non2xx?.[1] ?? 0),
    p50Ms: milliseconds(/\s50%\s+(\S+)/.exec(out)![1]!),
    p99Ms: milliseconds(/\s99%\s+(\S+)/.exec(out)![1]!),
  };
}

/** Starts the seed's Flask node and waits for its first answer. */
async function startSeed(port: number): Promise<ChildProcess> {
  const child = spawn('python3', ['bench/seedNode.py', '--port', String(port), '--blocks', String(BLOCKS)], {
    stdio: 'ignore',
  });
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/chain`);
      if ((await response.json()).length === BLOCKS) return child;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill();
  throw new Error('the seed node did not start');
}

/** Mines until the node's chain has BLOCKS blocks, as the seed's has. */
async function mineTo(node: NodeProcess): Promise<void> {
  const client = new GraphQLClient(node.url);
  while ((await client.request<any>('{ chain { length } }')).chain.length < BLOCKS) {
    await client.request('mutation { mine { __typename } }');
  }
}

const seedPort = await freePorts(1);
const seed = await startSeed(seedPort);
const flags = ['--difficulty', '12', '--miner-threads', '1', '--sync-interval', '0'];
const cached = await startNodeProcess(flags, 60_000);
const uncached = await startNodeProcess([...flags, '--response-cache', '0'], 60_000);
try {
  await Promise.all([mineTo(cached), mineTo(uncached)]);
  const query = `?query=${encodeURIComponent(QUERY)}`;
  const targets = [
    { name: "seed's Flask node, GET /chain (baseline)", url: `http://127.0.0.1:${seedPort}/chain` },
    { name: 'ours, response cache on (default)', url: `${cached.url}${query}` },
    { name: 'ours, --response-cache 0', url: `${uncached.url}${query}` },
  ];
  // A short warm-up of each (JIT, the node's first parse and validation, Flask's threads), not counted.
  for (const target of targets) spawnSync(WRK, ['-t1', '-c2', '-d1s', target.url]);
  const runs = targets.map(() => [] as WrkRun[]);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, target] of targets.entries()) runs[i]!.push(wrk(target.url));
  }
  const perSecond = (list: readonly WrkRun[]) =>
    list.reduce((sum, run) => sum + run.requests, 0) / list.reduce((sum, run) => sum + run.seconds, 0);
  const baseline = perSecond(runs[0]!);
  printTable(
    `Small-query throughput, wrk -t2 -c${CONNECTIONS}, ${ROUNDS} interleaved rounds of ${SECONDS} s, chains of ${BLOCKS} blocks, idle nodes`,
    ['server', 'requests/s', '× seed', 'per round', 'p50 ms (worst round)', 'p99 ms (worst round)', 'errors'],
    targets.map((target, i) => {
      const list = runs[i]!;
      return [
        target.name,
        Math.round(perSecond(list)),
        perSecond(list) / baseline,
        list.map((run) => Math.round(run.requests / run.seconds).toLocaleString('en-US')).join(' / '),
        Math.max(...list.map((run) => run.p50Ms)),
        Math.max(...list.map((run) => run.p99Ms)),
        list.reduce((sum, run) => sum + run.errors, 0),
      ];
    }),
  );
  const cachedPerSecond = perSecond(runs[1]!);
  const uncachedPerSecond = perSecond(runs[2]!);
  console.log(
    `cache on vs off: × ${(cachedPerSecond / uncachedPerSecond).toFixed(2)}; ` +
      `goal ≥ 10× the seed: ${cachedPerSecond >= 10 * baseline ? 'met' : 'not met'} (× ${(cachedPerSecond / baseline).toFixed(2)})\n`,
  );
} finally {
  seed.kill();
  await Promise.all([cached.stop(), uncached.stop()]);
}
