import { bytesToHex } from '../hex.js';
import { type KeyValueOperation, type KeyValueStore, put } from './keyValue.js';
import { encodeArrival, indexOfBlockRecord, Keys, prefixEnd, Table } from './records.js';

/** Block records read per batch of writes (default), so a store of millions of blocks is not one huge transaction. */
const BACKFILL_BATCH = 10_000;

/**
 * Writes the blockAt entry (index, hash) of every stored block that lacks one, with an unknown arrival: what a store
 * written before the blockAt table (format 2) needs before blockTree can read it. Reads each block record's index
 * without decoding the block. Idempotent, so a crash part-way is repaired by running it again (the caller records
 * the new format only after it returns). Returns the number of entries written.
 */
export function backfillBlockIndex(kv: KeyValueStore, batchSize = BACKFILL_BATCH): number {
  const unknown = encodeArrival(undefined);
  const end = prefixEnd(Keys.table(Table.block));
  let start: Uint8Array = Keys.table(Table.block);
  let written = 0;
  for (;;) {
    // Read a batch, then write it: no write happens while a range read is open.
    const operations: KeyValueOperation[] = [];
    let read = 0;
    let last: Uint8Array | undefined;
    for (const [key, record] of kv.range(start, end)) {
      const entry = Keys.blockAt(indexOfBlockRecord(record), bytesToHex(key.subarray(1)));
      if (kv.get(entry) === undefined) operations.push(put(entry, unknown));
      last = key.slice();
      if (++read === batchSize) break;
    }
    kv.batch(operations);
    written += operations.length;
    if (last === undefined || read < batchSize) return written;
    // The next key after `last`: itself with a zero byte appended.
    start = Uint8Array.of(...last, 0);
  }
}
