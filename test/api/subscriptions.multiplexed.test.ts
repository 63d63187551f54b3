import { ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { type Client, createClient } from 'graphql-ws';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { BLOCK_READ } from '../../src/api/cost.js';
import { type RunningServer, startServer } from '../../src/api/server.js';
import { SubscriptionMultiplexer } from '../../src/api/subscriptionMultiplexer.js';
import { createTestNode } from '../helpers/testNode.js';
import { gql, MINE, SseReader, type TestNode, waitUntil } from './apiTestKit.js';

// newBlock's subscribers share one stream over SSE and graphql-ws alike (src/api/subscriptionMultiplexer.ts).

const NEW_BLOCK = 'subscription NewBlock { newBlock { index hash isBest } }';

let testNode: TestNode;
let server: RunningServer;
let multiplexer: SubscriptionMultiplexer;
let client: Client;
const readers: SseReader[] = [];
const subscriptions: AsyncIterableIterator<any>[] = [];

beforeEach(async () => {
  testNode = createTestNode();
  multiplexer = new SubscriptionMultiplexer();
  server = await startServer(testNode.node, {
    host: '127.0.0.1',
    port: 0,
    graphiql: false,
    dashboard: false,
    multiplexSubscriptions: multiplexer,
  });
  client = createClient({ url: server.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
});

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(readers.splice(0).map((reader) => reader.cancel()));
  await Promise.all(subscriptions.splice(0).map((subscription) => subscription.return?.()));
  await client.dispose();
  await server.close();
  testNode.node.close();
});

async function openSse(query = NEW_BLOCK): Promise<SseReader> {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ query }),
  });
  expect(response.status).toBe(200);
  const reader = new SseReader(response);
  readers.push(reader);
  return reader;
}

/** Mines a block through the API, selecting nothing of it. */
async function mineQuietly(): Promise<void> {
  testNode.advance(10_000);
  const mined = await gql(testNode.yoga, 'mutation { mine { __typename } }');
  expect(mined.data.mine.__typename).toBe('MineSuccess');
}

function openWs(query = NEW_BLOCK): { next: () => Promise<any> } {
  const subscription = client.iterate({ query });
  subscriptions.push(subscription);
  const first = subscription.next();
  let pending: Promise<IteratorResult<any>> | undefined = first;
  return {
    next: async () => {
      const step = await (pending ?? subscription.next());
      pending = undefined;
      return step.value;
    },
  };
}

/** An SSE subscription over a raw socket: the first payload's HTTP chunk as the server wrote it. */
function rawSse(port: number): { first: Promise<string>; close: () => void } {
  const socket = connect({ host: '127.0.0.1', port });
  socket.on('error', () => undefined);
  const body = JSON.stringify({ query: NEW_BLOCK });
  socket.write(
    'POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  const first = new Promise<string>((resolve) => {
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      const match = /\r\n([0-9a-f]+\r\nevent: next\n[\s\S]*?\n\n\r\n)/.exec(text);
      if (match !== null) resolve(match[1]!);
    });
  });
  return { first, close: () => socket.destroy() };
}

/** A graphql-ws subscription over a raw WebSocket: the first `next` message's text as the server sent it. */
function rawWs(url: string): { first: Promise<string>; close: () => void } {
  const socket = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws');
  const first = new Promise<string>((resolve) => {
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
    socket.on('message', (data: Buffer) => {
      const text = data.toString('utf8');
      if (text.startsWith('{"type":"connection_ack"'))
        socket.send(JSON.stringify({ id: 'sub/1', type: 'subscribe', payload: { query: NEW_BLOCK } }));
      else if (text.includes('"type":"next"')) resolve(text);
    });
  });
  return { first, close: () => socket.terminate() };
}

describe('shared newBlock streams', () => {
  it('serve SSE and graphql-ws subscribers of one document from one listener and one execution per block', async () => {
    // What a mine costs in isBest calls with no subscriber: the subscribers add one execution's worth.
    const isBest = vi.spyOn(testNode.node.chain, 'isBest');
    await mineQuietly();
    const withoutSubscribers = isBest.mock.calls.length;
    isBest.mockClear();

    const listenersBefore = testNode.node.events.listenerCount('blockConnected');
    const sse = [await openSse(), await openSse(), await openSse()];
    const ws = [openWs(), openWs()];
    // Every subscriber is in (each holds a slot of 127.0.0.1), yet the node has one listener more.
    await waitUntil(() => multiplexer.memberCount === 5, 1_000_000);
    // Each is written by its transport's sink (rawSse.ts, graphql-ws), in the shared stream's one loop per event.
    await waitUntil(() => multiplexer.sinkCount === 5, 1_000_000);
    expect(multiplexer.groupCount).toBe(1);
    expect(testNode.node.events.listenerCount('blockConnected')).toBe(listenersBefore + 1);

    await mineQuietly();
    const hash = testNode.node.chain.tip.hash;
    const events = [
      ...(await Promise.all(sse.map((reader) => reader.next()))),
      ...(await Promise.all(ws.map((subscription) => subscription.next()))),
    ];
    expect(isBest).toHaveBeenCalledTimes(withoutSubscribers + 1);
    const expected = {
      data: { newBlock: { index: 3, hash, isBest: true } },
      extensions: { chain: { height: 3, tipHash: hash }, cost: { estimated: 4 + BLOCK_READ, limit: 50_000 } },
    };
    for (const event of events) expect(event).toEqual(expected);
  });

  it('writes the same bytes from the shared loop as each subscriber read through its own stream', async () => {
    // The same node behind a second server that reads every subscriber through its own stream (no sinks).
    const plainMultiplexer = new SubscriptionMultiplexer();
    const plain = await startServer(testNode.node, {
      host: '127.0.0.1',
      port: 0,
      graphiql: false,
      dashboard: false,
      multiplexSubscriptions: plainMultiplexer,
      subscriptionSinks: false,
    });
    try {
      const listenersBefore = testNode.node.events.listenerCount('blockConnected');
      const received = [server, plain].flatMap((one) => [rawSse(one.port), rawWs(one.url)]);
      await waitUntil(() => multiplexer.sinkCount === 2 && plainMultiplexer.memberCount === 2, 1_000_000);
      expect(plainMultiplexer.sinkCount).toBe(0);
      expect(testNode.node.events.listenerCount('blockConnected')).toBe(listenersBefore + 2);
      await mineQuietly();
      const [sse, ws, plainSse, plainWs] = await Promise.all(received.map((one) => one.first));
      expect(sse).toMatch(/^[0-9a-f]+\r\nevent: next\ndata: \{"data":\{"newBlock":\{"index":2,.*\}\n\n\r\n$/);
      expect(sse).toBe(plainSse);
      expect(ws).toMatch(/^\{"id":"sub\/1","type":"next","payload":\{"data":\{"newBlock":\{"index":2,.*"cost":/);
      expect(ws).toBe(plainWs);
      for (const one of received) one.close();
    } finally {
      await plain.close();
    }
  });

  it("writes the mutation's answer before the subscribers' payloads are executed", async () => {
    const isBest = vi.spyOn(testNode.node.chain, 'isBest');
    await mineQuietly();
    const withoutSubscribers = isBest.mock.calls.length;
    isBest.mockClear();
    const listenersBefore = testNode.node.events.listenerCount('blockConnected');
    const reader = await openSse();
    await waitUntil(() => testNode.node.events.listenerCount('blockConnected') > listenersBefore, 1_000_000);
    // The isBest calls made by the time the server writes the mutation's answer (over real HTTP).
    let atAnswer: number | undefined;
    for (const method of ['write', 'end'] as const) {
      const original = ServerResponse.prototype[method] as (...args: unknown[]) => unknown;
      const spy = vi.spyOn(ServerResponse.prototype, method) as unknown as {
        mockImplementation(implementation: (this: ServerResponse, ...args: unknown[]) => unknown): void;
      };
      spy.mockImplementation(function (this: ServerResponse, ...args: unknown[]) {
        if (String(args[0] ?? '').includes('MineSuccess')) atAnswer ??= isBest.mock.calls.length;
        return original.apply(this, args);
      });
    }
    testNode.advance(10_000);
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation { mine { __typename } }' }),
    });
    expect(await response.text()).toContain('MineSuccess');
    expect((await reader.next()).data.newBlock.index).toBe(3);
    expect(atAnswer).toBe(withoutSubscribers);
    expect(isBest).toHaveBeenCalledTimes(withoutSubscribers + 1);
  });

  it('keeps a subscription with afterIndex on its own stream (its replay is its own)', async () => {
    const listenersBefore = testNode.node.events.listenerCount('blockConnected');
    const query = 'subscription { newBlock(afterIndex: 1) { index } }';
    const first = await openSse(query);
    const second = await openSse(query);
    await waitUntil(() => testNode.node.events.listenerCount('blockConnected') === listenersBefore + 2, 1_000_000);
    testNode.advance(10_000);
    await gql(testNode.yoga, MINE);
    expect((await first.next()).data.newBlock.index).toBe(2);
    expect((await second.next()).data.newBlock.index).toBe(2);
  });

  it('goes on for the others when one SSE subscriber leaves, and stops listening when the last one leaves', async () => {
    const listenersBefore = testNode.node.events.listenerCount('blockConnected');
    const leaving = await openSse();
    const staying = await openSse();
    await waitUntil(() => testNode.node.events.listenerCount('blockConnected') > listenersBefore, 1_000_000);
    readers.splice(readers.indexOf(leaving), 1);
    await leaving.cancel();
    testNode.advance(10_000);
    await gql(testNode.yoga, MINE);
    expect((await staying.next()).data.newBlock.index).toBe(2);
    readers.splice(readers.indexOf(staying), 1);
    await staying.cancel();
    await waitUntil(() => testNode.node.events.listenerCount('blockConnected') === listenersBefore, 1_000_000);
  });

  it('frames each payload of a shared stream as one SSE chunk: event, data and blank line together', async () => {
    const response = await testNode.yoga.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: NEW_BLOCK }),
    });
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe(':\n\n');
    await mineQuietly();
    const chunk = new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    expect(chunk).toMatch(
      /^event: next\ndata: \{"data":\{"newBlock":\{"index":2,.*"extensions":\{"chain":.*"cost":.*\}\n\n$/,
    );
  });
});
