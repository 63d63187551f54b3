/**
 * A signature worker for the pool's tests: answers like src/node/signatureWorker.ts, except that a batch holding a
 * transfer of 666 coins (signaturePool.test.ts's CRASH_AMOUNT) kills the thread (as an out-of-memory or a native fault would).
 */
import { parentPort } from 'node:worker_threads';
import { SIGNATURE_RECORD_BYTES, verifySignatureRecord } from '../../src/chain/transaction.js';

const CRASH_AMOUNT = 666n;

const port = parentPort!;
port.on('message', (batch: { id: number; records: Uint8Array }) => {
  const count = batch.records.length / SIGNATURE_RECORD_BYTES;
  const verdicts = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const record = batch.records.subarray(i * SIGNATURE_RECORD_BYTES, (i + 1) * SIGNATURE_RECORD_BYTES);
    // Amount: payload bytes 65..72, big-endian.
    if (new DataView(record.buffer, record.byteOffset + 65, 8).getBigUint64(0) === CRASH_AMOUNT) {
      process.exit(3);
    }
    verdicts[i] = verifySignatureRecord(record) ? 1 : 0;
  }
  port.postMessage({ type: 'verdicts', id: batch.id, verdicts }, [verdicts.buffer]);
});
port.postMessage({ type: 'ready' });
