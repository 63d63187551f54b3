import { describe, expect, it } from 'vitest';
import type { AddBlockResult } from '../../src/chain/chain.js';
import { Mempool } from '../../src/chain/mempool.js';
import type { Transaction } from '../../src/chain/types.js';
import { addBlockOrThrow, buildBranch, buildChain, idOf, mineBlock, transfer } from '../helpers/chainBuilder.js';
import { alice, bob, carol } from '../helpers/keys.js';

// The mempool keeps accepted transfers as a sequence that applies cleanly on top of the tip: nonces follow on from
// pending transfers, balances count pending spends and receipts, and on every tip change it is re-validated, with
// the transfers of blocks that left the best chain put back first.

const NOW = 5_000;

function setup(blocks = 3) {
  const { chain } = buildChain(blocks, { miner: alice });
  const mempool = new Mempool(chain.ledger());
  const isConfirmed = (id: string): boolean => chain.getTransaction(id) !== undefined;
  const offer = (tx: Transaction) => mempool.add(tx, NOW, isConfirmed);
  const codeOf = (tx: Transaction): string => {
    const result = offer(tx);
    return result.ok ? 'accepted' : result.rejection.code;
  };
  return { chain, mempool, isConfirmed, offer, codeOf };
}

/** The transfers of the blocks a reorg disconnected, in chain order (what a node hands back to the mempool). */
function returnedTransfers(result: AddBlockResult): Transaction[] {
  if (result.status !== 'reorg') return [];
  return [...result.disconnected].reverse().flatMap((stored) => stored.block.transactions.slice(1));
}

const ids = (list: readonly { readonly id: string }[]): string[] => list.map((entry) => entry.id);

describe('mempool', () => {
  it('accepts a nonce sequence that counts pending transfers, and nothing out of sequence', () => {
    const { chain, mempool, codeOf } = setup();
    expect(codeOf(transfer(alice, bob, 1, 0))).toBe('accepted');
    expect(codeOf(transfer(alice, bob, 1, 1))).toBe('accepted');
    expect(codeOf(transfer(alice, carol, 1, 1))).toBe('NONCE_MISMATCH');
    expect(codeOf(transfer(alice, bob, 1, 3))).toBe('NONCE_MISMATCH');
    expect(codeOf(transfer(alice, bob, 1, 2))).toBe('accepted');
    expect(mempool.pendingAccount(alice.address)).toEqual({ balance: 0, nonce: 3 });
    expect(chain.getAccount(alice.address)).toEqual({ balance: 3, nonce: 0 });
  });

  it('refuses an overspend that counts pending transfers, and accepts what still fits', () => {
    const { mempool, codeOf } = setup();
    expect(codeOf(transfer(alice, bob, 2, 0))).toBe('accepted');
    expect(codeOf(transfer(alice, carol, 2, 1))).toBe('INSUFFICIENT_BALANCE');
    expect(codeOf(transfer(alice, carol, 1, 1))).toBe('accepted');
    expect(mempool.size).toBe(2);
  });

  it('counts receipts of pending transfers as spendable', () => {
    const { mempool, codeOf } = setup();
    expect(codeOf(transfer(bob, carol, 1, 0))).toBe('INSUFFICIENT_BALANCE');
    expect(codeOf(transfer(alice, bob, 2, 0))).toBe('accepted');
    expect(codeOf(transfer(bob, carol, 2, 0))).toBe('accepted');
    expect(codeOf(transfer(bob, carol, 1, 1))).toBe('INSUFFICIENT_BALANCE');
    expect(mempool.pendingAccount(bob.address)).toEqual({ balance: 0, nonce: 1 });
    expect(mempool.pendingAccount(carol.address)).toEqual({ balance: 2, nonce: 0 });
  });

  it('keeps arrival order and answers lookups by id', () => {
    const { mempool, offer } = setup();
    const payments = [transfer(alice, bob, 1, 0), transfer(bob, carol, 1, 0), transfer(alice, carol, 2, 1)];
    expect(payments.map((tx) => offer(tx).ok)).toEqual([true, true, true]);
    expect(ids(mempool.list())).toEqual(payments.map(idOf));
    expect(mempool.positionOf(idOf(payments[2]!))).toBe(2);
    expect(mempool.positionOf('ff'.repeat(32))).toBe(-1);
    expect(mempool.get(idOf(payments[1]!))).toEqual({
      id: idOf(payments[1]!),
      transaction: payments[1],
      receivedAt: NOW,
    });
    expect(mempool.selectForBlock(2)).toEqual(payments.slice(0, 2));
  });

  it.each([0, 1, 2, 3])('selects a prefix of %i transfers that the chain accepts as a block body', (count) => {
    const { chain, mempool, offer } = setup();
    // Bob's transfer spends what alice's pending transfer gives him: only the arrival order makes it valid.
    for (const tx of [transfer(alice, bob, 1, 0), transfer(bob, carol, 1, 0), transfer(alice, carol, 2, 1)]) offer(tx);
    const selected = mempool.selectForBlock(count);
    expect(selected).toHaveLength(count);
    expect(chain.addBlock(mineBlock({ chain, transactions: selected })).status).toBe('extended');
  });

  it('removes the transfers a new block confirmed and keeps the rest', () => {
    const { chain, mempool, offer, isConfirmed } = setup();
    const payments = [transfer(alice, bob, 1, 0), transfer(alice, bob, 1, 1), transfer(alice, carol, 1, 2)];
    for (const tx of payments) expect(offer(tx).ok).toBe(true);
    addBlockOrThrow(chain, mineBlock({ chain, transactions: mempool.selectForBlock(2) }));
    const dropped = mempool.reset(chain.ledger(), [], isConfirmed, NOW + 1);
    expect(dropped).toEqual([]);
    expect(ids(mempool.list())).toEqual([idOf(payments[2]!)]);
    expect(mempool.pendingAccount(alice.address)).toEqual({ balance: 0, nonce: 3 });
  });

  it('after a reorg, takes back the transfers of disconnected blocks and drops those now in the chain, without duplicates', () => {
    const { chain, mempool, offer, isConfirmed } = setup();
    const fork = chain.tip;
    const tx1 = transfer(alice, bob, 1, 0);
    const tx2 = transfer(alice, carol, 1, 1);
    addBlockOrThrow(chain, mineBlock({ chain, transactions: [tx1, tx2] }));
    mempool.reset(chain.ledger(), [], isConfirmed, NOW);
    const tx3 = transfer(alice, bob, 1, 2);
    const txBob = transfer(bob, carol, 1, 0);
    expect(offer(tx3).ok).toBe(true);
    expect(offer(txBob).ok).toBe(true);
    // The other branch confirms tx1 and then bob's pending transfer, but not tx2.
    const branch = buildBranch(fork, 2, { miner: carol, transactionsAt: (i) => (i === 0 ? [tx1] : [txBob]) });
    const result = chain.addBlocks(branch);
    expect(result.status).toBe('reorg');
    const returned = returnedTransfers(result);
    expect(returned).toEqual([tx1, tx2]);
    const dropped = mempool.reset(chain.ledger(), returned, isConfirmed, NOW + 1);
    expect(dropped).toEqual([]);
    expect(ids(mempool.list())).toEqual([idOf(tx2), idOf(tx3)]);
    expect(new Set(ids(mempool.list())).size).toBe(mempool.size);
    expect(mempool.get(idOf(tx2))?.receivedAt).toBe(NOW + 1);
    expect(mempool.get(idOf(tx3))?.receivedAt).toBe(NOW);
    // Nothing accepted was lost: each transfer is either in the best chain or pending, never both.
    for (const tx of [tx1, tx2, tx3, txBob]) {
      expect(isConfirmed(idOf(tx)) !== (mempool.get(idOf(tx)) !== undefined)).toBe(true);
    }
    // The new mempool is still a valid block body on the new tip.
    expect(chain.addBlock(mineBlock({ chain, transactions: mempool.selectForBlock(10) })).status).toBe('extended');
  });

  it('does not duplicate a returned transfer that is also still pending', () => {
    const { chain, mempool, offer, isConfirmed } = setup();
    const fork = chain.tip;
    const tx1 = transfer(alice, bob, 1, 0);
    expect(offer(tx1).ok).toBe(true);
    // Our block confirms tx1, but the mempool is not reset before the reorg takes it out again.
    addBlockOrThrow(chain, mineBlock({ chain, transactions: [tx1] }));
    const result = chain.addBlocks(buildBranch(fork, 2, { miner: carol }));
    const dropped = mempool.reset(chain.ledger(), returnedTransfers(result), isConfirmed, NOW + 1);
    expect(dropped).toEqual([]);
    expect(ids(mempool.list())).toEqual([idOf(tx1)]);
  });

  it('drops and reports pending transfers that no longer apply on the new tip (a conflicting spend was mined)', () => {
    const { chain, mempool, offer, isConfirmed } = setup();
    const fork = chain.tip;
    const toBob = transfer(alice, bob, 3, 0);
    const toCarol = transfer(alice, carol, 3, 0);
    expect(offer(toBob).ok).toBe(true);
    const result = chain.addBlocks(buildBranch(fork, 1, { miner: carol, transactionsAt: () => [toCarol] }));
    expect(result.status).toBe('extended');
    const dropped = mempool.reset(chain.ledger(), returnedTransfers(result), isConfirmed, NOW + 1);
    expect(dropped.map((entry) => [entry.id, entry.rejection.code])).toEqual([[idOf(toBob), 'NONCE_MISMATCH']]);
    expect(mempool.size).toBe(0);
    expect(mempool.pendingAccount(alice.address)).toEqual({ balance: 0, nonce: 1 });
  });

  it('applies a later arrival after a transfer it depends on was dropped only if it still fits', () => {
    const { chain, mempool, offer, isConfirmed } = setup();
    const first = transfer(alice, bob, 1, 0);
    const second = transfer(alice, bob, 1, 1);
    expect(offer(first).ok && offer(second).ok).toBe(true);
    // A block from elsewhere spends all of alice's coins with her nonce 0.
    addBlockOrThrow(chain, mineBlock({ chain, transactions: [transfer(alice, carol, 3, 0)] }));
    const dropped = mempool.reset(chain.ledger(), [], isConfirmed, NOW + 1);
    expect(dropped.map((entry) => entry.rejection.code)).toEqual(['NONCE_MISMATCH', 'INSUFFICIENT_BALANCE']);
    expect(mempool.size).toBe(0);
  });
});

describe('mempool bound after a reorganization', () => {
  it('keeps at most maxSize transactions when a reset returns more, dropping the newest as MEMPOOL_FULL', async () => {
    const { Mempool } = await import('../../src/chain/mempool.js');
    const { transfer } = await import('../helpers/chainBuilder.js');
    const { alice, bob } = await import('../helpers/keys.js');
    const rich = {
      getAccount: (address: string) =>
        address === alice.address ? { balance: 100, nonce: 0 } : { balance: 0, nonce: 0 },
    };
    const mempool = new Mempool(rich, { maxSize: 3 });
    const returned = [0, 1, 2, 3, 4].map((nonce) => transfer(alice, bob, 1, nonce));
    const dropped = mempool.reset(rich, returned, () => false, 1);
    expect(mempool.list().map((p) => p.transaction.nonce)).toEqual([0, 1, 2]);
    expect(dropped.map((d) => [d.transaction.nonce, d.rejection.code])).toEqual([
      [3, 'MEMPOOL_FULL'],
      [4, 'MEMPOOL_FULL'],
    ]);
    expect(mempool.pendingAccount(alice.address)).toEqual({ balance: 97, nonce: 3 });
  });
});
