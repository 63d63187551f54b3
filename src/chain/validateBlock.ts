import { blockHash, blockSize, transactionIds } from './block.js';
import { expectedDifficulty, medianTimePast } from './difficulty.js';
import { isHex } from './hex.js';
import type { AccountState, BlockUndo, LedgerOverlay } from './ledger.js';
import { computeMerkleRoot } from './merkle.js';
import type { ChainParams } from './params.js';
import { meetsDifficulty } from './pow.js';
import { type BlockRejection, type BlockRejectionCode, reject } from './rejections.js';
import { isRewardTransaction } from './transaction.js';
import type { Block, BlockHeader } from './types.js';
import { checkTransferIntrinsic, isValidAmount, isValidNonce } from './validateTransaction.js';

/** What the body check computes on the way: reused by the state check and by storage. */
export interface BodyFacts {
  readonly transactionIds: readonly string[];
  readonly size: number;
}

/** The outcome of every validation step: its facts, or the named rule that failed. */
export type ValidationResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly rejection: BlockRejection };

const fail = <T>(code: BlockRejectionCode, message: string): ValidationResult<T> => ({
  ok: false,
  rejection: reject(code, message),
});

/*
 * Validation is four disjoint steps (docs/PROTOCOL.md "Validation"), cheapest first; no rule is checked twice:
 *   1. checkHeader: the header alone;             2. checkBody: the body alone (after step 1);
 *   3. checkHeaderAgainstParent;                   4. checkBodyAgainstState: the body applied to the parent's ledger.
 */

/**
 * Step 1, the header alone (and the block's envelope): well-formed fields, transactions a list within the count
 * limit, the claimed hash, the difficulty floor, the proof of work. Returns the block hash.
 */
export function checkHeader(block: Block, params: ChainParams, claimedHash?: string): ValidationResult<string> {
  const malformed = checkHeaderFields(block.header);
  if (malformed !== undefined) return fail('MALFORMED_BLOCK', malformed);
  if (!Array.isArray(block.transactions)) return fail('MALFORMED_BLOCK', 'transactions must be a list');
  if (block.transactions.length > params.maxTransactionsPerBlock) {
    return fail(
      'TOO_MANY_TRANSACTIONS',
      `a block holds at most ${params.maxTransactionsPerBlock} transactions, got ${block.transactions.length}`,
    );
  }
  const hash = blockHash(block.header);
  if (claimedHash !== undefined && claimedHash !== hash) {
    return fail('HASH_MISMATCH', `hash ${claimedHash} does not match the header, whose hash is ${hash}`);
  }
  // No retarget goes below the floor, so a lower difficulty is wrong whatever the parent: refuse it before anything
  // costly (otherwise a difficulty-0 header would carry any proof to the signature checks).
  if (block.header.difficulty < params.minDifficulty) {
    return fail(
      'DIFFICULTY_MISMATCH',
      `difficulty must be at least ${params.minDifficulty}, got ${block.header.difficulty}`,
    );
  }
  if (!meetsDifficulty(hash, block.header.difficulty)) {
    return fail(
      'INSUFFICIENT_PROOF_OF_WORK',
      `hash ${hash} has fewer than ${block.header.difficulty} leading zero bits`,
    );
  }
  return { ok: true, value: hash };
}

/**
 * Step 2, the body alone (for a block that passed step 1): size, the reward first and only first with its amount
 * and nonce, transfer fields, unique ids, the merkle root, then signatures (the costly part) last.
 */
export function checkBody(block: Block, params: ChainParams): ValidationResult<BodyFacts> {
  const { header, transactions } = block;
  if (transactions.length === 0) return fail('MISSING_REWARD', 'a block must start with the reward transaction');
  const size = blockSize(block);
  if (size > params.maxBlockBytes) {
    return fail('BLOCK_TOO_LARGE', `a block encodes to at most ${params.maxBlockBytes} bytes, got ${size}`);
  }
  if (!transactions.every((tx) => typeof tx === 'object' && tx !== null)) {
    return fail('MALFORMED_BLOCK', 'every transaction must be an object');
  }
  const reward = transactions[0]!;
  if (!isRewardTransaction(reward)) return fail('MISSING_REWARD', 'transaction 0 must be the reward from sender "0"');
  if (reward.amount !== params.reward) {
    return fail('INVALID_REWARD_AMOUNT', `the reward must be ${params.reward}, got ${String(reward.amount)}`);
  }
  if (reward.nonce !== header.index) {
    return fail('INVALID_REWARD_NONCE', `the reward's nonce must be the block index ${header.index}`);
  }
  if (!isHex(reward.recipient, 32) || reward.signature !== null) {
    return fail('MALFORMED_BLOCK', 'the reward needs a 64-hex-character recipient and no signature');
  }
  for (let i = 1; i < transactions.length; i++) {
    const tx = transactions[i]!;
    if (isRewardTransaction(tx)) return fail('REWARD_NOT_FIRST', `transaction ${i} is a second reward`);
    if (!isValidAmount(tx.amount)) return fail('INVALID_AMOUNT', `transaction ${i}: amount must be a positive integer`);
    if (!isValidNonce(tx.nonce) || !isHex(tx.sender, 32) || !isHex(tx.recipient, 32)) {
      return fail('MALFORMED_BLOCK', `transaction ${i}: malformed sender, recipient or nonce`);
    }
  }
  const ids = transactionIds(transactions);
  if (new Set(ids).size !== ids.length) return fail('DUPLICATE_TRANSACTION', 'a transaction appears twice');
  const merkleRoot = computeMerkleRoot(ids);
  if (merkleRoot !== header.merkleRoot) {
    return fail('MERKLE_ROOT_MISMATCH', `merkleRoot must be ${merkleRoot}, the root of the transaction ids`);
  }
  for (let i = 1; i < transactions.length; i++) {
    const problem = checkTransferIntrinsic(transactions[i]!);
    if (problem !== undefined) return fail('INVALID_SIGNATURE', `transaction ${i}: ${problem.message}`);
  }
  return { ok: true, value: { transactionIds: ids, size } };
}

/** Steps 1 and 2: every rule a block meets on its own. Returns its hash with the body's facts. */
export function checkBlockAlone(
  block: Block,
  params: ChainParams,
  claimedHash?: string,
): ValidationResult<BodyFacts & { readonly hash: string }> {
  const header = checkHeader(block, params, claimedHash);
  if (!header.ok) return header;
  const body = checkBody(block, params);
  return body.ok ? { ok: true, value: { ...body.value, hash: header.value } } : body;
}

/** The parent facts steps 3 and 4 need. */
export interface ParentContext {
  readonly header: BlockHeader;
  readonly hash: string;
  /** Timestamps of the parent and its ancestors, newest first, at most `params.medianTimeSpan` of them. */
  readonly recentTimestamps: readonly number[];
  /** Header of the block that opens the retarget window when the child is a retarget block (see difficulty.ts). */
  readonly retargetWindowStart?: BlockHeader;
}

/** Step 3, the header against its parent: link, index, difficulty, median time past, future limit. */
export function checkHeaderAgainstParent(
  header: BlockHeader,
  parent: ParentContext,
  params: ChainParams,
  now: number,
): ValidationResult<undefined> {
  if (header.previousHash !== parent.hash) return fail('BROKEN_LINK', 'previousHash is not the parent hash');
  if (header.index !== parent.header.index + 1) {
    return fail('INDEX_NOT_PARENT_PLUS_ONE', `index must be ${parent.header.index + 1}, got ${header.index}`);
  }
  const difficulty = expectedDifficulty(params, parent.header, parent.retargetWindowStart);
  if (header.difficulty !== difficulty) {
    return fail('DIFFICULTY_MISMATCH', `difficulty must be ${difficulty}, got ${header.difficulty}`);
  }
  const median = medianTimePast(parent.recentTimestamps);
  if (header.timestamp <= median) {
    const count = parent.recentTimestamps.length;
    return fail(
      'TIMESTAMP_NOT_AFTER_MEDIAN_TIME_PAST',
      `timestamp must be later than ${median}, the median of the previous ${count} blocks`,
    );
  }
  if (header.timestamp > now + params.maxFutureBlockTimeMs) {
    return fail(
      'TIMESTAMP_TOO_FAR_IN_FUTURE',
      `timestamp ${header.timestamp} is more than ${params.maxFutureBlockTimeMs} ms ahead of this node's clock`,
    );
  }
  return { ok: true, value: undefined };
}

/**
 * Step 4, the body applied to the parent's ledger, transaction by transaction (nonce and balance). On success
 * `ledger` holds the block's changes and the value is the block's undo record; on failure discard `ledger`.
 */
export function checkBodyAgainstState(block: Block, ledger: LedgerOverlay): ValidationResult<BlockUndo> {
  const touched = new Map<string, AccountState>();
  for (let i = 0; i < block.transactions.length; i++) {
    const problem = ledger.applyTransaction(block.transactions[i]!, touched);
    if (problem !== undefined) return fail(problem.code, `transaction ${i}: ${problem.message}`);
  }
  return { ok: true, value: [...touched] };
}

function checkHeaderFields(header: BlockHeader): string | undefined {
  if (!Number.isInteger(header.index) || header.index < 1 || header.index > 0xffffffff) {
    return 'index must be an integer from 1 to 2^32-1';
  }
  if (!Number.isSafeInteger(header.timestamp) || header.timestamp < 0) {
    return 'timestamp must be a non-negative integer number of milliseconds';
  }
  if (!isHex(header.previousHash, 32)) return 'previousHash must be 64 lowercase hex characters';
  if (!isHex(header.merkleRoot, 32)) return 'merkleRoot must be 64 lowercase hex characters';
  if (!Number.isInteger(header.difficulty) || header.difficulty < 0 || header.difficulty > 255) {
    return 'difficulty must be an integer from 0 to 255';
  }
  if (!Number.isSafeInteger(header.proof) || header.proof < 0) return 'proof must be an integer from 0 to 2^53-1';
  return undefined;
}
