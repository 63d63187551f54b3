import type { Database, RootDatabase } from 'lmdb';
import {
  encodeAccount,
  encodeBlockRecord,
  encodeLocation,
  encodeMeta,
  encodePending,
  encodeU32,
  encodeU64,
  Keys,
  Table,
} from '../chain/db/records.js';
import { decodeBlock, encodedBlockSize } from '../chain/encoding.js';
import { bytesToHex } from '../chain/hex.js';

/** Format 1 block record (msgpack): block encoding, cumulative work (decimal), undo record, concatenated ids. */
interface Format1Block {
  readonly b: Uint8Array;
  readonly w: string;
  readonly u: Array<[Uint8Array, number, number]>;
  readonly i: Uint8Array;
}

/** Format 1 pending record (msgpack). */
interface Format1Pending {
  readonly s: string;
  readonly r: string;
  readonly a: number;
  readonly n: number;
  readonly g: string | null;
  readonly t: number;
  readonly q: number;
}

/** The databases of format 1, one per table. */
const FORMAT1_DATABASES = [
  'meta',
  'blocks',
  'best',
  'accounts',
  'locations',
  'history',
  'historyLength',
  'pending',
  'peers',
];

/**
 * Rewrites a format 1 directory (a database per table, msgpack records) into format 2 (one database of binary keys,
 * see src/chain/db/records.ts) in one transaction, then drops the old databases. A crash part-way leaves format 1.
 */
export function migrateFormat1(root: RootDatabase, target: Database<Buffer, Buffer>): void {
  const open = (name: string, options: Record<string, unknown> = {}) => root.openDB({ name, ...options }) as Database;
  const meta = open('meta');
  const blocks = open('blocks', { keyEncoding: 'binary' });
  const best = open('best', { keyEncoding: 'uint32', encoding: 'binary' });
  const accounts = open('accounts', { keyEncoding: 'binary' });
  const locations = open('locations', { keyEncoding: 'binary' });
  const history = open('history', { keyEncoding: 'binary', encoding: 'binary' });
  const historyLength = open('historyLength', { keyEncoding: 'binary' });
  const pending = open('pending');
  const peers = open('peers');
  const write = (key: Uint8Array, value: Uint8Array) => target.putSync(Buffer.from(key), Buffer.from(value));
  root.transactionSync(() => {
    for (const { key, value } of blocks.getRange()) {
      const record = value as Format1Block;
      const hash = bytesToHex(key as Buffer);
      const block = decodeBlock(new Uint8Array(record.b));
      const ids: string[] = [];
      for (let offset = 0; offset < record.i.length; offset += 32)
        ids.push(bytesToHex(record.i.subarray(offset, offset + 32)));
      const undo = record.u.map(([address, balance, nonce]) => [bytesToHex(address), { balance, nonce }] as const);
      const size = encodedBlockSize(block.transactions.length);
      write(
        Keys.block(hash),
        encodeBlockRecord({ block, hash, transactionIds: ids, size, totalWork: BigInt(record.w), undo }),
      );
    }
    for (const { key, value } of best.getRange()) write(Keys.best(key as number), value as Buffer);
    for (const { key, value } of accounts.getRange()) {
      const [balance, nonce] = value as [number, number];
      write(Keys.account(bytesToHex(key as Buffer)), encodeAccount({ balance, nonce }));
    }
    for (const { key, value } of locations.getRange()) {
      const [blockHash, position] = value as [Buffer, number];
      write(Keys.location(bytesToHex(key as Buffer)), encodeLocation(bytesToHex(blockHash), position));
    }
    // Format 1's history key (address 32 | position u32) is format 2's without the table byte.
    for (const { key, value } of history.getRange())
      write(Uint8Array.of(Table.history, ...(key as Buffer)), value as Buffer);
    for (const { key, value } of historyLength.getRange()) {
      write(Keys.historyLength(bytesToHex(key as Buffer)), encodeU32(value as number));
    }
    for (const { key, value } of pending.getRange()) {
      const record = value as Format1Pending;
      const transaction = {
        sender: record.s,
        recipient: record.r,
        amount: record.a,
        nonce: record.n,
        signature: record.g,
      };
      write(Keys.pending(key as string), encodePending(record.q, record.t, transaction));
    }
    for (const { key, value } of peers.getRange())
      write(Keys.peer(key as string), encodeU64((value as { addedAt: number }).addedAt));
    for (const name of ['tip', 'genesis']) {
      const value = meta.get(name);
      if (value !== undefined) write(Keys.meta(name), encodeMeta(value));
    }
    write(Keys.meta('formatVersion'), encodeMeta(2));
    for (const name of FORMAT1_DATABASES) open(name).dropSync();
  });
}
