import { randomBytes } from 'node:crypto';
import { bytesToHex } from '../chain/hex.js';
import { addressFromPrivateKey } from '../chain/keys.js';
import { signTransaction, transactionId } from '../chain/transaction.js';

/**
 * Client-side wallet helpers: everything a client needs to sign a transaction outside the node and send it with
 * `submitTransaction`. Keys are Ed25519; the address is the hex public key.
 */

/** A key pair: the hex private key (32-byte seed) and its address (hex public key). */
export interface Wallet {
  readonly privateKey: string;
  readonly address: string;
}

/** A signed transfer ready for `submitTransaction(input: ...)`, with its id. */
export interface SignedTransfer {
  readonly id: string;
  readonly sender: string;
  readonly recipient: string;
  readonly amount: number;
  readonly nonce: number;
  readonly signature: string;
}

/** Creates a wallet from 32 random bytes. */
export function generateWallet(): Wallet {
  return walletFromPrivateKey(bytesToHex(randomBytes(32)));
}

/** Rebuilds a wallet from its hex private key. @throws {TypeError} when the key is not 64 hex characters. */
export function walletFromPrivateKey(privateKey: string): Wallet {
  const normalized = privateKey.toLowerCase();
  return { privateKey: normalized, address: addressFromPrivateKey(normalized) };
}

/**
 * Signs a transfer of `amount` coins to `recipient`. `nonce` is the sender's next nonce: `account(address) { nonce }`
 * (or `pendingNonce` when earlier transfers are still pending).
 */
export function signTransfer(
  wallet: Wallet,
  transfer: { readonly recipient: string; readonly amount: number; readonly nonce: number },
): SignedTransfer {
  const unsigned = {
    sender: wallet.address,
    recipient: transfer.recipient,
    amount: transfer.amount,
    nonce: transfer.nonce,
  };
  const signed = signTransaction(unsigned, wallet.privateKey);
  return { id: transactionId(unsigned), ...unsigned, signature: signed.signature! };
}
