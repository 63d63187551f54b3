import { availableParallelism } from 'node:os';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import {
  recordSignatureVerdict,
  SIGNATURE_RECORD_BYTES,
  type SignatureCheck,
  signatureCheckOf,
  verifySignatureRecord,
  writeSignatureRecord,
} from '../chain/transaction.js';
import type { Transaction } from '../chain/types.js';
import { BATCH_CLAIMED, BATCH_POSTED, type SignatureWorkerData } from './signatureBatchState.js';
import type { SignatureBatch, SignatureWorkerMessage } from './signatureWorker.js';

/** Options of the signature pool. */
export interface SignaturePoolOptions {
  /** Worker threads (default: every core, os.availableParallelism()); 0 checks nothing ahead of validation. */
  readonly threads?: number;
  /** Fewest signatures worth sending to the workers (default 64); fewer are left to validation on the event loop. */
  readonly minChecks?: number;
  /** Signatures per batch a worker takes at a time (default 128, ~13 ms of work). */
  readonly batchChecks?: number;
  /**
   * How long submitted transfers' checks (preverifySoon) may wait for a worker before the event loop verifies them
   * itself (default 20 ms).
   */
  readonly submissionWaitMs?: number;
  /**
   * Once STARVED_BATCHES submitted batches in a row had to be verified on the event loop (no worker started them in
   * time), the next ones are verified there at once, without the wait, except one batch every `starvedProbeMs`
   * (default 100 ms), which goes to the workers to see whether they get CPU again.
   */
  readonly starvedProbeMs?: number;
  /** The worker's module (default src/node/signatureWorker.ts, or dist/node/signatureWorker.js when built). */
  readonly workerUrl?: URL;
}

/** What one `preverify` did. */
export interface PreverifyOutcome {
  /** Signatures the workers found valid, now in the signature cache. */
  readonly valid: number;
  /** Signatures the workers found invalid (not cached: validation refuses them with its own rule). */
  readonly invalid: number;
  /** Signatures left to validation: too few to be worth a worker, or their worker crashed, or the pool is closed. */
  readonly unchecked: number;
}

/** Submitted batches in a row that no worker started in time, after which the event loop stops waiting for them. */
const STARVED_BATCHES = 3;
/** After this many worker failures in a row the pool stops starting workers and leaves every check to validation. */
const MAX_CONSECUTIVE_FAILURES = 3;
/** Batches a worker holds at a time: one to verify and one waiting, so it never idles between messages. */
const BATCHES_PER_WORKER = 2;

/** tsx's loader API, resolved from this file (see workerMiner.ts: an eval worker resolves bare names elsewhere). */
const TSX_API_URL = import.meta.url.endsWith('.ts') ? import.meta.resolve('tsx/esm/api') : '';
/** src/node/signatureWorker.ts from source, dist/node/signatureWorker.js when built (dist/chunks/ is one folder down). */
const WORKER_URL = new URL(
  `../node/signatureWorker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`,
  import.meta.url,
);

interface Batch {
  readonly id: number;
  readonly checks: readonly SignatureCheck[];
  /** Who verifies it, shared with the worker it is posted to (signatureBatchState.ts). */
  readonly state: Int32Array;
  /** Records the verdicts, or nothing when given undefined (the batch was given up); only the first call counts. */
  readonly settle: (verdicts: Uint8Array | undefined) => void;
  readonly settled: () => boolean;
}

interface PoolWorker {
  readonly worker: Worker;
  /** The port the worker posts its verdicts on: read as messages arrive, or at once by `#collectAnswers`. */
  readonly verdicts: MessagePort;
  readonly inFlight: Map<number, Batch>;
  /** Settles once the worker has loaded (true) or failed first (false). */
  readonly ready: Promise<boolean>;
}

/**
 * Verifies transfer signatures on worker threads ahead of validation, in the manner of Bitcoin Core's check queue: a
 * sync page or a large submitted block is cut into batches that idle workers take from one queue. A valid signature
 * is recorded in the chain's signature cache (src/chain/transaction.ts), so validation then skips it; an invalid one
 * is not, so validation checks it again on the event loop and refuses the block with exactly the rule, message and
 * position it always reports. Nothing here decides validity: a crashed worker or a closed pool only means validation
 * verifies those signatures itself. Workers start on the first batch, are replaced after a crash, stop on `close`.
 */
export class SignaturePool {
  readonly threads: number;
  readonly #minChecks: number;
  readonly #batchChecks: number;
  readonly #workerUrl: URL;
  readonly #submissionWaitMs: number;
  readonly #starvedProbeMs: number;
  /** Submitted batches in a row the event loop had to verify itself (see starvedProbeMs). */
  #starvedInARow = 0;
  /** When a submitted batch last went to the workers while they were starved. */
  #lastProbeAt = Number.NEGATIVE_INFINITY;
  /** Submitted transfers' checks of this event-loop turn (preverifySoon), and who waits for them. */
  #soon: SignatureCheck[] = [];
  #soonWaiters: Array<() => void> = [];
  #workers: PoolWorker[] = [];
  readonly #queue: Batch[] = [];
  #nextBatchId = 1;
  #failuresInARow = 0;
  #closed = false;
  #checkedHere = 0;

  constructor(options: SignaturePoolOptions = {}) {
    this.threads = Math.max(0, options.threads ?? availableParallelism());
    this.#minChecks = Math.max(1, options.minChecks ?? 64);
    this.#batchChecks = Math.max(1, options.batchChecks ?? 128);
    this.#workerUrl = options.workerUrl ?? WORKER_URL;
    this.#submissionWaitMs = options.submissionWaitMs ?? 20;
    this.#starvedProbeMs = options.starvedProbeMs ?? 100;
  }

  /** Signatures verified on the calling thread so far (a worker's batch it claimed, or verifyQueuedBatch's). */
  get checkedHere(): number {
    return this.#checkedHere;
  }

  /** True when batches can still go to workers (threads, not closed, workers not failing over and over). */
  get active(): boolean {
    return this.threads > 0 && !this.#closed && this.#failuresInARow < MAX_CONSECUTIVE_FAILURES;
  }

  /**
   * Verifies the signatures of these transactions on the workers and records the valid ones in the signature cache.
   * Settles once every batch is answered or given up; never rejects. Rewards, malformed transfers and signatures
   * already in the cache are skipped (validation decides those as it always does).
   */
  preverify(transactions: Iterable<Transaction>): Promise<PreverifyOutcome> {
    if (!this.active) return Promise.resolve({ valid: 0, invalid: 0, unchecked: 0 });
    const checks: SignatureCheck[] = [];
    for (const tx of transactions) {
      const check = signatureCheckOf(tx);
      if (check !== undefined) checks.push(check);
    }
    if (checks.length < this.#minChecks) return Promise.resolve({ valid: 0, invalid: 0, unchecked: checks.length });
    return this.#verifyOnWorkers(checks).done;
  }

  /**
   * preverify for one submitted transfer (the API's submitTransaction): the checks of one event-loop turn go to the
   * workers together, in one message however few they are, since under a stream of submissions the event loop, which
   * would verify them one by one (~100 µs each), is what runs out. A batch no worker has answered within
   * `submissionWaitMs` is verified on the event loop (a worker starved of CPU must not hold submissions up); while the
   * workers stay starved, batches are verified there at once (see `starvedProbeMs`). Settles once verified or given
   * up; never rejects.
   */
  preverifySoon(transactions: Iterable<Transaction>): Promise<void> {
    if (!this.active) return Promise.resolve();
    const checks: SignatureCheck[] = [];
    for (const tx of transactions) {
      const check = signatureCheckOf(tx);
      if (check !== undefined) checks.push(check);
    }
    if (checks.length === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.#soon.push(...checks);
      this.#soonWaiters.push(resolve);
      if (this.#soonWaiters.length === 1) setImmediate(() => this.#sendSoon());
    });
  }

  /** Sends the turn's submitted checks as batches, and answers their waiters once every batch is settled. */
  #sendSoon(): void {
    const waiters = this.#soonWaiters;
    const checks = this.#soon;
    this.#soon = [];
    this.#soonWaiters = [];
    if (this.#starvedInARow >= STARVED_BATCHES) {
      const now = performance.now();
      if (now - this.#lastProbeAt < this.#starvedProbeMs) {
        // The workers have not been getting CPU (a machine busy with other work, they run at nice 10): these would
        // wait the whole deadline and then be verified here anyway.
        const { batches, done } = this.#makeBatches(checks);
        for (const batch of batches) this.#verifyHere(batch);
        void done.then(() => {
          for (const resolve of waiters) resolve();
        });
        return;
      }
      this.#lastProbeAt = now;
    }
    const { batches, done } = this.#verifyOnWorkers(checks);
    let verifiedHere = false;
    let deadline = setTimeout(() => {
      // Verdicts that arrived while the event loop was busy are read first: under load a turn can outlast the wait,
      // and the timer then fires before the worker's answer is delivered.
      this.#collectAnswers();
      let waiting = false;
      for (const batch of batches) {
        if (batch.settled()) continue;
        // A batch a worker has started is left to it once more (it is getting CPU); one nobody started is claimed,
        // and the worker then skips it, so no signature is verified twice.
        if (this.#claim(batch)) {
          this.#verifyHere(batch);
          verifiedHere = true;
        } else {
          waiting = true;
        }
      }
      if (!waiting) return;
      deadline = setTimeout(() => {
        this.#collectAnswers();
        for (const batch of batches) if (!batch.settled()) this.#verifyHere(batch);
      }, this.#submissionWaitMs);
      deadline.unref();
    }, this.#submissionWaitMs);
    deadline.unref();
    void done.then(() => {
      clearTimeout(deadline);
      this.#starvedInARow = verifiedHere ? this.#starvedInARow + 1 : 0;
      for (const resolve of waiters) resolve();
    });
  }

  /** Settles every batch whose verdicts a worker has posted but the event loop has not yet delivered. */
  #collectAnswers(): void {
    for (const entry of this.#workers) {
      for (;;) {
        const received = receiveMessageOnPort(entry.verdicts);
        if (received === undefined) break;
        this.#onAnswer(entry, received.message as SignatureWorkerMessage);
      }
    }
  }

  /**
   * Claims a batch for the calling thread (a queued one leaves the queue): true when no worker has started it (queued,
   * or posted but not taken; its worker then skips it), false when a worker is verifying it.
   */
  #claim(batch: Batch): boolean {
    const queued = this.#queue.indexOf(batch);
    if (queued >= 0) {
      this.#queue.splice(queued, 1);
      return true;
    }
    return Atomics.compareExchange(batch.state, 0, BATCH_POSTED, BATCH_CLAIMED) === BATCH_POSTED;
  }

  /** Cuts checks into batches for the workers; `done` settles once every batch is answered or given up. */
  #verifyOnWorkers(checks: readonly SignatureCheck[]): { batches: Batch[]; done: Promise<PreverifyOutcome> } {
    const made = this.#makeBatches(checks);
    this.#queue.push(...made.batches);
    this.#pump();
    return made;
  }

  /** Cuts checks into batches (not queued); `done` settles once every batch is settled. */
  #makeBatches(checks: readonly SignatureCheck[]): { batches: Batch[]; done: Promise<PreverifyOutcome> } {
    const batches: Batch[] = [];
    const done = new Promise<PreverifyOutcome>((resolve) => {
      const outcome = { valid: 0, invalid: 0, unchecked: 0 };
      let open = Math.ceil(checks.length / this.#batchChecks);
      for (let start = 0; start < checks.length; start += this.#batchChecks) {
        const batchChecks = checks.slice(start, start + this.#batchChecks);
        let settled = false;
        batches.push({
          id: this.#nextBatchId++,
          checks: batchChecks,
          state: new Int32Array(new SharedArrayBuffer(4)),
          settled: () => settled,
          settle: (verdicts) => {
            if (settled) return;
            settled = true;
            if (verdicts === undefined || verdicts.length !== batchChecks.length) {
              outcome.unchecked += batchChecks.length;
            } else {
              batchChecks.forEach((check, i) => {
                const valid = verdicts[i] === 1;
                recordSignatureVerdict(check, valid);
                if (valid) outcome.valid += 1;
                else outcome.invalid += 1;
              });
            }
            if (--open === 0) resolve(outcome);
          },
        });
      }
    });
    return { batches, done };
  }

  /**
   * Verifies the oldest unanswered batch on the calling thread, as Bitcoin Core's master thread joins its check queue
   * while it waits: a batch no worker has taken yet, else one a worker holds but has not answered (its answer is then
   * ignored). A sync waiting for its next chunk thus never idles behind workers that get little CPU. One batch holds
   * the event loop ~13 ms. False when every batch is answered.
   */
  verifyQueuedBatch(): boolean {
    let batch = this.#queue.shift();
    if (batch === undefined) {
      for (const { inFlight } of this.#workers) {
        for (const held of inFlight.values()) {
          if (!held.settled() && (batch === undefined || held.id < batch.id)) batch = held;
        }
      }
    }
    if (batch === undefined) return false;
    this.#verifyHere(batch);
    return true;
  }

  /** Verifies a batch on the calling thread (a worker's later answer for it is ignored; one not started skips it). */
  #verifyHere(batch: Batch): void {
    this.#claim(batch); // forced: verified here even when a worker has it (the first verdict settles the batch)
    const record = new Uint8Array(SIGNATURE_RECORD_BYTES);
    const verdicts = new Uint8Array(batch.checks.length);
    this.#checkedHere += batch.checks.length;
    for (let i = 0; i < batch.checks.length; i++) {
      writeSignatureRecord(batch.checks[i]!, record, 0);
      verdicts[i] = verifySignatureRecord(record) ? 1 : 0;
    }
    batch.settle(verdicts);
  }

  /**
   * Starts every worker now rather than on the first batch (a node does this when it starts: from TypeScript source a
   * worker takes a second to load, from dist/ a few ms). Settles once they have loaded or failed; never rejects.
   */
  async start(): Promise<void> {
    if (!this.active) return;
    while (this.#workers.length < this.threads) this.#workers.push(this.#startWorker());
    await Promise.all(this.#workers.map((entry) => entry.ready));
  }

  /** Stops every worker; batches in flight or queued are left to validation. */
  async close(): Promise<void> {
    this.#closed = true;
    const workers = this.#workers;
    this.#workers = [];
    for (const batch of this.#queue.splice(0)) batch.settle(undefined);
    for (const { inFlight } of workers) for (const batch of inFlight.values()) batch.settle(undefined);
    await Promise.all(workers.map(({ worker }) => worker.terminate()));
  }

  /** Hands queued batches to workers with room, starting workers up to `threads`. */
  #pump(): void {
    if (!this.active) {
      for (const batch of this.#queue.splice(0)) batch.settle(undefined);
      return;
    }
    while (this.#workers.length < this.threads && this.#queue.length > this.#workers.length * BATCHES_PER_WORKER) {
      this.#workers.push(this.#startWorker());
    }
    for (;;) {
      const idlest = this.#workers.reduce<PoolWorker | undefined>(
        (best, candidate) => (best === undefined || candidate.inFlight.size < best.inFlight.size ? candidate : best),
        undefined,
      );
      if (idlest === undefined || idlest.inFlight.size >= BATCHES_PER_WORKER) return;
      const batch = this.#queue.shift();
      if (batch === undefined) return;
      const records = new Uint8Array(batch.checks.length * SIGNATURE_RECORD_BYTES);
      for (let i = 0; i < batch.checks.length; i++) {
        writeSignatureRecord(batch.checks[i]!, records, i * SIGNATURE_RECORD_BYTES);
      }
      idlest.inFlight.set(batch.id, batch);
      if (idlest.inFlight.size === 1) idlest.worker.ref();
      idlest.worker.postMessage({ id: batch.id, records, state: batch.state } satisfies SignatureBatch, [
        records.buffer,
      ]);
    }
  }

  #startWorker(): PoolWorker {
    const url = this.#workerUrl;
    // Verdicts come back on a port of their own, which #collectAnswers can read without waiting for the event loop.
    const channel = new MessageChannel();
    const options = {
      workerData: { verdictPort: channel.port2 } satisfies SignatureWorkerData,
      transferList: [channel.port2],
    };
    // From source the worker is TypeScript: a bootstrap registers tsx's loader in the worker, then imports it.
    const worker = url.pathname.endsWith('.ts')
      ? new Worker(
          `import(${JSON.stringify(TSX_API_URL)}).then(({ register }) => { register(); ` +
            `return import(${JSON.stringify(url.href)}); })`,
          { eval: true, ...options },
        )
      : new Worker(url, options);
    worker.unref();
    channel.port1.unref();
    let loaded: (ok: boolean) => void = () => {};
    const ready = new Promise<boolean>((resolve) => {
      loaded = resolve;
    });
    const entry: PoolWorker = { worker, verdicts: channel.port1, inFlight: new Map(), ready };
    // A worker that does not know the verdict port (a test's) answers on its own channel, handled the same way.
    worker.on('message', (message: SignatureWorkerMessage) => {
      if (message.type === 'ready') loaded(true);
      else this.#onAnswer(entry, message);
    });
    channel.port1.on('message', (message: SignatureWorkerMessage) => this.#onAnswer(entry, message));
    const fail = () => {
      loaded(false);
      if (!this.#workers.includes(entry)) return;
      // A crashed worker's batches are left to validation; the next batch starts a replacement.
      this.#workers = this.#workers.filter((other) => other !== entry);
      this.#failuresInARow += 1;
      for (const batch of entry.inFlight.values()) batch.settle(undefined);
      entry.inFlight.clear();
      this.#pump();
    };
    worker.on('error', fail);
    worker.on('exit', () => {
      channel.port1.close();
      fail();
    });
    return entry;
  }

  /** Settles the batch a worker answered and hands it the next one. */
  #onAnswer(entry: PoolWorker, message: SignatureWorkerMessage): void {
    if (message.type !== 'verdicts') return;
    const batch = entry.inFlight.get(message.id);
    if (batch === undefined) return;
    entry.inFlight.delete(message.id);
    if (entry.inFlight.size === 0) entry.worker.unref();
    this.#failuresInARow = 0;
    batch.settle(message.verdicts);
    this.#pump();
  }
}
