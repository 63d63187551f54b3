import { blockHash } from './block.js';
import { sha256Hex } from './hash.js';
import { ZERO_HASH } from './hex.js';
import type { ChainParams } from './params.js';
import type { Block } from './types.js';

/**
 * The canonical text of the consensus parameters. The genesis block's merkle root is its SHA-256, so the genesis
 * hash commits to every parameter: nodes with different rules have different genesis hashes and refuse each other.
 */
export function encodeChainParams(params: ChainParams): string {
  return [
    'graphql-blockchain/v1',
    `networkName=${params.networkName}`,
    `genesisTimestamp=${params.genesisTimestamp}`,
    `initialDifficulty=${params.initialDifficulty}`,
    `minDifficulty=${params.minDifficulty}`,
    `retargetInterval=${params.retargetInterval}`,
    `targetBlockTimeMs=${params.targetBlockTimeMs}`,
    `maxRetargetStepBits=${params.maxRetargetStepBits}`,
    `reward=${params.reward}`,
    `maxTransactionsPerBlock=${params.maxTransactionsPerBlock}`,
    `maxBlockBytes=${params.maxBlockBytes}`,
    `maxFutureBlockTimeMs=${params.maxFutureBlockTimeMs}`,
    `medianTimeSpan=${params.medianTimeSpan}`,
  ].join('\n');
}

/**
 * The genesis block, derived only from the parameters: index 1, the fixed genesis timestamp, previous hash zero,
 * merkle root = SHA-256(encodeChainParams(params)), the initial difficulty, proof 0 and no transactions.
 * It is constructed, never mined or validated: a peer whose block 1 differs is on another network.
 */
export function createGenesisBlock(params: ChainParams): Block {
  return {
    header: {
      index: 1,
      timestamp: params.genesisTimestamp,
      previousHash: ZERO_HASH,
      merkleRoot: sha256Hex(new TextEncoder().encode(encodeChainParams(params))),
      difficulty: params.initialDifficulty,
      proof: 0,
    },
    transactions: [],
  };
}

/** The genesis hash of the network described by `params`. */
export function genesisHash(params: ChainParams): string {
  return blockHash(createGenesisBlock(params).header);
}
