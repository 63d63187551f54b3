import { type ChainParams, createChainParams } from '../../src/chain/params.js';

/** Network name of the test chains: differs from the default network, so their genesis hashes differ too. */
export const TEST_NETWORK_NAME = 'test-net';

/** Difficulty of the test chains: 8 leading zero bits, about 256 tries per block. */
export const EASY_DIFFICULTY = 8;

/** Builds test parameters: easy difficulty (8 bits, minimum 1) on the "test-net" network, plus `overrides`. */
export function createEasyParams(overrides: Partial<ChainParams> = {}): ChainParams {
  return createChainParams({
    networkName: TEST_NETWORK_NAME,
    initialDifficulty: EASY_DIFFICULTY,
    minDifficulty: 1,
    // Fixed difficulty: tests mine fast with a fixed clock, which a retarget would answer with ever harder blocks.
    // The retarget tests turn it on explicitly.
    retargetInterval: 0,
    ...overrides,
  });
}

/** The default test parameters: `createEasyParams()` (reward 1, limits and time rules as on the default network). */
export const easyParams: ChainParams = createEasyParams();
