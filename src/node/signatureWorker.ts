/**
 * A signature-verification worker thread (the SignaturePool's): takes a batch of signature records and answers one
 * verdict byte per record, 1 valid and 0 invalid, with the same check the chain's validation makes.
 */
import { parentPort } from 'node:worker_threads';
import { SIGNATURE_RECORD_BYTES, verifySignatureRecord } from '../chain/transaction.js';

/** A batch as the pool posts it: `records` holds SIGNATURE_RECORD_BYTES bytes per check. */
export interface SignatureBatch {
  readonly id: number;
  readonly records: Uint8Array;
}

/** What the worker posts: that it is loaded, then for each batch one verdict byte per record. */
export type SignatureWorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'verdicts'; readonly id: number; readonly verdicts: Uint8Array };

const port = parentPort!;

port.on('message', (batch: SignatureBatch) => {
  const count = batch.records.length / SIGNATURE_RECORD_BYTES;
  const verdicts = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const record = batch.records.subarray(i * SIGNATURE_RECORD_BYTES, (i + 1) * SIGNATURE_RECORD_BYTES);
    verdicts[i] = verifySignatureRecord(record) ? 1 : 0;
  }
  port.postMessage({ type: 'verdicts', id: batch.id, verdicts } satisfies SignatureWorkerMessage, [verdicts.buffer]);
});
port.postMessage({ type: 'ready' } satisfies SignatureWorkerMessage);
