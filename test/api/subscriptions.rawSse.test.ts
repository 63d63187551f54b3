import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { ExecutionResult } from 'graphql';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { serveSse } from '../../src/api/rawSse.js';
import { type RunningServer, startServer } from '../../src/api/server.js';
import {
  type SharedSubscriber,
  type SubscriberSink,
  SubscriptionMultiplexer,
} from '../../src/api/subscriptionMultiplexer.js';
import { createTestNode } from '../helpers/testNode.js';
import { gql, MINE, type TestNode, waitUntil } from './apiTestKit.js';

// SSE subscriptions over real HTTP are written straight to the socket (src/api/rawSse.ts), not through a web stream.

const NEW_BLOCK = 'subscription NewBlock { newBlock { index } }';

let testNode: TestNode;
let server: RunningServer;
let multiplexer: SubscriptionMultiplexer;
const sockets: Socket[] = [];

beforeEach(async () => {
  testNode = createTestNode();
  multiplexer = new SubscriptionMultiplexer();
  server = await startServer(testNode.node, {
    host: '127.0.0.1',
    port: 0,
    graphiql: false,
    dashboard: false,
    multiplexSubscriptions: multiplexer,
    limits: { maxSubscriptionsPerClient: 1, minHeightWaitMs: 60_000 },
  });
});

afterEach(async () => {
  vi.useRealTimers();
  for (const socket of sockets.splice(0)) socket.destroy();
  await server.close();
  testNode.node.close();
});

/** An SSE subscription over a raw socket: everything the server wrote, as text, as it arrives. */
async function subscribe(
  query = NEW_BLOCK,
  headers = '',
  waitForHead = true,
): Promise<{ socket: Socket; text: () => string; next: () => Promise<void> }> {
  const socket = connect({ host: '127.0.0.1', port: server.port });
  sockets.push(socket);
  socket.setEncoding('utf8');
  let text = '';
  let wake = () => {};
  socket.on('data', (chunk: string) => {
    text += chunk;
    wake();
  });
  socket.on('error', () => undefined);
  const body = JSON.stringify({ query });
  socket.write(
    `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\n${headers}` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  const next = () => new Promise<void>((resolve) => (wake = resolve));
  while (waitForHead && !text.includes('\r\n\r\n')) await next();
  return { socket, text: () => text, next };
}

describe('SSE written straight to the socket', () => {
  it('sends the head and a ping, then each payload as one HTTP chunk holding its whole frame', async () => {
    const subscriber = await subscribe();
    while (!subscriber.text().includes(':\n\n')) await subscriber.next();
    expect(subscriber.text()).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(subscriber.text()).toMatch(/\r\ncontent-type: text\/event-stream\r\n/i);
    expect(subscriber.text()).toMatch(/\r\ntransfer-encoding: chunked\r\n/i);
    await waitUntil(() => multiplexer.memberCount === 1, 1_000_000);
    testNode.advance(10_000);
    await gql(testNode.yoga, MINE);
    while (!subscriber.text().includes('"index":2')) await subscriber.next();
    while (!subscriber.text().endsWith('\r\n')) await subscriber.next();
    const body = subscriber.text().slice(subscriber.text().indexOf('\r\n\r\n') + 4);
    const [ping, frame] = body.split(/\r\n(?=[0-9a-f]+\r\n)/).map((chunk) => chunk.replace(/\r\n$/, ''));
    expect(ping).toBe('3\r\n:\n\n');
    const [size, data] = frame!.split('\r\n') as [string, string];
    expect(Number.parseInt(size, 16)).toBe(Buffer.byteLength(data));
    expect(data).toMatch(/^event: next\ndata: \{"data":\{"newBlock":\{"index":2\}\},"extensions":\{"chain":.*\}\n\n$/);
  });

  it("frees a disconnected client's subscription slot at once, without waiting for a write to fail", async () => {
    // No ping ever fires: a subscription released only when a write to its closed socket fails would stay held (as
    // one read through a web stream in process is: its cancel waits for the read in flight).
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const first = await subscribe();
    await waitUntil(() => multiplexer.memberCount === 1, 1_000_000);
    // The client holds its one slot: a second subscription is refused.
    const refused = await subscribe();
    while (!refused.text().includes('TOO_MANY_SUBSCRIPTIONS') && !refused.text().includes('"index"'))
      await refused.next();
    expect(refused.text()).toContain('TOO_MANY_SUBSCRIPTIONS');

    first.socket.destroy();
    await waitUntil(() => multiplexer.memberCount === 0, 1_000_000);
    const again = await subscribe();
    await waitUntil(() => multiplexer.memberCount === 1, 1_000_000);
    testNode.advance(10_000);
    await gql(testNode.yoga, MINE);
    while (!again.text().includes('"index":2')) await again.next();
    expect(again.text()).not.toContain('TOO_MANY_SUBSCRIPTIONS');
  });

  it('releases a subscription whose client left while it was being set up', async () => {
    const subscribeSpy = vi.spyOn(multiplexer, 'subscribe');
    const listenersBefore = testNode.node.events.listenerCount('tipChanged');
    // It waits for height 3 before it subscribes; its client leaves meanwhile.
    const leaving = await subscribe(NEW_BLOCK, 'x-min-height: 3\r\n', false);
    await waitUntil(() => testNode.node.events.listenerCount('tipChanged') > listenersBefore, 1_000_000);
    leaving.socket.destroy();
    // A request on another connection, answered after the server has seen the first one close.
    const answered = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(answered.status).toBe(200);
    for (let i = 0; i < 2; i++) {
      testNode.advance(10_000);
      await gql(testNode.yoga, MINE);
    }
    await waitUntil(() => subscribeSpy.mock.calls.length === 1, 1_000_000);
    await waitUntil(() => multiplexer.memberCount === 0, 1_000_000);
    // Its slot is free: the client's one subscription opens.
    const again = await subscribe();
    await waitUntil(() => multiplexer.memberCount === 1, 1_000_000);
    expect(again.text()).not.toContain('TOO_MANY_SUBSCRIPTIONS');
  });

  it('pings an idle subscriber from the shared timer', async () => {
    const subscriber = await subscribe();
    while (subscriber.text().split(':\n\n').length < 3) await subscriber.next();
    expect(subscriber.text()).not.toContain('event: next');
  });
});

describe('serveSse', () => {
  /** A response whose socket never drains: everything written stays buffered. */
  function stuckResponse() {
    const res = new EventEmitter() as EventEmitter & Record<string, any>;
    const socket = {
      writableLength: 0,
      writes: 0,
      destroyed: false,
      write(chunk: Uint8Array) {
        socket.writes++;
        socket.writableLength += chunk.byteLength;
        return false;
      },
    };
    Object.assign(res, {
      socket,
      chunkedEncoding: true,
      writableLength: 0,
      setHeader: () => res,
      writeHead: () => res,
      write: () => true,
      end: vi.fn(() => res),
      destroy: vi.fn(() => {
        socket.destroyed = true;
        res.emit('close');
      }),
    });
    return res;
  }

  /** A stream of `count` results of one size, then open (a next that never settles); records its return. */
  function resultStream(count: number) {
    const stream = {
      asked: 0,
      returned: false,
      next: (): Promise<IteratorResult<ExecutionResult>> =>
        stream.asked++ < count
          ? Promise.resolve({ done: false, value: { data: { n: stream.asked % 10 } } })
          : new Promise(() => {}),
      return: async (): Promise<IteratorResult<ExecutionResult>> => {
        stream.returned = true;
        return { done: true, value: undefined };
      },
    };
    return stream;
  }

  it('ends a subscriber whose socket holds more than its backlog of frames, and releases its stream at once', async () => {
    const res = stuckResponse();
    const stream = resultStream(10);
    serveSse(new Response(null, { status: 200 }), stream, res as unknown as ServerResponse, 2);
    await waitUntil(() => stream.returned, 1_000);
    // As a subscriber that falls behind its shared stream: an error payload, then `complete`.
    expect(res['end']).toHaveBeenCalledTimes(1);
    expect(String(res['end'].mock.calls[0][0])).toBe(
      'event: next\ndata: {"errors":[{"message":"subscriber fell more than 2 events behind; resubscribe"}]}\n\n' +
        'event: complete\ndata:\n\n',
    );
    // The third frame took the socket past two frames unsent: nothing was written or read after it.
    expect(res['socket'].writes).toBe(3);
    expect(stream.asked).toBe(3);
  });

  it("writes a shared stream's subscriber from its sink, and ends it the same way when its socket backs up", async () => {
    const res = stuckResponse();
    const stream = resultStream(10);
    let sink: SubscriberSink | undefined;
    const shared: SharedSubscriber = {
      backlog: 2,
      attach: (_stream, given) => {
        sink = given;
        return true;
      },
    };
    serveSse(new Response(null, { status: 200 }), stream, res as unknown as ServerResponse, 2, shared);
    const payload = { data: { n: 1 } };
    expect(sink!.write(payload)).toBe(true);
    expect(sink!.write(payload)).toBe(true);
    // The third frame takes the socket past two frames unsent.
    expect(sink!.write(payload)).toBe(false);
    expect(String(res['end'].mock.calls[0][0])).toBe(
      'event: next\ndata: {"errors":[{"message":"subscriber fell more than 2 events behind; resubscribe"}]}\n\n' +
        'event: complete\ndata:\n\n',
    );
    expect(stream.returned).toBe(true);
    // Its stream was never read: every frame came from the sink.
    expect(stream.asked).toBe(0);
    expect(res['socket'].writes).toBe(3);
  });

  it('keeps a subscriber whose socket keeps up', async () => {
    const res = stuckResponse();
    const stream = resultStream(10);
    res['socket'].write = () => true; // everything is sent at once
    serveSse(new Response(null, { status: 200 }), stream, res as unknown as ServerResponse, 2);
    await waitUntil(() => stream.asked > 10, 1_000);
    expect(res['destroy']).not.toHaveBeenCalled();
    expect(stream.returned).toBe(false);
    res.emit('close');
    expect(stream.returned).toBe(true);
  });
});
