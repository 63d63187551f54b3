import { describe, expect, it } from 'vitest';
import type { Chain } from '../../src/chain/chain.js';
import { Mempool } from '../../src/chain/mempool.js';
import type { TransactionRejectionCode } from '../../src/chain/rejections.js';
import { createRewardTransaction, signTransaction, transactionId } from '../../src/chain/transaction.js';
import type { Transaction } from '../../src/chain/types.js';
import { checkTransferIntrinsic } from '../../src/chain/validateTransaction.js';
import { buildChain, mineBlock, transfer } from '../helpers/chainBuilder.js';
import { alice, bob, carol } from '../helpers/keys.js';

// Transaction rules as the mempool applies them: intrinsic (the transaction alone), then against the tip's ledger
// plus every pending transaction. Each rule test offers a transaction that breaks exactly that rule, checks the
// named code, and checks that the mempool and the chain did not change.

const RECEIVED_AT = 1_000;

interface Pool {
  readonly chain: Chain;
  readonly mempool: Mempool;
  readonly isConfirmed: (id: string) => boolean;
}

/** A chain where alice holds 3 coins (nonce 0), and an empty mempool on its tip. */
function pool(maxSize?: number): Pool {
  const { chain } = buildChain(3, { miner: alice });
  const mempool = new Mempool(chain.ledger(), maxSize === undefined ? {} : { maxSize });
  return { chain, mempool, isConfirmed: (id) => chain.getTransaction(id) !== undefined };
}

/** Offers `tx` and asserts it is refused with `code`, leaving the mempool and the chain as they were. */
function expectTransactionRejection(
  { chain, mempool, isConfirmed }: Pool,
  tx: Transaction,
  code: TransactionRejectionCode,
): void {
  const before = mempool.list();
  const senderBefore = typeof tx?.sender === 'string' ? mempool.pendingAccount(tx.sender) : undefined;
  const tipBefore = chain.tip.hash;
  const result = mempool.add(tx, RECEIVED_AT, isConfirmed);
  expect(result.ok ? 'accepted' : result.rejection.code).toBe(code);
  if (!result.ok) expect(result.rejection.message.length).toBeGreaterThan(0);
  expect(mempool.list()).toEqual(before);
  if (senderBefore !== undefined) expect(mempool.pendingAccount(tx.sender)).toEqual(senderBefore);
  expect(chain.tip.hash).toBe(tipBefore);
}

const unsignedPayment = { sender: alice.address, recipient: bob.address, amount: 1, nonce: 0 };

describe('transaction rules', () => {
  it('accepts the valid transfer that the rule tests below each break in one way', () => {
    const p = pool();
    const result = p.mempool.add(transfer(alice, bob, 1, 0), RECEIVED_AT, p.isConfirmed);
    expect(result.ok).toBe(true);
    expect(p.mempool.size).toBe(1);
  });

  it('MALFORMED_TRANSACTION: rejects a value that is not a transaction (a field of the wrong type)', () => {
    const p = pool();
    const payment = transfer(alice, bob, 1, 0);
    expectTransactionRejection(p, { ...payment, amount: '1' } as unknown as Transaction, 'MALFORMED_TRANSACTION');
  });

  it.each([
    ['null', null],
    ['a string', 'not a transaction'],
    ['an object without a signature field', { ...unsignedPayment }],
    ['a numeric sender', { ...unsignedPayment, sender: 7, signature: null }],
  ])('refuses %s as MALFORMED_TRANSACTION instead of throwing', (_label, value) => {
    const p = pool();
    expectTransactionRejection(p, value as unknown as Transaction, 'MALFORMED_TRANSACTION');
  });

  it('INVALID_ADDRESS: rejects a transfer whose recipient is not 64 lowercase hex characters', () => {
    const p = pool();
    expectTransactionRejection(
      p,
      { ...transfer(alice, bob, 1, 0), recipient: bob.address.toUpperCase() },
      'INVALID_ADDRESS',
    );
  });

  it('refuses a sender that is not an address as INVALID_ADDRESS', () => {
    const p = pool();
    expectTransactionRejection(p, { ...transfer(alice, bob, 1, 0), sender: 'alice' }, 'INVALID_ADDRESS');
  });

  it('INVALID_AMOUNT: rejects a transfer whose amount is not a positive integer', () => {
    const p = pool();
    expectTransactionRejection(p, transfer(alice, bob, 0, 0), 'INVALID_AMOUNT');
  });

  it.each([-1, 1.5, 2 ** 53, Number.NaN])('refuses the amount %s as INVALID_AMOUNT', (amount) => {
    const p = pool();
    expectTransactionRejection(p, { ...transfer(alice, bob, 1, 0), amount }, 'INVALID_AMOUNT');
  });

  it('INVALID_NONCE: rejects a transfer whose nonce is not a non-negative integer', () => {
    const p = pool();
    expectTransactionRejection(p, { ...transfer(alice, bob, 1, 0), nonce: -1 }, 'INVALID_NONCE');
  });

  it('INVALID_SIGNATURE: rejects a transfer not signed by its sender', () => {
    const p = pool();
    expectTransactionRejection(p, signTransaction(unsignedPayment, bob.privateKey), 'INVALID_SIGNATURE');
  });

  it.each([
    ['a missing (null) signature', null],
    ['a signature of the wrong length', 'ab'],
    ['an uppercase signature', transfer(alice, bob, 1, 0).signature!.toUpperCase()],
    ['a signature of another payload', transfer(alice, bob, 2, 0).signature],
  ])('refuses %s as INVALID_SIGNATURE', (_label, signature) => {
    const p = pool();
    expectTransactionRejection(p, { ...unsignedPayment, signature }, 'INVALID_SIGNATURE');
  });

  it('REWARD_NOT_ALLOWED: rejects a transaction from the reward sender "0"', () => {
    const p = pool();
    expectTransactionRejection(p, createRewardTransaction(5, alice.address, 1), 'REWARD_NOT_ALLOWED');
  });

  it("NONCE_MISMATCH: rejects a transfer whose nonce is not the sender's next (counting pending transfers)", () => {
    const p = pool();
    expectTransactionRejection(p, transfer(alice, bob, 1, 1), 'NONCE_MISMATCH');
  });

  it('INSUFFICIENT_BALANCE: rejects a transfer of more coins than the sender has (counting pending transfers)', () => {
    const p = pool();
    expectTransactionRejection(p, transfer(alice, bob, 4, 0), 'INSUFFICIENT_BALANCE');
  });

  it('ALREADY_KNOWN: rejects a transaction that is already pending', () => {
    const p = pool();
    const payment = transfer(alice, bob, 1, 0);
    expect(p.mempool.add(payment, RECEIVED_AT, p.isConfirmed).ok).toBe(true);
    expectTransactionRejection(p, payment, 'ALREADY_KNOWN');
  });

  it('refuses a transaction that is already in the best chain as ALREADY_KNOWN', () => {
    const p = pool();
    const payment = transfer(alice, bob, 1, 0);
    expect(p.chain.addBlock(mineBlock({ chain: p.chain, transactions: [payment] })).status).toBe('extended');
    expect(p.isConfirmed(transactionId(payment))).toBe(true);
    const fresh = new Mempool(p.chain.ledger());
    expectTransactionRejection({ ...p, mempool: fresh }, payment, 'ALREADY_KNOWN');
  });

  it('MEMPOOL_FULL: rejects a valid transaction when the mempool holds its maximum', () => {
    const p = pool(1);
    expect(p.mempool.add(transfer(alice, bob, 1, 0), RECEIVED_AT, p.isConfirmed).ok).toBe(true);
    expectTransactionRejection(p, transfer(alice, carol, 1, 1), 'MEMPOOL_FULL');
  });

  it('checks the transfer rules in order: reward, addresses, amount, nonce, signature', () => {
    const bad = { sender: '0', recipient: 'x', amount: 0, nonce: -1, signature: 'zz' };
    expect(checkTransferIntrinsic(bad)?.code).toBe('REWARD_NOT_ALLOWED');
    expect(checkTransferIntrinsic({ ...bad, sender: alice.address })?.code).toBe('INVALID_ADDRESS');
    expect(checkTransferIntrinsic({ ...bad, sender: alice.address, recipient: bob.address })?.code).toBe(
      'INVALID_AMOUNT',
    );
    expect(checkTransferIntrinsic({ ...bad, sender: alice.address, recipient: bob.address, amount: 1 })?.code).toBe(
      'INVALID_NONCE',
    );
    expect(
      checkTransferIntrinsic({ ...bad, sender: alice.address, recipient: bob.address, amount: 1, nonce: 0 })?.code,
    ).toBe('INVALID_SIGNATURE');
    expect(checkTransferIntrinsic(transfer(alice, bob, 1, 0))).toBeUndefined();
  });
});
