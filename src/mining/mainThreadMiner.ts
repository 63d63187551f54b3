import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { HeaderTemplate } from '../chain/block.js';
import { MAX_PROOF } from '../chain/pow.js';
import type { BlockHeader } from '../chain/types.js';
import type { Miner, MinerStats } from './miner.js';
import { searchProof } from './searchProof.js';

/** Options of the main-thread miner. */
export interface MainThreadMinerOptions {
  /** Longest stretch, in ms, the search holds the event loop before yielding (default 4 ms). */
  readonly sliceMs?: number;
  /** Monotonic clock in ms (injectable for tests). */
  readonly now?: () => number;
}

const PROBE_TRIES = 256;

/**
 * Searches proofs on the main thread in short slices, yielding to the event loop between them (setImmediate), so
 * queries are answered while a block is mined. The slice size adapts to the measured hash speed to stay near
 * `sliceMs`.
 */
export class MainThreadMiner implements Miner {
  readonly #sliceMs: number;
  readonly #now: () => number;
  #tries = 0;
  #busyMs = 0;
  #hashrate = 0;
  #triesPerSlice = PROBE_TRIES;

  constructor(options: MainThreadMinerOptions = {}) {
    this.#sliceMs = options.sliceMs ?? 4;
    this.#now = options.now ?? (() => performance.now());
  }

  async mine(template: HeaderTemplate, signal: AbortSignal): Promise<BlockHeader> {
    let next = 0;
    let jobTries = 0;
    let jobMs = 0;
    try {
      for (;;) {
        signal.throwIfAborted();
        const tries = Math.min(this.#triesPerSlice, MAX_PROOF - next);
        const started = this.#now();
        const sealed = searchProof(template, next, tries);
        const elapsed = this.#now() - started;
        const done = sealed === undefined ? tries : sealed.proof - next + 1;
        this.#tries += done;
        this.#busyMs += elapsed;
        jobTries += done;
        jobMs += elapsed;
        if (jobMs > 0) this.#hashrate = Math.round((jobTries * 1000) / jobMs);
        if (sealed !== undefined) return sealed;
        next += tries;
        if (next >= MAX_PROOF) throw new Error('proof space exhausted; the template needs a new timestamp');
        // Aim for the configured slice length next time.
        if (elapsed > 0) this.#triesPerSlice = Math.max(16, Math.round((tries * this.#sliceMs) / elapsed));
        await yieldToEventLoop();
      }
    } finally {
      this.#hashrate = 0;
    }
  }

  stats(): MinerStats {
    return { tries: this.#tries, busyMs: Math.round(this.#busyMs), hashrate: this.#hashrate };
  }
}
