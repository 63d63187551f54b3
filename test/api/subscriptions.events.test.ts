import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Chain } from '../../src/chain/chain.js';
import { addBlockOrThrow, mineBlock } from '../helpers/chainBuilder.js';
import { testWallet } from '../helpers/keys.js';
import { createTestNode } from '../helpers/testNode.js';
import { deadPort, mineBlocks, type SseReader, subscribeSse, type TestNode, waitUntil } from './apiTestKit.js';

let testNode: TestNode;
const readers: SseReader[] = [];

beforeEach(() => {
  testNode = createTestNode();
});

afterEach(async () => {
  await Promise.all(readers.splice(0).map((reader) => reader.cancel()));
  testNode.node.close();
});

async function subscribe(event: 'chainReorganized' | 'peerChanged', query: string): Promise<SseReader> {
  const before = testNode.node.events.listenerCount(event);
  const reader = await subscribeSse(testNode.yoga, query);
  readers.push(reader);
  await waitUntil(() => testNode.node.events.listenerCount(event) > before);
  return reader;
}

describe('chainReorganized subscription', () => {
  it('reports a switch to a heavier branch with its depth, old and new tips', async () => {
    await mineBlocks(testNode, 2);
    const { node } = testNode;
    const oldTip = node.chain.tip;
    const reader = await subscribe(
      'chainReorganized',
      'subscription { chainReorganized { depth oldTip { index hash } newTip { index hash } disconnected { hash } connected { index } } }',
    );
    // A competing branch from genesis, three blocks long, built on a separate chain with the node's parameters.
    const rival = new Chain({ params: node.chain.params, clock: () => node.now() });
    for (let i = 0; i < 3; i++) addBlockOrThrow(rival, mineBlock({ chain: rival, miner: testWallet('rival') }));
    for (let index = 2; index <= 4; index++) node.submitBlock(rival.getBlockAt(index)!.block);
    expect(node.chain.tip.hash).toBe(rival.tip.hash);

    const { data } = await reader.next();
    expect(data.chainReorganized).toEqual({
      depth: 2,
      oldTip: { index: 3, hash: oldTip.hash },
      newTip: { index: 4, hash: rival.tip.hash },
      disconnected: [{ hash: oldTip.hash }, { hash: oldTip.block.header.previousHash }],
      connected: [{ index: 2 }, { index: 3 }, { index: 4 }],
    });
  });
});

describe('peerChanged subscription', () => {
  it('reports a registered peer and its status after the first contact', async () => {
    const reader = await subscribe('peerChanged', 'subscription { peerChanged { url status lastError } }');
    const port = await deadPort();
    await testNode.node.registerNodes([`127.0.0.1:${port}`]);
    const first = await reader.next();
    expect(first.data.peerChanged).toEqual({
      url: `http://127.0.0.1:${port}/graphql`,
      status: 'UNKNOWN',
      lastError: null,
    });
    const second = await reader.next();
    expect(second.data.peerChanged).toMatchObject({ url: `http://127.0.0.1:${port}/graphql`, status: 'UNREACHABLE' });
    expect(second.data.peerChanged.lastError).toMatch(/ECONNREFUSED/);
  });
});

describe('miningProgress subscription', () => {
  it('reports hashrate, tries, difficulty and elapsed time about once a second while a block is mined', async () => {
    const { createChainParams } = await import('../../src/chain/params.js');
    const { WorkerMiner } = await import('../../src/mining/workerMiner.js');
    const miner = new WorkerMiner({ threads: 1 });
    // A network where a block takes far longer than a second, so progress is reported before it is found.
    const params = createChainParams({
      networkName: 'progress',
      initialDifficulty: 40,
      minDifficulty: 1,
      retargetInterval: 0,
    });
    const slow = createTestNode({ label: 'progress', params, miner });
    try {
      const before = slow.node.events.listenerCount('miningProgress');
      const reader = await subscribeSse(
        slow.yoga,
        'subscription { miningProgress { hashrate tries difficulty elapsedMs index } }',
      );
      readers.push(reader);
      await waitUntil(() => slow.node.events.listenerCount('miningProgress') > before);
      const mining = slow.node.mine().catch(() => undefined);
      const first = (await reader.next()).data.miningProgress;
      const second = (await reader.next()).data.miningProgress;
      expect(first).toMatchObject({ difficulty: 40, index: 2 });
      expect(first.elapsedMs).toBeGreaterThanOrEqual(900);
      expect(second.elapsedMs - first.elapsedMs).toBeGreaterThanOrEqual(900);
      expect(second.tries).toBeGreaterThan(first.tries);
      expect(second.hashrate).toBeGreaterThan(0);
      slow.node.close();
      await mining;
    } finally {
      slow.node.close();
      await miner.close();
    }
  }, 20_000);
});
