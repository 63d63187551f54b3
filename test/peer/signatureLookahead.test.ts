import { describe, expect, it } from 'vitest';
import type { Block } from '../../src/chain/types.js';
import { SignatureLookahead } from '../../src/peer/signatureLookahead.js';

/** Blocks that carry `counts[i]` transactions each (only their number matters to the lookahead). */
const blocksOf = (counts: readonly number[]): Block[] =>
  counts.map((count, index) => ({ header: { index } as Block['header'], transactions: Array(count) }));

/** A preverify whose calls are recorded (first block's index, blocks) and settled by hand. */
function manualPreverify() {
  const calls: Array<{ first: number; blocks: number; settle: () => void }> = [];
  const preverify = (blocks: readonly Block[]) =>
    new Promise<void>((resolve) =>
      calls.push({ first: blocks[0]!.header.index, blocks: blocks.length, settle: resolve }),
    );
  return { calls, preverify };
}

describe('SignatureLookahead (signature checks pipelined ahead of a sync’s validation)', () => {
  it('hands pieces over in chain order, cut at the piece limits', () => {
    const { calls, preverify } = manualPreverify();
    const lookahead = new SignatureLookahead(preverify, {
      pieceBlocks: 3,
      pieceTransactions: 10,
      aheadTransactions: 1e6,
    });
    lookahead.add(blocksOf([2, 2, 2, 2, 9, 9, 1]));
    expect(calls.map(({ first, blocks }) => [first, blocks])).toEqual([
      [0, 3],
      [3, 1],
      [4, 1],
      [5, 2],
    ]);
  });

  it('stays within the bound of transactions ahead of validation, and goes on as validation catches up', () => {
    const { calls, preverify } = manualPreverify();
    const lookahead = new SignatureLookahead(preverify, {
      pieceBlocks: 1,
      pieceTransactions: 10,
      aheadTransactions: 25,
    });
    lookahead.add(blocksOf([10, 10, 10, 10, 10]));
    expect(calls.map(({ first }) => first)).toEqual([0, 1]);
    lookahead.validated(1);
    expect(calls.map(({ first }) => first)).toEqual([0, 1, 2]);
    lookahead.validated(3);
    expect(calls.map(({ first }) => first)).toEqual([0, 1, 2, 3, 4]);
  });

  it('makes validation of a chunk wait for its pieces only, starting them past the bound if it must', async () => {
    const { calls, preverify } = manualPreverify();
    const lookahead = new SignatureLookahead(preverify, {
      pieceBlocks: 1,
      pieceTransactions: 10,
      aheadTransactions: 10,
    });
    lookahead.add(blocksOf([10, 10, 10]));
    expect(calls).toHaveLength(1);
    let ready = false;
    const waiting = lookahead.ready(2).then(() => {
      ready = true;
    });
    expect(calls).toHaveLength(2);
    calls[1]!.settle();
    await Promise.resolve();
    expect(ready).toBe(false);
    calls[0]!.settle();
    await waiting;
    expect(ready).toBe(true);
    expect(calls).toHaveLength(2);
  });

  it('checks queued batches itself while it waits, and stops when the pieces are done or nothing is queued', async () => {
    const { calls, preverify } = manualPreverify();
    let queued = 3;
    const verifyQueued = () => {
      if (queued === 0) return false;
      queued -= 1;
      if (queued === 1) calls[0]!.settle();
      return true;
    };
    const lookahead = new SignatureLookahead(
      preverify,
      { pieceBlocks: 1, pieceTransactions: 10, aheadTransactions: 100 },
      verifyQueued,
    );
    lookahead.add(blocksOf([10, 10]));
    await lookahead.ready(1);
    expect(queued).toBeLessThanOrEqual(1);
    const second = lookahead.ready(2);
    calls[1]!.settle();
    await second;
    expect(queued).toBe(0);
  });
});
