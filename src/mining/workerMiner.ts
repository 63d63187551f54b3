import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { HeaderTemplate } from '../chain/block.js';
import { blockHash } from '../chain/block.js';
import { encodeHeader } from '../chain/encoding.js';
import { meetsDifficulty } from '../chain/pow.js';
import type { BlockHeader } from '../chain/types.js';
import type { ProofKernelName } from './kernel/createProofSearcher.js';
import type { Miner, MinerStats } from './miner.js';
import type { WorkerJob, WorkerMessage } from './minerWorker.js';

/** Options of the worker-thread miner. */
export interface WorkerMinerOptions {
  /** Worker threads (default: every core, os.availableParallelism()). */
  readonly threads?: number;
  /** Hashing kernel (default: the fastest the runtime supports). */
  readonly kernel?: ProofKernelName;
  /** Proofs per chunk a worker takes at a time (default 2^22, a fraction of a second). */
  readonly chunkTries?: number;
}

/**
 * tsx's loader API, resolved from this file: an eval worker resolves bare names from the process's working directory,
 * which fails when the CLI runs from elsewhere (e.g. through the bin from another folder).
 */
const TSX_API_URL = import.meta.url.endsWith('.ts') ? import.meta.resolve('tsx/esm/api') : '';
/**
 * The worker's module: src/mining/minerWorker.ts from source, dist/mining/minerWorker.js when built. `../mining/`
 * rather than `./`: built, this code sits in a dist/chunks/ file, one folder below dist/ as src/mining/ is below src/.
 */
const WORKER_URL = new URL(`../mining/minerWorker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

/**
 * Mines in worker_threads, never on the event loop. A job is the 85-byte header with its difficulty; worker i takes
 * proof chunks i, i + n, i + 2n, … (disjoint ranges). The first proof found wins; a shared job counter stops the
 * other workers within a quarter of a millisecond, and an aborted signal (the tip changed) stops them all the same way.
 * Workers start at `warm()` (the node calls it at start) or else at the first job, and stay alive between jobs; a new
 * worker compiles its kernel and runs it hot before it takes a job. Tries are counted in shared memory, so the
 * hashrate costs no messages.
 */
export class WorkerMiner implements Miner {
  readonly threads: number;
  readonly #options: WorkerMinerOptions;
  readonly #control = new SharedArrayBuffer(4);
  readonly #controlView = new Int32Array(this.#control);
  readonly #counters: Float64Array;
  #workers: Worker[] = [];
  /** Each worker's counter slot in `#counters`. */
  readonly #slots = new WeakMap<Worker, number>();
  /** Each worker's warm-up: resolves when it reports ready, rejects if it dies first. */
  readonly #warmUps = new WeakMap<Worker, Promise<void>>();
  /** Workers that reported ready. */
  readonly #ready = new WeakSet<Worker>();
  #jobId = 0;
  #busyMs = 0;
  #rate = { at: 0, tries: 0, hashrate: 0 };
  #running = false;

  constructor(options: WorkerMinerOptions = {}) {
    this.threads = Math.max(1, options.threads ?? availableParallelism());
    this.#options = options;
    this.#counters = new Float64Array(new SharedArrayBuffer(8 * this.threads));
  }

  async mine(template: HeaderTemplate, signal: AbortSignal): Promise<BlockHeader> {
    signal.throwIfAborted();
    this.#start();
    const jobId = ++this.#jobId;
    Atomics.store(this.#controlView, 0, jobId);
    const header = encodeHeader({ ...template, proof: 0 });
    const chunkTries = this.#options.chunkTries ?? 1 << 22;
    const started = performance.now();
    this.#running = true;
    this.#rate = { at: started, tries: this.#totalTries(), hashrate: this.#rate.hashrate };
    try {
      return await new Promise<BlockHeader>((resolve, reject) => {
        let exhausted = 0;
        const listeners: Array<() => void> = [];
        const finish = (outcome: () => void) => {
          Atomics.store(this.#controlView, 0, 0);
          for (const remove of listeners) remove();
          outcome();
        };
        const onAbort = () => finish(() => reject(signal.reason));
        signal.addEventListener('abort', onAbort, { once: true });
        listeners.push(() => signal.removeEventListener('abort', onAbort));
        const workers = [...this.#workers];
        workers.forEach((worker, index) => {
          const onMessage = (message: WorkerMessage) => {
            if (message.type === 'ready' || message.jobId !== jobId) return;
            if (message.type === 'found') {
              const sealed = { ...template, proof: message.proof };
              // Trust, but verify: the kernel's answer must meet the rule with node:crypto's SHA-256.
              if (!meetsDifficulty(blockHash(sealed), template.difficulty)) {
                finish(() =>
                  reject(new Error(`worker ${index} returned proof ${message.proof}, which fails the difficulty`)),
                );
              } else {
                finish(() => resolve(sealed));
              }
            } else if (message.type === 'failed') {
              finish(() => reject(new Error(`mining worker ${index} failed: ${message.error}`)));
            } else if (++exhausted === workers.length) {
              finish(() => reject(new Error('proof space exhausted; the template needs a new timestamp')));
            }
          };
          const onError = (error: Error) =>
            finish(() => reject(new Error(`mining worker ${index} crashed: ${error.message}`)));
          const onExit = (code: number) =>
            finish(() => reject(new Error(`mining worker ${index} exited with code ${code}`)));
          worker.on('message', onMessage);
          worker.once('error', onError);
          worker.once('exit', onExit);
          listeners.push(() => {
            worker.off('message', onMessage);
            worker.off('error', onError);
            worker.off('exit', onExit);
          });
          const job: WorkerJob = {
            jobId,
            header,
            difficulty: template.difficulty,
            firstChunk: index,
            stride: workers.length,
            chunkTries,
          };
          worker.postMessage(job);
        });
      });
    } finally {
      this.#running = false;
      this.#busyMs += performance.now() - started;
    }
  }

  /**
   * Starts the worker threads now rather than at the first job, and resolves once every one of them has compiled its
   * kernel and run it hot, so that the first block is mined as fast as the next.
   * @throws {Error} (rejects) when a worker crashes or exits before it is ready.
   */
  async warm(): Promise<void> {
    this.#start();
    await Promise.all(this.#workers.map((worker) => this.#warmUps.get(worker)));
  }

  /** Worker threads alive and ready for a job (warmed up). */
  get readyThreads(): number {
    return this.#workers.filter((worker) => this.#ready.has(worker)).length;
  }

  stats(): MinerStats {
    const tries = this.#totalTries();
    const now = performance.now();
    if (!this.#running) return { tries, busyMs: Math.round(this.#busyMs), hashrate: 0 };
    // Hashrate over the last window of at least 250 ms (the first reading of a job covers the job so far).
    const elapsed = now - this.#rate.at;
    if (elapsed >= 250)
      this.#rate = { at: now, tries, hashrate: Math.round(((tries - this.#rate.tries) * 1000) / elapsed) };
    return { tries, busyMs: Math.round(this.#busyMs + (now - this.#rate.at)), hashrate: this.#rate.hashrate };
  }

  /** Stops every worker thread (mining can start them again). */
  async close(): Promise<void> {
    Atomics.store(this.#controlView, 0, 0);
    const workers = this.#workers;
    this.#workers = [];
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  #totalTries(): number {
    let total = 0;
    for (const count of this.#counters) total += count;
    return total;
  }

  /** Starts the missing workers: all of them at first, and replacements for any that crashed or exited. */
  #start(): void {
    const used = new Set(this.#workers.map((worker) => this.#slots.get(worker)));
    for (let index = 0; index < this.threads && this.#workers.length < this.threads; index++) {
      if (used.has(index)) continue;
      const workerData = {
        index,
        control: this.#control,
        counters: this.#counters.buffer,
        kernel: this.#options.kernel,
      };
      // Running from source, the worker is TypeScript: a small bootstrap registers tsx's loader inside the worker
      // (Node 20 does not apply the parent's loader, nor `--import` in a worker's execArgv) and then imports it.
      const worker = WORKER_URL.pathname.endsWith('.ts')
        ? new Worker(
            `import(${JSON.stringify(TSX_API_URL)}).then(({ register }) => { register(); ` +
              `return import(${JSON.stringify(WORKER_URL.href)}); })`,
            { eval: true, workerData },
          )
        : new Worker(WORKER_URL, { workerData });
      worker.unref();
      const forget = () => {
        // A crashed or exited worker is replaced on the next job; the job in flight fails through its own listener.
        this.#workers = this.#workers.filter((w) => w !== worker);
      };
      worker.on('error', forget);
      worker.on('exit', forget);
      const warmUp = new Promise<void>((resolve, reject) => {
        const onReady = (message: WorkerMessage) => {
          if (message.type !== 'ready') return;
          this.#ready.add(worker);
          settle(resolve);
        };
        const onError = (error: Error) =>
          settle(() => reject(new Error(`mining worker ${index} crashed while warming up: ${error.message}`)));
        const onExit = (code: number) =>
          settle(() => reject(new Error(`mining worker ${index} exited with code ${code} while warming up`)));
        const settle = (outcome: () => void) => {
          worker.off('message', onReady);
          worker.off('error', onError);
          worker.off('exit', onExit);
          outcome();
        };
        worker.on('message', onReady);
        worker.once('error', onError);
        worker.once('exit', onExit);
      });
      // Only `warm()` reports a failed warm-up; a job on a worker that dies fails through its own listeners.
      warmUp.catch(() => {});
      this.#warmUps.set(worker, warmUp);
      this.#slots.set(worker, index);
      this.#workers.push(worker);
    }
  }
}
