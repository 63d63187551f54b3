/**
 * `npm run bench:balancer`: three real node processes (difficulty 8, full mesh) behind HAProxy with the configuration
 * `devnet --balancer` writes (src/cli/haproxyConfig.ts). Measures, for README "Scaling reads":
 * - how long a block mined through the balancer takes to reach every node (SSE arrival on each node, last − first);
 * - how often a read sent through the balancer right after a mine answers from before it, without and with
 *   x-min-height, and what the header costs in latency;
 * - requests/s and latency of a small query (autocannon) against one node directly, HAProxy in front of that one
 *   node, and HAProxy in front of the three;
 * - how long a SIGKILLed node stays in the rotation (until HAProxy's stats say DOWN), and how long a restarted one
 *   takes to come back (UP).
 * Environment: BENCH_BLOCKS (30), BENCH_CONNECTIONS (50), BENCH_SECONDS (10).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { findHaproxy, HAPROXY_STATS_PATH, haproxyConfig } from '../src/cli/haproxyConfig.js';
import { freePorts } from '../test/helpers/freePorts.js';
import { type NodeProcess, startNodeProcess } from '../test/helpers/nodeProcess.js';
import { percentile, printTable } from './table.js';

const BLOCKS = Number(process.env.BENCH_BLOCKS ?? 30);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const SMALL_QUERY = JSON.stringify({ query: '{ node { height } }' });

const HAPROXY = findHaproxy();
if (HAPROXY === undefined) throw new Error('haproxy is missing: run `tsx scripts/ensureHaproxy.ts` as root');

async function gql(url: string, query: string, minHeight?: number): Promise<any> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (minHeight !== undefined) headers['x-min-height'] = String(minHeight);
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query }) });
  const body: any = await response.json();
  if (response.status !== 200) throw new Error(`${url}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/** Arrival times (performance.now()) of each block index on one node's SSE newBlock stream. */
function watchBlocks(url: string, signal: AbortSignal): Map<number, number> {
  const arrivals = new Map<number, number>();
  const target = new URL(url);
  target.searchParams.set('query', 'subscription { newBlock { index } }');
  void (async () => {
    const response = await fetch(target, { headers: { accept: 'text/event-stream' }, signal });
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      buffer += decoder.decode(chunk.value, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const data = /^data: (.*)$/m.exec(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        if (data !== null) arrivals.set(JSON.parse(data[1]!).data.newBlock.index, performance.now());
      }
    }
  })().catch(() => {});
  return arrivals;
}

/** A HAProxy child balancing `ports`, listening on `port`; resolves once it answers through them. */
async function startBalancer(dir: string, name: string, port: number, ports: readonly number[]): Promise<ChildProcess> {
  const path = join(dir, `${name}.cfg`);
  writeFileSync(path, haproxyConfig({ port, nodes: ports.map((p) => ({ host: '127.0.0.1', port: p })) }));
  const child = spawn(HAPROXY!, ['-f', path, '-db'], { stdio: 'ignore' });
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200) return child;
    } catch {
      // not yet
    }
    if (i > 100) throw new Error(`haproxy on ${port} did not start`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function serverStatus(port: number, server: string): Promise<string | undefined> {
  const text = await (await fetch(`http://127.0.0.1:${port}${HAPROXY_STATS_PATH};csv`)).text();
  const row = text.split('\n').find((line) => line.startsWith(`nodes,${server},`));
  return row?.split(',')[17];
}

async function load(url: string): Promise<autocannon.Result> {
  return autocannon({
    url,
    connections: CONNECTIONS,
    duration: SECONDS,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: SMALL_QUERY,
  });
}

const dir = mkdtempSync(join(tmpdir(), 'bench-balancer-'));
const nodes: NodeProcess[] = [];
const balancers: ChildProcess[] = [];
const stop = new AbortController();
const keptDirs: string[] = [];
try {
  for (let i = 0; i < 3; i++) {
    nodes.push(await startNodeProcess(['--difficulty', '8', '--peers', nodes.map((node) => node.url).join(',')]));
  }
  const [fleetPort, singlePort] = [await freePorts(1), await freePorts(1)];
  balancers.push(
    await startBalancer(
      dir,
      'fleet',
      fleetPort,
      nodes.map((node) => node.port),
    ),
  );
  balancers.push(await startBalancer(dir, 'single', singlePort, [nodes[0]!.port]));
  const fleet = `http://127.0.0.1:${fleetPort}/graphql`;

  // Propagation and stale reads: mine through the balancer (x-min-height: no fork), read right after.
  const arrivals = nodes.map((node) => watchBlocks(node.url, stop.signal));
  await new Promise((resolve) => setTimeout(resolve, 500));
  let height = (await gql(fleet, '{ node { height } }')).data.node.height as number;
  let staleWithout = 0;
  let staleWith = 0;
  const latencyWithout: number[] = [];
  const latencyWith: number[] = [];
  for (let i = 0; i < BLOCKS; i++) {
    height = (await gql(fleet, 'mutation { mine { ... on MineSuccess { block { index } } } }', height)).data.mine.block
      .index;
    // Both reads, in alternating order: the first one after a mine meets nodes still busy connecting the block.
    for (const withHeader of i % 2 === 0 ? [false, true] : [true, false]) {
      const started = performance.now();
      const read = await gql(fleet, '{ node { height } }', withHeader ? height : undefined);
      (withHeader ? latencyWith : latencyWithout).push(performance.now() - started);
      if (read.extensions.chain.height < height) {
        if (withHeader) staleWith++;
        else staleWithout++;
      }
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
  const spreads: number[] = [];
  for (let index = height - BLOCKS + 1; index <= height; index++) {
    const times = arrivals.map((map) => map.get(index));
    if (times.some((time) => time === undefined)) throw new Error(`block ${index} did not reach every node`);
    spreads.push(Math.max(...(times as number[])) - Math.min(...(times as number[])));
  }
  stop.abort();
  const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
  printTable(
    `A block mined through the balancer, ${BLOCKS} blocks, 3 nodes: first to last node (ms, SSE arrival)`,
    ['p50', 'p90', 'max'],
    [[50, 90, 100].map((p) => Math.round(percentile(sorted(spreads), p) * 10) / 10)],
  );
  printTable(
    'The read right after each mine, through the balancer (the next node in the rotation)',
    ['read', 'older than the write', 'p50 ms', 'max ms'],
    [
      [
        'no header',
        `${staleWithout} of ${BLOCKS}`,
        percentile(sorted(latencyWithout), 50),
        Math.max(...latencyWithout),
      ],
      ['x-min-height', `${staleWith} of ${BLOCKS}`, percentile(sorted(latencyWith), 50), Math.max(...latencyWith)],
    ].map((row) => row.map((cell) => (typeof cell === 'number' ? Math.round(cell * 10) / 10 : cell))),
  );

  // Throughput of a small query.
  const rows: Array<Array<string | number>> = [];
  for (const [name, url] of [
    ['one node, directly', nodes[0]!.url],
    ['HAProxy → that one node', `http://127.0.0.1:${singlePort}/graphql`],
    ['HAProxy → 3 nodes', fleet],
  ] as const) {
    const result = await load(url);
    rows.push([name, result.requests.average, result.latency.p50, result.latency.p99, result.non2xx + result.errors]);
  }
  printTable(
    `{ node { height } }, ${CONNECTIONS} connections for ${SECONDS} s each (autocannon in this process)`,
    ['target', 'requests/s', 'p50 ms', 'p99 ms', 'errors'],
    rows,
  );

  // Failover: SIGKILL node 2, time until DOWN; restart it on its data directory and port, time until UP.
  const victim = nodes[1]!;
  let started = performance.now();
  victim.child.kill('SIGKILL');
  while ((await serverStatus(fleetPort, 'node2')) !== 'DOWN') await new Promise((resolve) => setTimeout(resolve, 10));
  const downMs = performance.now() - started;
  started = performance.now();
  const restarted = await startNodeProcess(
    ['--port', String(victim.port), '--difficulty', '8', '--peers', nodes[0]!.url],
    20_000,
    victim.dataDir,
  );
  nodes[1] = restarted;
  keptDirs.push(victim.dataDir);
  while ((await serverStatus(fleetPort, 'node2')) !== 'UP') await new Promise((resolve) => setTimeout(resolve, 10));
  const upMs = performance.now() - started;
  printTable(
    'Rotation (checks: GET /readyz, inter 500 ms, fall 2, rise 2)',
    ['event', 'ms'],
    [
      ['SIGKILL → HAProxy marks the node DOWN', Math.round(downMs)],
      ['restart (spawn, sync, ready) → UP again', Math.round(upMs)],
    ],
  );
} finally {
  stop.abort();
  for (const balancer of balancers) balancer.kill('SIGTERM');
  await Promise.all(nodes.map((node) => node.stop()));
  // The restarted node ran on the killed one's data directory, which its stop() keeps.
  for (const path of [dir, ...keptDirs]) rmSync(path, { recursive: true, force: true });
}
