import { describe, expect, it } from 'vitest';
import { encodeTransactionPayload } from '../../src/chain/encoding.js';
import { sha256Hex } from '../../src/chain/hash.js';
import {
  addressFromPrivateKey,
  isValidSignature,
  privateKeyFromHex,
  publicKeyFromAddress,
  signMessage,
} from '../../src/chain/keys.js';
import {
  createRewardTransaction,
  hasValidSignature,
  isRewardTransaction,
  signTransaction,
  transactionId,
} from '../../src/chain/transaction.js';
import { REWARD_SENDER, type Transaction } from '../../src/chain/types.js';
import { transfer } from '../helpers/chainBuilder.js';
import { alice, bob, testWallet } from '../helpers/keys.js';

// Transactions: the id is SHA-256 of the 81-byte payload and excludes the signature; the signature is Ed25519 by
// the sender over that payload; the reward comes from "0", carries the block index as nonce and no signature.

describe('transactions', () => {
  it('derives the id from the payload alone, so it does not depend on the signature', () => {
    const tx = transfer(alice, bob, 3, 1);
    const id = sha256Hex(encodeTransactionPayload(tx));
    expect(transactionId(tx)).toBe(id);
    const resigned: Transaction = { ...tx, signature: 'ff'.repeat(64) };
    expect(transactionId(resigned)).toBe(id);
    const { signature: _signature, ...unsigned } = tx;
    expect(transactionId(unsigned)).toBe(id);
  });

  it('gives different ids to transfers that differ in any field', () => {
    const base = { sender: alice.address, recipient: bob.address, amount: 3, nonce: 1 };
    const id = transactionId(base);
    expect(transactionId({ ...base, sender: bob.address })).not.toBe(id);
    expect(transactionId({ ...base, recipient: alice.address })).not.toBe(id);
    expect(transactionId({ ...base, amount: 4 })).not.toBe(id);
    expect(transactionId({ ...base, nonce: 2 })).not.toBe(id);
  });

  it("signs deterministically and verifies only the sender's signature over this payload", () => {
    const tx = transfer(alice, bob, 3, 1);
    expect(transfer(alice, bob, 3, 1).signature).toBe(tx.signature);
    expect(hasValidSignature(tx)).toBe(true);
    expect(hasValidSignature({ ...tx, amount: 4 })).toBe(false);
    expect(hasValidSignature({ ...tx, sender: bob.address })).toBe(false);
    expect(hasValidSignature({ ...tx, signature: null })).toBe(false);
    expect(hasValidSignature(signTransaction({ ...tx }, bob.privateKey))).toBe(false);
  });

  it('signs the same transfer from a wallet or from its bare private key', () => {
    expect(transfer(alice.privateKey, bob.address, 2, 0)).toEqual(transfer(alice, bob, 2, 0));
  });

  it('builds the reward from "0" to the miner with the block index as nonce and no signature', () => {
    const reward = createRewardTransaction(7, alice.address, 1);
    expect(reward).toEqual({ sender: REWARD_SENDER, recipient: alice.address, amount: 1, nonce: 7, signature: null });
    expect(isRewardTransaction(reward)).toBe(true);
    expect(isRewardTransaction(transfer(alice, bob, 1, 0))).toBe(false);
    expect(hasValidSignature(reward)).toBe(false);
    expect(transactionId(createRewardTransaction(8, alice.address, 1))).not.toBe(transactionId(reward));
  });
});

describe('keys', () => {
  it('derives test wallets deterministically from their label', () => {
    expect(testWallet('alice')).toEqual(alice);
    expect(alice.privateKey).toBe(sha256Hex(new TextEncoder().encode('test-wallet:alice')));
    expect(addressFromPrivateKey(alice.privateKey)).toBe(alice.address);
    expect(alice.address).not.toBe(bob.address);
  });

  it('signs and verifies arbitrary messages', () => {
    const message = new TextEncoder().encode('hello');
    const signature = signMessage(alice.privateKey, message);
    expect(signature).toMatch(/^[0-9a-f]{128}$/);
    expect(isValidSignature(alice.address, message, signature)).toBe(true);
    expect(isValidSignature(bob.address, message, signature)).toBe(false);
  });

  it('answers false, never throws, for malformed signatures and addresses', () => {
    const message = new Uint8Array([1]);
    const signature = signMessage(alice.privateKey, message);
    expect(isValidSignature(alice.address, message, signature.slice(2))).toBe(false);
    expect(isValidSignature(alice.address, message, signature.toUpperCase())).toBe(false);
    expect(isValidSignature('not-an-address', message, signature)).toBe(false);
    expect(isValidSignature('00'.repeat(32), message, signature)).toBe(false);
  });

  it('refuses malformed keys with a TypeError', () => {
    expect(() => publicKeyFromAddress('abc')).toThrow(TypeError);
    expect(() => privateKeyFromHex(alice.privateKey.toUpperCase())).toThrow(TypeError);
    expect(() => addressFromPrivateKey('00')).toThrow(TypeError);
  });
});
