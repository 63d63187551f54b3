import { type ChainParams, MAX_DIFFICULTY_BITS } from './params.js';
import type { BlockHeader } from './types.js';

/**
 * Index of the block that opens the retarget window of a child at `childIndex`, or undefined when that child
 * keeps its parent's difficulty. Retarget rule: a block whose index - 1 is a positive multiple of
 * `retargetInterval` gets a new difficulty, measured over the window from block max(2, index - interval) to its
 * parent (genesis is left out: its timestamp is fixed by the parameters, not by when mining started).
 */
export function retargetWindowStart(params: ChainParams, childIndex: number): number | undefined {
  const interval = params.retargetInterval;
  if (interval === 0 || childIndex <= 2 || (childIndex - 1) % interval !== 0) return undefined;
  const start = Math.max(2, childIndex - interval);
  return start < childIndex - 1 ? start : undefined;
}

/**
 * Difficulty rule: the difficulty a child of `parent` must carry. Between retargets it is the parent's. At a
 * retarget (see retargetWindowStart; `windowStart` is that block's header) the window's actual time is compared
 * with `targetBlockTimeMs` per block: the difficulty moves by round(log2(expected / actual)) bits, at most
 * `maxRetargetStepBits` either way, and never below `minDifficulty` (nor above 255).
 */
export function expectedDifficulty(params: ChainParams, parent: BlockHeader, windowStart?: BlockHeader): number {
  const start = retargetWindowStart(params, parent.index + 1);
  if (start === undefined || windowStart === undefined) return parent.difficulty;
  if (windowStart.index !== start)
    throw new RangeError(`the retarget window starts at block ${start}, not ${windowStart.index}`);
  const gaps = parent.index - windowStart.index;
  const expectedMs = gaps * params.targetBlockTimeMs;
  const actualMs = Math.max(1, parent.timestamp - windowStart.timestamp);
  const step = Math.max(
    -params.maxRetargetStepBits,
    Math.min(params.maxRetargetStepBits, Math.round(Math.log2(expectedMs / actualMs))),
  );
  return Math.max(params.minDifficulty, Math.min(MAX_DIFFICULTY_BITS, parent.difficulty + step));
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
