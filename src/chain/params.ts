/**
 * Chain parameters: every consensus constant of a network lives here, and the genesis block is derived from them,
 * so two nodes built from equal parameters share one genesis hash (and nodes with different ones refuse each other).
 */
export interface ChainParams {
  /** Human-readable network name; part of the genesis block so differently named networks never mix. */
  readonly networkName: string;
  /** Genesis timestamp in ms since the epoch. Fixed so that the genesis block is deterministic. */
  readonly genesisTimestamp: number;
  /** Starting difficulty in leading zero bits of the block hash (16 bits = the tutorial's "0000" hex prefix). */
  readonly initialDifficulty: number;
  /** Lowest difficulty a retarget may reach. */
  readonly minDifficulty: number;
  /** Retarget every this many blocks (0 disables retargeting; see expectedDifficulty in difficulty.ts). */
  readonly retargetInterval: number;
  /** The block time the retarget steers toward, in ms. */
  readonly targetBlockTimeMs: number;
  /** Largest change of difficulty, in bits, that one retarget may make. */
  readonly maxRetargetStepBits: number;
  /** Amount of the reward transaction (sender "0") in every block; 1 as in the tutorial. */
  readonly reward: number;
  /** Most transactions in one block, the reward included. */
  readonly maxTransactionsPerBlock: number;
  /** Largest encoded block, in bytes (see docs/PROTOCOL.md for the encoding). */
  readonly maxBlockBytes: number;
  /** How far into the future (relative to the validating node's clock) a block timestamp may be, in ms. */
  readonly maxFutureBlockTimeMs: number;
  /** How many previous blocks the median-time-past rule looks at. */
  readonly medianTimeSpan: number;
}

/** Largest value the header's one-byte difficulty field can hold; above 255 bits no hash can qualify anyway. */
export const MAX_DIFFICULTY_BITS = 255;

/** The default network: the tutorial's numbers (reward 1, "four leading hex zeros" = 16 bits). */
export const defaultChainParams: ChainParams = Object.freeze({
  networkName: 'tutorial-mainnet',
  // 2017-11-01T00:00:00Z, the month the tutorial was published.
  genesisTimestamp: 1_509_494_400_000,
  initialDifficulty: 16,
  minDifficulty: 8,
  retargetInterval: 10,
  targetBlockTimeMs: 10_000,
  maxRetargetStepBits: 2,
  reward: 1,
  maxTransactionsPerBlock: 1_000,
  maxBlockBytes: 1_048_576,
  // Bitcoin-style rule: at most 2 minutes ahead of the validating node's clock.
  maxFutureBlockTimeMs: 2 * 60 * 1000,
  // Bitcoin-style rule: later than the median of the previous 11 blocks.
  medianTimeSpan: 11,
});

/**
 * Builds a validated parameter set from the defaults and overrides.
 * @throws {RangeError} when a parameter is out of its range.
 */
export function createChainParams(overrides: Partial<ChainParams> = {}): ChainParams {
  const params: ChainParams = { ...defaultChainParams, ...overrides };
  assertIntegerInRange('initialDifficulty', params.initialDifficulty, 0, MAX_DIFFICULTY_BITS);
  assertIntegerInRange('minDifficulty', params.minDifficulty, 0, MAX_DIFFICULTY_BITS);
  assertIntegerInRange('retargetInterval', params.retargetInterval, 0, 1_000_000);
  assertIntegerInRange('targetBlockTimeMs', params.targetBlockTimeMs, 1, 86_400_000);
  assertIntegerInRange('maxRetargetStepBits', params.maxRetargetStepBits, 0, 64);
  assertIntegerInRange('reward', params.reward, 1, 1_000_000_000);
  assertIntegerInRange('maxTransactionsPerBlock', params.maxTransactionsPerBlock, 1, 100_000);
  assertIntegerInRange('maxBlockBytes', params.maxBlockBytes, 1_024, 64 * 1_048_576);
  assertIntegerInRange('maxFutureBlockTimeMs', params.maxFutureBlockTimeMs, 0, 86_400_000);
  assertIntegerInRange('medianTimeSpan', params.medianTimeSpan, 1, 1_000);
  assertIntegerInRange('genesisTimestamp', params.genesisTimestamp, 0, Number.MAX_SAFE_INTEGER);
  if (params.initialDifficulty < params.minDifficulty) {
    throw new RangeError(
      `initialDifficulty ${params.initialDifficulty} must not be below minDifficulty ${params.minDifficulty}`,
    );
  }
  if (params.retargetInterval === 1) {
    throw new RangeError('retargetInterval must be 0 (off) or at least 2: a window needs two blocks after genesis');
  }
  if (typeof params.networkName !== 'string' || params.networkName.length === 0 || params.networkName.length > 64) {
    throw new RangeError('networkName must be a string of 1 to 64 characters');
  }
  return Object.freeze(params);
}

function assertIntegerInRange(name: string, value: number, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
}
