import { encodeTransactionPayload } from './encoding.js';
import { sha256Hex } from './hash.js';
import { isValidSignature, signMessage } from './keys.js';
import { REWARD_SENDER, type Transaction } from './types.js';

/** A transaction before it is signed. */
export type UnsignedTransaction = Omit<Transaction, 'signature'>;

/** The transaction id: SHA-256 of the 81-byte canonical payload (the signature is not covered). */
export function transactionId(tx: UnsignedTransaction): string {
  return sha256Hex(encodeTransactionPayload({ ...tx, signature: null }));
}

/** Signs a transfer with the sender's hex private key and returns the complete transaction. */
export function signTransaction(tx: UnsignedTransaction, privateKey: string): Transaction {
  const signature = signMessage(privateKey, encodeTransactionPayload({ ...tx, signature: null }));
  return { ...tx, signature };
}

/** True when the transfer's signature is a valid Ed25519 signature by its sender over its payload. */
export function hasValidSignature(tx: Transaction): boolean {
  if (tx.sender === REWARD_SENDER || tx.signature === null) return false;
  const payload = encodeTransactionPayload(tx);
  // A signature cache (as Bitcoin's sigcache): a transfer checked when it entered the mempool is not verified again
  // when the block holding it is validated, which would hold the event loop ~60 µs per transaction. The key covers
  // the payload's hash and the signature, so only exactly what was verified is skipped.
  const key = `${sha256Hex(payload)}:${tx.signature}`;
  if (verifiedSignatures.has(key)) return true;
  const valid = isValidSignature(tx.sender, payload, tx.signature);
  if (valid) {
    if (verifiedSignatures.size >= SIGNATURE_CACHE_SIZE)
      verifiedSignatures.delete(verifiedSignatures.values().next().value!);
    verifiedSignatures.add(key);
  }
  return valid;
}

/** Bound of the signature cache (a pure memo of successful verifications; only valid results are kept). */
const SIGNATURE_CACHE_SIZE = 50_000;
const verifiedSignatures = new Set<string>();

/** Forgets every cached verification (benchmarks measure cold validation with it; nothing else needs it). */
export function clearSignatureCache(): void {
  verifiedSignatures.clear();
}

/** True for the mining reward (sender "0"). */
export function isRewardTransaction(tx: Transaction): boolean {
  return tx.sender === REWARD_SENDER;
}

/** The reward transaction of block `index`: from "0" to the miner; its nonce is the block index (unique per block). */
export function createRewardTransaction(index: number, minerAddress: string, reward: number): Transaction {
  return { sender: REWARD_SENDER, recipient: minerAddress, amount: reward, nonce: index, signature: null };
}
