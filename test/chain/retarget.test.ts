import { describe, expect, it } from 'vitest';
import { Chain } from '../../src/chain/chain.js';
import { expectedDifficulty, retargetWindowStart } from '../../src/chain/difficulty.js';
import type { ChainParams } from '../../src/chain/params.js';
import { createRewardTransaction } from '../../src/chain/transaction.js';
import type { Block } from '../../src/chain/types.js';
import { asParent, sealBlock } from '../helpers/chainBuilder.js';
import { minerWallet } from '../helpers/keys.js';
import { createEasyParams } from '../helpers/params.js';

// Retarget every 4 blocks toward 1 s per block, at most 2 bits per step, never below 4 bits.
const params: ChainParams = createEasyParams({
  retargetInterval: 4,
  targetBlockTimeMs: 1_000,
  maxRetargetStepBits: 2,
  initialDifficulty: 6,
  minDifficulty: 4,
});

/** A chain whose blocks come `spacingMs` apart, each with the difficulty the rules expect unless overridden. */
function chainWithSpacing(count: number, spacingMs: number, overrides: Record<number, number> = {}) {
  const start = params.genesisTimestamp + 86_400_000;
  const chain = new Chain({ params, clock: () => start + 10 * 86_400_000 });
  const blocks: Block[] = [];
  for (let i = 0; i < count; i++) {
    const context = chain.nextBlockContext();
    const block = sealBlock({
      index: context.index,
      timestamp: start + i * spacingMs,
      previousHash: context.previousHash,
      difficulty: overrides[context.index] ?? context.difficulty,
      transactions: [createRewardTransaction(context.index, minerWallet.address, params.reward)],
    });
    const result = chain.addBlock(block);
    if (result.status !== 'extended') return { chain, blocks, refused: { index: context.index, result } };
    blocks.push(block);
  }
  return { chain, blocks, refused: undefined };
}

const difficulties = (chain: Chain) =>
  Array.from({ length: chain.height }, (_, i) => chain.getBlockAt(i + 1)!.block.header.difficulty);

describe('difficulty retarget (DIFFICULTY_MISMATCH is the rule that enforces it)', () => {
  it('retargets at every block whose index - 1 is a multiple of the interval, measuring from block 2 at the first', () => {
    expect([2, 3, 4, 5, 6, 9, 10, 13].map((index) => retargetWindowStart(params, index))).toEqual([
      undefined,
      undefined,
      undefined,
      2,
      undefined,
      5,
      undefined,
      9,
    ]);
    expect(retargetWindowStart(createEasyParams({ retargetInterval: 0 }), 5)).toBeUndefined();
  });

  it('raises the difficulty when blocks come faster than the target (up)', () => {
    // 250 ms blocks against a 1 s target: log2(4) = +2 bits.
    const { chain, refused } = chainWithSpacing(6, 250);
    expect(refused).toBeUndefined();
    expect(difficulties(chain)).toEqual([6, 6, 6, 6, 8, 8, 8]);
  });

  it('lowers the difficulty when blocks come slower than the target (down)', () => {
    // 4 s blocks: log2(1/4) = -2 bits.
    const { chain } = chainWithSpacing(6, 4_000);
    expect(difficulties(chain)).toEqual([6, 6, 6, 6, 4, 4, 4]);
  });

  it('keeps the difficulty when blocks come on target', () => {
    const { chain } = chainWithSpacing(9, 1_000);
    expect(difficulties(chain).slice(1)).toEqual([6, 6, 6, 6, 6, 6, 6, 6, 6]);
  });

  it('clamps a step to maxRetargetStepBits and the result to minDifficulty (clamp)', () => {
    // 1 ms blocks would ask for +10 bits: only +2 are allowed.
    const fast = chainWithSpacing(5, 1);
    expect(fast.chain.getBlockAt(5)!.block.header.difficulty).toBe(8);
    // 60 s blocks would ask for -6 bits: -2 allowed, then the floor of 4 holds.
    const slow = chainWithSpacing(9, 60_000);
    expect(difficulties(slow.chain).slice(4)).toEqual([4, 4, 4, 4, 4, 4]);
    const parent = slow.chain.getBlockAt(9)!.block.header;
    expect(expectedDifficulty(params, parent, slow.chain.getBlockAt(5)!.block.header)).toBe(4);
  });

  it('refuses a boundary block that keeps the old difficulty, and a block between retargets that changes it', () => {
    const atBoundary = chainWithSpacing(6, 250, { 5: 6 });
    expect(atBoundary.refused?.index).toBe(5);
    expect(atBoundary.refused?.result).toMatchObject({ status: 'invalid', rejection: { code: 'DIFFICULTY_MISMATCH' } });
    const between = chainWithSpacing(6, 1_000, { 4: 7 });
    expect(between.refused?.index).toBe(4);
    expect(between.refused?.result).toMatchObject({ status: 'invalid', rejection: { code: 'DIFFICULTY_MISMATCH' } });
  });

  it("validates a retarget inside a run of new blocks and on a side branch from the branch's own timestamps", () => {
    const fast = chainWithSpacing(7, 250); // difficulty 8 from block 5
    const slowRival = chainWithSpacing(4, 4_000); // shares nothing but genesis; block 5 would be at 4
    const fresh = new Chain({ params, clock: () => params.genesisTimestamp + 20 * 86_400_000 });
    // One run: the boundary block's window is inside the run itself.
    expect(fresh.addBlocks(fast.blocks).status).toBe('extended');
    // A side branch from genesis: its boundary block 5 retargets from its own blocks 2–4 (slow: down to 4).
    expect(fresh.addBlocks(slowRival.blocks).status).toBe('side');
    const parent = asParent(slowRival.blocks[3]!);
    const rivalNext = sealBlock({
      index: 6,
      timestamp: slowRival.blocks[3]!.header.timestamp + 4_000,
      previousHash: parent.hash,
      difficulty: 4,
      transactions: [createRewardTransaction(6, minerWallet.address, params.reward)],
    });
    expect(fresh.addBlock(rivalNext).status).toBe('side');
    expect(fresh.getBlock(asParent(rivalNext).hash)?.block.header.difficulty).toBe(4);
  });
});
