import { type Client, createClient } from 'graphql-ws';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { type RunningServer, startServer } from '../../src/api/server.js';
import { createTestNode } from '../helpers/testNode.js';
import { mineBlocks, mineViaApi, type TestNode, waitUntil } from './apiTestKit.js';

const NEW_BLOCK = `subscription NewBlock($afterIndex: Int) {
  newBlock(afterIndex: $afterIndex) { index hash previousHash }
}`;

let testNode: TestNode;
let server: RunningServer;
let client: Client;
const subscriptions: AsyncIterableIterator<unknown>[] = [];

beforeEach(async () => {
  testNode = createTestNode();
  server = await startServer(testNode.node, { host: '127.0.0.1', port: 0 });
  client = createClient({ url: server.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
});

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(subscriptions.splice(0).map((subscription) => subscription.return?.()));
  await client.dispose();
  await server.close();
  testNode.node.close();
});

/** Subscribes over graphql-ws and waits until the node delivers blocks to the subscription. */
async function subscribeNewBlock(variables: Record<string, unknown> = {}): Promise<AsyncIterableIterator<any>> {
  const listenersBefore = testNode.node.events.listenerCount('blockConnected');
  const subscription = client.iterate({ query: NEW_BLOCK, variables });
  subscriptions.push(subscription);
  // The first pull opens the socket and subscribes; keep it as the first result.
  const first = subscription.next();
  await waitUntil(() => testNode.node.events.listenerCount('blockConnected') > listenersBefore, 1_000_000);
  let pending: Promise<IteratorResult<any>> | undefined = first;
  return {
    next: () => {
      const result = pending ?? subscription.next();
      pending = undefined;
      return result;
    },
    return: (value?: unknown) => subscription.return!(value),
    [Symbol.asyncIterator]() {
      return this;
    },
  } as AsyncIterableIterator<any>;
}

async function nextBlock(subscription: AsyncIterableIterator<any>): Promise<any> {
  const result = await subscription.next();
  expect(result.done).toBe(false);
  expect(result.value.errors).toBeUndefined();
  return result.value.data.newBlock;
}

describe('the real server', () => {
  it('listens on the port it was given (0: a free one) and answers HTTP POST on /graphql', async () => {
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/graphql`);
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ node { height } }' }),
    });
    expect(await response.json()).toEqual({
      data: { node: { height: 1 } },
      extensions: {
        chain: { height: 1, tipHash: testNode.node.chain.tip.hash },
        cost: { estimated: 2, limit: 50_000 },
      },
    });
  });

  it('answers queries over graphql-ws too', async () => {
    const query = client.iterate({ query: '{ node { height address } }' });
    const result = await query.next();
    expect(result.value).toEqual({
      data: { node: { height: 1, address: testNode.node.wallet.address } },
      extensions: {
        chain: { height: 1, tipHash: testNode.node.chain.tip.hash },
        cost: { estimated: 3, limit: 50_000 },
      },
    });
    await query.return?.();
  });

  it('serves GraphiQL at /graphql to a browser', async () => {
    const response = await fetch(server.url, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(await response.text()).toContain('GraphQL blockchain node');
  });

  it('masks unexpected errors over graphql-ws as over HTTP', async () => {
    vi.spyOn(testNode.node.chain, 'getBlockAt').mockImplementation(() => {
      throw new Error('secret internal detail');
    });
    const query = client.iterate({ query: '{ block(index: 1) { hash } }' });
    const result = await query.next();
    await query.return?.();
    expect(result.value.errors).toEqual([expect.objectContaining({ message: 'Unexpected error.' })]);
    expect(JSON.stringify(result.value)).not.toContain('secret internal detail');
  });
});

describe('newBlock over graphql-ws', () => {
  it('delivers a block mined after subscribing', async () => {
    const subscription = await subscribeNewBlock();
    const mined = await mineViaApi(testNode);
    expect(await nextBlock(subscription)).toEqual({ index: 2, hash: mined.hash, previousHash: mined.previousHash });
  });

  it('with afterIndex, replays the blocks after it, then streams new ones, in order and without duplicates', async () => {
    await mineBlocks(testNode, 3); // blocks 2, 3, 4
    const subscription = await subscribeNewBlock({ afterIndex: 1 });
    const replayed = [await nextBlock(subscription), await nextBlock(subscription), await nextBlock(subscription)];
    expect(replayed.map((block) => block.index)).toEqual([2, 3, 4]);
    expect(replayed.map((block) => block.hash)).toEqual(
      [2, 3, 4].map((index) => testNode.node.chain.getBlockAt(index)!.hash),
    );

    const fifth = await mineViaApi(testNode);
    expect(await nextBlock(subscription)).toEqual({ index: 5, hash: fifth.hash, previousHash: replayed[2].hash });
    const sixth = await mineViaApi(testNode);
    expect(await nextBlock(subscription)).toMatchObject({ index: 6, hash: sixth.hash });
  });

  it('stops listening to the node when the client completes the subscription', async () => {
    const before = testNode.node.events.listenerCount('blockConnected');
    const subscription = await subscribeNewBlock();
    await subscription.return!();
    subscriptions.length = 0;
    await waitUntil(() => testNode.node.events.listenerCount('blockConnected') === before, 1_000_000);
  });

  it('answers an invalid subscription with errors instead of a stream', async () => {
    const subscription = client.iterate({ query: 'subscription { newBlock { noSuchField } }' });
    await expect(subscription.next()).rejects.toSatisfy((errors: unknown) =>
      JSON.stringify(errors).includes('noSuchField'),
    );
  });
});
