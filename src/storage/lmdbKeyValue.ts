import type { Database } from 'lmdb';
import { del, type KeyValueOperation, type KeyValueStore, put } from '../chain/db/keyValue.js';

/**
 * The LMDB backend of the key-value interface: one LMDB database of binary keys and values. Every `batch` is one
 * synchronous transaction, flushed before it returns; `batchSoon` groups the calls of one event-loop turn into one
 * such transaction (lmdb-js's own asynchronous writes measured ~1 s to settle under load; this, under 1 ms).
 */
export class LmdbKeyValueStore implements KeyValueStore {
  readonly #db: Database<Buffer, Buffer>;
  #queued: Array<{ operations: readonly KeyValueOperation[]; resolve: () => void; reject: (error: unknown) => void }> =
    [];

  constructor(db: Database<Buffer, Buffer>) {
    this.#db = db;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return this.#db.get(asBuffer(key));
  }

  *range(gte: Uint8Array, lt: Uint8Array): Iterable<readonly [Uint8Array, Uint8Array]> {
    for (const { key, value } of this.#db.getRange({ start: asBuffer(gte), end: asBuffer(lt) })) yield [key, value];
  }

  batch(operations: readonly KeyValueOperation[]): void {
    if (operations.length === 0) return;
    this.#db.transactionSync(() => {
      for (const operation of operations) {
        if (operation.type === 'put') this.#db.putSync(asBuffer(operation.key), asBuffer(operation.value));
        else this.#db.removeSync(asBuffer(operation.key));
      }
    });
  }

  batchSoon(operations: readonly KeyValueOperation[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queued.push({ operations, resolve, reject });
      if (this.#queued.length === 1) setImmediate(() => this.#flush());
    });
  }

  put(key: Uint8Array, value: Uint8Array): void {
    this.batch([put(key, value)]);
  }

  delete(key: Uint8Array): void {
    this.batch([del(key)]);
  }

  #flush(): void {
    const queued = this.#queued;
    this.#queued = [];
    try {
      this.batch(queued.flatMap(({ operations }) => operations));
      for (const { resolve } of queued) resolve();
    } catch (error) {
      for (const { reject } of queued) reject(error);
    }
  }
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
