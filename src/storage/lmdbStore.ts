import { closeSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import { decodeBlock, encodeBlock, encodedBlockSize } from '../chain/encoding.js';
import { bytesToHex, hexToBytes, isHex } from '../chain/hex.js';
import type { AccountState } from '../chain/ledger.js';
import {
  involvedAddresses,
  returnedTransfers,
  type ChainStore,
  type ChainWriteBatch,
  type StoredBlock,
  type StoredPendingTransaction,
  type TransactionLocation,
} from '../chain/store.js';
import type { Transaction } from '../chain/types.js';

/**
 * Format of the data directory. Bump it whenever a stored layout changes; a node refuses a directory of another
 * format with a clear error instead of misreading it.
 */
export const STORE_FORMAT_VERSION = 1;

/** Name of the database file inside the data directory. */
export const DATABASE_FILE = 'chain.lmdb';

/** Thrown when the data directory cannot be used: not ours, another format, or corrupt. */
export class StoreOpenError extends Error {
  override readonly name = 'StoreOpenError';
}

/** A block as stored: its encoding, cumulative work, undo record and transaction ids. */
interface BlockRecord {
  /** The block encoding of docs/PROTOCOL.md. */
  readonly b: Uint8Array;
  /** Cumulative work, decimal. */
  readonly w: string;
  /** Undo record: [address (32 bytes), balance, nonce] before the block. */
  readonly u: Array<[Uint8Array, number, number]>;
  /** Transaction ids, 32 bytes each, concatenated. */
  readonly i: Uint8Array;
}

interface PendingRecord {
  readonly s: string;
  readonly r: string;
  readonly a: number;
  readonly n: number;
  readonly g: string | null;
  /** receivedAt */
  readonly t: number;
  /** Insertion sequence (the mempool's order). */
  readonly q: number;
}

/** Decoded blocks kept in memory; the chain itself stays on disk. */
const BLOCK_CACHE_SIZE = 2_048;

/**
 * The chain store on LMDB (lmdb-js: prebuilt binaries from the npm registry, synchronous reads from a memory map,
 * ACID transactions). Every `write` is one synchronous, durable transaction. Lookups by block index, block hash,
 * transaction id and account are single key reads; an account's history is a key range. Only a bounded cache of
 * decoded blocks lives in memory.
 */
export class LmdbStore implements ChainStore {
  readonly path: string;
  readonly #root: RootDatabase;
  readonly #meta: Database<unknown, string>;
  // Hashes, ids and addresses are stored as their 32 raw bytes (half the size of hex): smaller pages, fewer of
  // them touched per lookup.
  readonly #blocks: Database<BlockRecord, Buffer>;
  readonly #best: Database<Buffer, number>;
  readonly #accounts: Database<[number, number], Buffer>;
  readonly #locations: Database<[Buffer, number], Buffer>;
  /** Key: address (32 bytes) + history position (u32 big-endian), so one address's entries are one key range. */
  readonly #history: Database<Buffer, Buffer>;
  readonly #historyLength: Database<number, Buffer>;
  readonly #pending: Database<PendingRecord, string>;
  readonly #peers: Database<{ addedAt: number }, string>;
  readonly #cache = new Map<string, StoredBlock>();
  /** Last sequence number given to a pending transaction (kept in memory; persisted with every pending write). */
  #pendingSequence = 0;
  /** Accepted transactions waiting for the next group commit. */
  #pendingBatch: Array<{ pending: StoredPendingTransaction; resolve: () => void; reject: (error: unknown) => void }> = [];

  private constructor(path: string, root: RootDatabase) {
    this.path = path;
    this.#root = root;
    this.#meta = root.openDB({ name: 'meta' });
    this.#blocks = root.openDB({ name: 'blocks', keyEncoding: 'binary' });
    this.#best = root.openDB({ name: 'best', keyEncoding: 'uint32', encoding: 'binary' });
    this.#accounts = root.openDB({ name: 'accounts', keyEncoding: 'binary' });
    this.#locations = root.openDB({ name: 'locations', keyEncoding: 'binary' });
    this.#history = root.openDB({ name: 'history', keyEncoding: 'binary', encoding: 'binary' });
    this.#historyLength = root.openDB({ name: 'historyLength', keyEncoding: 'binary' });
    this.#pending = root.openDB({ name: 'pending' });
    this.#peers = root.openDB({ name: 'peers' });
  }

  /**
   * Opens (or creates) the store in `dataDir`, checking its format version.
   * @throws {StoreOpenError} when the directory holds another format or something that is not this node's database.
   */
  static open(dataDir: string): LmdbStore {
    const path = join(dataDir, DATABASE_FILE);
    // LMDB trusts its file: opening garbage can crash the process instead of throwing, so check the header first.
    assertLmdbFile(path);
    let root: RootDatabase;
    try {
      mkdirSync(dataDir, { recursive: true });
      // overlappingSync off: a commit returns only once it is flushed, so what we acknowledge survives a power loss.
      root = open({ path, maxDbs: 16, compression: false, noSubdir: true, overlappingSync: false });
    } catch (error) {
      throw new StoreOpenError(`cannot open ${path} as a node database: ${(error as Error).message}`);
    }
    let store: LmdbStore | undefined;
    try {
      store = new LmdbStore(path, root);
      store.#checkFormat();
      store.#pendingSequence = (store.#meta.get('pendingSequence') as number | undefined) ?? 0;
    } catch (error) {
      void root.close();
      throw error instanceof StoreOpenError ? error : new StoreOpenError(`${path} is unreadable: ${(error as Error).message}`);
    }
    return store;
  }

  /** Closes the database. */
  close(): Promise<void> {
    return this.#root.close();
  }

  getBlock(hash: string): StoredBlock | undefined {
    const cached = this.#cache.get(hash);
    if (cached !== undefined) {
      // Refresh its place in the LRU order.
      this.#cache.delete(hash);
      this.#cache.set(hash, cached);
      return cached;
    }
    if (!isHex(hash, 32)) return undefined;
    const record = this.#blocks.get(raw(hash));
    if (record === undefined) return undefined;
    const stored = toStoredBlock(hash, record);
    this.#remember(stored);
    return stored;
  }

  getBestHash(index: number): string | undefined {
    if (!Number.isInteger(index) || index < 1 || index > 0xffffffff) return undefined;
    const hash = this.#best.get(index);
    return hash === undefined ? undefined : hex(hash);
  }

  getTipHash(): string | undefined {
    return this.#meta.get('tip') as string | undefined;
  }

  getAccount(address: string): AccountState | undefined {
    if (!isHex(address, 32)) return undefined;
    const record = this.#accounts.get(raw(address));
    return record === undefined ? undefined : { balance: record[0], nonce: record[1] };
  }

  getTransactionLocation(id: string): TransactionLocation | undefined {
    if (!isHex(id, 32)) return undefined;
    const record = this.#locations.get(raw(id));
    return record === undefined ? undefined : { blockHash: hex(record[0]), position: record[1] };
  }

  getAccountHistoryLength(address: string): number {
    if (!isHex(address, 32)) return 0;
    return this.#historyLength.get(raw(address)) ?? 0;
  }

  getAccountHistory(address: string, from: number, to: number): string[] {
    const start = Math.max(0, from);
    const end = Math.min(to, this.getAccountHistoryLength(address));
    if (end <= start) return [];
    return [...this.#history.getRange({ start: historyKey(address, start), end: historyKey(address, end) }).map(({ value }) => hex(value))];
  }

  getPendingTransactions(): StoredPendingTransaction[] {
    const records = [...this.#pending.getRange().map(({ key, value }) => ({ id: key, record: value }))];
    records.sort((a, b) => a.record.q - b.record.q);
    return records.map(({ id, record }) => ({
      id,
      transaction: { sender: record.s, recipient: record.r, amount: record.a, nonce: record.n, signature: record.g },
      receivedAt: record.t,
    }));
  }

  /**
   * Group commit: every transaction accepted in the same event-loop turn is written in one synchronous, flushed
   * transaction right after that turn (setImmediate), and each promise settles once its write is on disk. (lmdb-js's
   * own asynchronous writes measured ~1 s to settle under load; this measured well under a millisecond per batch.)
   */
  putPendingTransaction(pending: StoredPendingTransaction): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#pendingBatch.push({ pending, resolve, reject });
      if (this.#pendingBatch.length === 1) setImmediate(() => this.#flushPendingBatch());
    });
  }

  #flushPendingBatch(): void {
    const batch = this.#pendingBatch;
    this.#pendingBatch = [];
    try {
      this.#root.transactionSync(() => {
        for (const { pending } of batch) this.#putPending(pending);
      });
      for (const { resolve } of batch) resolve();
    } catch (error) {
      for (const { reject } of batch) reject(error);
    }
  }

  deletePendingTransactions(ids: readonly string[]): void {
    if (ids.length === 0) return;
    this.#root.transactionSync(() => {
      for (const id of ids) this.#pending.removeSync(id);
    });
  }

  /** Registered peer URLs, with when each was added. */
  listPeers(): Array<{ url: string; addedAt: number }> {
    return [...this.#peers.getRange().map(({ key, value }) => ({ url: key, addedAt: value.addedAt }))];
  }

  putPeer(url: string, addedAt: number): void {
    this.#peers.putSync(url, { addedAt });
  }

  deletePeer(url: string): void {
    this.#peers.removeSync(url);
  }

  /** Value of a metadata key (format version, genesis hash, …). */
  getMeta(key: string): unknown {
    return this.#meta.get(key);
  }

  write(batch: ChainWriteBatch): void {
    this.#root.transactionSync(() => {
      for (const stored of batch.newBlocks) this.#blocks.putSync(raw(stored.hash), toRecord(stored));
      const lengths = new Map<string, number>();
      const lengthOf = (address: string) => lengths.get(address) ?? this.getAccountHistoryLength(address);
      for (const stored of batch.disconnected) {
        this.#best.removeSync(stored.block.header.index);
        for (let position = stored.block.transactions.length - 1; position >= 0; position--) {
          const tx = stored.block.transactions[position]!;
          const id = stored.transactionIds[position]!;
          this.#locations.removeSync(raw(id));
          for (const address of involvedAddresses(tx.sender, tx.recipient)) {
            const last = lengthOf(address) - 1;
            const entry = last >= 0 ? this.#history.get(historyKey(address, last)) : undefined;
            if (entry !== undefined && hex(entry) === id) {
              this.#history.removeSync(historyKey(address, last));
              lengths.set(address, last);
            }
          }
        }
      }
      for (const pending of returnedTransfers(batch)) {
        if (!this.#pending.doesExist(pending.id)) this.#putPending(pending);
      }
      for (const stored of batch.connected) {
        this.#best.putSync(stored.block.header.index, raw(stored.hash));
        stored.block.transactions.forEach((tx, position) => {
          const id = stored.transactionIds[position]!;
          this.#locations.putSync(raw(id), [raw(stored.hash), position]);
          this.#pending.removeSync(id);
          for (const address of involvedAddresses(tx.sender, tx.recipient)) {
            const next = lengthOf(address);
            this.#history.putSync(historyKey(address, next), raw(id));
            lengths.set(address, next + 1);
          }
        });
      }
      for (const [address, length] of lengths) {
        if (length === 0) this.#historyLength.removeSync(raw(address));
        else this.#historyLength.putSync(raw(address), length);
      }
      for (const [address, state] of batch.accounts) {
        if (state.balance === 0 && state.nonce === 0) this.#accounts.removeSync(raw(address));
        else this.#accounts.putSync(raw(address), [state.balance, state.nonce]);
      }
      this.#meta.putSync('tip', batch.tipHash);
      if (this.#meta.get('genesis') === undefined && batch.connected[0]?.block.header.index === 1) {
        this.#meta.putSync('genesis', batch.connected[0].hash);
      }
    });
    for (const stored of batch.newBlocks) this.#remember(stored);
  }

  /** Inside a write transaction: stores a pending transaction with the next sequence number. */
  #putPending(pending: StoredPendingTransaction): void {
    const sequence = ++this.#pendingSequence;
    this.#meta.putSync('pendingSequence', sequence);
    this.#pending.putSync(pending.id, pendingRecord(pending, sequence));
  }

  #remember(stored: StoredBlock): void {
    this.#cache.set(stored.hash, stored);
    if (this.#cache.size > BLOCK_CACHE_SIZE) this.#cache.delete(this.#cache.keys().next().value!);
  }

  #checkFormat(): void {
    const version = this.#meta.get('formatVersion');
    if (version === undefined) {
      if (this.#meta.get('tip') !== undefined || this.#blocks.getKeysCount({ limit: 1 }) > 0) {
        throw new StoreOpenError(`${this.path} holds data without a format version: it is not a node data directory`);
      }
      this.#meta.putSync('formatVersion', STORE_FORMAT_VERSION);
      return;
    }
    if (version !== STORE_FORMAT_VERSION) {
      throw new StoreOpenError(
        `${this.path} has data format ${JSON.stringify(version)}; this node reads format ${STORE_FORMAT_VERSION}. ` +
          'Use a node version that matches, or start with another --data-dir.',
      );
    }
  }
}

// LMDB's data file starts with two meta pages; each holds the magic 0xBEEFC0DE (little-endian) 24 bytes in.
const LMDB_MAGIC = 0xbeefc0de;
const LMDB_MAGIC_OFFSET = 24;
// Offsets inside a meta page of the files lmdb-js 3.5 writes (read off its files; checked by the truncation test).
const META_PAGE_SIZE_OFFSET = 48;
const META_LAST_PAGE_OFFSET = 144;
const META_TXN_ID_OFFSET = 152;

/**
 * Throws a StoreOpenError unless `path` is absent, empty, or starts like an LMDB data file (a meta page with the
 * LMDB magic at the start of either of the first two 4 KiB pages).
 */
function assertLmdbFile(path: string): void {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return; // no file yet: LMDB creates it
  }
  if (size === 0) return;
  const head = Buffer.alloc(8192);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  const hasMagic = (offset: number) => head.readUInt32LE(offset + LMDB_MAGIC_OFFSET) === LMDB_MAGIC;
  if (size < 8192 || !(hasMagic(0) || hasMagic(4096))) {
    throw new StoreOpenError(`${path} is not an LMDB database (corrupt, or not this node's file); move it away or use another --data-dir`);
  }
  // The newer meta page (higher transaction id) names the last page in use; a file shorter than that was truncated,
  // and LMDB would fault on the missing pages (SIGBUS) instead of reporting it.
  const metas = [0, 4096].filter(hasMagic).map((offset) => ({
    pageSize: head.readUInt32LE(offset + META_PAGE_SIZE_OFFSET),
    lastPage: head.readBigUInt64LE(offset + META_LAST_PAGE_OFFSET),
    txnId: head.readBigUInt64LE(offset + META_TXN_ID_OFFSET),
  }));
  const newest = metas.reduce((a, b) => (b.txnId > a.txnId ? b : a));
  const needed = (newest.lastPage + 1n) * BigInt(newest.pageSize);
  if (newest.pageSize === 0 || needed > BigInt(size)) {
    throw new StoreOpenError(`${path} is truncated: it needs ${needed} bytes and has ${size}; restore it or use another --data-dir`);
  }
}

function pendingRecord(pending: StoredPendingTransaction, sequence: number): PendingRecord {
  const tx: Transaction = pending.transaction;
  return { s: tx.sender, r: tx.recipient, a: tx.amount, n: tx.nonce, g: tx.signature, t: pending.receivedAt, q: sequence };
}

/** The 32 raw bytes of a 64-character hex hash, id or address. */
function raw(hexString: string): Buffer {
  return Buffer.from(hexString, 'hex');
}

function hex(bytes: Uint8Array): string {
  return bytesToHex(bytes);
}

/** History key: the address's 32 bytes then the position as u32 big-endian (byte order = position order). */
function historyKey(address: string, position: number): Buffer {
  const key = Buffer.alloc(36);
  key.write(address, 0, 'hex');
  key.writeUInt32BE(position, 32);
  return key;
}

function toRecord(stored: StoredBlock): BlockRecord {
  return {
    b: encodeBlock(stored.block),
    w: stored.totalWork.toString(),
    u: stored.undo.map(([address, before]) => [raw(address), before.balance, before.nonce]),
    i: hexToBytes(stored.transactionIds.join('')),
  };
}

function toStoredBlock(hash: string, record: BlockRecord): StoredBlock {
  const block = decodeBlock(new Uint8Array(record.b));
  const ids: string[] = [];
  for (let offset = 0; offset < record.i.length; offset += 32) ids.push(bytesToHex(record.i.subarray(offset, offset + 32)));
  return {
    block,
    hash,
    transactionIds: ids,
    size: encodedBlockSize(block.transactions.length),
    totalWork: BigInt(record.w),
    undo: record.u.map(([address, balance, nonce]) => [hex(address), { balance, nonce }] as const),
  };
}
