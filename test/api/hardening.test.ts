import { afterEach, describe, expect, it } from 'vitest';
import { createYogaApp } from '../../src/api/yoga.js';
import { signTransfer } from '../../src/wallet/wallet.js';
import { createTestNode, testWallet } from '../helpers/testNode.js';
import { gql, type SseReader, subscribeSse } from './apiTestKit.js';

const TOKEN = 'correct-horse-battery-staple';
const nodes: Array<ReturnType<typeof createTestNode>> = [];
const readers: SseReader[] = [];

afterEach(async () => {
  await Promise.all(readers.splice(0).map((reader) => reader.cancel()));
  for (const { node } of nodes.splice(0)) node.close();
});

function protectedNode() {
  const testNode = createTestNode({ label: 'protected' });
  nodes.push(testNode);
  const yoga = createYogaApp(testNode.node, { graphiql: false, adminToken: TOKEN });
  const post = async (query: string, variables?: Record<string, unknown>, authorization?: string) => {
    const response = await yoga.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) },
      body: JSON.stringify({ query, variables }),
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  return { ...testNode, yoga, post };
}

describe('admin token', () => {
  it.each([
    ['mine', 'mutation { mine { __typename } }'],
    ['send', `mutation { send(recipient: "${'ab'.repeat(32)}", amount: 1) { __typename } }`],
    ['startMining', 'mutation { startMining { continuous } }'],
    ['stopMining', 'mutation { stopMining { continuous } }'],
    ['registerNodes', 'mutation { registerNodes(urls: ["127.0.0.1:1"]) { __typename } }'],
    ['removeNodes', 'mutation { removeNodes(urls: ["127.0.0.1:1"]) { __typename } }'],
    ['resolve', 'mutation { resolve { replaced } }'],
  ])('refuses %s without the token (401, UNAUTHORIZED) and changes nothing', async (operation, query) => {
    const { node, post } = protectedNode();
    const before = {
      height: node.chain.height,
      peers: node.peers.size,
      pending: node.mempool.size,
      mining: node.continuousMining,
    };
    for (const authorization of [undefined, 'Bearer wrong-token-of-some-length', `Basic ${TOKEN}`, TOKEN]) {
      const { status, body } = await post(query, undefined, authorization);
      expect(status).toBe(401);
      expect(body.errors[0].extensions.code).toBe('UNAUTHORIZED');
      expect(body.errors[0].message).toContain(operation);
    }
    expect({
      height: node.chain.height,
      peers: node.peers.size,
      pending: node.mempool.size,
      mining: node.continuousMining,
    }).toEqual(before);
  });

  it('runs admin mutations with the bearer token', async () => {
    const { node, post } = protectedNode();
    const { status, body } = await post('mutation { mine { __typename } }', undefined, `Bearer ${TOKEN}`);
    expect(status).toBe(200);
    expect(body.data.mine.__typename).toBe('MineSuccess');
    expect(node.chain.height).toBe(2);
  });

  it('keeps queries, submitTransaction and submitBlock public', async () => {
    const { node, post } = protectedNode();
    await node.mine();
    const wallet = testWallet('protected');
    expect((await post('{ node { height } limits { adminTokenRequired } }')).body.data).toEqual({
      node: { height: 2 },
      limits: { adminTokenRequired: true },
    });
    const input = signTransfer(wallet, { recipient: 'ab'.repeat(32), amount: 1, nonce: 0 });
    const { id: _id, ...fields } = input;
    const submitted = await post(
      'mutation($input: TransactionInput!) { submitTransaction(input: $input) { __typename } }',
      { input: fields },
    );
    expect(submitted.status).toBe(200);
    expect(submitted.body.data.submitTransaction.__typename).toBe('TransactionAccepted');
    const block = node.chain.tip.block;
    const resubmitted = await post(
      'mutation($block: BlockInput!) { submitBlock(block: $block) { __typename ... on SubmitBlockSuccess { status } } }',
      { block: { ...block.header, transactions: block.transactions } },
    );
    expect(resubmitted.body.data.submitBlock).toEqual({ __typename: 'SubmitBlockSuccess', status: 'DUPLICATE' });
  });
});

describe('limits', () => {
  it('publishes its limits', async () => {
    const testNode = createTestNode();
    nodes.push(testNode);
    const { data } = await gql(
      testNode.yoga,
      '{ limits { maxDepth maxAliases maxTokens maxCost maxBodyBytes requestTimeoutMs maxSubscriptionsPerClient subscriptionBacklog maxPageSize maxEncodedBlocksPage maxLocatorLength adminTokenRequired trustedDocumentsOnly } }',
    );
    expect(data.limits).toEqual({
      maxDepth: 12,
      maxAliases: 20,
      maxTokens: 4000,
      maxCost: 50_000,
      maxBodyBytes: 2 * 1024 * 1024,
      requestTimeoutMs: 30_000,
      maxSubscriptionsPerClient: 20,
      subscriptionBacklog: 1000,
      maxPageSize: 100,
      maxEncodedBlocksPage: 1000,
      maxLocatorLength: 64,
      adminTokenRequired: false,
      trustedDocumentsOnly: false,
    });
  });

  it('answers a request that runs past the timeout with REQUEST_TIMEOUT, and the node keeps serving', async () => {
    const { createChainParams } = await import('../../src/chain/params.js');
    const params = createChainParams({
      networkName: 'timeout',
      initialDifficulty: 40,
      minDifficulty: 1,
      retargetInterval: 0,
    });
    const testNode = createTestNode({ label: 'timeout', params });
    nodes.push(testNode);
    const yoga = createYogaApp(testNode.node, { graphiql: false, limits: { requestTimeoutMs: 300 } });
    const started = Date.now();
    const { status, errors } = await gql(yoga, 'mutation { mine { __typename } }');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(status).toBe(200);
    expect(errors?.[0]?.extensions?.['code']).toBe('REQUEST_TIMEOUT');
    expect(errors?.[0]?.message).toMatch(/longer than 300 ms/);
    expect((await gql(yoga, '{ node { height } }')).data.node.height).toBe(1);
  });

  it('refuses more subscriptions than a client may hold, and frees a slot when one ends', async () => {
    const testNode = createTestNode();
    nodes.push(testNode);
    const yoga = createYogaApp(testNode.node, { graphiql: false, limits: { maxSubscriptionsPerClient: 2 } });
    const open = async () => {
      const reader = await subscribeSse(yoga, 'subscription { newBlock { index } }');
      readers.push(reader);
      return reader;
    };
    const first = await open();
    await open();
    const third = await open();
    const refused = await third.next();
    expect(refused.errors[0].extensions.code).toBe('TOO_MANY_SUBSCRIPTIONS');
    await first.cancel();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const fourth = await open();
    await testNode.node.mine();
    expect((await fourth.next()).data.newBlock.index).toBe(2);
  });
});

describe('peer allow-list', () => {
  it('registers only allowed hosts and names the refused one', async () => {
    const testNode = createTestNode({
      network: { peerAllowList: ['127.0.0.1:4001', 'trusted.example'], syncIntervalMs: 0 },
    });
    nodes.push(testNode);
    await expect(testNode.node.registerNodes(['127.0.0.1:4002'])).rejects.toThrow(
      /urls\[0\] 127.0.0.1:4002 is not in this node's peer allow-list/,
    );
    const { added } = await testNode.node.registerNodes(['127.0.0.1:4001', 'http://trusted.example:9000']);
    expect(added.map((peer) => peer.url)).toEqual([
      'http://127.0.0.1:4001/graphql',
      'http://trusted.example:9000/graphql',
    ]);
  });
});

describe('subscription slots', () => {
  it('gives a slot back when a subscription is closed before its first event was asked for', async () => {
    const { SubscriptionRegistry } = await import('../../src/api/subscriptionRegistry.js');
    const registry = new SubscriptionRegistry(2);
    let returned = 0;
    const source = () => ({
      [Symbol.asyncIterator]: () => ({
        next: () => new Promise<IteratorResult<number>>(() => {}),
        return: async () => {
          returned++;
          return { done: true as const, value: undefined };
        },
      }),
    });
    for (let i = 0; i < 5; i++) {
      const stream = registry.open('client', source);
      await stream.return?.();
    }
    expect(registry.count('client')).toBe(0);
    expect(returned).toBe(5);
    registry.open('client', source);
    registry.open('client', source);
    expect(() => registry.open('client', source)).toThrow(/at most 2 subscriptions/);
  });
});

describe('request body limit without a declared length', () => {
  it('refuses a streamed (chunked) body over maxBodyBytes', async () => {
    const testNode = createTestNode();
    nodes.push(testNode);
    const padding = 'x'.repeat(3 * 1024 * 1024);
    const payload = new TextEncoder().encode(JSON.stringify({ query: '{ node { height } }', variables: { padding } }));
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let offset = 0; offset < payload.length; offset += 64 * 1024)
          controller.enqueue(payload.subarray(offset, offset + 64 * 1024));
        controller.close();
      },
    });
    const response = await testNode.yoga.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
  });
});
