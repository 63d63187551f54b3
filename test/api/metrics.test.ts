import { collectDefaultMetrics } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RunningServer, startServer } from '../../src/api/server.js';
import { bob } from '../helpers/keys.js';
import { createTestNode } from '../helpers/testNode.js';

// Counts how often the process metrics are set up (each call starts a monitor and an observer nothing stops).
vi.mock('prom-client', async (importOriginal) => {
  const actual = await importOriginal<typeof import('prom-client')>();
  return { ...actual, collectDefaultMetrics: vi.fn(actual.collectDefaultMetrics) };
});

const testNode = createTestNode({ label: 'metrics' });
let server: RunningServer;
let base: string;

beforeAll(async () => {
  server = await startServer(testNode.node, { host: '127.0.0.1', port: 0, graphiql: false });
  base = server.url.slice(0, -'/graphql'.length);
});
afterAll(async () => {
  await server.close();
  testNode.node.close();
});

async function post(query: string): Promise<void> {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  await response.text();
}

/** Parses the Prometheus text format into "name{labels}" → value. */
async function scrape(): Promise<Map<string, number>> {
  const response = await fetch(`${base}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const samples = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}

describe('/metrics (Prometheus)', () => {
  it('reports height, difficulty, mempool, peers by status, mining, hashrate and counters from the live node', async () => {
    await post('mutation { mine { __typename } }');
    await post('mutation { mine { __typename } }');
    await post(`mutation { send(recipient: "${bob.address}", amount: 1) { __typename } }`);
    await testNode.node.registerNodes(['127.0.0.1:9']); // nothing listens on port 9: UNREACHABLE
    const samples = await scrape();
    expect(samples.get('blockchain_height')).toBe(testNode.node.chain.height);
    expect(samples.get('blockchain_height')).toBe(3);
    expect(samples.get('blockchain_difficulty_bits')).toBe(testNode.node.chain.nextBlockContext().difficulty);
    expect(samples.get('blockchain_mempool_transactions')).toBe(1);
    expect(samples.get('blockchain_peers{status="UNREACHABLE"}')).toBe(1);
    expect(samples.get('blockchain_peers{status="REACHABLE"}')).toBe(0);
    expect(samples.get('blockchain_mining')).toBe(0);
    expect(samples.get('blockchain_hashrate')).toBeGreaterThanOrEqual(0);
    expect(samples.get('blockchain_blocks_connected_total')).toBe(2);
    expect(samples.get('blockchain_transactions_accepted_total')).toBe(1);
    expect(samples.get('blockchain_tip_timestamp_seconds')).toBe(testNode.node.chain.tip.block.header.timestamp / 1000);
    expect(samples.get('process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(samples.get('nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);
  });

  it('times every GraphQL request by method and status in a latency histogram', async () => {
    const before = (await scrape()).get('graphql_http_request_duration_seconds_count{method="POST",status="200"}') ?? 0;
    for (let i = 0; i < 5; i++) await post('{ node { height } }');
    const samples = await scrape();
    expect(samples.get('graphql_http_request_duration_seconds_count{method="POST",status="200"}')).toBe(before + 5);
    const inf = samples.get('graphql_http_request_duration_seconds_bucket{le="+Inf",method="POST",status="200"}');
    expect(inf).toBe(before + 5);
    expect(samples.get('graphql_http_request_duration_seconds_sum{method="POST",status="200"}')).toBeGreaterThan(0);
    // Scrapes themselves are not GraphQL requests.
    expect([...samples.keys()].some((key) => key.includes('status="405"'))).toBe(false);
  });

  it('keeps the requests timed and the events counted before prom-client was loaded (at the first scrape)', async () => {
    const other = createTestNode({ label: 'metrics-early' });
    const early = await startServer(other.node, { host: '127.0.0.1', port: 0, graphiql: false });
    try {
      for (let i = 0; i < 3; i++) {
        await (
          await fetch(early.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '{"query":"{ node { height } }"}',
          })
        ).text();
      }
      await other.node.mine();
      const text = await (await fetch(`${early.url.slice(0, -'/graphql'.length)}/metrics`)).text();
      expect(text).toContain('\ngraphql_http_request_duration_seconds_count{method="POST",status="200"} 3\n');
      expect(text).toContain('\nblockchain_blocks_connected_total 1\n');
    } finally {
      await early.close();
      other.node.close();
    }
  });

  it('answers only GET and HEAD', async () => {
    const response = await fetch(`${base}/metrics`, { method: 'POST', body: 'x' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
  });

  it('sets up the process metrics once per process, however many servers start and stop', async () => {
    for (let i = 0; i < 3; i++) {
      const other = createTestNode({ label: `metrics-${i}` });
      const extra = await startServer(other.node, { host: '127.0.0.1', port: 0, graphiql: false });
      const text = await (await fetch(`${extra.url.slice(0, -'/graphql'.length)}/metrics`)).text();
      expect(text).toContain('\nprocess_resident_memory_bytes ');
      expect(text).toContain('\nblockchain_height 1\n');
      await extra.close();
      other.node.close();
    }
    expect(vi.mocked(collectDefaultMetrics)).toHaveBeenCalledTimes(1);
    expect((await scrape()).get('process_resident_memory_bytes')).toBeGreaterThan(0);
  });
});
