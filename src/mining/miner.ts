import type { HeaderTemplate } from '../chain/block.js';
import type { BlockHeader } from '../chain/types.js';

/** Statistics of a miner since it started. */
export interface MinerStats {
  /** Proofs tried. */
  readonly tries: number;
  /** Milliseconds spent searching. */
  readonly busyMs: number;
  /** Tries per second over the most recent job (0 when idle). */
  readonly hashrate: number;
}

/**
 * Something that finds a proof for a header template: the worker-thread miner (workerMiner.ts, the default) or the
 * main-thread miner (mainThreadMiner.ts, time-sliced so the event loop keeps answering). A job is cancelled through
 * `signal`.
 */
export interface Miner {
  /** Resolves with the sealed header, or rejects with the signal's reason when aborted. */
  mine(template: HeaderTemplate, signal: AbortSignal): Promise<BlockHeader>;
  stats(): MinerStats;
  /**
   * Gets ready to mine (threads started, code compiled and hot), so the first job is as fast as the next (optional;
   * the node calls it at start, off its critical path).
   */
  warm?(): Promise<void>;
  /** Releases threads or other resources (optional). */
  close?(): Promise<void>;
}
