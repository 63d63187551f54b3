import { decodeBlock, decodeTransaction, encodedBlockSize, encodeTransactionPayload, writeBlock } from '../encoding.js';
import { bytesToHex, hexToBytes, readUint64, writeHex, writeUint64 } from '../hex.js';
import type { AccountState } from '../ledger.js';
import type { Transaction } from '../types.js';
import type { BlockArrival, BlockSource, StoredBlock } from './model.js';

/**
 * Key layout and record encodings of the chain database (store format 3). Every key starts with its table's byte;
 * hashes, ids and addresses are their 32 raw bytes; integers are big-endian, so key order is numeric order.
 */
export const Table = {
  meta: 0x01,
  block: 0x02,
  best: 0x03,
  account: 0x04,
  location: 0x05,
  history: 0x06,
  historyLength: 0x07,
  pending: 0x08,
  peer: 0x09,
  /** Every stored block, best chain and side branches, by index then hash (format 3): what blockTree reads. */
  blockAt: 0x0a,
} as const;

const text = new TextEncoder();
const untext = new TextDecoder();

/** A key: the table byte, then `parts` concatenated. */
function key(table: number, ...parts: Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(1 + parts.reduce((sum, part) => sum + part.length, 0));
  bytes[0] = table;
  let offset = 1;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return bytes;
}

function u32(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  setUint32(bytes, 0, value);
  return bytes;
}

/**
 * Writes a big-endian u32 without a DataView: a small typed array's bytes live on V8's heap until its `buffer` is
 * asked for, which moves them out first, and keys and small records are written by the hundred thousand in a sync.
 */
function setUint32(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value >>> 24;
  bytes[offset + 1] = value >>> 16;
  bytes[offset + 2] = value >>> 8;
  bytes[offset + 3] = value;
}

function u64(value: number): Uint8Array {
  const bytes = new Uint8Array(8);
  writeUint64(new DataView(bytes.buffer), 0, value);
  return bytes;
}

const view = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** The first key after every key that starts with `prefix`. */
export function prefixEnd(prefix: Uint8Array): Uint8Array {
  const end = prefix.slice();
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]!++;
      return end.subarray(0, i + 1);
    }
  }
  return Uint8Array.of(0xff, 0xff);
}

/** A key: the table byte, then the bytes of `hex`, then `tail` (0 or 4) bytes left for the caller. */
function hexKey(table: number, hex: string, tail = 0): Uint8Array {
  const bytes = new Uint8Array(1 + (hex.length >>> 1) + tail);
  bytes[0] = table;
  writeHex(bytes, 1, hex);
  return bytes;
}

export const Keys = {
  meta: (name: string) => key(Table.meta, text.encode(name)),
  block: (hash: string) => hexKey(Table.block, hash),
  best: (index: number) => key(Table.best, u32(index)),
  account: (address: string) => hexKey(Table.account, address),
  location: (id: string) => hexKey(Table.location, id),
  history: (address: string, position: number) => {
    const bytes = hexKey(Table.history, address, 4);
    setUint32(bytes, bytes.length - 4, position);
    return bytes;
  },
  historyLength: (address: string) => hexKey(Table.historyLength, address),
  pending: (id: string) => hexKey(Table.pending, id),
  peer: (url: string) => key(Table.peer, text.encode(url)),
  blockAt: (index: number, hash: string) => {
    // Written in place, as hexKey's keys are: one per stored block during a sync.
    const bytes = new Uint8Array(5 + (hash.length >>> 1));
    bytes[0] = Table.blockAt;
    setUint32(bytes, 1, index);
    writeHex(bytes, 5, hash);
    return bytes;
  },
  /** The first blockAt key of `index` (the keys of an index range [a, b] are blocksFrom(a) … blocksFrom(b + 1)). */
  blocksFrom: (index: number) => key(Table.blockAt, u32(index)),
  /** The first key of a table (its range ends at `prefixEnd`). */
  table: (table: number) => Uint8Array.of(table),
} as const;

/** The peer URL of a peer key. */
export const peerUrlOfKey = (peerKey: Uint8Array): string => untext.decode(peerKey.subarray(1));
/** The index and hash of a blockAt key. */
export const blockOfKey = (blockAtKey: Uint8Array): { index: number; hash: string } => ({
  index: view(blockAtKey).getUint32(1),
  hash: bytesToHex(blockAtKey.subarray(5, 37)),
});
/** The transaction id of a pending key. */
export const idOfPendingKey = (pendingKey: Uint8Array): string => bytesToHex(pendingKey.subarray(1));

/** Metadata values are JSON. */
export const encodeMeta = (value: unknown): Uint8Array => text.encode(JSON.stringify(value));
export const decodeMeta = (bytes: Uint8Array): unknown => JSON.parse(untext.decode(bytes));

export const encodeHash = (hash: string): Uint8Array => hexToBytes(hash);
export const decodeHash = (bytes: Uint8Array): string => bytesToHex(bytes);

export const encodeU32 = u32;
export const decodeU32 = (bytes: Uint8Array): number => view(bytes).getUint32(0);
export const encodeU64 = u64;
export const decodeU64 = (bytes: Uint8Array): number => readUint64(view(bytes), 0);

/** Account: balance u64 | nonce u64. */
export function encodeAccount(state: AccountState): Uint8Array {
  return concat(u64(state.balance), u64(state.nonce));
}

export function decodeAccount(bytes: Uint8Array): AccountState {
  return { balance: readUint64(view(bytes), 0), nonce: readUint64(view(bytes), 8) };
}

/** Location: block hash 32 | position u32. */
export function encodeLocation(blockHash: string, position: number): Uint8Array {
  const bytes = new Uint8Array(36);
  writeHex(bytes, 0, blockHash);
  setUint32(bytes, 32, position);
  return bytes;
}

export function decodeLocation(bytes: Uint8Array): { blockHash: string; position: number } {
  return { blockHash: bytesToHex(bytes.subarray(0, 32)), position: view(bytes).getUint32(32) };
}

/** Pending transaction: sequence u64 | receivedAt u64 | payload 81 | signature 64. */
export function encodePending(sequence: number, receivedAt: number, transaction: Transaction): Uint8Array {
  const signature = transaction.signature === null ? new Uint8Array(64) : hexToBytes(transaction.signature);
  return concat(u64(sequence), u64(receivedAt), encodeTransactionPayload(transaction), signature);
}

export function decodePending(bytes: Uint8Array): { sequence: number; receivedAt: number; transaction: Transaction } {
  return {
    sequence: readUint64(view(bytes), 0),
    receivedAt: readUint64(view(bytes), 8),
    transaction: decodeTransaction(bytes.subarray(16, 97), bytes.subarray(97, 161)),
  };
}

/** Codes of BlockSource in an arrival record (stored: never renumber). */
const SOURCE_CODES: readonly BlockSource[] = ['genesis', 'mined', 'submitted', 'gossip', 'sync'];

/**
 * Arrival (the value of a blockAt key): seenAt u64 | source u8 | peer URL (UTF-8, the rest; empty when none). A
 * record of no bytes is a block whose arrival is unknown (stored before format 3).
 */
export function encodeArrival(arrival: BlockArrival | undefined): Uint8Array {
  if (arrival === undefined) return new Uint8Array(0);
  return concat(
    u64(arrival.seenAt),
    Uint8Array.of(SOURCE_CODES.indexOf(arrival.source)),
    text.encode(arrival.peer ?? ''),
  );
}

export function decodeArrival(bytes: Uint8Array): BlockArrival | undefined {
  if (bytes.length < 9) return undefined;
  const source = SOURCE_CODES[bytes[8]!];
  if (source === undefined) return undefined;
  const peer = untext.decode(bytes.subarray(9));
  return { seenAt: readUint64(view(bytes), 0), source, peer: peer === '' ? null : peer };
}

/** The block index inside a block record, read without decoding the block (the format 3 backfill reads every one). */
export function indexOfBlockRecord(bytes: Uint8Array): number {
  const data = view(bytes);
  let offset = 1 + bytes[0]!;
  offset += 4 + data.getUint32(offset) * 48;
  offset += 4 + data.getUint32(offset) * 32;
  // The block encoding starts with its header, whose first field is the index (u32).
  return data.getUint32(offset);
}

/**
 * Block record: work length u8 | cumulative work (big-endian) | undo count u32 | undo entries (address 32 | balance
 * u64 | nonce u64) | id count u32 | transaction ids (32 each) | the block encoding of docs/PROTOCOL.md.
 */
export function encodeBlockRecord(stored: StoredBlock): Uint8Array {
  let workHex = stored.totalWork.toString(16);
  if (workHex.length % 2 === 1) workHex = `0${workHex}`;
  const workLength = workHex.length / 2;
  const { undo, transactionIds, block } = stored;
  // One buffer written in place (a block's sync writes one record per block: the parts and their concatenation were
  // most of the store's garbage).
  const bytes = new Uint8Array(
    1 +
      workLength +
      4 +
      undo.length * 48 +
      4 +
      transactionIds.length * 32 +
      encodedBlockSize(block.transactions.length),
  );
  const data = view(bytes);
  bytes[0] = workLength;
  writeHex(bytes, 1, workHex);
  let offset = 1 + workLength;
  data.setUint32(offset, undo.length);
  offset += 4;
  for (const [address, before] of undo) {
    writeHex(bytes, offset, address);
    writeUint64(data, offset + 32, before.balance);
    writeUint64(data, offset + 40, before.nonce);
    offset += 48;
  }
  data.setUint32(offset, transactionIds.length);
  offset += 4;
  for (const id of transactionIds) {
    writeHex(bytes, offset, id);
    offset += 32;
  }
  writeBlock(block, bytes, offset);
  return bytes;
}

export function decodeBlockRecord(hash: string, bytes: Uint8Array): StoredBlock {
  const data = view(bytes);
  let offset = 0;
  const workLength = bytes[offset++]!;
  const totalWork = BigInt(`0x${bytesToHex(bytes.subarray(offset, offset + workLength)) || '0'}`);
  offset += workLength;
  const undoCount = data.getUint32(offset);
  offset += 4;
  const undo: Array<readonly [string, AccountState]> = [];
  for (let i = 0; i < undoCount; i++, offset += 48) {
    const address = bytesToHex(bytes.subarray(offset, offset + 32));
    undo.push([address, { balance: readUint64(data, offset + 32), nonce: readUint64(data, offset + 40) }]);
  }
  const idCount = data.getUint32(offset);
  offset += 4;
  const transactionIds: string[] = [];
  for (let i = 0; i < idCount; i++, offset += 32) transactionIds.push(bytesToHex(bytes.subarray(offset, offset + 32)));
  const block = decodeBlock(bytes.subarray(offset));
  return { block, hash, transactionIds, size: encodedBlockSize(block.transactions.length), totalWork, undo };
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return bytes;
}
