import { describe, expect, it } from 'vitest';
import { blockHash } from '../../src/chain/block.js';
import { Chain, GenesisMismatchError } from '../../src/chain/chain.js';
import { ChainDb } from '../../src/chain/db/chainDb.js';
import { createGenesisBlock, encodeChainParams, genesisHash } from '../../src/chain/genesis.js';
import { sha256Hex } from '../../src/chain/hash.js';
import { ZERO_HASH } from '../../src/chain/hex.js';
import { type ChainParams, createChainParams, defaultChainParams } from '../../src/chain/params.js';
import { createEasyParams, easyParams } from '../helpers/params.js';

// The genesis block is derived from the chain parameters alone, so every node of a network shares its hash and
// nodes with different rules refuse each other.

describe('genesis block', () => {
  it("is index 1 at the genesis timestamp, on the zero hash, with the parameters' digest as merkle root and no transactions", () => {
    const genesis = createGenesisBlock(easyParams);
    expect(genesis).toEqual({
      header: {
        index: 1,
        timestamp: easyParams.genesisTimestamp,
        previousHash: ZERO_HASH,
        merkleRoot: sha256Hex(new TextEncoder().encode(encodeChainParams(easyParams))),
        difficulty: easyParams.initialDifficulty,
        proof: 0,
      },
      transactions: [],
    });
    expect(genesisHash(easyParams)).toBe(blockHash(genesis.header));
  });

  it('is the same for equal parameters, however they were built', () => {
    expect(genesisHash(createEasyParams())).toBe(genesisHash(easyParams));
    expect(genesisHash(createChainParams())).toBe(genesisHash(defaultChainParams));
  });

  it.each<[keyof ChainParams, ChainParams[keyof ChainParams]]>([
    ['networkName', 'another-net'],
    ['genesisTimestamp', 1],
    ['initialDifficulty', 9],
    ['minDifficulty', 2],
    ['retargetInterval', 11],
    ['targetBlockTimeMs', 9_999],
    ['maxRetargetStepBits', 3],
    ['reward', 2],
    ['maxTransactionsPerBlock', 999],
    ['maxBlockBytes', 1_048_575],
    ['maxFutureBlockTimeMs', 1],
    ['medianTimeSpan', 12],
  ])('changes when %s changes', (name, value) => {
    expect(genesisHash(createEasyParams({ [name]: value }))).not.toBe(genesisHash(easyParams));
  });

  it('starts every chain with the genesis as its tip, with work 2^initialDifficulty', () => {
    const chain = new Chain({ params: easyParams, clock: () => 0 });
    expect(chain.height).toBe(1);
    expect(chain.tip.hash).toBe(genesisHash(easyParams));
    expect(chain.genesis.totalWork).toBe(256n);
    expect(chain.getBlockAt(1)?.hash).toBe(chain.genesis.hash);
  });

  it("refuses a store that holds another network's chain (GenesisMismatchError)", () => {
    const store = new ChainDb();
    new Chain({ params: easyParams, clock: () => 0, db: store });
    const other = createEasyParams({ networkName: 'other-net' });
    expect(() => new Chain({ params: other, clock: () => 0, db: store })).toThrow(GenesisMismatchError);
    try {
      new Chain({ params: other, clock: () => 0, db: store });
    } catch (error) {
      expect(error).toMatchObject({
        name: 'GenesisMismatchError',
        expected: genesisHash(other),
        found: genesisHash(easyParams),
      });
    }
  });
});

describe('chain parameters', () => {
  it('are frozen and default to the tutorial numbers (reward 1, 16 bits)', () => {
    expect(Object.isFrozen(defaultChainParams)).toBe(true);
    expect(Object.isFrozen(createChainParams())).toBe(true);
    expect(defaultChainParams.reward).toBe(1);
    expect(defaultChainParams.initialDifficulty).toBe(16);
    expect(defaultChainParams.medianTimeSpan).toBe(11);
    expect(defaultChainParams.maxFutureBlockTimeMs).toBe(120_000);
  });

  it.each<[string, Partial<ChainParams>]>([
    ['a difficulty above 255', { initialDifficulty: 256 }],
    ['a fractional difficulty', { initialDifficulty: 8.5 }],
    ['a zero reward', { reward: 0 }],
    ['a block limit below 1024 bytes', { maxBlockBytes: 1_023 }],
    ['no transactions per block', { maxTransactionsPerBlock: 0 }],
    ['an empty network name', { networkName: '' }],
    ['a network name over 64 characters', { networkName: 'x'.repeat(65) }],
    ['a negative genesis timestamp', { genesisTimestamp: -1 }],
    ['a median span of 0', { medianTimeSpan: 0 }],
  ])('refuse %s (RangeError)', (_label, overrides) => {
    expect(() => createChainParams(overrides)).toThrow(RangeError);
  });
});
