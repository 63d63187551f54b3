import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIN_HEIGHT_HEADER } from '../../src/api/freshness.js';
import { createResponseCache, INVALIDATING_EVENTS, TIP_AND_MEMPOOL_FIELDS } from '../../src/api/responseCache.js';
import { schema } from '../../src/api/schema.js';
import { type RunningServer, startServer } from '../../src/api/server.js';
import { createYogaApp } from '../../src/api/yoga.js';
import { EventHub } from '../../src/node/events.js';
import type { NodeEvents } from '../../src/node/nodeEvents.js';
import { asParent, buildBranch } from '../helpers/chainBuilder.js';
import { createTestNode, testWallet } from '../helpers/testNode.js';
import { mineBlocks, type TestNode } from './apiTestKit.js';

const outsideMiner = testWallet('cache-outside-miner');
const bob = testWallet('cache-bob');

/** An HTTP answer as the client receives it. */
interface Answer {
  readonly status: number;
  readonly headers: readonly [string, string][];
  readonly body: string;
}

type Yoga = ReturnType<typeof createYogaApp>;

/** Sends a GET query in process and returns what came back, byte for byte. */
async function get(
  yoga: Yoga,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const url = new URL('http://yoga/graphql');
  url.searchParams.set('query', query);
  if (variables !== undefined) url.searchParams.set('variables', JSON.stringify(variables));
  const response = await yoga.fetch(url.href, { headers: { accept: 'application/graphql-response+json', ...headers } });
  return { status: response.status, headers: [...response.headers], body: await response.text() };
}

/** Posts a body to a real server and returns what came back (without the per-response Date header). */
async function post(server: RunningServer, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const kept = [...response.headers].filter(([name]) => name !== 'date');
  return { status: response.status, headers: kept, body: await response.text() };
}

const SMALL = '{ chain { length tip { hash } } }';
/** Everything listed as cacheable that a client commonly asks, in one document. */
const STATE = `query State($a: String!) {
  node { height tip { hash isBest confirmations } totalWork difficulty pendingTransactionCount }
  chain { length totalWork blocks(last: 3) { edges { cursor node { index hash parent { hash } transactionCount } } pageInfo { hasPreviousPage } } }
  pendingTransactions { id sender amount nonce status }
  account(address: $a) { balance nonce pendingBalance pendingNonce transactionCount transactions { id blockIndex status } }
}`;

let testNode: TestNode;
let cache: ReturnType<typeof createResponseCache>;
let cached: Yoga;
/** An app on the same node without a cache: what a fresh answer is. */
let fresh: Yoga;

beforeEach(async () => {
  testNode = createTestNode();
  cache = createResponseCache(testNode.node.events);
  cached = createYogaApp(testNode.node, { graphiql: false, responseCache: cache });
  fresh = createYogaApp(testNode.node, { graphiql: false, responseCache: null });
  await mineBlocks(testNode, 2);
});

afterEach(() => testNode.node.close());

/** Asks the cached app twice and the fresh app once; all three must be the same bytes. */
async function expectFreshFromCache(query: string, variables?: Record<string, unknown>): Promise<Answer> {
  const first = await get(cached, query, variables);
  const second = await get(cached, query, variables);
  const expected = await get(fresh, query, variables);
  expect(first).toEqual(expected);
  expect(second).toEqual(expected);
  return expected;
}

describe('response cache of tip-and-mempool queries', () => {
  it('answers a repeated query from memory with the same bytes, status and headers, extensions included', async () => {
    const miss = await get(cached, SMALL);
    const hit = await get(cached, SMALL);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1, stores: 1, entries: 1 });
    expect(hit).toEqual(miss);
    expect(hit).toEqual(await get(fresh, SMALL));
    const body = JSON.parse(hit.body);
    expect(body.extensions.chain).toEqual({ height: 3, tipHash: testNode.node.chain.tip.hash });
    expect(body.extensions.cost).toEqual({ estimated: expect.any(Number), limit: 50_000 });
  });

  it('is emptied by a new block, and the next answer is fresh', async () => {
    await expectFreshFromCache(SMALL);
    await mineBlocks(testNode, 1);
    const after = await expectFreshFromCache(SMALL);
    expect(JSON.parse(after.body).data.chain.length).toBe(4);
  });

  it('is emptied by a submitted transaction', async () => {
    const variables = { a: testNode.node.wallet.address };
    const before = await expectFreshFromCache(STATE, variables);
    expect(testNode.node.send(bob.address, 1).ok).toBe(true);
    const after = await expectFreshFromCache(STATE, variables);
    expect(JSON.parse(after.body).data.pendingTransactions).toHaveLength(1);
    expect(after.body).not.toBe(before.body);
  });

  it('is emptied by a reorganization that returns and drops pending transfers (an eviction)', async () => {
    const variables = { a: testNode.node.wallet.address };
    // The node spends the rewards of blocks 2 and 3; a longer branch from genesis then takes those blocks away.
    expect(testNode.node.send(bob.address, 2).ok).toBe(true);
    await expectFreshFromCache(STATE, variables);
    const dropped: string[] = [];
    testNode.node.events.on('transactionDropped', ({ id }) => dropped.push(id));
    const branch = buildBranch(asParent(testNode.node.chain.genesis.block), 3, { miner: outsideMiner });
    for (const block of branch) testNode.node.submitBlock(block);
    expect(testNode.node.chain.height).toBe(4);
    expect(dropped).toHaveLength(1);
    const after = await expectFreshFromCache(STATE, variables);
    expect(JSON.parse(after.body).data.pendingTransactions).toEqual([]);
  });

  it('matches a fresh answer after every change of a mixed sequence (never stale)', async () => {
    const variables = { a: testNode.node.wallet.address };
    const steps: (() => unknown)[] = [
      () => testNode.node.send(bob.address, 1),
      () => mineBlocks(testNode, 1),
      () => testNode.node.send(bob.address, 1),
      () => testNode.node.send(outsideMiner.address, 1),
      () => mineBlocks(testNode, 2),
      () => {
        const tip = testNode.node.chain.getBlockAt(testNode.node.chain.height - 1)!;
        for (const block of buildBranch(asParent(tip.block), 3, { miner: outsideMiner })) {
          testNode.node.submitBlock(block);
        }
      },
    ];
    for (const step of steps) {
      await expectFreshFromCache(STATE, variables);
      await expectFreshFromCache(SMALL);
      await step();
    }
    await expectFreshFromCache(STATE, variables);
    expect(cache.stats().hits).toBe(2 * steps.length + 1);
  });

  it.each(INVALIDATING_EVENTS)('is emptied by the node event %s', async (event) => {
    const events = new EventHub<NodeEvents>();
    const own = createResponseCache(events);
    const yoga = createYogaApp(testNode.node, { graphiql: false, responseCache: own });
    await get(yoga, SMALL);
    await get(yoga, SMALL);
    expect(own.stats()).toMatchObject({ hits: 1, entries: 1, generation: 0 });
    events.emit(event, {} as never);
    expect(own.stats()).toMatchObject({ entries: 0, bytes: 0, generation: 1 });
    await get(yoga, SMALL);
    expect(own.stats()).toMatchObject({ hits: 1, misses: 2 });
  });

  it('keeps variables in the key', async () => {
    const query = 'query ($a: String!) { account(address: $a) { address balance } }';
    const node = await expectFreshFromCache(query, { a: testNode.node.wallet.address });
    const other = await expectFreshFromCache(query, { a: bob.address });
    expect(JSON.parse(node.body).data.account.balance).toBe(2);
    expect(JSON.parse(other.body).data.account).toEqual({ address: bob.address, balance: 0 });
    expect(cache.stats()).toMatchObject({ hits: 2, entries: 2 });
  });

  it('never stores a query that reads peers, mining, hashrate, sync status or a block by hash', async () => {
    for (const query of [
      '{ node { height peerCount } }',
      '{ node { mining } }',
      '{ node { hashrate } }',
      '{ peers { url } }',
      '{ syncStatus { height } }',
      `{ block(hash: "${testNode.node.chain.tip.hash}") { index } }`,
      '{ chain { length } peers { url } }',
      '{ __schema { queryType { name } } }',
    ]) {
      await get(cached, query);
      await get(cached, query);
    }
    expect(cache.stats()).toMatchObject({ hits: 0, stores: 0 });
  });

  it('never stores errors: validation, a resolver refusal, the cost limit, NODE_BEHIND', async () => {
    const limited = createResponseCache(testNode.node.events);
    const yoga = createYogaApp(testNode.node, {
      graphiql: false,
      responseCache: limited,
      limits: { maxCost: 100, minHeightWaitMs: 0 },
    });
    const queries = [
      '{ chain { nope } }',
      '{ chain { blocks(first: 101) { edges { cursor } } } }',
      '{ chain { blocks(first: 50) { edges { node { hash } } } } }',
    ];
    for (const query of queries) {
      const first = await get(yoga, query);
      expect(JSON.parse(first.body).errors).toHaveLength(1);
      expect(await get(yoga, query)).toEqual(first);
    }
    for (let i = 0; i < 2; i++) {
      const behind = await get(yoga, SMALL, undefined, { [MIN_HEIGHT_HEADER]: '100' });
      expect(JSON.parse(behind.body).errors[0].extensions.code).toBe('NODE_BEHIND');
    }
    expect(limited.stats()).toMatchObject({ hits: 0, stores: 0 });
  });

  it('keys x-min-height: a reached height is served from memory, a higher one still waits for its block', async () => {
    const reached = await get(cached, SMALL, undefined, { [MIN_HEIGHT_HEADER]: '3' });
    expect(await get(cached, SMALL, undefined, { [MIN_HEIGHT_HEADER]: '3' })).toEqual(reached);
    expect(cache.stats()).toMatchObject({ hits: 1 });
    const waiting = get(cached, SMALL, undefined, { [MIN_HEIGHT_HEADER]: '4' });
    await mineBlocks(testNode, 1);
    expect(JSON.parse((await waiting).body).data.chain.length).toBe(4);
    // Its request began before the block: an answer that spans a change is not stored.
    expect(cache.stats()).toMatchObject({ stores: 1, entries: 0 });
  });

  it('evicts the least recently used answers beyond its bounds', async () => {
    const small = createResponseCache(testNode.node.events, { maxEntries: 2 });
    const yoga = createYogaApp(testNode.node, { graphiql: false, responseCache: small });
    const queries = ['{ chain { length } }', '{ chain { totalWork } }', '{ node { height } }'];
    for (const query of queries) await get(yoga, query);
    expect(small.stats()).toMatchObject({ entries: 2, stores: 3 });
    await get(yoga, queries[0]!);
    expect(small.stats()).toMatchObject({ hits: 0, misses: 4 });
    await get(yoga, queries[2]!);
    expect(small.stats().hits).toBe(1);
    const tiny = createResponseCache(testNode.node.events, { maxBytes: 100 });
    const other = createYogaApp(testNode.node, { graphiql: false, responseCache: tiny });
    await get(other, SMALL);
    expect(tiny.stats()).toMatchObject({ entries: 0, bytes: 0, stores: 0 });
  });

  it('lists only fields the schema has', () => {
    for (const coordinate of TIP_AND_MEMPOOL_FIELDS) {
      const [type, field] = coordinate.split('.') as [string, string];
      const named = schema.getType(type) as { getFields?: () => Record<string, unknown> } | undefined;
      expect(named?.getFields?.()[field], coordinate).toBeDefined();
    }
  });
});

describe('response cache over HTTP', () => {
  let server: RunningServer;
  let serverCache: ReturnType<typeof createResponseCache>;

  beforeEach(async () => {
    serverCache = createResponseCache(testNode.node.events);
    server = await startServer(testNode.node, {
      host: '127.0.0.1',
      port: 0,
      metrics: false,
      dashboard: false,
      responseCache: serverCache,
    });
  });

  afterEach(() => server.close());

  it('answers a repeated POST from memory with the same bytes and headers', async () => {
    const miss = await post(server, { query: SMALL });
    const hit = await post(server, { query: SMALL });
    expect(hit).toEqual(miss);
    expect(serverCache.stats()).toMatchObject({ hits: 1, stores: 1 });
    await mineBlocks(testNode, 1);
    const after = await post(server, { query: SMALL });
    expect(JSON.parse(after.body).data.chain.length).toBe(4);
  });

  it('never stores mutations or subscriptions', async () => {
    const send = { query: `mutation { send(recipient: "${bob.address}", amount: 1) { __typename } }` };
    await post(server, send);
    await post(server, send);
    expect(testNode.node.mempool.size).toBe(2);
    const subscription = { query: 'subscription { pendingTransaction { id } }' };
    await post(server, subscription, { accept: 'application/json' });
    await post(server, subscription, { accept: 'application/json' });
    expect(serverCache.stats()).toMatchObject({ hits: 0, stores: 0 });
  });

  it('keys the bearer token, the origin and the media type asked for', async () => {
    await post(server, { query: SMALL });
    await post(server, { query: SMALL }, { authorization: 'Bearer someone' });
    await post(server, { query: SMALL }, { origin: 'http://example.test' });
    const graphqlResponse = await post(server, { query: SMALL }, { accept: 'application/graphql-response+json' });
    expect(graphqlResponse.headers).toContainEqual([
      'content-type',
      'application/graphql-response+json; charset=utf-8',
    ]);
    expect(serverCache.stats()).toMatchObject({ hits: 0, stores: 4 });
  });
});
