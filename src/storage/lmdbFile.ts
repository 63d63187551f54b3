import { closeSync, openSync, readSync, statSync } from 'node:fs';

/** Thrown when the data directory cannot be used: not ours, another format, or corrupt. */
export class StoreOpenError extends Error {
  override readonly name = 'StoreOpenError';
}

// LMDB's data file starts with two meta pages; each holds the magic 0xBEEFC0DE (little-endian) 24 bytes in.
const LMDB_MAGIC = 0xbeefc0de;
const LMDB_MAGIC_OFFSET = 24;
// Offsets inside a meta page of the files lmdb-js 3.5 writes (read off its files; checked by the truncation test).
const META_PAGE_SIZE_OFFSET = 48;
const META_LAST_PAGE_OFFSET = 144;
const META_TXN_ID_OFFSET = 152;

/**
 * Throws a StoreOpenError unless `path` is absent, empty, or a whole LMDB data file. LMDB trusts its file: opening
 * garbage or a truncated file can crash the process (SIGBUS) instead of throwing, so the header is checked first.
 */
export function assertLmdbFile(path: string): void {
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
    throw new StoreOpenError(
      `${path} is not an LMDB database (corrupt, or not this node's file); move it away or use another --data-dir`,
    );
  }
  // The newer meta page (higher transaction id) names the last page in use; a shorter file was truncated.
  const metas = [0, 4096].filter(hasMagic).map((offset) => ({
    pageSize: head.readUInt32LE(offset + META_PAGE_SIZE_OFFSET),
    lastPage: head.readBigUInt64LE(offset + META_LAST_PAGE_OFFSET),
    txnId: head.readBigUInt64LE(offset + META_TXN_ID_OFFSET),
  }));
  const newest = metas.reduce((a, b) => (b.txnId > a.txnId ? b : a));
  const needed = (newest.lastPage + 1n) * BigInt(newest.pageSize);
  if (newest.pageSize === 0 || needed > BigInt(size)) {
    throw new StoreOpenError(
      `${path} is truncated: it needs ${needed} bytes and has ${size}; restore it or use another --data-dir`,
    );
  }
}
