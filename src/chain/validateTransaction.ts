import { isHex } from './hex.js';
import { reject, type TransactionRejection } from './rejections.js';
import { hasValidSignature, isRewardTransaction } from './transaction.js';
import type { Transaction } from './types.js';

/** True when `value` is a positive safe integer (the amount rule). */
export function isValidAmount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

/** True when `value` is a non-negative safe integer (the nonce rule). */
export function isValidNonce(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * Intrinsic transfer rules, the transaction alone: addresses are 32-byte hex keys, the amount is a positive safe
 * integer, the nonce a non-negative safe integer, and the Ed25519 signature by the sender covers the payload.
 * The reward (sender "0") is never a valid transfer: only a block creates it.
 */
export function checkTransferIntrinsic(tx: Transaction): TransactionRejection | undefined {
  // Shape rule: callers outside TypeScript (peers, JSON) can hand over anything; a value that is not a transaction at
  // all is refused with its own code instead of throwing or being misreported as a bad field.
  if (!hasTransactionShape(tx)) {
    return reject(
      'MALFORMED_TRANSACTION',
      'a transaction needs string sender and recipient, number amount and nonce, and a string or null signature',
    );
  }
  if (isRewardTransaction(tx)) {
    return reject('REWARD_NOT_ALLOWED', 'sender "0" is reserved for the block reward and cannot be submitted');
  }
  if (!isHex(tx.sender, 32)) return reject('INVALID_ADDRESS', 'sender must be 64 lowercase hex characters');
  if (!isHex(tx.recipient, 32)) return reject('INVALID_ADDRESS', 'recipient must be 64 lowercase hex characters');
  if (!isValidAmount(tx.amount)) {
    return reject('INVALID_AMOUNT', `amount must be a positive integer up to 2^53-1, got ${String(tx.amount)}`);
  }
  if (!isValidNonce(tx.nonce)) {
    return reject('INVALID_NONCE', `nonce must be a non-negative integer up to 2^53-1, got ${String(tx.nonce)}`);
  }
  if (tx.signature === null || !isHex(tx.signature, 64)) {
    return reject('INVALID_SIGNATURE', 'signature must be 128 lowercase hex characters');
  }
  if (!hasValidSignature(tx)) {
    return reject('INVALID_SIGNATURE', "signature is not the sender's Ed25519 signature of this transaction");
  }
  return undefined;
}

function hasTransactionShape(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const tx = value as Record<string, unknown>;
  return (
    typeof tx['sender'] === 'string' &&
    typeof tx['recipient'] === 'string' &&
    typeof tx['amount'] === 'number' &&
    typeof tx['nonce'] === 'number' &&
    (tx['signature'] === null || typeof tx['signature'] === 'string')
  );
}
