import { isHex } from '../hex.js';
import type { AccountState } from '../ledger.js';
import { del, type KeyValueOperation, type KeyValueStore, MemoryKeyValueStore, put } from './keyValue.js';
import {
  type BlockArrival,
  type ChainWriteBatch,
  involvedAddresses,
  type PendingTransaction,
  returnedTransfers,
  type StoredBlock,
  type TransactionLocation,
} from './model.js';
import {
  blockOfKey,
  decodeAccount,
  decodeArrival,
  decodeBlockRecord,
  decodeHash,
  decodeLocation,
  decodeMeta,
  decodePending,
  decodeU32,
  encodeAccount,
  encodeArrival,
  encodeBlockRecord,
  encodeHash,
  encodeLocation,
  encodeMeta,
  encodePending,
  encodeU32,
  idOfPendingKey,
  Keys,
  prefixEnd,
  Table,
} from './records.js';

/** Decoded blocks kept in memory by default; the chain itself stays in the key-value store. */
const BLOCK_CACHE_SIZE = 2_048;

/** Options of a ChainDb. */
export interface ChainDbOptions {
  /** Decoded blocks kept in memory (default 2,048). 0 decodes every read: tests measure cold reads with it. */
  readonly blockCacheSize?: number;
}

/** The mempool's durable copy: what a restart gives back. */
export interface PendingStore {
  /** Every stored pending transaction, in the order it was stored. */
  list(): PendingTransaction[];
  /** Stores an accepted transaction; settles once it is durable (answer the client only then). */
  put(pending: PendingTransaction): Promise<void>;
  /** Forgets pending transactions. */
  delete(ids: readonly string[]): void;
}

/**
 * The chain database: blocks, the best-chain index, accounts, transaction locations, account histories and the
 * mempool's durable copy, on any KeyValueStore. `write` turns one change of the chain into one atomic batch; the
 * same batch adds the transfers of disconnected blocks to the pending table and removes the confirmed ones, so a
 * crash between a reorganization and a mempool update cannot lose an accepted transaction.
 */
export class ChainDb {
  readonly kv: KeyValueStore;
  /** The pending table, for the mempool. */
  readonly pending: PendingStore;
  readonly #cache = new Map<string, StoredBlock>();
  readonly #cacheSize: number;
  /** Highest sequence number of a pending entry (the mempool's order). */
  #pendingSequence = 0;

  constructor(kv: KeyValueStore = new MemoryKeyValueStore(), options: ChainDbOptions = {}) {
    this.kv = kv;
    this.#cacheSize = options.blockCacheSize ?? BLOCK_CACHE_SIZE;
    for (const [, value] of kv.range(Keys.table(Table.pending), prefixEnd(Keys.table(Table.pending)))) {
      this.#pendingSequence = Math.max(this.#pendingSequence, decodePending(value).sequence);
    }
    this.pending = {
      list: () => this.#listPending(),
      put: (pending) => this.kv.batchSoon([this.#putPending(pending)]),
      delete: (ids) => {
        if (ids.length > 0) this.kv.batch(ids.filter((id) => isHex(id, 32)).map((id) => del(Keys.pending(id))));
      },
    };
  }

  getBlock(hash: string): StoredBlock | undefined {
    const cached = this.#cache.get(hash);
    if (cached !== undefined) {
      this.#cache.delete(hash);
      this.#cache.set(hash, cached);
      return cached;
    }
    if (!isHex(hash, 32)) return undefined;
    const record = this.kv.get(Keys.block(hash));
    if (record === undefined) return undefined;
    const stored = decodeBlockRecord(hash, record);
    this.#remember(stored);
    return stored;
  }

  /** Hash of the best-chain block at `index`. */
  getBestHash(index: number): string | undefined {
    if (!Number.isInteger(index) || index < 1 || index > 0xffffffff) return undefined;
    const hash = this.kv.get(Keys.best(index));
    return hash === undefined ? undefined : decodeHash(hash);
  }

  /**
   * Every stored block (best chain and side branches) with `from <= index <= to`, as index and hash, by index then
   * hash: keys only, nothing decoded.
   */
  getBlocksBetween(from: number, to: number): Array<{ index: number; hash: string }> {
    const low = Math.max(1, Math.trunc(from));
    const high = Math.min(0xffffffff, Math.trunc(to));
    if (!(low <= high)) return [];
    const end = high === 0xffffffff ? prefixEnd(Keys.table(Table.blockAt)) : Keys.blocksFrom(high + 1);
    const blocks: Array<{ index: number; hash: string }> = [];
    for (const [key] of this.kv.range(Keys.blocksFrom(low), end)) blocks.push(blockOfKey(key));
    return blocks;
  }

  /** When and from where the block `hash` at `index` was first stored; undefined when unknown (or not stored). */
  getArrival(index: number, hash: string): BlockArrival | undefined {
    if (!Number.isInteger(index) || index < 1 || index > 0xffffffff || !isHex(hash, 32)) return undefined;
    const record = this.kv.get(Keys.blockAt(index, hash));
    return record === undefined ? undefined : decodeArrival(record);
  }

  getTipHash(): string | undefined {
    return this.getMeta('tip') as string | undefined;
  }

  getAccount(address: string): AccountState | undefined {
    if (!isHex(address, 32)) return undefined;
    const record = this.kv.get(Keys.account(address));
    return record === undefined ? undefined : decodeAccount(record);
  }

  getTransactionLocation(id: string): TransactionLocation | undefined {
    if (!isHex(id, 32)) return undefined;
    const record = this.kv.get(Keys.location(id));
    return record === undefined ? undefined : decodeLocation(record);
  }

  /** Number of best-chain transactions that send to or from `address`. */
  getAccountHistoryLength(address: string): number {
    if (!isHex(address, 32)) return 0;
    const record = this.kv.get(Keys.historyLength(address));
    return record === undefined ? 0 : decodeU32(record);
  }

  /** Ids of the address's best-chain transactions at history positions [from, to), oldest first. */
  getAccountHistory(address: string, from: number, to: number): string[] {
    const start = Math.max(0, from);
    const end = Math.min(to, this.getAccountHistoryLength(address));
    if (end <= start) return [];
    const ids: string[] = [];
    for (const [, id] of this.kv.range(Keys.history(address, start), Keys.history(address, end)))
      ids.push(decodeHash(id));
    return ids;
  }

  /** A metadata value (format version, tip, genesis hash). */
  getMeta(name: string): unknown {
    const value = this.kv.get(Keys.meta(name));
    return value === undefined ? undefined : decodeMeta(value);
  }

  /** Applies one change of the chain as one atomic batch. */
  write(batch: ChainWriteBatch): void {
    this.kv.batch(this.#operationsFor(batch));
    for (const stored of batch.newBlocks) this.#remember(stored);
  }

  /** The key-value operations of a chain change: written once for every backend. */
  #operationsFor(batch: ChainWriteBatch): KeyValueOperation[] {
    const operations: KeyValueOperation[] = [];
    const arrival = encodeArrival(batch.arrival);
    for (const stored of batch.newBlocks) {
      operations.push(
        put(Keys.block(stored.hash), encodeBlockRecord(stored)),
        put(Keys.blockAt(stored.block.header.index, stored.hash), arrival),
      );
    }
    const lengths = new Map<string, number>();
    const lengthOf = (address: string) => lengths.get(address) ?? this.getAccountHistoryLength(address);
    for (const stored of batch.disconnected) {
      operations.push(del(Keys.best(stored.block.header.index)));
      // Undo in reverse order so each history pops exactly what the block pushed.
      for (let position = stored.block.transactions.length - 1; position >= 0; position--) {
        const tx = stored.block.transactions[position]!;
        const id = stored.transactionIds[position]!;
        operations.push(del(Keys.location(id)));
        for (const address of involvedAddresses(tx.sender, tx.recipient)) {
          const last = lengthOf(address) - 1;
          const entry = last >= 0 ? this.kv.get(Keys.history(address, last)) : undefined;
          if (entry !== undefined && decodeHash(entry) === id) {
            operations.push(del(Keys.history(address, last)));
            lengths.set(address, last);
          }
        }
      }
    }
    for (const pending of returnedTransfers(batch.disconnected)) {
      if (this.kv.get(Keys.pending(pending.id)) === undefined) operations.push(this.#putPending(pending));
    }
    for (const stored of batch.connected) {
      operations.push(put(Keys.best(stored.block.header.index), encodeHash(stored.hash)));
      stored.block.transactions.forEach((tx, position) => {
        const id = stored.transactionIds[position]!;
        operations.push(put(Keys.location(id), encodeLocation(stored.hash, position)), del(Keys.pending(id)));
        for (const address of involvedAddresses(tx.sender, tx.recipient)) {
          const next = lengthOf(address);
          operations.push(put(Keys.history(address, next), encodeHash(id)));
          lengths.set(address, next + 1);
        }
      });
    }
    for (const [address, length] of lengths) {
      operations.push(
        length === 0 ? del(Keys.historyLength(address)) : put(Keys.historyLength(address), encodeU32(length)),
      );
    }
    for (const [address, state] of batch.accounts) {
      // An account back at zero (a reorganization undid everything it had) is the same as an untouched one.
      const empty = state.balance === 0 && state.nonce === 0;
      operations.push(empty ? del(Keys.account(address)) : put(Keys.account(address), encodeAccount(state)));
    }
    operations.push(put(Keys.meta('tip'), encodeMeta(batch.tipHash)));
    if (this.getMeta('genesis') === undefined && batch.connected[0]?.block.header.index === 1) {
      operations.push(put(Keys.meta('genesis'), encodeMeta(batch.connected[0].hash)));
    }
    return operations;
  }

  /** The operation that stores a pending transaction with the next sequence number. */
  #putPending(pending: PendingTransaction): KeyValueOperation {
    return put(
      Keys.pending(pending.id),
      encodePending(++this.#pendingSequence, pending.receivedAt, pending.transaction),
    );
  }

  #listPending(): PendingTransaction[] {
    const entries: Array<PendingTransaction & { sequence: number }> = [];
    for (const [key, value] of this.kv.range(Keys.table(Table.pending), prefixEnd(Keys.table(Table.pending)))) {
      const { sequence, receivedAt, transaction } = decodePending(value);
      entries.push({ id: idOfPendingKey(key), transaction, receivedAt, sequence });
    }
    entries.sort((a, b) => a.sequence - b.sequence);
    return entries.map(({ id, transaction, receivedAt }) => ({ id, transaction, receivedAt }));
  }

  #remember(stored: StoredBlock): void {
    this.#cache.set(stored.hash, stored);
    if (this.#cache.size > this.#cacheSize) this.#cache.delete(this.#cache.keys().next().value!);
  }
}
