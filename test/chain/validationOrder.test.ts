import { describe, expect, it } from 'vitest';
import { blockHash } from '../../src/chain/block.js';
import { createRewardTransaction } from '../../src/chain/transaction.js';
import { buildChain, sealBlock, transfer } from '../helpers/chainBuilder.js';
import { alice, bob, minerWallet, testWallet } from '../helpers/keys.js';

// Cheapest rules first: a block that fails a header rule must cost a hash, never a merkle root or a signature.
describe('validation order (denial of service)', () => {
  /** A block at `difficulty` whose 200 transfers carry bad signatures (any signature check would fail). */
  function blockWithBadSignatures(difficulty: number) {
    const { chain } = buildChain(2);
    const tip = chain.tip;
    const forged = Array.from({ length: 200 }, (_, i) => ({
      ...transfer(testWallet(`payer-${i}`), bob, 1, 0),
      signature: 'ab'.repeat(64),
    }));
    const block = sealBlock({
      index: tip.block.header.index + 1,
      timestamp: tip.block.header.timestamp + 1000,
      previousHash: tip.hash,
      difficulty,
      transactions: [createRewardTransaction(tip.block.header.index + 1, minerWallet.address, 1), ...forged],
    });
    return { chain, block };
  }

  it('refuses a header below the difficulty floor before reading its body (DIFFICULTY_MISMATCH, not INVALID_SIGNATURE)', () => {
    const { chain, block } = blockWithBadSignatures(0);
    const result = chain.addBlock(block);
    expect(result).toMatchObject({ status: 'invalid', rejection: { code: 'DIFFICULTY_MISMATCH' } });
  });

  it('refuses a header with the wrong difficulty for its parent before reading its body', () => {
    // The easy test network mines at 8 bits; 9 is above the floor but not what the parent requires.
    const { chain, block } = blockWithBadSignatures(9);
    const result = chain.addBlock(block);
    expect(result).toMatchObject({ status: 'invalid', rejection: { code: 'DIFFICULTY_MISMATCH' } });
  });

  it('checks every header of a run before the first body: a bad header at the end wins over bad signatures first', () => {
    const { chain } = buildChain(1);
    const tip = chain.tip;
    const first = sealBlock({
      index: 3,
      timestamp: tip.block.header.timestamp + 1000,
      previousHash: tip.hash,
      difficulty: tip.block.header.difficulty,
      transactions: [
        createRewardTransaction(3, minerWallet.address, 1),
        { ...transfer(alice, bob, 1, 0), signature: 'cd'.repeat(64) },
      ],
    });
    const second = sealBlock({
      index: 5, // should be 4
      timestamp: tip.block.header.timestamp + 2000,
      previousHash: blockHash(first.header),
      difficulty: tip.block.header.difficulty,
      transactions: [createRewardTransaction(5, minerWallet.address, 1)],
    });
    const result = chain.addBlocks([first, second]);
    expect(result).toMatchObject({ status: 'invalid', position: 1, rejection: { code: 'INDEX_NOT_PARENT_PLUS_ONE' } });
  });
});
