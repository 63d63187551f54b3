import type { ChainParams } from './params.js';
import type { BlockHeader } from './types.js';

/**
 * Difficulty rule: the difficulty a child of `parent` must carry. Retargeting (every `retargetInterval` blocks toward
 * `targetBlockTimeMs`) arrives with the worker-thread miner; until then every block keeps the genesis difficulty,
 * which is what this returns for any parent on a chain that started at `params.initialDifficulty`.
 */
export function expectedDifficulty(_params: ChainParams, parent: BlockHeader): number {
  return parent.difficulty;
}

/** Median of the given timestamps (the lower middle for an even count). */
export function medianTimePast(timestamps: readonly number[]): number {
  if (timestamps.length === 0) return 0;
  const sorted = [...timestamps].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** Smallest timestamp a child may carry: one ms after the median time past of its recent ancestors. */
export function minimumChildTimestamp(recentTimestamps: readonly number[]): number {
  return medianTimePast(recentTimestamps) + 1;
}
