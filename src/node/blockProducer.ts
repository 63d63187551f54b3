import { setTimeout as sleep, setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { createHeaderTemplate } from '../chain/block.js';
import type { AddBlockResult, ChainReader } from '../chain/chain.js';
import type { StoredBlock } from '../chain/db/model.js';
import type { MempoolReader } from '../chain/mempool.js';
import { createRewardTransaction } from '../chain/transaction.js';
import type { Block, BlockHeader } from '../chain/types.js';
import type { Miner } from '../mining/miner.js';
import type { EventHub } from './events.js';
import type { NodeEvents, NodeLogger } from './nodeEvents.js';

/** What block production needs from the node. */
export interface BlockProducerHost {
  readonly chain: ChainReader;
  readonly mempool: MempoolReader;
  readonly miner: Miner;
  /** Receives every reward. */
  readonly address: string;
  readonly events: EventHub<NodeEvents>;
  readonly log: NodeLogger;
  now(): number;
  /** Adds a mined block through the node (mempool and events follow). */
  addMined(block: Block): AddBlockResult;
}

/**
 * Mining on the node's tip: one job at a time, restarted on a new tip whenever the tip changes under it, with
 * progress events once a second; optionally block after block (continuous mining) with a backoff on failures.
 */
export class BlockProducer {
  readonly #host: BlockProducerHost;
  readonly #closed = new AbortController();
  /**
   * The miner's job in flight: aborted when the tip changes under it (it was built on the old tip) or at close. One
   * controller per job rather than AbortSignal.any over long-lived signals: that cost each mined block ~0.1 ms in
   * onTipChanged (composite signals, their abort events), on the path of the `mine` answer.
   */
  #job: AbortController | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #jobs = 0;
  #continuous = false;
  #loop: Promise<void> | undefined;

  constructor(host: BlockProducerHost) {
    this.#host = host;
  }

  /** True while a block is being mined. */
  get mining(): boolean {
    return this.#jobs > 0;
  }

  /** True while continuous mining is on. */
  get continuous(): boolean {
    return this.#continuous;
  }

  /** Mines one block on the tip and returns it once it is the tip; requests are served one at a time. */
  mine(): Promise<StoredBlock> {
    const job = this.#queue.then(() => this.#mineOne());
    this.#queue = job.catch(() => {});
    return job;
  }

  /** Mines block after block until `stopContinuous` or `close` (one loop, however often it is called). */
  startContinuous(): void {
    this.#continuous = true;
    if (this.#loop !== undefined) return;
    const loop = async (): Promise<void> => {
      let failures = 0;
      while (this.#continuous && !this.#closed.signal.aborted) {
        try {
          await this.mine();
          failures = 0;
          // An easy block can be found without the miner yielding: give I/O a turn between blocks.
          await yieldToEventLoop();
        } catch (error) {
          if (this.#closed.signal.aborted) break;
          failures++;
          this.#host.log('mining.error', { error: (error as Error).message, failures });
          // A persistent failure (a clock behind the chain, a broken kernel) must not spin: back off up to 30 s.
          await sleep(Math.min(30_000, 500 * 2 ** Math.min(failures - 1, 6)));
        }
      }
    };
    this.#loop = loop().finally(() => (this.#loop = undefined));
  }

  /** Stops continuous mining after the current block. */
  stopContinuous(): void {
    this.#continuous = false;
  }

  /** The tip changed: the job in flight restarts on the new tip. */
  onTipChanged(): void {
    this.#job?.abort(new Error('the tip changed'));
    this.#job = undefined;
  }

  /** Stops mining and cancels the job in flight. */
  close(): void {
    void this.#host.miner.close?.();
    this.#continuous = false;
    this.#closed.abort(new Error('the node is shutting down'));
    this.#job?.abort(new Error('the node is shutting down'));
  }

  async #mineOne(): Promise<StoredBlock> {
    const { chain, miner } = this.#host;
    this.#jobs++;
    const startedAt = performance.now();
    const triesAtStart = miner.stats().tries;
    let current = { index: 0, difficulty: 0 };
    const progress = setInterval(() => {
      const stats = miner.stats();
      this.#host.events.emit('miningProgress', {
        hashrate: stats.hashrate,
        tries: stats.tries - triesAtStart,
        difficulty: current.difficulty,
        elapsedMs: Math.round(performance.now() - startedAt),
        index: current.index,
      });
    }, 1_000);
    progress.unref();
    try {
      for (;;) {
        this.#closed.signal.throwIfAborted();
        const context = chain.nextBlockContext();
        const now = this.#host.now();
        if (context.timestamp > now + chain.params.maxFutureBlockTimeMs) {
          // Median time past is ahead of the clock by more than the future limit: any block mined now is refused.
          throw new Error(
            `this node's clock (${now}) is behind the chain: the next block needs timestamp ≥ ${context.timestamp}`,
          );
        }
        const transactions = [
          createRewardTransaction(context.index, this.#host.address, chain.params.reward),
          ...this.#host.mempool.selectForBlock(chain.params.maxTransactionsPerBlock - 1),
        ];
        const template = createHeaderTemplate({ ...context, transactions });
        current = { index: context.index, difficulty: context.difficulty };
        const job = new AbortController();
        this.#job = job;
        let header: BlockHeader;
        try {
          header = await miner.mine(template, job.signal);
        } catch (error) {
          if (this.#closed.signal.aborted) throw error;
          if (job.signal.aborted) continue; // the tip moved: start again on the new one
          throw error;
        } finally {
          // Sealed or not, the job is over: our own block's tip change has nothing left to cancel.
          if (this.#job === job) this.#job = undefined;
        }
        const result = this.#host.addMined({ header, transactions });
        if (result.status === 'extended') return result.tip;
        // Someone else's block won the race while we sealed ours; mine again on the new tip.
        if (result.status === 'invalid') throw new Error(`mined an invalid block: ${result.rejection.message}`);
      }
    } finally {
      clearInterval(progress);
      this.#jobs--;
    }
  }
}
