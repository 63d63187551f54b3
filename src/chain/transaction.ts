import {
  encodeTransactionPayload,
  SIGNATURE_BYTES,
  TRANSACTION_BYTES,
  TRANSACTION_PAYLOAD_BYTES,
  TransactionKind,
} from './encoding.js';
import { sha256Hex } from './hash.js';
import { bytesToHex, hexToBytes, isHex } from './hex.js';
import { isValidSignature, signMessage } from './keys.js';
import { REWARD_SENDER, type Transaction } from './types.js';

/** A transaction before it is signed. */
export type UnsignedTransaction = Omit<Transaction, 'signature'>;

/** The transaction id: SHA-256 of the 81-byte canonical payload (the signature is not covered). */
export function transactionId(tx: UnsignedTransaction): string {
  const known = idsByTransaction.get(tx);
  if (
    known !== undefined &&
    known.sender === tx.sender &&
    known.recipient === tx.recipient &&
    known.amount === tx.amount &&
    known.nonce === tx.nonce
  )
    return known.id;
  const id = sha256Hex(encodeTransactionPayload({ ...tx, signature: null }));
  idsByTransaction.set(tx, { sender: tx.sender, recipient: tx.recipient, amount: tx.amount, nonce: tx.nonce, id });
  return id;
}

/**
 * The id last computed for each transaction object, with the fields it covers (a pure memo, as blockHash's): a synced
 * transfer's id is needed by the look-ahead's signature check, the merkle root, the signature cache and the store. A
 * transaction object changed since is hashed again, so the memo is never stale.
 */
const idsByTransaction = new WeakMap<UnsignedTransaction, UnsignedTransaction & { readonly id: string }>();

/** Signs a transfer with the sender's hex private key and returns the complete transaction. */
export function signTransaction(tx: UnsignedTransaction, privateKey: string): Transaction {
  const signature = signMessage(privateKey, encodeTransactionPayload({ ...tx, signature: null }));
  return { ...tx, signature };
}

/** True when the transfer's signature is a valid Ed25519 signature by its sender over its payload. */
export function hasValidSignature(tx: Transaction): boolean {
  if (tx.sender === REWARD_SENDER || tx.signature === null) return false;
  // A signature cache (as Bitcoin's sigcache): a transfer checked when it entered the mempool, or ahead of time on a
  // worker thread (signatureCheckOf), is not verified again when the block holding it is validated, which would hold
  // the event loop ~100 µs per transaction. The key covers the payload's hash (the transaction id) and the signature,
  // so only exactly what was verified is skipped.
  const key = signatureKey(transactionId(tx), tx.signature);
  if (verifiedSignatures.has(key)) return true;
  const valid = isValidSignature(tx.sender, encodeTransactionPayload(tx), tx.signature);
  if (valid) remember(key);
  return valid;
}

/** Bound of the signature cache (a pure memo of successful verifications; only valid results are kept). */
const SIGNATURE_CACHE_SIZE = 50_000;
const verifiedSignatures = new Set<string>();

/** The cache key of a signature: the hash of the payload it signs (the transaction id), then the signature. */
function signatureKey(id: string, signature: string): string {
  return `${id}:${signature}`;
}

function remember(key: string): void {
  if (verifiedSignatures.size >= SIGNATURE_CACHE_SIZE)
    verifiedSignatures.delete(verifiedSignatures.values().next().value!);
  verifiedSignatures.add(key);
}

/** Forgets every cached verification (benchmarks measure cold validation with it; nothing else needs it). */
export function clearSignatureCache(): void {
  verifiedSignatures.clear();
}

/**
 * A transfer's signature check that can be done ahead of time, on another thread (Bitcoin Core's check queue): an
 * opaque token. Its bytes (`writeSignatureRecord`) and its cache key stay inside this module, so a verdict can only
 * ever be recorded for exactly the bytes that were verified.
 */
export interface SignatureCheck {
  readonly __signatureCheck: never;
}

/** Bytes of a signature record: the 81-byte transaction payload (its sender included), then the 64-byte signature. */
export const SIGNATURE_RECORD_BYTES = TRANSACTION_BYTES;

const checks = new WeakMap<SignatureCheck, { readonly key: string; readonly record: Uint8Array }>();

/**
 * The signature check of a transfer, or undefined when there is nothing to check ahead of time: the reward, a
 * transfer whose fields or signature are malformed (validation refuses those on its own), or one already verified.
 */
export function signatureCheckOf(tx: Transaction): SignatureCheck | undefined {
  // Shape first: a block from outside TypeScript can hold anything, which validation refuses with its own rule.
  if (typeof tx !== 'object' || tx === null || tx.sender === REWARD_SENDER || !isHex(tx.signature, SIGNATURE_BYTES))
    return undefined;
  let key: string;
  try {
    key = signatureKey(transactionId(tx), tx.signature);
  } catch {
    return undefined;
  }
  if (verifiedSignatures.has(key)) return undefined;
  const payload = encodeTransactionPayload(tx);
  const record = new Uint8Array(SIGNATURE_RECORD_BYTES);
  record.set(payload);
  record.set(hexToBytes(tx.signature), TRANSACTION_PAYLOAD_BYTES);
  const check = Object.freeze({}) as SignatureCheck;
  checks.set(check, { key, record });
  return check;
}

/** Copies a check's record into `target` at `offset` (SIGNATURE_RECORD_BYTES bytes), for a worker to verify. */
export function writeSignatureRecord(check: SignatureCheck, target: Uint8Array, offset: number): void {
  target.set(checkOf(check).record, offset);
}

/**
 * True when a signature record (SIGNATURE_RECORD_BYTES bytes) holds a transfer payload and its sender's valid Ed25519
 * signature of it: the very check hasValidSignature makes. Pure; a worker thread runs it.
 */
export function verifySignatureRecord(record: Uint8Array): boolean {
  if (record.length !== SIGNATURE_RECORD_BYTES || record[0] !== TransactionKind.transfer) return false;
  const payload = record.subarray(0, TRANSACTION_PAYLOAD_BYTES);
  const sender = bytesToHex(payload.subarray(1, 33));
  return isValidSignature(sender, payload, bytesToHex(record.subarray(TRANSACTION_PAYLOAD_BYTES)));
}

/**
 * Records the verdict of verifySignatureRecord on a check's record: a valid signature joins the signature cache, so
 * validation skips it; an invalid one is not recorded, so validation checks it again and refuses it with its usual
 * rule. @throws {TypeError} for a check signatureCheckOf did not make.
 */
export function recordSignatureVerdict(check: SignatureCheck, valid: boolean): void {
  const { key } = checkOf(check);
  if (valid) remember(key);
}

function checkOf(check: SignatureCheck): { readonly key: string; readonly record: Uint8Array } {
  const known = checks.get(check);
  if (known === undefined) throw new TypeError('not a signature check made by signatureCheckOf');
  return known;
}

/** True for the mining reward (sender "0"). */
export function isRewardTransaction(tx: Transaction): boolean {
  return tx.sender === REWARD_SENDER;
}

/** The reward transaction of block `index`: from "0" to the miner; its nonce is the block index (unique per block). */
export function createRewardTransaction(index: number, minerAddress: string, reward: number): Transaction {
  return { sender: REWARD_SENDER, recipient: minerAddress, amount: reward, nonce: index, signature: null };
}
