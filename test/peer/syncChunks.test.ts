import { describe, expect, it } from 'vitest';
import { blockHash } from '../../src/chain/block.js';
import type { Chain } from '../../src/chain/chain.js';
import type { Block } from '../../src/chain/types.js';
import { syncFromPeer } from '../../src/peer/syncFromPeer.js';
import {
  addBlockOrThrow,
  asParent,
  buildBranch,
  buildChain,
  createTestChain,
  mineBlock,
  transfer,
} from '../helpers/chainBuilder.js';
import { chainSyncTarget } from '../helpers/chainSyncTarget.js';
import { createFixedClock } from '../helpers/clock.js';
import { alice, bob } from '../helpers/keys.js';
import { FakePeer } from './fakePeer.js';

const PEER_URL = 'http://127.0.0.1:9/graphql';

/** A sync target over a bare chain that records each addBlocks call and whether other work ran before it. */
function targetOf(chain: Chain) {
  const calls: Array<{ size: number; transactions: number; status: string; yieldedBefore: boolean }> = [];
  // Another macrotask that wants the event loop: it runs whenever sync yields between chunks.
  let ticked = false;
  let ticking = true;
  const tick = () => {
    ticked = true;
    if (ticking) setImmediate(tick);
  };
  setImmediate(tick);
  const target = chainSyncTarget(chain, (blocks: readonly Block[]) => {
    const result = chain.addBlocks(blocks);
    calls.push({
      size: blocks.length,
      transactions: blocks.reduce((sum, block) => sum + block.transactions.length, 0),
      status: result.status,
      yieldedBefore: ticked,
    });
    ticked = false;
    return result;
  });
  return { target, calls, stop: () => (ticking = false) };
}

describe('a long sync is added in chunks', () => {
  it('adds 2,500 blocks as chunks of the page size, letting timers run between chunks', async () => {
    const clock = createFixedClock();
    const source = buildChain(2_500, { clock }).chain;
    const { chain } = createTestChain({ clock });
    const { target, calls, stop } = targetOf(chain);
    try {
      const outcome = await syncFromPeer(new FakePeer(PEER_URL, source), target, {
        pageSize: 1_000,
        maxBlocks: 10_000,
        maxChunkTransactions: 10_000,
      });
      expect(outcome.outcome).toBe('ADOPTED');
      expect(chain.tip.hash).toBe(source.tip.hash);
      expect(calls.map((call) => [call.size, call.status])).toEqual([
        [1_000, 'extended'],
        [1_000, 'extended'],
        [500, 'extended'],
      ]);
      expect(calls.slice(1).every((call) => call.yieldedBefore)).toBe(true);
    } finally {
      stop();
    }
  });

  it('keeps a heavier branch as a side branch until its last chunk overtakes, then switches in one step', async () => {
    const clock = createFixedClock();
    const { chain } = createTestChain({ clock });
    const trunk = buildBranch(chain.genesis, 1).map((block) => addBlockOrThrow(chain, block));
    for (const block of buildBranch(trunk[0]!, 30, { miner: alice })) addBlockOrThrow(chain, block);
    // The peer: the same trunk, then 35 blocks of its own (more work than our 30).
    const peerChain = createTestChain({ clock }).chain;
    addBlockOrThrow(peerChain, trunk[0]!.block);
    for (const block of buildBranch(trunk[0]!, 35, { miner: bob })) addBlockOrThrow(peerChain, block);
    const { target, calls, stop } = targetOf(chain);
    try {
      const outcome = await syncFromPeer(new FakePeer(PEER_URL, peerChain), target, { pageSize: 10, maxBlocks: 1_000 });
      expect(outcome.outcome).toBe('ADOPTED');
      expect(calls.map((call) => call.status)).toEqual(['side', 'side', 'side', 'reorg']);
      expect(chain.tip.hash).toBe(peerChain.tip.hash);
      expect(chain.getAccount(alice.address).balance).toBe(0);
      expect(chain.getAccount(bob.address).balance).toBe(35);
    } finally {
      stop();
    }
  });

  it('refuses at an invalid block and keeps the valid chunks before it, saying so when they became the best chain', async () => {
    const clock = createFixedClock();
    const source = buildChain(25, { clock }).chain;
    const { chain } = createTestChain({ clock });
    const { target, stop } = targetOf(chain);
    // Blocks 22 to the tip are replaced by a branch whose block 22 spends coins bob does not have (its claims match it).
    const bad = mineBlock({
      parent: asParent(source.getBlockAt(21)!.block),
      miner: bob,
      transactions: [transfer(bob, alice, 5, 0)],
    });
    const tampered = [bad, ...buildBranch(asParent(bad), source.height - 22)];
    const peer = new FakePeer(PEER_URL, source, {
      status: (honest) => ({ ...honest, tipHash: blockHash(tampered.at(-1)!.header) }),
      blocks: (page) => page.map((block) => (block.header.index >= 22 ? tampered[block.header.index - 22]! : block)),
    });
    try {
      const outcome = await syncFromPeer(peer, target, { pageSize: 10, maxBlocks: 1_000 });
      expect(outcome.outcome).toBe('REFUSED');
      expect(outcome.message).toMatch(/block 22/);
      expect(outcome.message).toMatch(/the valid blocks before it were kept \(our tip 21 /);
      expect(chain.tip.hash).toBe(source.getBlockAt(21)!.hash);
    } finally {
      stop();
    }
  });
});

describe('chunks are cut by transactions too', () => {
  it(`never validates more than MAX_CHUNK_TRANSACTIONS transactions in one go (unless one block alone has more)`, async () => {
    const clock = createFixedClock();
    // 30 blocks; from block 12 on alice pays bob in every block, 1 transfer each: 2 transactions a block.
    const source = buildChain(30, {
      clock,
      miner: alice,
      transactionsAt: (position) => (position >= 10 ? [transfer(alice, bob, 1, position - 10)] : []),
    }).chain;
    const { chain } = createTestChain({ clock });
    const { target, calls, stop } = targetOf(chain);
    try {
      const outcome = await syncFromPeer(new FakePeer(PEER_URL, source), target, {
        pageSize: 1_000,
        maxBlocks: 1_000,
        maxChunkTransactions: 9,
      });
      expect(outcome.outcome).toBe('ADOPTED');
      expect(chain.tip.hash).toBe(source.tip.hash);
      const transactionsPerChunk = calls.map((call) => call.transactions);
      expect(Math.max(...transactionsPerChunk)).toBeLessThanOrEqual(9);
      expect(transactionsPerChunk.reduce((a, b) => a + b, 0)).toBe(30 + 20);
      expect(calls.slice(1).every((call) => call.yieldedBefore)).toBe(true);
    } finally {
      stop();
    }
  });
});
