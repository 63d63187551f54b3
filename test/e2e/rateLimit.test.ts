import { Agent } from 'node:http';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createNodeClient } from '../../src/client/createNodeClient.js';
import { NodeRateLimitedError } from '../../src/client/errors.js';
import { assertOk } from '../../src/client/result.js';
import { nodeHttpFetch } from '../helpers/nodeHttp.js';
import { type NodeProcess, startNodeProcess } from '../helpers/nodeProcess.js';
import { waitFor } from '../helpers/waitFor.js';

/**
 * Per-client rate limiting on real node processes: over HTTP, WebSocket upgrades and graphql-ws operations a client
 * over its bucket is refused with RATE_LIMITED (429 and Retry-After over HTTP), the probes are not; each loopback
 * address is its own client; X-Forwarded-For names the client only when it comes from a --trusted-proxies proxy; two
 * peers with a rate limit their traffic fits still register, sync and gossip; the typed client throws
 * NodeRateLimitedError.
 *
 * Determinism: apart from the --rate-limit 1 node, whose burst is spent by back-to-back requests (refilling a token
 * takes a second), the nodes refill at 0.01 a second: nothing refills during the test. Each check that needs a fresh
 * bucket sends from its own loopback address (127.0.0.x): the node sees a new client.
 */

const QUERY = JSON.stringify({ query: '{ node { height } }' });
const agents: Agent[] = [];
const started: NodeProcess[] = [];

afterAll(async () => {
  await Promise.all(started.map((node) => node.stop()));
  for (const agent of agents) agent.destroy();
});

/** Starts a node process that `afterAll` stops: without periodic sync unless `flags` say (the last flag counts). */
async function start(flags: readonly string[]): Promise<NodeProcess> {
  const node = await startNodeProcess(['--sync-interval', '0', ...flags]);
  started.push(node);
  return node;
}

/**
 * A fetch whose connections leave from `localAddress` (through an http.Agent): another loopback address is another
 * client to the node. Enough of fetch for these tests and the typed client: string bodies, buffered answers.
 */
function fetchFrom(localAddress: string): typeof fetch {
  const agent = new Agent({ localAddress });
  agents.push(agent);
  return nodeHttpFetch(agent);
}

/** POSTs `{ node { height } }` (with `headers`) through `send` (default: the global fetch, from 127.0.0.1). */
function postQuery(url: string, headers: Record<string, string> = {}, send: typeof fetch = fetch): Promise<Response> {
  return send(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: QUERY });
}

/** The first error of a refused answer: its code, message and retryAfterSeconds. */
async function firstError(response: Response): Promise<{ message: string; extensions: Record<string, unknown> }> {
  const body = (await response.json()) as { errors?: { message: string; extensions: Record<string, unknown> }[] };
  expect(body.errors).toHaveLength(1);
  return body.errors![0]!;
}

/** Expects a 429 RATE_LIMITED for `client`: Retry-After in whole seconds (at least 1), as in the body. */
async function expectRateLimited(response: Response, client: string): Promise<void> {
  expect(response.status).toBe(429);
  const retryAfter = response.headers.get('retry-after');
  expect(retryAfter).toMatch(/^\d+$/);
  expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  const error = await firstError(response);
  expect(error.extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: Number(retryAfter) });
  expect(error.message).toContain(`rate limit exceeded for ${client}:`);
  expect(error.message).toContain('--rate-limit');
}

/** `graphql_rate_limited_total` of a node's /metrics, read from `send`'s address. */
async function rateLimitedTotal(node: NodeProcess, send: typeof fetch): Promise<number> {
  const text = await (await send(new URL('/metrics', node.url).href)).text();
  const match = /^graphql_rate_limited_total (\d+)$/m.exec(text);
  if (match === null) throw new Error(`no graphql_rate_limited_total in /metrics:\n${text.slice(0, 500)}`);
  return Number(match[1]);
}

/** A `ws` WebSocket class whose connections leave from `localAddress`. */
function webSocketFrom(localAddress: string) {
  return class extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols, { localAddress });
    }
  };
}

/** Opens a graphql-ws upgrade from `localAddress` that must be refused: the HTTP status, headers and body. */
function refusedUpgrade(
  url: string,
  localAddress: string,
): Promise<{ status: number; retryAfter: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws', { localAddress });
    socket.on('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        resolve({
          status: res.statusCode ?? 0,
          retryAfter: res.headers['retry-after'] as string | undefined,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        socket.terminate();
      });
    });
    socket.on('open', () => {
      socket.close();
      reject(new Error('the upgrade was accepted'));
    });
    // terminate() of a socket still connecting reports an error: the answer has been read by then.
    socket.on('error', reject);
  });
}

// 0.05 per second: a token every 20 s, so a stalled CI machine cannot refill one between the quick requests.
describe('a node started with --rate-limit 0.05 --rate-limit-burst 3', () => {
  let node: NodeProcess;
  beforeAll(async () => {
    node = await start(['--rate-limit', '0.05', '--rate-limit-burst', '3']);
  }, 30_000);

  it('answers the 4th quick POST with 429 RATE_LIMITED and Retry-After, says its limit at start, and still answers /healthz', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await postQuery(node.url);
      statuses.push(response.status);
      expect(((await response.json()) as any).data.node.height).toBe(1);
    }
    expect(statuses).toEqual([200, 200, 200]);
    await expectRateLimited(await postQuery(node.url), '127.0.0.1');

    const health = await fetch(new URL('/healthz', node.url));
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });

    expect(node.output()).toMatch(/node\.started .*rateLimit=0\.05\/s,burst=3 trustedProxies=none/);
    // One refusal, counted (read from another address: 127.0.0.1 is out of tokens).
    expect(await rateLimitedTotal(node, fetchFrom('127.0.0.2'))).toBe(1);
  });
});

describe('a node started with --rate-limit 0.01 --rate-limit-burst 3 (nothing refills during the test)', () => {
  let node: NodeProcess;
  beforeAll(async () => {
    node = await start(['--rate-limit', '0.01', '--rate-limit-burst', '3']);
  }, 30_000);

  it('says its decimal limit at start', () => {
    expect(node.output()).toMatch(/node\.started .*rateLimit=0\.01\/s,burst=3 /);
  });

  it('limits each client apart: another loopback address is not affected, and a spoofed X-Forwarded-For is ignored', async () => {
    for (let i = 0; i < 3; i++) expect((await postQuery(node.url)).status).toBe(200);
    await expectRateLimited(await postQuery(node.url), '127.0.0.1');
    // Without --trusted-proxies the header names nobody: the request is still 127.0.0.1's.
    await expectRateLimited(await postQuery(node.url, { 'x-forwarded-for': '198.51.100.7' }), '127.0.0.1');

    const other = await postQuery(node.url, {}, fetchFrom('127.0.0.2'));
    expect(other.status).toBe(200);
    expect(((await other.json()) as any).data.node.height).toBe(1);
  });

  it('the typed client throws NodeRateLimitedError with retryAfterSeconds over HTTP', async () => {
    const client = createNodeClient(node.url, { fetch: fetchFrom('127.0.0.4') });
    for (let i = 0; i < 3; i++) expect((await client.node()).height).toBe(1);
    const refused = await client.node().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(NodeRateLimitedError);
    const error = refused as NodeRateLimitedError;
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.status).toBe(429);
    expect(typeof error.retryAfterSeconds).toBe('number');
    // 0.01 a second: the next token is about 100 s away.
    expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(error.message).toContain('--rate-limit');
  });

  it('over graphql-ws: the operation over the limit gets RATE_LIMITED and the socket stays open; a fresh upgrade gets HTTP 429', async () => {
    let connected = 0;
    let closed = 0;
    // Not lazy: one socket for every operation below (a lazy client would reconnect, taking a token per upgrade).
    const client = createClient({
      url: node.url.replace(/^http/, 'ws'),
      webSocketImpl: webSocketFrom('127.0.0.3'),
      lazy: false,
      retryAttempts: 0,
      on: { connected: () => (connected += 1), closed: () => (closed += 1) },
    });
    const run = (query: string) =>
      client
        .iterate({ query })
        .next()
        .then(
          (result) => ({ result: result.value as { data?: unknown } | undefined }),
          (error: unknown) => ({ error }),
        );
    try {
      // The upgrade took the first of the three tokens, these two operations the others.
      const answered = { result: expect.objectContaining({ data: { node: { height: 1 } } }) };
      expect(await run('{ node { height } }')).toEqual(answered);
      expect(await run('{ node { height } }')).toEqual(answered);
      const refused = await run('subscription { newBlock { index } }');
      expect(refused).toEqual({
        error: [
          expect.objectContaining({
            message: expect.stringContaining('--rate-limit'),
            extensions: { code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) },
          }),
        ],
      });
      // The same socket answers the next operation (refused too): it stayed open.
      expect(await run('{ node { height } }')).toEqual({
        error: [expect.objectContaining({ extensions: expect.objectContaining({ code: 'RATE_LIMITED' }) })],
      });
      expect({ connected, closed }).toEqual({ connected: 1, closed: 0 });

      const upgrade = await refusedUpgrade(node.url, '127.0.0.3');
      expect(upgrade.status).toBe(429);
      expect(upgrade.retryAfter).toMatch(/^\d+$/);
      expect(JSON.parse(upgrade.body).errors[0].extensions.code).toBe('RATE_LIMITED');

      // The typed client's subscription from that address is refused the same way.
      const typed = createNodeClient(node.url, { webSocketImpl: webSocketFrom('127.0.0.3') });
      const blocks = typed.subscribeNewBlocks();
      const ended = await blocks.next().then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(ended).toBeInstanceOf(NodeRateLimitedError);
    } finally {
      await client.dispose();
    }
  });
});

describe('X-Forwarded-For with --trusted-proxies 127.0.0.1 (--rate-limit 0.01 --rate-limit-burst 1)', () => {
  let node: NodeProcess;
  beforeAll(async () => {
    node = await start(['--rate-limit', '0.01', '--rate-limit-burst', '1', '--trusted-proxies', '127.0.0.1']);
  }, 30_000);

  it('gives each client the trusted proxy names its own bucket', async () => {
    expect(node.output()).toMatch(/node\.started .*rateLimit=0\.01\/s,burst=1 trustedProxies=127\.0\.0\.1/);
    expect((await postQuery(node.url, { 'x-forwarded-for': '198.51.100.1' })).status).toBe(200);
    await expectRateLimited(await postQuery(node.url, { 'x-forwarded-for': '198.51.100.1' }), '198.51.100.1');
    expect((await postQuery(node.url, { 'x-forwarded-for': '198.51.100.2' })).status).toBe(200);
    await expectRateLimited(await postQuery(node.url, { 'x-forwarded-for': '198.51.100.2' }), '198.51.100.2');
    // The proxy's own requests (no header) are the proxy's.
    expect((await postQuery(node.url)).status).toBe(200);
  });

  it('ignores the header from an address that is not a trusted proxy', async () => {
    const untrusted = fetchFrom('127.0.0.2');
    expect((await postQuery(node.url, { 'x-forwarded-for': '198.51.100.3' }, untrusted)).status).toBe(200);
    await expectRateLimited(await postQuery(node.url, { 'x-forwarded-for': '198.51.100.4' }, untrusted), '127.0.0.2');
  });
});

describe('two peers, each with --rate-limit 20 --rate-limit-burst 60', () => {
  // Periodic sync every second on top of registration, resolve and gossip: the peers' ordinary traffic.
  const FLAGS = ['--difficulty', '8', '--sync-interval', '1000', '--rate-limit', '20', '--rate-limit-burst', '60'];
  let first: NodeProcess;
  let second: NodeProcess;
  beforeAll(async () => {
    [first, second] = await Promise.all([start(FLAGS), start(FLAGS)]);
  }, 30_000);

  it('register each other, sync (resolve) and gossip blocks both ways, without a single refusal', async () => {
    for (const node of [first, second]) expect(node.output()).toMatch(/node\.started .*rateLimit=20\/s,burst=60 /);
    // The test's own requests come from 127.0.0.2, the peers' from 127.0.0.1: only peer traffic shares a bucket.
    const send = fetchFrom('127.0.0.2');
    const a = createNodeClient(first.url, { fetch: send });
    const b = createNodeClient(second.url, { fetch: send });
    for (let i = 0; i < 3; i++) assertOk(await b.mine());
    const registered = await a.registerNodes([second.url]);
    assertOk(registered);
    expect(registered.added).toEqual([expect.objectContaining({ url: second.url, status: 'REACHABLE' })]);
    // Registration starts a sync of its own (and the 1 s resync runs too), so the second node's chain may already be
    // adopted when resolve runs: either way, resolve answers the peer and the first node ends on the second's tip.
    const resolution = await a.resolve();
    expect(resolution.peers).toEqual([expect.objectContaining({ url: second.url })]);
    expect(['ADOPTED', 'IN_SYNC']).toContain(resolution.peers[0]!.outcome);
    expect((await a.node()).tip.hash).toBe((await b.node()).tip.hash);
    expect((await a.node()).height).toBe(4);
    expect((await b.peers()).map((peer) => peer.url)).toEqual([first.url]);

    const fromA = await a.mine();
    assertOk(fromA);
    await waitFor(
      "the first node's block on the second",
      async () => (await b.node()).tip.hash === fromA.block.hash,
      10_000,
      100,
    );
    const fromB = await b.mine();
    assertOk(fromB);
    await waitFor(
      "the second node's block on the first",
      async () => (await a.node()).tip.hash === fromB.block.hash,
      10_000,
      100,
    );

    expect((await a.peers()).map((peer) => peer.status)).toEqual(['REACHABLE']);
    expect((await b.peers()).map((peer) => peer.status)).toEqual(['REACHABLE']);
    expect(await rateLimitedTotal(first, send)).toBe(0);
    expect(await rateLimitedTotal(second, send)).toBe(0);
  });
});
