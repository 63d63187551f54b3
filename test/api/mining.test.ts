import { afterEach, describe, expect, it } from 'vitest';
import { createChainParams } from '../../src/chain/params.js';
import { createTestNode } from '../helpers/testNode.js';
import { gqlData, MINE, type TestNode, waitUntil } from './apiTestKit.js';

/** A network where one block takes about 2^18 tries: long enough to ask questions while it is mined. */
const harderParams = createChainParams({
  networkName: 'resp',
  initialDifficulty: 18,
  minDifficulty: 1,
  genesisTimestamp: 1_700_000_000_000,
});

let testNode: TestNode | undefined;

afterEach(() => {
  testNode?.node.close();
  testNode = undefined;
});

describe('the API while a block is being mined', () => {
  it('answers a node query issued during mining before the mine mutation finishes', async () => {
    // Its own clock, a minute after its genesis, so the mined block's timestamp is valid.
    testNode = createTestNode({ params: harderParams, clock: () => harderParams.genesisTimestamp + 60_000 });
    const { yoga, node } = testNode;
    const finished: string[] = [];

    const mining = gqlData(yoga, MINE).then((data) => {
      finished.push('mine');
      return data;
    });
    await waitUntil(() => node.mining);

    const query = gqlData(yoga, '{ node { height mining difficulty } }').then((data) => {
      finished.push('query');
      return data;
    });
    const answer = await query;
    expect(finished).toEqual(['query']);
    expect(answer.node).toEqual({ height: 1, mining: true, difficulty: 18 });

    const mined = await mining;
    expect(finished).toEqual(['query', 'mine']);
    expect(mined.mine.block).toMatchObject({ index: 2, difficulty: 18 });
    expect((await gqlData(yoga, '{ node { height mining } }')).node).toEqual({ height: 2, mining: false });
  });
});

describe('the mine mutation', () => {
  it('serializes concurrent mine requests into consecutive blocks', async () => {
    testNode = createTestNode();
    const [first, second] = await Promise.all([gqlData(testNode.yoga, MINE), gqlData(testNode.yoga, MINE)]);
    const indices = [first.mine.block.index, second.mine.block.index].sort();
    expect(indices).toEqual([2, 3]);
    expect(first.mine.block.hash).not.toBe(second.mine.block.hash);
    const data = await gqlData(testNode.yoga, '{ chain { length } node { mining } }');
    expect(data).toEqual({ chain: { length: 3 }, node: { mining: false } });
  });

  it('answers MiningFailedError with code MINING_FAILED once the node is shutting down', async () => {
    testNode = createTestNode();
    testNode.node.close();
    const data = await gqlData(testNode.yoga, MINE);
    expect(data.mine).toEqual({
      __typename: 'MiningFailedError',
      code: 'MINING_FAILED',
      message: expect.stringMatching(/^mining stopped: .*shutting down/),
    });
    expect((await gqlData(testNode.yoga, '{ chain { length } }')).chain.length).toBe(1);
  });
});
