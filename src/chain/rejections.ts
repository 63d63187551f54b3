/**
 * Named reasons for refusing a block or a transaction. Every consensus rule has exactly one code; the codes are
 * stable (clients and peers match on them) and are exposed in the GraphQL schema.
 */

/** Why a block is refused. */
export const BLOCK_REJECTION_CODES = [
  // Intrinsic rules: the block alone.
  'MALFORMED_BLOCK',
  'HASH_MISMATCH',
  'INSUFFICIENT_PROOF_OF_WORK',
  'MERKLE_ROOT_MISMATCH',
  'MISSING_REWARD',
  'REWARD_NOT_FIRST',
  'INVALID_REWARD_AMOUNT',
  'INVALID_REWARD_NONCE',
  'INVALID_SIGNATURE',
  'INVALID_AMOUNT',
  'DUPLICATE_TRANSACTION',
  'TOO_MANY_TRANSACTIONS',
  'BLOCK_TOO_LARGE',
  // Contextual rules: against the parent and the ledger.
  'GENESIS_MISMATCH',
  'BROKEN_LINK',
  'INDEX_NOT_PARENT_PLUS_ONE',
  'DIFFICULTY_MISMATCH',
  'TIMESTAMP_NOT_AFTER_MEDIAN_TIME_PAST',
  'TIMESTAMP_TOO_FAR_IN_FUTURE',
  'NONCE_MISMATCH',
  'INSUFFICIENT_BALANCE',
] as const;
export type BlockRejectionCode = (typeof BLOCK_REJECTION_CODES)[number];

/** Why a transaction is refused by the mempool. */
export const TRANSACTION_REJECTION_CODES = [
  'MALFORMED_TRANSACTION',
  'INVALID_ADDRESS',
  'INVALID_AMOUNT',
  'INVALID_NONCE',
  'INVALID_SIGNATURE',
  'REWARD_NOT_ALLOWED',
  'NONCE_MISMATCH',
  'INSUFFICIENT_BALANCE',
  'ALREADY_KNOWN',
  'MEMPOOL_FULL',
] as const;
export type TransactionRejectionCode = (typeof TRANSACTION_REJECTION_CODES)[number];

/** A refusal: a stable code and a sentence that names the field and the rule. */
export interface Rejection<Code extends string> {
  readonly code: Code;
  readonly message: string;
}

/** A block refusal. */
export type BlockRejection = Rejection<BlockRejectionCode>;
/** A transaction refusal. */
export type TransactionRejection = Rejection<TransactionRejectionCode>;

/** Builds a rejection. */
export function reject<Code extends string>(code: Code, message: string): Rejection<Code> {
  return { code, message };
}
