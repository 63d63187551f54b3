/**
 * A mining worker thread: searches proofs for the job the pool posts, in chunks, checking between chunks whether
 * the job is still current (a shared job counter), and counting its tries in a shared array for the hashrate.
 * Before its first job it warms up: it compiles its kernel and runs it until hot, then reports `ready`.
 */
import { constants } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { HEADER_BYTES } from '../chain/encoding.js';
import { createProofSearcher, type ProofKernelName } from './kernel/createProofSearcher.js';
import { lowerThreadPriority } from './threadPriority.js';

/** A job as the pool posts it. */
export interface WorkerJob {
  readonly jobId: number;
  readonly header: Uint8Array;
  readonly difficulty: number;
  /** This worker's first proof; it then takes every `stride`-th chunk. */
  readonly firstChunk: number;
  readonly stride: number;
  readonly chunkTries: number;
}

/** What a worker reports. */
export type WorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'found'; readonly jobId: number; readonly proof: number }
  | { readonly type: 'exhausted'; readonly jobId: number }
  | { readonly type: 'failed'; readonly jobId: number; readonly error: string };

interface WorkerSetup {
  readonly index: number;
  /** Int32 [0]: the current job id (0 = stop). */
  readonly control: SharedArrayBuffer;
  /** Float64 per worker: tries since the worker started. */
  readonly counters: SharedArrayBuffer;
  readonly kernel?: ProofKernelName;
}

const setup = workerData as WorkerSetup;
const control = new Int32Array(setup.control);
const counters = new Float64Array(setup.counters);
const port = parentPort!;

/**
 * Mining is background work: the worker lowers its own thread to the lowest scheduling priority (nice 19), so that
 * serving queries, validating blocks and syncing always win the CPU and mining gets what is left.
 */
lowerThreadPriority(constants.priority.PRIORITY_LOW);

/**
 * Tries per kernel call between checks of the shared job counter: a quarter of a millisecond at ~16 M tries/s. When
 * another worker finds the proof, this one stops within that; and the next job, posted as soon as the answer is out,
 * starts then. With 2^16 (4 ms) the losing worker went on hashing the old job for 2 ms on average, so the next `mine`
 * started on one worker and the request's answer competed with it for the cores.
 */
const CHECK_EVERY = 1 << 12;

const kernelOptions = setup.kernel === undefined ? {} : { kernel: setup.kernel };

/**
 * Tries hashed before the worker reports ready. A cold kernel is slow: the WebAssembly is generated and compiled (tens
 * of ms), and V8 runs it on its baseline tier (Liftoff, 1–4 M tries/s here) until the hot loop has run about 65,536
 * tries and its optimized code (TurboFan, ~16 M tries/s) takes over. Twice that, so the first job runs at full speed;
 * a few ms once the code is optimized. Not counted as mining (the shared counters stay untouched).
 */
const WARM_UP_TRIES = 1 << 17;
/** Tries between the warm-up's checks for a job (under a millisecond even on the baseline tier). */
const WARM_UP_SLICE = 1 << 11;

/** The thread's one searcher (one kernel instance), retargeted at each job's header; it starts on a header of zeros. */
const searcher = createProofSearcher(new Uint8Array(HEADER_BYTES), 255, kernelOptions);

/**
 * Compiles the kernel and runs it hot on a header whose search never succeeds (difficulty 255). A job posted meanwhile
 * (the job counter is set) cuts it short: the job warms the kernel up as well, and must not wait.
 */
function warmUp(): void {
  for (let start = 0; start < WARM_UP_TRIES && Atomics.load(control, 0) === 0; start += WARM_UP_SLICE) {
    searcher.search(start, WARM_UP_SLICE);
  }
}
// Jobs the pool posts meanwhile wait in the port until the listener below is attached.
warmUp();

port.on('message', (job: WorkerJob) => {
  try {
    searcher.retarget(job.header, job.difficulty);
    for (let chunk = job.firstChunk; ; chunk += job.stride) {
      const chunkStart = chunk * job.chunkTries;
      if (!Number.isSafeInteger(chunkStart + job.chunkTries)) break;
      for (let offset = 0; offset < job.chunkTries; offset += CHECK_EVERY) {
        if (Atomics.load(control, 0) !== job.jobId) return;
        const tries = Math.min(CHECK_EVERY, job.chunkTries - offset);
        const proof = searcher.search(chunkStart + offset, tries);
        counters[setup.index] = counters[setup.index]! + (proof < 0 ? tries : proof - chunkStart - offset + 1);
        if (proof >= 0) {
          port.postMessage({ type: 'found', jobId: job.jobId, proof } satisfies WorkerMessage);
          return;
        }
      }
    }
    port.postMessage({ type: 'exhausted', jobId: job.jobId } satisfies WorkerMessage);
  } catch (error) {
    port.postMessage({ type: 'failed', jobId: job.jobId, error: (error as Error).message } satisfies WorkerMessage);
  }
});
port.postMessage({ type: 'ready' } satisfies WorkerMessage);
