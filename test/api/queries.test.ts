import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { signTransfer } from '../../src/wallet/wallet.js';
import { createTestNode, testWallet } from '../helpers/testNode.js';
import { fund, gql, gqlData, gqlError, mineBlocks, SEND, SUBMIT_TRANSACTION, type TestNode } from './apiTestKit.js';

const stranger = testWallet('queries-stranger');

let testNode: TestNode;

beforeEach(async () => {
  testNode = createTestNode();
  await mineBlocks(testNode, 2);
});

afterEach(() => {
  vi.restoreAllMocks();
  testNode.node.close();
});

describe('block(index, hash) takes exactly one argument', () => {
  it.each([
    ['neither argument', '{ block { index } }'],
    ['both arguments', `{ block(index: 1, hash: "${'ab'.repeat(32)}") { index } }`],
    ['both arguments, even when they name the same block', null],
  ])('answers %s with a BAD_USER_INPUT error', async (_name, query) => {
    const genesisHash = testNode.node.chain.genesis.hash;
    const error = await gqlError(testNode.yoga, query ?? `{ block(index: 1, hash: "${genesisHash}") { index } }`);
    expect(error.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(error.message).toMatch(/exactly one argument: index or hash/);
    expect(error.path).toEqual(['block']);
    expect(error.data).toEqual({ block: null });
  });

  it('answers explicit nulls for both arguments like no argument at all', async () => {
    const error = await gqlError(
      testNode.yoga,
      'query ($i: Int, $h: String) { block(index: $i, hash: $h) { index } }',
      {
        i: null,
        h: null,
      },
    );
    expect(error.extensions?.['code']).toBe('BAD_USER_INPUT');
  });

  it.each([
    ['index 0', '{ block(index: 0) { index } }', /index must be at least 1/],
    ['a negative index', '{ block(index: -5) { index } }', /index must be at least 1/],
    ['a hash that is not 64 hex characters', '{ block(hash: "abc") { index } }', /hash must be 64 hex/],
  ])('answers %s with a BAD_USER_INPUT error naming the argument', async (_name, query, message) => {
    const error = await gqlError(testNode.yoga, query);
    expect(error.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(error.message).toMatch(message);
  });

  it('answers null for a well-formed hash or an index that no block has', async () => {
    const data = await gqlData(
      testNode.yoga,
      `{ a: block(hash: "${'0'.repeat(64)}") { index } b: block(index: 4) { index } c: block(index: 3) { index } }`,
    );
    expect(data).toEqual({ a: null, b: null, c: { index: 3 } });
  });
});

describe('account(address)', () => {
  it('answers a never-seen address with zero balance and nonce', async () => {
    const data = await gqlData(
      testNode.yoga,
      `query ($a: String!) { account(address: $a) { address balance nonce pendingBalance pendingNonce transactions { id } } }`,
      { a: stranger.address },
    );
    expect(data.account).toEqual({
      address: stranger.address,
      balance: 0,
      nonce: 0,
      pendingBalance: 0,
      pendingNonce: 0,
      transactions: [],
    });
  });

  it('normalizes an upper-case address with spaces around it', async () => {
    const address = testNode.node.wallet.address;
    const data = await gqlData(testNode.yoga, `query ($a: String!) { account(address: $a) { address balance } }`, {
      a: `  ${address.toUpperCase()} `,
    });
    expect(data.account).toEqual({ address, balance: 2 });
  });

  it.each([
    ['an empty address', ''],
    ['"0", the reward sender', '0'],
    ['a 63-character address', stranger.address.slice(1)],
  ])('answers %s with a BAD_USER_INPUT error naming the address', async (_name, address) => {
    const error = await gqlError(testNode.yoga, `query ($a: String!) { account(address: $a) { balance } }`, {
      a: address,
    });
    expect(error.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(error.message).toMatch(/address must be an address: 64 hex characters/);
  });

  it('limits its transaction list with first, newest first', async () => {
    const data = await gqlData(
      testNode.yoga,
      `query ($a: String!) { account(address: $a) { transactions(first: 1) { blockIndex isReward } } }`,
      { a: testNode.node.wallet.address },
    );
    expect(data.account.transactions).toEqual([{ blockIndex: 3, isReward: true }]);
  });

  it.each([0, 101])('answers transactions(first: %i) with a BAD_USER_INPUT error', async (first) => {
    const error = await gqlError(
      testNode.yoga,
      `query ($a: String!, $n: Int) { account(address: $a) { transactions(first: $n) { id } } }`,
      { a: testNode.node.wallet.address, n: first },
    );
    expect(error.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(error.message).toMatch(/first must be from 1 to 100/);
  });
});

describe('transaction(id) and pendingTransactions', () => {
  it('answers null for an unknown id, well-formed or not', async () => {
    const data = await gqlData(
      testNode.yoga,
      `{ a: transaction(id: "${'cd'.repeat(32)}") { id } b: transaction(id: "nope") { id } }`,
    );
    expect(data).toEqual({ a: null, b: null });
  });

  it('finds a reward transaction by its id', async () => {
    const tip = testNode.node.chain.tip;
    const data = await gqlData(
      testNode.yoga,
      `query ($id: ID!) { transaction(id: $id) { isReward nonce blockIndex position } }`,
      {
        id: tip.transactionIds[0],
      },
    );
    expect(data.transaction).toEqual({ isReward: true, nonce: 3, blockIndex: 3, position: 0 });
  });

  it('lists the mempool oldest first and honours first', async () => {
    const alice = testWallet('queries-alice');
    await fund(testNode, alice, 3);
    const ids: string[] = [];
    for (let nonce = 0; nonce < 3; nonce++) {
      const { id, ...input } = signTransfer(alice, { recipient: stranger.address, amount: 1, nonce });
      await gqlData(testNode.yoga, SUBMIT_TRANSACTION, { input });
      ids.push(id);
    }
    const data = await gqlData(
      testNode.yoga,
      `{ all: pendingTransactions { id } two: pendingTransactions(first: 2) { id } }`,
    );
    expect(data.all.map((tx: any) => tx.id)).toEqual(ids);
    expect(data.two.map((tx: any) => tx.id)).toEqual(ids.slice(0, 2));
  });

  // Queries have no typed error results: an out-of-range argument is a standard GraphQL error, never a masked one.
  it.each([0, 1001])('answers pendingTransactions(first: %i) with a BAD_USER_INPUT error', async (first) => {
    const error = await gqlError(testNode.yoga, `query ($n: Int) { pendingTransactions(first: $n) { id } }`, {
      n: first,
    });
    expect(error.extensions?.['code']).toBe('BAD_USER_INPUT');
    expect(error.message).toMatch(/first must be from 1 to 1000/);
  });
});

describe('unexpected errors stay masked', () => {
  const SECRET = 'store failure at /var/lib/node/secret.db';

  it('answers a query whose chain method throws with "Unexpected error." and hides the cause', async () => {
    vi.spyOn(testNode.node.chain, 'getBlockAt').mockImplementation(() => {
      throw new Error(SECRET);
    });
    const result = await gql(testNode.yoga, '{ block(index: 1) { hash } }');
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0]!.message).toBe('Unexpected error.');
    expect(result.errors![0]!.extensions?.['code']).toBe('INTERNAL_SERVER_ERROR');
    expect(JSON.stringify(result)).not.toContain(SECRET);
    expect(result.data).toEqual({ block: null });
  });

  it('masks a non-domain error thrown under a mutation with typed errors instead of returning it as data', async () => {
    vi.spyOn(testNode.node, 'send').mockImplementation(() => {
      throw new TypeError(SECRET);
    });
    const result = await gql(testNode.yoga, SEND, { recipient: stranger.address, amount: 1 });
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0]!.message).toBe('Unexpected error.');
    expect(JSON.stringify(result)).not.toContain(SECRET);
    expect(result.data).toBeNull();
  });

  it('keeps answering other queries after an unexpected error', async () => {
    const spy = vi.spyOn(testNode.node.chain, 'getBlockAt').mockImplementation(() => {
      throw new Error(SECRET);
    });
    await gql(testNode.yoga, '{ block(index: 1) { hash } }');
    spy.mockRestore();
    const data = await gqlData(testNode.yoga, '{ block(index: 1) { index } node { height } }');
    expect(data).toEqual({ block: { index: 1 }, node: { height: 3 } });
  });
});

describe('account history paging', () => {
  it('pages newest first with first/before and counts the whole history', async () => {
    const paged = createTestNode({ label: 'history' });
    try {
      for (let i = 0; i < 7; i++) await paged.node.mine();
      const address = paged.node.wallet.address;
      const page = async (variables: Record<string, unknown>) =>
        (
          await gqlData(
            paged.yoga,
            'query($a: String!, $f: Int, $b: Int) { account(address: $a) { transactionCount transactions(first: $f, before: $b) { blockIndex } } }',
            { a: address, ...variables },
          )
        ).account;
      const first = await page({ f: 3 });
      expect(first.transactionCount).toBe(7);
      expect(first.transactions.map((tx: any) => tx.blockIndex)).toEqual([8, 7, 6]);
      const second = await page({ f: 3, b: 4 });
      expect(second.transactions.map((tx: any) => tx.blockIndex)).toEqual([5, 4, 3]);
      const last = await page({ f: 3, b: 1 });
      expect(last.transactions.map((tx: any) => tx.blockIndex)).toEqual([2]);
      const error = await gqlError(
        paged.yoga,
        'query($a: String!) { account(address: $a) { transactions(before: -1) { id } } }',
        { a: address },
      );
      expect(error.extensions?.['code']).toBe('BAD_USER_INPUT');
    } finally {
      paged.node.close();
    }
  });
});
