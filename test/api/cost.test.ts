import {
  type GraphQLField,
  type GraphQLOutputType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  parse,
} from 'graphql';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BLOCK_READ, estimateCost, REORGANIZATION_BLOCKS, SIGNATURE_CHECK } from '../../src/api/cost.js';
import { DEFAULT_API_LIMITS } from '../../src/api/limits.js';
import { schema } from '../../src/api/schema.js';
import { createYogaApp } from '../../src/api/yoga.js';
import { defaultChainParams } from '../../src/chain/params.js';
import { MAX_PEERS } from '../../src/peer/peerSet.js';
import { alice, bob } from '../helpers/keys.js';
import { createTestNode } from '../helpers/testNode.js';
import { gql, mineBlocks, observableState, SseReader, type TestNode } from './apiTestKit.js';

/** What the field costs read from the context: the chain parameters (maxTransactionsPerBlock). */
const CONTEXT = { node: { chain: { params: defaultChainParams } } };
const MAX_TRANSACTIONS = defaultChainParams.maxTransactionsPerBlock;

function costOf(query: string, variables: Record<string, unknown> = {}, operationName?: string): number | null {
  return estimateCost(schema, parse(query), operationName, variables, CONTEXT);
}

function isList(type: GraphQLOutputType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}

/** Every field of the schema's object and interface types (introspection types left out). */
function everyField(): { coordinate: string; field: GraphQLField<unknown, unknown> }[] {
  return Object.values(schema.getTypeMap())
    .filter((type) => !type.name.startsWith('__') && (isObjectType(type) || isInterfaceType(type)))
    .flatMap((type) =>
      Object.values((type as { getFields(): Record<string, GraphQLField<unknown, unknown>> }).getFields()).map(
        (field) => ({ coordinate: `${type.name}.${field.name}`, field }),
      ),
    );
}

describe('the cost of every field', () => {
  it('is declared on every field of the schema', () => {
    const fields = everyField();
    expect(fields.length).toBeGreaterThan(150);
    const missing = fields.filter(({ field }) => field.extensions['complexity'] === undefined);
    expect(missing.map(({ coordinate }) => coordinate)).toEqual([]);
  });

  it('states its own bound on every list field (none falls back to the plugin default multiplier of 10)', () => {
    const lists = everyField().filter(({ field }) => isList(field.type));
    const defaulted = lists.filter(({ field }) => {
      const complexity = field.extensions['complexity'] as { multiplier?: number } | undefined;
      return typeof complexity !== 'function' && complexity?.multiplier === 10;
    });
    expect(defaulted.map(({ coordinate }) => coordinate)).toEqual([]);
    expect(lists.map(({ coordinate }) => coordinate).sort()).toEqual(
      [
        'Block.transactions',
        'Chain.encodedBlocks',
        'ChainBlocksConnection.edges',
        'ChainReorganization.connected',
        'ChainReorganization.disconnected',
        'Query.blockTree',
        'Query.peers',
        'Query.pendingTransactions',
        'RegisterNodesSuccess.added',
        'RegisterNodesSuccess.peers',
        'RemoveNodesSuccess.peers',
        'RemoveNodesSuccess.removed',
        'Resolution.peers',
        'Account.transactions',
      ].sort(),
    );
  });

  it('costs the newer fields as well: ids, transactionStatus, pendingTransaction, simulateTransaction, syncStatus', () => {
    expect(costOf('{ block(index: 1) { id } account(address: "x") { id } peers { id } }')).toBe(
      1 + BLOCK_READ + 1 + (1 + 1) + (1 + MAX_PEERS + MAX_PEERS),
    );
    expect(costOf('subscription { transactionStatus(id: "x") { id status confirmations } }')).toBe(4);
    expect(costOf('subscription { pendingTransaction(includeCurrent: true) { id amount } }')).toBe(3);
    expect(costOf('{ syncStatus { syncing height bestPeerHeight behind peersAhead } }')).toBe(6);
    expect(costOf('subscription { syncStatus { behind } }')).toBe(2);
    expect(
      costOf(
        `query($input: TransactionInput!) {
        simulateTransaction(input: $input) {
          __typename ... on TransactionSimulated { expectedBlockIndex transaction { id } } ... on Error { code }
        }
      }`,
        { input: { sender: 'a', recipient: 'b', amount: 1, nonce: 0, signature: 's' } },
      ),
    ).toBe(1 + SIGNATURE_CHECK + 1 + 1 + 2 + 1);
  });
});

describe('estimates', () => {
  const TRANSFER = 'id sender recipient amount signature';

  it('multiply a list selection by its page: the first, the last, the smaller of both, or the default', () => {
    // Each block of a page is read (BLOCK_READ) and counted (1); its edge, cursor, node and index count per block.
    const page = (blocks: number) => 1 + 1 + blocks * (1 + BLOCK_READ) + blocks * (1 + 1 + 1 + 1);
    expect(costOf('{ chain { blocks(first: 7) { edges { cursor node { index } } } } }')).toBe(page(7));
    expect(costOf('{ chain { blocks(last: 3) { edges { cursor node { index } } } } }')).toBe(page(3));
    expect(costOf('{ chain { blocks(first: 9, last: 4) { edges { cursor node { index } } } } }')).toBe(page(4));
    expect(costOf('{ chain { blocks { edges { cursor node { index } } } } }')).toBe(page(20));
    // Over the maximum (the resolver refuses it) or negative: costed at the bound.
    expect(costOf('{ chain { blocks(first: 5000) { edges { cursor node { index } } } } }')).toBe(page(100));
    expect(costOf('{ chain { blocks(first: -5) { edges { cursor node { index } } } } }')).toBe(page(0));
    expect(costOf('{ pendingTransactions(first: 10) { id } }')).toBe(1 + 10 + 10);
    expect(costOf('{ pendingTransactions { id } }')).toBe(1 + 100 + 100);
    expect(costOf('{ pendingTransactions(first: 100000) { id } }')).toBe(1 + 1_000 + 1_000);
    expect(costOf('query($n: Int) { pendingTransactions(first: $n) { id } }', { n: 3 })).toBe(1 + 3 + 3);
    expect(costOf('query($n: Int) { pendingTransactions(first: $n) { id } }', {})).toBe(1 + 100 + 100);
    expect(costOf('{ account(address: "x") { transactions(first: 5) { id } } }')).toBe(
      1 + 1 + 5 * (1 + BLOCK_READ) + 5,
    );
  });

  it("cost a block's transactions at the most a block holds, whatever the block", () => {
    const block = 1 + BLOCK_READ + 1 + (1 + MAX_TRANSACTIONS + MAX_TRANSACTIONS * 5);
    expect(costOf(`{ block(index: 1) { hash transactions { ${TRANSFER} } } }`)).toBe(block);
    // The example: 20 aliases × 100 blocks × 1,000 transactions.
    const aliases = Array.from(
      { length: 20 },
      (_, i) => `a${i}: chain { blocks(first: 100) { edges { node { transactions { ${TRANSFER} } } } } }`,
    ).join(' ');
    const perAlias = 1 + 1 + 100 * (1 + BLOCK_READ) + 100 * (1 + 1 + (1 + MAX_TRANSACTIONS + MAX_TRANSACTIONS * 5));
    expect(costOf(`{ ${aliases} }`)).toBe(20 * perAlias);
    expect(20 * perAlias).toBe(12_808_040);
  });

  it('price chain.encodedBlocks by the characters a page can carry', () => {
    // One largest block: 145,089 bytes, 193,452 base64 characters, 1,512 units.
    expect(costOf('{ chain { encodedBlocks(afterIndex: 0, first: 1) } }')).toBe(1 + 1 + 1 + 1_512);
    // A full page is capped at 4,000,000 characters however many blocks it asks for.
    expect(costOf('{ chain { encodedBlocks(afterIndex: 0) } }')).toBe(1 + 1 + 500 + 31_250);
    expect(costOf('{ chain { encodedBlocks(afterIndex: 0, first: 1000) } }')).toBe(1 + 1 + 1_000 + 31_250);
  });

  it('charge block reads, signature checks, and a submitted block per transaction', () => {
    expect(costOf('{ block(hash: "x") { parent { parent { index } } } }')).toBe(3 * (1 + BLOCK_READ) + 1);
    expect(costOf('{ transaction(id: "x") { id } }')).toBe(1 + BLOCK_READ + 1);
    expect(costOf('query($l: [String!]!) { commonAncestor(locator: $l) { index } }', { l: ['a', 'b', 'c'] })).toBe(
      1 + 3 * BLOCK_READ + 1,
    );
    expect(costOf('mutation($r: String!) { send(recipient: $r, amount: 1) { __typename } }', { r: 'x' })).toBe(
      1 + SIGNATURE_CHECK + 1,
    );
    const transfer = { sender: 'a', recipient: 'b', amount: 1, nonce: 0, signature: 's' };
    const block = { index: 2, timestamp: 0, previousHash: 'x', merkleRoot: 'x', difficulty: 8, proof: 0 };
    const submit = 'mutation($b: BlockInput!) { submitBlock(block: $b) { __typename } }';
    expect(costOf(submit, { b: { ...block, transactions: Array(10).fill(transfer) } })).toBe(
      1 + BLOCK_READ + 10 * SIGNATURE_CHECK + 1,
    );
    expect(costOf(submit, { b: { ...block, transactions: Array(5_000).fill(transfer) } })).toBe(
      1 + BLOCK_READ + MAX_TRANSACTIONS * SIGNATURE_CHECK + 1,
    );
    expect(costOf('subscription { chainReorganized { connected { index } } }')).toBe(1 + 1 + REORGANIZATION_BLOCKS * 2);
  });

  it('measure the operation that operationName selects, through fragments', () => {
    const document = `
      fragment T on Transaction { id amount }
      query Small { node { height } }
      query Large { pendingTransactions(first: 50) { ...T ... on Transaction { nonce } } }`;
    expect(costOf(document, {}, 'Small')).toBe(2);
    expect(costOf(document, {}, 'Large')).toBe(1 + 50 + 50 * 3);
  });

  it('are null when the variables do not coerce (execution reports them)', () => {
    expect(costOf('query($n: Int) { pendingTransactions(first: $n) { id } }', { n: 'many' })).toBeNull();
    expect(costOf('{ node { height } }', {}, 'Missing')).toBeNull();
  });
});

describe('the cost limit', () => {
  let testNode: TestNode;

  beforeEach(async () => {
    testNode = createTestNode();
    await mineBlocks(testNode, 2);
  });

  afterEach(() => testNode.node.close());

  it("refuses the issue's query (20 aliases × 100 blocks × 1,000 transactions) with QUERY_TOO_COMPLEX, HTTP 400", async () => {
    const aliases = Array.from(
      { length: 20 },
      (_, i) =>
        `a${i}: chain { blocks(first: 100) { edges { node { transactions { id sender recipient amount signature } } } } }`,
    ).join(' ');
    const response = await testNode.yoga.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ ${aliases} }` }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as any;
    expect(body.data).toBeUndefined();
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0].message).toMatch(/estimated cost of 12808040 is over the limit of 50000 \(maxCost\)/);
    expect(body.errors[0].extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', limit: 'maxCost' });
    expect(body.extensions.cost).toEqual({ estimated: 12_808_040, limit: 50_000 });
    expect(body.extensions.chain.height).toBe(3);
  });

  it('refuses before anything runs: an over-limit mutation mines nothing', async () => {
    const before = await observableState(testNode.yoga, [alice.address, bob.address]);
    const height = testNode.node.chain.height;
    const result = await gql(
      testNode.yoga,
      'mutation { mine { ... on MineSuccess { block { transactions { block { transactions { id } } } } } } }',
    );
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.extensions?.['code']).toBe('QUERY_TOO_COMPLEX');
    expect(testNode.node.chain.height).toBe(height);
    expect(await observableState(testNode.yoga, [alice.address, bob.address])).toEqual(before);
  });

  it('refuses a subscription over the limit before it subscribes', async () => {
    const listeners = testNode.node.events.listenerCount('blockConnected');
    const response = await testNode.yoga.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: 'subscription { newBlock { transactions { block { transactions { id } } } } }' }),
    });
    const reader = new SseReader(response);
    const event = await reader.next();
    await reader.cancel();
    expect(event.errors[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
    expect(event.extensions.cost.estimated).toBeGreaterThan(1_000_000);
    expect(testNode.node.events.listenerCount('blockConnected')).toBe(listeners);
  });

  it('follows --max-cost (the limits option), and reports it in limits { maxCost } and extensions.cost', async () => {
    expect(DEFAULT_API_LIMITS.maxCost).toBe(50_000);
    const yoga = createYogaApp(testNode.node, { graphiql: false, limits: { maxCost: 30 } });
    const allowed = await gql(yoga, '{ limits { maxCost } pendingTransactions(first: 10) { id } }');
    expect(allowed.errors).toBeUndefined();
    expect(allowed.data.limits.maxCost).toBe(30);
    const body = await (
      await yoga.fetch('http://yoga/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ pendingTransactions(first: 15) { id } }' }),
      })
    ).json();
    expect(body.extensions.cost).toEqual({ estimated: 31, limit: 30 });
    expect(body.errors[0].message).toMatch(/estimated cost of 31 is over the limit of 30/);
  });
});
