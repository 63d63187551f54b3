import { describe, expect, it } from 'vitest';
import { blockHash, createHeaderTemplate } from '../../src/chain/block.js';
import { blockWork, leadingZeroBits, MAX_PROOF, meetsDifficulty } from '../../src/chain/pow.js';
import { searchProof } from '../../src/chain/searchProof.js';
import { createRewardTransaction } from '../../src/chain/transaction.js';
import { alice } from '../helpers/keys.js';
import { easyParams } from '../helpers/params.js';
import { genesisHash } from '../../src/chain/genesis.js';

// Proof of work: the block hash (SHA-256 of the header) has at least `difficulty` leading zero bits; a block's work
// is 2^difficulty, the expected number of tries.

const template = createHeaderTemplate({
  index: 2,
  timestamp: easyParams.genesisTimestamp + 1_000,
  previousHash: genesisHash(easyParams),
  difficulty: 10,
  transactions: [createRewardTransaction(2, alice.address, 1)],
});

describe('proof of work', () => {
  it('counts leading zero bits of a hex hash', () => {
    expect(leadingZeroBits('f' + '0'.repeat(63))).toBe(0);
    expect(leadingZeroBits('8' + '0'.repeat(63))).toBe(0);
    expect(leadingZeroBits('7' + '0'.repeat(63))).toBe(1);
    expect(leadingZeroBits('1' + '0'.repeat(63))).toBe(3);
    expect(leadingZeroBits('00' + '1' + '0'.repeat(61))).toBe(11);
    expect(leadingZeroBits('0000ff' + '0'.repeat(58))).toBe(16);
    expect(leadingZeroBits('0'.repeat(64))).toBe(256);
  });

  it('meets a difficulty with at least that many leading zero bits', () => {
    const hash = '000f' + 'f'.repeat(60); // 12 bits
    expect(meetsDifficulty(hash, 12)).toBe(true);
    expect(meetsDifficulty(hash, 13)).toBe(false);
    expect(meetsDifficulty(hash, 0)).toBe(true);
  });

  it('counts a block\'s work as 2^difficulty', () => {
    expect(blockWork(0)).toBe(1n);
    expect(blockWork(8)).toBe(256n);
    expect(blockWork(16)).toBe(65_536n);
    expect(blockWork(255)).toBe(1n << 255n);
  });

  it('finds the first proof whose header hash meets the difficulty (midstate equals the full hash)', () => {
    const sealed = searchProof(template, 0, 1_000_000)!;
    expect(sealed).toEqual({ ...template, proof: sealed.proof });
    expect(leadingZeroBits(blockHash(sealed))).toBeGreaterThanOrEqual(template.difficulty);
    for (let proof = 0; proof < sealed.proof; proof++) {
      expect(meetsDifficulty(blockHash({ ...template, proof }), template.difficulty)).toBe(false);
    }
  });

  it('searches only the given range and returns undefined when it holds no proof', () => {
    const sealed = searchProof(template, 0, 1_000_000)!;
    expect(searchProof(template, 0, sealed.proof)).toBeUndefined();
    expect(searchProof(template, sealed.proof, 1)?.proof).toBe(sealed.proof);
    expect(searchProof(template, sealed.proof + 1, 1_000_000)!.proof).toBeGreaterThan(sealed.proof);
  });

  it('handles proofs above 2^32 (both halves of the u64 field) and stops at 2^53-1', () => {
    const start = 2 ** 32 - 100;
    const sealed = searchProof({ ...template, difficulty: 6 }, start, 100_000)!;
    expect(sealed.proof).toBeGreaterThanOrEqual(start);
    expect(meetsDifficulty(blockHash(sealed), 6)).toBe(true);
    const high = searchProof({ ...template, difficulty: 6 }, 2 ** 40, 100_000)!;
    expect(meetsDifficulty(blockHash(high), 6)).toBe(true);
    expect(searchProof({ ...template, difficulty: 255 }, MAX_PROOF - 3, 1_000)).toBeUndefined();
  });
});
