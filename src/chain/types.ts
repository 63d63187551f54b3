/** The consensus data types. All are plain readonly data; behaviour lives in the functions of this folder. */

/** Address of the reward sender, as in the tutorial: coins created by mining come "from 0". */
export const REWARD_SENDER = '0';

/** A block header: everything the block hash (and so the proof of work) covers. */
export interface BlockHeader {
  /** Height of the block; the genesis block is 1 (as in the tutorial). */
  readonly index: number;
  /** Integer milliseconds since the Unix epoch. */
  readonly timestamp: number;
  /** Hash of the parent block, 64 lowercase hex characters (zeros for genesis). */
  readonly previousHash: string;
  /** Merkle root over the block's transaction ids, 64 lowercase hex characters. */
  readonly merkleRoot: string;
  /** Required leading zero bits of the block hash. */
  readonly difficulty: number;
  /** The proof-of-work nonce, 0..2^53-1. */
  readonly proof: number;
}

/**
 * A transaction in the account model. The first transaction of every block is the reward:
 * sender "0", nonce = block index, no signature.
 */
export interface Transaction {
  /** Sender address (64 hex characters of an Ed25519 public key), or "0" for the reward. */
  readonly sender: string;
  /** Recipient address (64 hex characters of an Ed25519 public key). */
  readonly recipient: string;
  /** A positive integer number of coins. */
  readonly amount: number;
  /** The sender's sequence number (0 for its first transaction); for the reward, the block index. */
  readonly nonce: number;
  /** Ed25519 signature over the canonical encoding, 128 hex characters; null for the reward. */
  readonly signature: string | null;
}

/** A block: a header and its transactions. */
export interface Block {
  readonly header: BlockHeader;
  readonly transactions: readonly Transaction[];
}
