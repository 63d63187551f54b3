import type { Database } from 'lmdb';
import { del, type KeyValueOperation, type KeyValueStore, put } from '../chain/db/keyValue.js';

/**
 * The LMDB backend of the key-value interface: one LMDB database of binary keys and values. Every `batch` is one
 * synchronous transaction, flushed before it returns. `batchSoon` is a group commit: the calls of one event-loop turn
 * become one transaction, committed and flushed on lmdb-js's write thread, and the calls made while that flush runs
 * form the next one. A flush takes 1 to 10 ms on a shared disk; held on the event loop (as `batch` does) it was a
 * quarter of the main thread under bench:load's writes, one flush per turn.
 */
export class LmdbKeyValueStore implements KeyValueStore {
  readonly #db: Database<Buffer, Buffer>;
  #queued: QueuedWrite[] = [];
  /** True from the moment a group is scheduled until its commit settles: later calls wait for the next group. */
  #committing = false;
  /** Group commits made (tests count them). */
  commits = 0;

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
      if (!this.#committing) {
        this.#committing = true;
        setImmediate(() => this.#commitQueued());
      }
    });
  }

  put(key: Uint8Array, value: Uint8Array): void {
    this.batch([put(key, value)]);
  }

  delete(key: Uint8Array): void {
    this.batch([del(key)]);
  }

  /** Commits every queued write as one transaction; the writes queued meanwhile follow once it settles. */
  #commitQueued(): void {
    const group = this.#queued;
    this.#queued = [];
    this.commits += 1;
    let committed: Promise<boolean>;
    try {
      committed = this.#db.batch(() => {
        for (const { operations } of group) {
          for (const operation of operations) {
            const key = asBuffer(operation.key);
            const written =
              operation.type === 'put' ? this.#db.put(key, asBuffer(operation.value)) : this.#db.remove(key);
            // Each write's own promise settles with the batch's, which answers for all of them.
            written.catch(() => {});
          }
        }
      });
    } catch (error) {
      committed = Promise.reject(error);
    }
    committed.then(
      () => this.#settle(group, undefined),
      (error: unknown) => this.#settle(group, error ?? new Error('the LMDB commit failed')),
    );
  }

  /** Answers a group's writers, then starts the next group if writes queued up during its commit. */
  #settle(group: readonly QueuedWrite[], error: unknown): void {
    for (const write of group) {
      if (error === undefined) write.resolve();
      else write.reject(error);
    }
    if (this.#queued.length > 0) this.#commitQueued();
    else this.#committing = false;
  }
}

/** A `batchSoon` call waiting for its group's commit. */
interface QueuedWrite {
  readonly operations: readonly KeyValueOperation[];
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
