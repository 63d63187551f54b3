import { createClient } from 'graphql-ws';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { BLOCK_READ } from '../../src/api/cost.js';
import { type RunningServer, startServer } from '../../src/api/server.js';
import { createYogaApp } from '../../src/api/yoga.js';
import { createTestNode } from '../helpers/testNode.js';
import { waitUntil } from './apiTestKit.js';

// Freshness: every answer says which chain state it was read from (extensions.chain), and a client behind a load
// balancer can ask for at least the height it wrote at (x-min-height), so it never reads an older state.

const HEIGHT = '{ node { height } }';
const nodes: Array<{ close(): void }> = [];
const servers: RunningServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
  for (const node of nodes.splice(0)) node.close();
});

/** A test node whose API waits at most `minHeightWaitMs` for an x-min-height. */
function freshNode(minHeightWaitMs: number) {
  const testNode = createTestNode({ label: 'freshness' });
  nodes.push(testNode.node);
  const yoga = createYogaApp(testNode.node, { graphiql: false, limits: { minHeightWaitMs } });
  const post = (query: string, headers: Record<string, string> = {}, extensions?: Record<string, unknown>) =>
    yoga.fetch('http://node/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, ...(extensions === undefined ? {} : { extensions }) }),
    });
  return { node: testNode.node, yoga, post };
}

describe('extensions.chain', () => {
  it("carries the height and tip every answer was read from, a mutation's after it ran", async () => {
    const { node, post } = freshNode(100);
    const genesis = node.chain.tip.hash;
    expect(await (await post(HEIGHT)).json()).toEqual({
      data: { node: { height: 1 } },
      extensions: { chain: { height: 1, tipHash: genesis }, cost: { estimated: 2, limit: 50_000 } },
    });
    const mined = await (await post('mutation { mine { __typename } }')).json();
    expect(mined.extensions.chain).toEqual({ height: 2, tipHash: node.chain.tip.hash });
    expect(node.chain.tip.hash).not.toBe(genesis);
    const refused = await (await post('{ nope }')).json();
    expect(refused.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(refused.extensions.chain).toEqual({ height: 2, tipHash: node.chain.tip.hash });
    expect(refused.extensions.cost).toEqual({ estimated: null, limit: 50_000 });
  });
});

describe('x-min-height', () => {
  it('answers at once when the node is at or above the height', async () => {
    const { post } = freshNode(60_000);
    const response = await post(HEIGHT, { 'x-min-height': '1' });
    expect(response.status).toBe(200);
    expect((await response.json()).data.node.height).toBe(1);
  });

  it('waits for the node to reach the height, then answers from that state', async () => {
    const { node, post } = freshNode(60_000);
    const answer = post(HEIGHT, { 'x-min-height': '3' });
    await node.mine();
    await node.mine();
    const body = await (await answer).json();
    expect(body.data.node.height).toBe(3);
    expect(body.extensions.chain).toEqual({ height: 3, tipHash: node.chain.tip.hash });
  });

  it("answers NODE_BEHIND with the node's height after the wait, HTTP 503 with Retry-After, and runs nothing", async () => {
    const { node, post } = freshNode(50);
    const response = await post('mutation { mine { __typename } }', { 'x-min-height': '5' });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    const body = await response.json();
    expect(body.data).toBeUndefined();
    expect(body.errors[0].extensions).toMatchObject({ code: 'NODE_BEHIND', height: 1, minHeight: 5 });
    expect(body.errors[0].message).toMatch(/height 1, below the requested x-min-height 5/);
    expect(body.extensions.chain.height).toBe(1);
    expect(node.chain.height).toBe(1);
  });

  it('refuses a malformed height with BAD_USER_INPUT naming x-min-height', async () => {
    const { post } = freshNode(50);
    for (const given of ['-1', 'ten', '1.5', '9999999999999999']) {
      const response = await post(HEIGHT, { 'x-min-height': given });
      expect(response.status).toBe(400);
      const body = await response.json();
      expect(body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'x-min-height' });
      expect(body.errors[0].message).toMatch(/x-min-height must be a block height/);
    }
  });

  it("is read from the operation's extensions too", async () => {
    const { node, post } = freshNode(60_000);
    const answer = post(HEIGHT, {}, { 'x-min-height': 2 });
    await node.mine();
    expect((await (await answer).json()).data.node.height).toBe(2);
  });

  it('holds a subscription over SSE until the height, and stamps each event', async () => {
    const { node, yoga } = freshNode(60_000);
    const response = yoga.fetch('http://node/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'x-min-height': '2' },
      body: JSON.stringify({ query: 'subscription { newBlock(afterIndex: 0) { index } }' }),
    });
    await node.mine();
    const reader = (await response).body!.getReader();
    let text = '';
    while (!text.includes('"index":2')) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    const events = text
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => JSON.parse(line.slice(6)));
    expect(events[0]).toEqual({
      data: { newBlock: { index: 1 } },
      extensions: {
        chain: { height: 2, tipHash: node.chain.tip.hash },
        cost: { estimated: 2 + BLOCK_READ, limit: 50_000 },
      },
    });
  });

  it("over graphql-ws: from connectionParams or the operation's extensions, with payloads stamped", async () => {
    const testNode = createTestNode({ label: 'freshness-ws' });
    nodes.push(testNode.node);
    const server = await startServer(testNode.node, {
      host: '127.0.0.1',
      port: 0,
      limits: { minHeightWaitMs: 60_000 },
    });
    servers.push(server);
    const url = server.url.replace(/^http/, 'ws');
    const viaParams = createClient({
      url,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { 'x-min-height': '2' },
    });
    const first = viaParams.iterate({ query: HEIGHT });
    const pending = first.next();
    await waitUntil(() => testNode.node.events.listenerCount('tipChanged') > 0, 1_000_000);
    await testNode.node.mine();
    expect((await pending).value).toEqual({
      data: { node: { height: 2 } },
      extensions: {
        chain: { height: 2, tipHash: testNode.node.chain.tip.hash },
        cost: { estimated: 2, limit: 50_000 },
      },
    });
    await viaParams.dispose();
    const plain = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0 });
    const second = plain.iterate({ query: HEIGHT, extensions: { 'x-min-height': 3 } });
    const next = second.next();
    await waitUntil(() => testNode.node.events.listenerCount('tipChanged') > 0, 1_000_000);
    await testNode.node.mine();
    expect(((await next).value as { data: unknown }).data).toEqual({ node: { height: 3 } });
    await plain.dispose();
  });
});
