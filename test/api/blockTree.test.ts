import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BLOCK_READ } from '../../src/api/cost.js';
import { FIXED_API_LIMITS } from '../../src/api/limits.js';
import { createYogaApp } from '../../src/api/yoga.js';
import { blockHash } from '../../src/chain/block.js';
import type { Block } from '../../src/chain/types.js';
import { PeerClient } from '../../src/peer/peerClient.js';
import { asParent, buildBranch } from '../helpers/chainBuilder.js';
import { createTestNode, postGraphQL, testNetworkParams, testWallet } from '../helpers/testNode.js';
import { gql, gqlData, gqlError, mineBlocks, type TestNode } from './apiTestKit.js';

// blockTree: every stored block of an index range, side branches included, with how each reached the node.

const TREE = `query Tree($from: Int!, $to: Int!) {
  blockTree(fromIndex: $from, toIndex: $to) {
    index hash previousHash isBest totalWork firstSeenAt origin receivedFrom
  }
}`;

const SUBMIT = `mutation Submit($block: BlockInput!, $from: String) {
  submitBlock(block: $block, from: $from) { __typename ... on SubmitBlockSuccess { status } ... on Error { code } }
}`;

const outsideMiner = testWallet('tree-outside-miner');

let testNode: TestNode;

beforeEach(async () => {
  testNode = createTestNode();
  await mineBlocks(testNode, 3);
});

afterEach(() => testNode.node.close());

/** `count` blocks on `parentIndex`'s best block, as another miner would push them. */
function branchOn(parentIndex: number, count: number): Block[] {
  const parent = testNode.node.chain.getBlockAt(parentIndex)!;
  return buildBranch(asParent(parent.block), count, { params: testNetworkParams, miner: outsideMiner.address });
}

async function submit(block: Block, from?: string): Promise<string> {
  const input = { ...block.header, transactions: block.transactions.map((tx) => ({ ...tx })) };
  const data = await gqlData(testNode.yoga, SUBMIT, { block: input, ...(from === undefined ? {} : { from }) });
  return data.submitBlock.status;
}

async function tree(from: number, to: number): Promise<any[]> {
  return (await gqlData(testNode.yoga, TREE, { from, to })).blockTree;
}

describe('blockTree', () => {
  it('returns the best chain and side branches of the range, best first at each index, linked by previousHash', async () => {
    const [side3, side4] = branchOn(2, 2);
    testNode.advance(1_000);
    expect(await submit(side3!, '127.0.0.1:4999')).toBe('SIDE');
    expect(await submit(side4!)).toBe('SIDE');
    const blocks = await tree(1, 10);
    const chain = testNode.node.chain;
    const best = [1, 2, 3, 4].map((index) => chain.getBlockAt(index)!.hash);
    const [s3, s4] = [side3!, side4!].map((block) => blockHash(block.header));
    expect(blocks.map((b) => b.hash)).toEqual([best[0], best[1], best[2], s3, best[3], s4]);
    expect(blocks.map((b) => b.index)).toEqual([1, 2, 3, 3, 4, 4]);
    expect(blocks.map((b) => b.isBest)).toEqual([true, true, true, false, true, false]);
    expect(blocks[3].previousHash).toBe(best[1]);
    expect(blocks[5].previousHash).toBe(s3);
    expect(blocks[5].totalWork).toBe(blocks[4].totalWork);
    expect(await tree(3, 3)).toEqual([blocks[2], blocks[3]]);
  });

  it('says when, how and from whom each block arrived', async () => {
    const [side3, side4] = branchOn(2, 2);
    testNode.advance(1_000);
    const pushedAt = testNode.node.now();
    await submit(side3!, '127.0.0.1:4999');
    await submit(side4!);
    const byHash = new Map((await tree(1, 4)).map((b) => [b.hash, b]));
    const chain = testNode.node.chain;
    expect(byHash.get(chain.genesis.hash)).toMatchObject({ origin: 'GENESIS', receivedFrom: null });
    const mined = byHash.get(chain.getBlockAt(2)!.hash);
    expect(mined).toMatchObject({ origin: 'MINED', receivedFrom: null });
    expect(mined.firstSeenAt).toBeLessThan(pushedAt);
    // The URL the pushing peer named, normalized as registerNodes would.
    expect(byHash.get(blockHash(side3!.header))).toEqual(
      expect.objectContaining({
        origin: 'GOSSIP',
        receivedFrom: 'http://127.0.0.1:4999/graphql',
        firstSeenAt: pushedAt,
      }),
    );
    expect(byHash.get(blockHash(side4!.header))).toMatchObject({ origin: 'SUBMITTED', receivedFrom: null });
  });

  it('names the peer it synced blocks from (origin SYNC)', async () => {
    const peerUrl = 'http://127.0.0.1:4997/graphql';
    const follower = createTestNode({
      label: 'tree-follower',
      connectPeer: (url) =>
        new PeerClient(url, {
          timeoutMs: 2_000,
          maxResponseBytes: 4 * 1024 * 1024,
          // Every request reaches the served node in process.
          fetch: ((_input: unknown, init?: RequestInit) =>
            testNode.yoga.fetch(new URL('http://yoga/graphql'), init ?? {})) as typeof fetch,
        }),
    });
    try {
      await follower.node.registerNodes([peerUrl]);
      await follower.node.resolve();
      expect(follower.node.chain.height).toBe(4);
      const synced = (await gqlData(follower.yoga, TREE, { from: 2, to: 4 })).blockTree;
      expect(synced.map((b: any) => [b.origin, b.receivedFrom])).toEqual(Array(3).fill(['SYNC', peerUrl]));
      expect(synced.map((b: any) => b.hash)).toEqual([2, 3, 4].map((i) => testNode.node.chain.getBlockAt(i)!.hash));
    } finally {
      follower.node.close();
    }
  });

  it('keeps both branches through a reorganization: the new best block moves first at its index', async () => {
    const losing = testNode.node.chain.getBlockAt(4)!.hash;
    const branch = branchOn(2, 3);
    for (const block of branch) await submit(block, 'http://127.0.0.1:4998/graphql');
    expect(testNode.node.chain.tip.hash).toBe(blockHash(branch[2]!.header));
    const atFour = (await tree(4, 4)).map((b) => [b.hash, b.isBest]);
    expect(atFour).toEqual([
      [blockHash(branch[1]!.header), true],
      [losing, false],
    ]);
    expect(await tree(1, 5)).toHaveLength(1 + 1 + 2 + 2 + 1);
  });

  it('is empty past the tip and accepts a range of exactly the cap', async () => {
    expect(await tree(5, 9)).toEqual([]);
    const max = FIXED_API_LIMITS.maxBlockTreeRange;
    expect(await tree(1, max)).toHaveLength(4);
    const limits = await gqlData(testNode.yoga, '{ limits { maxBlockTreeRange } }');
    expect(limits.limits.maxBlockTreeRange).toBe(max);
  });

  it.each([
    [0, 3, 'fromIndex', /fromIndex must be at least 1, got 0/],
    [-5, 3, 'fromIndex', /fromIndex must be at least 1, got -5/],
    [4, 3, 'toIndex', /toIndex must be at least fromIndex \(4\), got 3/],
  ])('refuses fromIndex %i, toIndex %i naming the argument', async (from, to, argument, message) => {
    const error = await gqlError(testNode.yoga, TREE, { from, to });
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
    expect(error.message).toMatch(message);
    expect(error.data).toBeNull();
  });

  it('refuses a range over the cap instead of truncating it, naming the limit', async () => {
    const max = FIXED_API_LIMITS.maxBlockTreeRange;
    const error = await gqlError(testNode.yoga, TREE, { from: 1, to: max + 1 });
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'toIndex', limit: 'maxBlockTreeRange' });
    expect(error.message).toMatch(`at most ${max} heights`);
    // Far past any chain: refused by the same rule, not estimated by walking the range.
    const huge = await gqlError(testNode.yoga, TREE, { from: 1, to: 2 ** 31 - 1 });
    expect(huge.extensions).toMatchObject({ limit: 'maxBlockTreeRange' });
  });

  it('costs a block read per block the range holds, so a long or forked range is refused by maxCost', async () => {
    const cost = async (from: number, to: number) => {
      const { body } = await postGraphQL(
        testNode.yoga,
        '{ blockTree(fromIndex: $f, toIndex: $t) { hash } }'.replace('$f', String(from)).replace('$t', String(to)),
      );
      return (body as any).extensions.cost.estimated as number;
    };
    const two = await cost(1, 2);
    const four = await cost(1, 4);
    expect(four - two).toBe(2 * (2 + BLOCK_READ));
    expect(await cost(50, 1_000)).toBe(1);
    for (const block of branchOn(2, 1)) await submit(block);
    expect(await cost(1, 4)).toBe(four + 2 + BLOCK_READ);

    const tight = createYogaApp(testNode.node, { graphiql: false, limits: { maxCost: 3 * (2 + BLOCK_READ) + 1 } });
    const query = '{ blockTree(fromIndex: 1, toIndex: 4) { hash } }';
    const refused = await gql(tight, query);
    expect(refused.errors?.[0]?.extensions?.['code']).toBe('QUERY_TOO_COMPLEX');
    expect(refused.data).toBeUndefined();
    expect((await gql(tight, '{ blockTree(fromIndex: 1, toIndex: 2) { hash } }')).errors).toBeUndefined();
  });
});
