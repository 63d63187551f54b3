import type { MessagePort } from 'node:worker_threads';

/**
 * Who verifies a batch the signature pool posted to a worker (SignatureBatch.state, one Int32 shared by the pool and
 * the worker): a worker takes it with a compare-and-swap from BATCH_POSTED to BATCH_TAKEN, and the pool's own thread
 * claims it with one from BATCH_POSTED to BATCH_CLAIMED, so a batch is verified once, by whoever starts first.
 */

/** Posted, not started. */
export const BATCH_POSTED = 0;
/** A worker verifies it. */
export const BATCH_TAKEN = 1;
/** The pool's own thread verifies it: the worker answers it with no verdicts. */
export const BATCH_CLAIMED = 2;

/** What the pool hands a worker at its start: the port to post verdicts on, which the pool can read synchronously. */
export interface SignatureWorkerData {
  readonly verdictPort?: MessagePort;
}
