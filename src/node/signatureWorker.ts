/**
 * A signature-verification worker thread (the SignaturePool's): takes a batch of signature records and answers one
 * verdict byte per record, 1 valid and 0 invalid, with the same check the chain's validation makes.
 */
import { constants } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { SIGNATURE_RECORD_BYTES, verifySignatureRecord } from '../chain/transaction.js';
import { lowerThreadPriority } from '../mining/threadPriority.js';
import { BATCH_POSTED, BATCH_TAKEN, type SignatureWorkerData } from './signatureBatchState.js';

/** A batch as the pool posts it: `records` holds SIGNATURE_RECORD_BYTES bytes per check. */
export interface SignatureBatch {
  readonly id: number;
  readonly records: Uint8Array;
  /**
   * Who verifies the batch, shared with the pool (one Int32): BATCH_POSTED until a worker takes it (BATCH_TAKEN) or
   * the pool's own thread claims it (BATCH_CLAIMED); a claimed batch is answered with no verdicts, unverified.
   */
  readonly state?: Int32Array;
}

/** What the worker posts: that it is loaded, then for each batch one verdict byte per record (none when skipped). */
export type SignatureWorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'verdicts'; readonly id: number; readonly verdicts: Uint8Array };

const port = parentPort!;
const verdictPort = (workerData as SignatureWorkerData | null)?.verdictPort ?? port;

/**
 * Checks ahead are for idle cores: the worker lowers its own thread's priority (nice 10), so that on a busy machine
 * the event loop, which validates, serves queries and fetches the next pages, keeps the CPU. A sync whose workers fall
 * behind verifies their queued batches itself (SignaturePool.verifyQueuedBatch), so this never makes it slower than
 * checking everything on the event loop.
 */
lowerThreadPriority(constants.priority.PRIORITY_BELOW_NORMAL);

port.on('message', (batch: SignatureBatch) => {
  const taken =
    batch.state === undefined || Atomics.compareExchange(batch.state, 0, BATCH_POSTED, BATCH_TAKEN) === BATCH_POSTED;
  const count = taken ? batch.records.length / SIGNATURE_RECORD_BYTES : 0;
  const verdicts = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const record = batch.records.subarray(i * SIGNATURE_RECORD_BYTES, (i + 1) * SIGNATURE_RECORD_BYTES);
    verdicts[i] = verifySignatureRecord(record) ? 1 : 0;
  }
  verdictPort.postMessage({ type: 'verdicts', id: batch.id, verdicts } satisfies SignatureWorkerMessage, [
    verdicts.buffer,
  ]);
});
port.postMessage({ type: 'ready' } satisfies SignatureWorkerMessage);
