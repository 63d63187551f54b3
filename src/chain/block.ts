import { encodedBlockSize, encodeHeader } from './encoding.js';
import { sha256Hex } from './hash.js';
import { computeMerkleRoot } from './merkle.js';
import { transactionId } from './transaction.js';
import type { Block, BlockHeader, Transaction } from './types.js';

/** The block hash: SHA-256 of the 85-byte header encoding, as lowercase hex. */
export function blockHash(header: BlockHeader): string {
  const known = hashedHeaders.get(header);
  if (
    known !== undefined &&
    known.index === header.index &&
    known.timestamp === header.timestamp &&
    known.previousHash === header.previousHash &&
    known.merkleRoot === header.merkleRoot &&
    known.difficulty === header.difficulty &&
    known.proof === header.proof
  )
    return known.hash;
  const hash = sha256Hex(encodeHeader(header));
  hashedHeaders.set(header, { ...header, hash });
  return hash;
}

/**
 * The hash last computed for each header object, with the fields it was computed from (a pure memo, like the
 * signature cache): a synced header is hashed by the page's link check, the header check and validation, and hashing
 * was a tenth of a sync's event loop. A header object changed since is hashed again, so the memo is never stale.
 */
const hashedHeaders = new WeakMap<BlockHeader, BlockHeader & { readonly hash: string }>();

/** Ids of a block's transactions, in block order. */
export function transactionIds(transactions: readonly Transaction[]): string[] {
  return transactions.map((tx) => transactionId(tx));
}

/** Size in bytes of the block's encoding. */
export function blockSize(block: Block): number {
  return encodedBlockSize(block.transactions.length);
}

/** A header ready for the proof-of-work search: all fields but `proof`. */
export type HeaderTemplate = Omit<BlockHeader, 'proof'>;

/** Builds the header template for `transactions` on top of a parent (merkle root computed here). */
export function createHeaderTemplate(fields: {
  readonly index: number;
  readonly timestamp: number;
  readonly previousHash: string;
  readonly difficulty: number;
  readonly transactions: readonly Transaction[];
}): HeaderTemplate {
  return {
    index: fields.index,
    timestamp: fields.timestamp,
    previousHash: fields.previousHash,
    merkleRoot: computeMerkleRoot(transactionIds(fields.transactions)),
    difficulty: fields.difficulty,
  };
}
