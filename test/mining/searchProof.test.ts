import { describe, expect, it } from 'vitest';
import { blockHash, createHeaderTemplate } from '../../src/chain/block.js';
import { genesisHash } from '../../src/chain/genesis.js';
import { leadingZeroBits, MAX_PROOF, meetsDifficulty } from '../../src/chain/pow.js';
import { createRewardTransaction } from '../../src/chain/transaction.js';
import { searchProof } from '../../src/mining/searchProof.js';
import { alice } from '../helpers/keys.js';
import { easyParams } from '../helpers/params.js';

// searchProof, the main-thread miner's search: one node:crypto hash of the header per try (the reference the
// kernels of src/mining/kernel are checked against in kernelSearch.test.ts).

const template = createHeaderTemplate({
  index: 2,
  timestamp: easyParams.genesisTimestamp + 1_000,
  previousHash: genesisHash(easyParams),
  difficulty: 10,
  transactions: [createRewardTransaction(2, alice.address, 1)],
});

describe('searchProof', () => {
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
