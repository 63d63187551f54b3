import { Agent } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  clientAddress,
  createRateLimiter,
  rateLimitKey,
  retryAfterSeconds,
  TokenBuckets,
  TrustedProxies,
} from '../../src/api/rateLimit.js';
import { type RunningServer, startServer } from '../../src/api/server.js';
import type { RateLimit } from '../../src/node/config.js';
import { contactFailure } from '../../src/peer/peerApi.js';
import { PeerClient } from '../../src/peer/peerClient.js';
import { createFixedClock } from '../helpers/clock.js';
import { bob } from '../helpers/keys.js';
import { type RawAnswer, rawRequest } from '../helpers/nodeHttp.js';
import { createTestNode } from '../helpers/testNode.js';

describe('TokenBuckets', () => {
  const limit: RateLimit = { perSecond: 2, burst: 3 };

  it('admits a burst at once, then refuses until a token has refilled, saying when', () => {
    const clock = createFixedClock(1_000);
    const buckets = new TokenBuckets(limit, clock.now);
    expect([1, 2, 3].map(() => buckets.take('a').ok)).toEqual([true, true, true]);
    expect(buckets.take('a')).toEqual({ ok: false, retryAfterMs: 500 });
    clock.advance(499);
    expect(buckets.take('a').ok).toBe(false);
    clock.advance(1);
    expect(buckets.take('a').ok).toBe(true);
    expect(buckets.take('a')).toEqual({ ok: false, retryAfterMs: 500 });
  });

  it('refills at perSecond and never above the burst', () => {
    const clock = createFixedClock(0);
    const buckets = new TokenBuckets(limit, clock.now);
    for (let i = 0; i < 3; i++) buckets.take('a');
    clock.advance(60_000);
    expect([1, 2, 3, 4].map(() => buckets.take('a').ok)).toEqual([true, true, true, false]);
  });

  it('keeps a bucket per client: one client over its limit leaves the others alone', () => {
    const buckets = new TokenBuckets({ perSecond: 1, burst: 1 }, () => 0);
    expect(buckets.take('a').ok).toBe(true);
    expect(buckets.take('a').ok).toBe(false);
    expect(buckets.take('b').ok).toBe(true);
  });

  it('refills nothing when the clock steps back', () => {
    const clock = createFixedClock(10_000);
    const buckets = new TokenBuckets({ perSecond: 1, burst: 1 }, clock.now);
    buckets.take('a');
    clock.set(5_000);
    expect(buckets.take('a').ok).toBe(false);
    clock.set(10_999);
    expect(buckets.take('a').ok).toBe(false);
    clock.set(11_000);
    expect(buckets.take('a').ok).toBe(true);
  });

  it('takes fractional rates: 0.5 per second is one request every 2 s', () => {
    const clock = createFixedClock(0);
    const buckets = new TokenBuckets({ perSecond: 0.5, burst: 1 }, clock.now);
    buckets.take('a');
    expect(buckets.take('a')).toEqual({ ok: false, retryAfterMs: 2_000 });
    clock.advance(2_000);
    expect(buckets.take('a').ok).toBe(true);
  });

  it('forgets clients whose bucket has refilled, so memory follows the active clients only', () => {
    const clock = createFixedClock(0);
    const buckets = new TokenBuckets({ perSecond: 10, burst: 20 }, clock.now);
    for (let i = 0; i < 1_000; i++) buckets.take(`10.0.${i >> 8}.${i & 255}`);
    expect(buckets.trackedClients).toBe(1_000);
    // Full again after burst / perSecond = 2 s: the next take sweeps them all but the one taking.
    clock.advance(2_000);
    buckets.take('10.9.9.9');
    expect(buckets.trackedClients).toBe(1);
  });

  it('does not forget a client that is still over its limit', () => {
    const clock = createFixedClock(0);
    const buckets = new TokenBuckets({ perSecond: 1, burst: 5 }, clock.now);
    for (let i = 0; i < 10; i++) buckets.take('hammer');
    clock.advance(4_000);
    buckets.take('other');
    expect(buckets.trackedClients).toBe(2);
    expect([1, 2, 3, 4, 5].map(() => buckets.take('hammer').ok)).toEqual([true, true, true, true, false]);
  });

  it.each([
    [{ perSecond: 0, burst: 1 }, /perSecond must be a positive number/],
    [{ perSecond: Number.POSITIVE_INFINITY, burst: 1 }, /perSecond must be a positive number/],
    [{ perSecond: 1, burst: 0 }, /burst must be an integer of at least 1/],
    [{ perSecond: 1, burst: 1.5 }, /burst must be an integer of at least 1/],
  ])('refuses the limit %j', (bad, message) => {
    expect(() => new TokenBuckets(bad, () => 0)).toThrow(message);
  });

  it('rounds Retry-After up to whole seconds, at least 1', () => {
    expect([1, 999, 1_000, 1_001, 99_990].map(retryAfterSeconds)).toEqual([1, 1, 1, 2, 100]);
  });
});

describe('who the client is', () => {
  const request = (remoteAddress: string | undefined, forwardedFor?: string | string[]) => ({
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
    socket: remoteAddress === undefined ? undefined : { remoteAddress },
  });
  const none = new TrustedProxies([]);
  const proxies = new TrustedProxies(['127.0.0.1', '10.0.0.0/8', 'fd00::/8']);

  it('is the socket address, IPv4-mapped addresses unmapped, or "in-process" without a socket', () => {
    expect(clientAddress(request('192.0.2.1'), none)).toBe('192.0.2.1');
    expect(clientAddress(request('::ffff:192.0.2.1'), none)).toBe('192.0.2.1');
    expect(clientAddress(request('2001:db8::1'), none)).toBe('2001:db8::1');
    expect(clientAddress(request(undefined), none)).toBe('in-process');
  });

  it('ignores X-Forwarded-For unless the socket is a trusted proxy (anyone can write the header)', () => {
    expect(clientAddress(request('192.0.2.1', '198.51.100.7'), none)).toBe('192.0.2.1');
    expect(clientAddress(request('192.0.2.1', '198.51.100.7'), proxies)).toBe('192.0.2.1');
  });

  it('takes the right-most X-Forwarded-For entry that is not a trusted proxy', () => {
    expect(clientAddress(request('127.0.0.1', '198.51.100.7'), proxies)).toBe('198.51.100.7');
    // The left-most entry is whatever the client wrote: a spoofed address there is skipped.
    expect(clientAddress(request('127.0.0.1', '203.0.113.9, 198.51.100.7, 10.1.2.3'), proxies)).toBe('198.51.100.7');
    expect(clientAddress(request('::ffff:127.0.0.1', ['203.0.113.9', '198.51.100.7']), proxies)).toBe('198.51.100.7');
    expect(clientAddress(request('127.0.0.1', 'fd00::5, ::ffff:198.51.100.8'), proxies)).toBe('198.51.100.8');
  });

  it('stops at a hop that is no address: the last address it could trust is the client', () => {
    expect(clientAddress(request('127.0.0.1', '198.51.100.7, not-an-ip, 10.1.2.3'), proxies)).toBe('10.1.2.3');
    expect(clientAddress(request('127.0.0.1', 'garbage'), proxies)).toBe('127.0.0.1');
    expect(clientAddress(request('127.0.0.1', ''), proxies)).toBe('127.0.0.1');
    expect(clientAddress(request('127.0.0.1'), proxies)).toBe('127.0.0.1');
  });

  it('keys IPv4 clients by address and IPv6 clients by their /64', () => {
    expect(rateLimitKey('192.0.2.1')).toBe('192.0.2.1');
    expect(rateLimitKey('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(rateLimitKey('2001:0db8:0001:0002::9')).toBe('2001:db8:1:2::/64');
    expect(rateLimitKey('2001:db8:1:3::9')).toBe('2001:db8:1:3::/64');
    expect(rateLimitKey('::1')).toBe('0:0:0:0::/64');
    expect(rateLimitKey('64:ff9b::192.0.2.1')).toBe('64:ff9b:0:0::/64');
    expect(rateLimitKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(rateLimitKey('in-process')).toBe('in-process');
  });

  it('reads trusted proxies as addresses and CIDR ranges, and refuses anything else naming the flag', () => {
    expect(proxies.has('10.200.0.1')).toBe(true);
    expect(proxies.has('11.0.0.1')).toBe(false);
    expect(proxies.has('fd12::1')).toBe(true);
    expect(proxies.has('2001:db8::1')).toBe(false);
    expect(proxies.has('nonsense')).toBe(false);
    expect(() => new TrustedProxies(['proxy.example'])).toThrow(/--trusted-proxies entries must be IP addresses/);
    expect(() => new TrustedProxies(['10.0.0.0/40'])).toThrow(/got "10.0.0.0\/40"/);
  });

  it('gives one refusal per request over the limit, naming the client, the limit and the flags', () => {
    const limiter = createRateLimiter({ perSecond: 0.01, burst: 1 }, none, () => 0);
    expect(limiter.check(request('192.0.2.1'))).toBeUndefined();
    const refusal = limiter.check(request('192.0.2.1'));
    expect(refusal).toMatchObject({ client: '192.0.2.1', retryAfterSeconds: 100 });
    expect(refusal?.message).toBe(
      'rate limit exceeded for 192.0.2.1: at most 0.01 requests per second (bursts of 1); retry after 100 s ' +
        "(the node's --rate-limit and --rate-limit-burst)",
    );
    expect(JSON.parse(refusal!.body)).toEqual({
      errors: [{ message: refusal!.message, extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 100 } }],
    });
  });
});

// The HTTP server: requests, streams, upgrades and WebSocket operations each take a token of their client.

const running: Array<{ server: RunningServer; close: () => void }> = [];
const agents: Agent[] = [];
afterEach(async () => {
  for (const agent of agents.splice(0)) agent.destroy();
  for (const { server, close } of running.splice(0)) {
    await server.close();
    close();
  }
});

/** A node whose clients may send `burst` requests and then nothing for 1,000 s (no refill during a test). */
async function serve(burst: number, options: { trustedProxies?: string[]; rateLimit?: RateLimit | null } = {}) {
  const testNode = createTestNode({ label: 'rate-limit' });
  await testNode.node.mine();
  const server = await startServer(testNode.node, {
    host: '127.0.0.1',
    port: 0,
    limits: { rateLimit: options.rateLimit === undefined ? { perSecond: 0.001, burst } : options.rateLimit },
    ...(options.trustedProxies === undefined ? {} : { trustedProxies: new TrustedProxies(options.trustedProxies) }),
  });
  running.push({ server, close: () => testNode.node.close() });
  return { node: testNode.node, server, port: server.port };
}

/** A request from `from` (a loopback address: every 127.x address reaches the node, each a client of its own). */
function send(
  port: number,
  options: { from?: string; method?: string; path?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<RawAnswer> {
  const agent = new Agent({ localAddress: options.from ?? '127.0.0.1' } as never);
  agents.push(agent);
  return rawRequest(`http://127.0.0.1:${port}${options.path ?? '/graphql'}`, {
    ...(options.method === undefined ? {} : { method: options.method }),
    ...(options.body === undefined ? {} : { body: options.body }),
    headers: { 'content-type': 'application/json', ...options.headers },
    agent,
  });
}

const QUERY = JSON.stringify({ query: '{ node { height } }' });
const SEND = JSON.stringify({ query: `mutation { send(recipient: "${bob.address}", amount: 1) { __typename } }` });

function expectRateLimited(answer: RawAnswer, client = '127.0.0.1'): void {
  expect(answer.status).toBe(429);
  expect(answer.headers['retry-after']).toMatch(/^\d+$/);
  expect(Number(answer.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  expect(answer.headers['content-type']).toMatch(/^application\/json/);
  const error = JSON.parse(answer.body).errors[0];
  expect(error.extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: Number(answer.headers['retry-after']) });
  expect(error.message).toContain(`rate limit exceeded for ${client}`);
  expect(error.message).toContain('--rate-limit');
}

describe('the rate limit over HTTP', () => {
  it('answers the request over the burst with 429, Retry-After and RATE_LIMITED, and runs nothing', async () => {
    const { node, port } = await serve(2);
    expect((await send(port, { body: QUERY })).status).toBe(200);
    expect((await send(port, { body: SEND })).status).toBe(200);
    expect(node.mempool.size).toBe(1);
    const refused = await send(port, { body: SEND });
    expectRateLimited(refused);
    expect(node.mempool.size).toBe(1);
    expectRateLimited(await send(port, { path: `/graphql?query=${encodeURIComponent('{ node { height } }')}` }));
  });

  it('counts every client on its own: another address still gets its whole burst', async () => {
    const { port } = await serve(1);
    expect((await send(port, { body: QUERY })).status).toBe(200);
    expectRateLimited(await send(port, { body: QUERY }));
    expect((await send(port, { from: '127.0.0.2', body: QUERY })).status).toBe(200);
    expectRateLimited(await send(port, { from: '127.0.0.2', body: QUERY }), '127.0.0.2');
  });

  it('never limits the health probes, and limits the dashboard and /metrics like any request', async () => {
    const { port } = await serve(1);
    expect((await send(port, { path: '/' })).status).toBe(200);
    for (let i = 0; i < 5; i++) {
      expect((await send(port, { path: '/healthz' })).status).toBe(200);
      // Not ready (this node was never started), but answered: never 429.
      expect((await send(port, { path: '/readyz' })).status).toBe(503);
    }
    expectRateLimited(await send(port, { path: '/' }));
    expectRateLimited(await send(port, { path: '/metrics' }));
  });

  it('counts an SSE subscription request like any other', async () => {
    const { port } = await serve(1);
    expect((await send(port, { body: QUERY })).status).toBe(200);
    const refused = await send(port, {
      body: JSON.stringify({ query: 'subscription { newBlock { index } }' }),
      headers: { accept: 'text/event-stream' },
    });
    expectRateLimited(refused);
  });

  it('counts the refusals in graphql_rate_limited_total', async () => {
    const { port } = await serve(1);
    await send(port, { body: QUERY });
    await send(port, { body: QUERY });
    await send(port, { body: QUERY });
    // /metrics is itself limited: scrape it from another address.
    const metrics = await send(port, { from: '127.0.0.3', path: '/metrics' });
    expect(metrics.body).toMatch(/^graphql_rate_limited_total 2$/m);
  });

  it('tells clients the limit in limits { rateLimitPerSecond rateLimitBurst }, null without one', async () => {
    const limited = await serve(7, { rateLimit: { perSecond: 2.5, burst: 7 } });
    const query = JSON.stringify({ query: '{ limits { rateLimitPerSecond rateLimitBurst } }' });
    expect(JSON.parse((await send(limited.port, { body: query })).body).data.limits).toEqual({
      rateLimitPerSecond: 2.5,
      rateLimitBurst: 7,
    });
    const open = await serve(1, { rateLimit: null });
    for (let i = 0; i < 5; i++) expect((await send(open.port, { body: query })).status).toBe(200);
    expect(JSON.parse((await send(open.port, { body: query })).body).data.limits).toEqual({
      rateLimitPerSecond: null,
      rateLimitBurst: null,
    });
  });

  it('counts the client a trusted proxy names in X-Forwarded-For, and ignores the header from anyone else', async () => {
    const behindProxy = await serve(1, { trustedProxies: ['127.0.0.1'] });
    const forwarded = (address: string) => ({ body: QUERY, headers: { 'x-forwarded-for': address } });
    expect((await send(behindProxy.port, forwarded('198.51.100.1'))).status).toBe(200);
    expectRateLimited(await send(behindProxy.port, forwarded('198.51.100.1')), '198.51.100.1');
    expect((await send(behindProxy.port, forwarded('198.51.100.2'))).status).toBe(200);

    // Without --trusted-proxies a client cannot buy a fresh bucket by writing the header.
    const direct = await serve(1);
    expect((await send(direct.port, forwarded('198.51.100.1'))).status).toBe(200);
    expectRateLimited(await send(direct.port, forwarded('198.51.100.2')));
  });
});

describe('the subscription limit behind a trusted proxy', () => {
  it('counts subscriptions per client named in X-Forwarded-For, not per proxy', async () => {
    const testNode = createTestNode({ label: 'proxied-subscriptions' });
    const server = await startServer(testNode.node, {
      host: '127.0.0.1',
      port: 0,
      limits: { maxSubscriptionsPerClient: 1 },
      trustedProxies: new TrustedProxies(['127.0.0.1']),
    });
    running.push({ server, close: () => testNode.node.close() });
    const streams: AbortController[] = [];
    const subscribe = async (forwardedFor: string) => {
      const abort = new AbortController();
      streams.push(abort);
      const response = await fetch(server.url, {
        method: 'POST',
        signal: abort.signal,
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'x-forwarded-for': forwardedFor },
        body: JSON.stringify({ query: 'subscription { newBlock { index } }' }),
      });
      const reader = response.body!.getReader();
      const first = new TextDecoder().decode((await reader.read()).value);
      return first;
    };
    try {
      // Each client's first subscription opens (the stream starts with a keep-alive or nothing but stays open).
      const refusedText = async (forwardedFor: string) => {
        const text = await subscribe(forwardedFor);
        return text.includes('TOO_MANY_SUBSCRIPTIONS');
      };
      expect(await refusedText('198.51.100.1')).toBe(false);
      expect(await refusedText('198.51.100.2')).toBe(false);
      expect(await refusedText('198.51.100.1')).toBe(true);
    } finally {
      for (const abort of streams) abort.abort();
    }
  });
});

describe('the rate limit over WebSockets', () => {
  /** Opens a graphql-ws connection from `from` and waits for connection_ack; resolves the socket and its messages. */
  async function connect(port: number, from = '127.0.0.1') {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws', { localAddress: from });
    const messages: any[] = [];
    const waiters: Array<() => void> = [];
    socket.on('message', (data) => {
      messages.push(JSON.parse(String(data)));
      for (const wake of waiters.splice(0)) wake();
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    socket.send(JSON.stringify({ type: 'connection_init' }));
    const next = async (predicate: (message: any) => boolean) => {
      for (;;) {
        const found = messages.find(predicate);
        if (found !== undefined) return found;
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    };
    await next((message) => message.type === 'connection_ack');
    return { socket, next };
  }

  it('counts each operation: one over the limit gets RATE_LIMITED and the socket stays open', async () => {
    const { port } = await serve(3);
    const { socket, next } = await connect(port);
    try {
      // The upgrade took one token; two operations take the rest.
      for (const id of ['1', '2']) {
        socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query: '{ node { height } }' } }));
        expect((await next((message) => message.id === id && message.type === 'next')).payload.data.node.height).toBe(
          2,
        );
      }
      socket.send(JSON.stringify({ id: '3', type: 'subscribe', payload: { query: '{ node { height } }' } }));
      const refused = await next((message) => message.id === '3');
      expect(refused.type).toBe('error');
      expect(refused.payload[0].extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
      expect(refused.payload[0].message).toContain('rate limit exceeded for 127.0.0.1');
      socket.send(JSON.stringify({ type: 'ping' }));
      await next((message) => message.type === 'pong');
      expect(socket.readyState).toBe(WebSocket.OPEN);
    } finally {
      socket.close();
    }
  });

  it('answers an upgrade over the limit with HTTP 429 and Retry-After instead of a WebSocket', async () => {
    const { port } = await serve(1);
    expect((await send(port, { body: QUERY })).status).toBe(200);
    const socket = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws');
    const response = await new Promise<{ status: number; retryAfter: unknown; body: string }>((resolve, reject) => {
      socket.on('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'], body }));
      });
      socket.on('open', () => reject(new Error('the upgrade was accepted')));
      socket.on('error', () => undefined);
    });
    expect(response.status).toBe(429);
    expect(response.retryAfter).toMatch(/^\d+$/);
    expect(JSON.parse(response.body).errors[0].extensions.code).toBe('RATE_LIMITED');
    // Another client still connects.
    const other = await connect(port, '127.0.0.2');
    other.socket.close();
  });
});

describe('peers of a rate-limited node', () => {
  it('count a 429 as UNREACHABLE (busy, retried later), not as a protocol error', async () => {
    const { server } = await serve(1);
    const peer = new PeerClient(server.url);
    await peer.status();
    const error = await peer.status().catch((caught: unknown) => caught);
    expect(contactFailure(error)).toEqual({
      status: 'UNREACHABLE',
      message: 'rate limited us (HTTP 429); will retry later',
    });
  });
});
