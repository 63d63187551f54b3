/** One change of a key-value batch. */
export type KeyValueOperation =
  | { readonly type: 'put'; readonly key: Uint8Array; readonly value: Uint8Array }
  | { readonly type: 'delete'; readonly key: Uint8Array };

/**
 * The storage every backend offers: byte keys and values, point reads, ordered range reads and atomic batches.
 * The chain database (chainDb.ts) is written once on top of it; a backend is a small adapter.
 */
export interface KeyValueStore {
  get(key: Uint8Array): Uint8Array | undefined;
  /** Entries with `gte <= key < lt` in ascending byte order. */
  range(gte: Uint8Array, lt: Uint8Array): Iterable<readonly [key: Uint8Array, value: Uint8Array]>;
  /** Applies the operations in order, all or none, durably before it returns. */
  batch(operations: readonly KeyValueOperation[]): void;
  /** Like `batch`, but may group concurrent calls into one commit; settles once the operations are durable. */
  batchSoon(operations: readonly KeyValueOperation[]): Promise<void>;
  put(key: Uint8Array, value: Uint8Array): void;
  delete(key: Uint8Array): void;
}

/** A put operation. */
export const put = (key: Uint8Array, value: Uint8Array): KeyValueOperation => ({ type: 'put', key, value });

/** A delete operation. */
export const del = (key: Uint8Array): KeyValueOperation => ({ type: 'delete', key });

/**
 * Keys as strings of one char per byte (latin1), whose `<` order is the bytes' order. Not spread into
 * String.fromCharCode (the iterator protocol, an object per byte: a fifth of everything a sync allocated), nor through
 * a Buffer over `key.buffer`: a key is small enough for V8 to keep its bytes on the heap, and asking for its buffer
 * moves them to a buffer of their own first, which cost more than the conversion (~10x, measured on 33-byte keys).
 * `apply` reads a typed array's elements directly.
 */
const keyString = (key: Uint8Array): string =>
  key.length <= MAX_APPLY_KEY
    ? String.fromCharCode.apply(null, key as unknown as number[])
    : Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1');
/** Longest key converted through `apply` (whose arguments go on the stack); the chain's keys have at most 37 bytes. */
const MAX_APPLY_KEY = 1_024;
const keyBytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'latin1'));

/** Entries that share a first key byte, with their keys sorted on demand. */
interface Table {
  readonly entries: Map<string, Uint8Array>;
  sorted: string[] | undefined;
}

/** The in-memory backend: one map per first key byte, sorted lazily for range reads. */
export class MemoryKeyValueStore implements KeyValueStore {
  readonly #tables = new Map<number, Table>();

  get(key: Uint8Array): Uint8Array | undefined {
    return this.#tables.get(key[0] ?? -1)?.entries.get(keyString(key));
  }

  *range(gte: Uint8Array, lt: Uint8Array): Iterable<readonly [Uint8Array, Uint8Array]> {
    const low = keyString(gte);
    const high = keyString(lt);
    const firstBytes = [...this.#tables.keys()].filter((byte) => byte >= (gte[0] ?? 0) && byte <= (lt[0] ?? 255));
    for (const byte of firstBytes.sort((a, b) => a - b)) {
      const table = this.#tables.get(byte)!;
      table.sorted ??= [...table.entries.keys()].sort();
      let start = lowerBound(table.sorted, low);
      for (; start < table.sorted.length && table.sorted[start]! < high; start++) {
        const key = table.sorted[start]!;
        yield [keyBytes(key), table.entries.get(key)!];
      }
    }
  }

  batch(operations: readonly KeyValueOperation[]): void {
    // Plain map updates cannot fail half-way once the keys are checked, which makes the batch atomic.
    for (const operation of operations) {
      if (operation.key.length === 0) throw new RangeError('a key has at least one byte');
    }
    for (const operation of operations) {
      const byte = operation.key[0]!;
      const key = keyString(operation.key);
      let table = this.#tables.get(byte);
      if (operation.type === 'put') {
        if (table === undefined) {
          table = { entries: new Map(), sorted: undefined };
          this.#tables.set(byte, table);
        }
        if (!table.entries.has(key)) table.sorted = undefined;
        table.entries.set(key, operation.value.slice());
      } else if (table?.entries.delete(key)) {
        table.sorted = undefined;
      }
    }
  }

  batchSoon(operations: readonly KeyValueOperation[]): Promise<void> {
    try {
      this.batch(operations);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  put(key: Uint8Array, value: Uint8Array): void {
    this.batch([put(key, value)]);
  }

  delete(key: Uint8Array): void {
    this.batch([del(key)]);
  }
}

/** Index of the first element of `sorted` that is not below `value`. */
function lowerBound(sorted: readonly string[], value: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}
