import { describe, expect, it } from 'vitest';
import { type AccountState, EMPTY_ACCOUNT, LedgerOverlay, type LedgerReader } from '../../src/chain/ledger.js';
import { createRewardTransaction } from '../../src/chain/transaction.js';
import { transfer } from '../helpers/chainBuilder.js';
import { alice, bob, carol } from '../helpers/keys.js';

// The account model: a transfer needs the sender's next nonce and a covering balance; the reward only credits.
// Overlays validate without touching the base, and record what each block changed so it can be undone.

function baseLedger(accounts: Record<string, AccountState>): LedgerReader {
  return { getAccount: (address) => accounts[address] ?? EMPTY_ACCOUNT };
}

describe('ledger', () => {
  it('reads through to the base until an account is written in the overlay', () => {
    const base = baseLedger({ [alice.address]: { balance: 5, nonce: 2 } });
    const overlay = new LedgerOverlay(base);
    expect(overlay.getAccount(alice.address)).toEqual({ balance: 5, nonce: 2 });
    expect(overlay.getAccount(bob.address)).toBe(EMPTY_ACCOUNT);
    overlay.setAccount(alice.address, { balance: 1, nonce: 3 });
    expect(overlay.getAccount(alice.address)).toEqual({ balance: 1, nonce: 3 });
    expect(base.getAccount(alice.address)).toEqual({ balance: 5, nonce: 2 });
    expect([...overlay.changes()]).toEqual([[alice.address, { balance: 1, nonce: 3 }]]);
  });

  it('credits the reward recipient without touching any nonce', () => {
    const overlay = new LedgerOverlay(baseLedger({}));
    expect(overlay.applyTransaction(createRewardTransaction(2, alice.address, 1))).toBeUndefined();
    expect(overlay.getAccount(alice.address)).toEqual({ balance: 1, nonce: 0 });
  });

  it('moves coins and advances the sender nonce on a transfer', () => {
    const overlay = new LedgerOverlay(baseLedger({ [alice.address]: { balance: 5, nonce: 0 } }));
    expect(overlay.applyTransaction(transfer(alice, bob, 3, 0))).toBeUndefined();
    expect(overlay.getAccount(alice.address)).toEqual({ balance: 2, nonce: 1 });
    expect(overlay.getAccount(bob.address)).toEqual({ balance: 3, nonce: 0 });
  });

  it('treats a transfer to oneself as a nonce increment that keeps the balance', () => {
    const overlay = new LedgerOverlay(baseLedger({ [alice.address]: { balance: 5, nonce: 0 } }));
    expect(overlay.applyTransaction(transfer(alice, alice, 5, 0))).toBeUndefined();
    expect(overlay.getAccount(alice.address)).toEqual({ balance: 5, nonce: 1 });
  });

  it('refuses a wrong nonce or an overspend and changes nothing', () => {
    const overlay = new LedgerOverlay(baseLedger({ [alice.address]: { balance: 5, nonce: 1 } }));
    expect(overlay.applyTransaction(transfer(alice, bob, 1, 0))?.code).toBe('NONCE_MISMATCH');
    expect(overlay.applyTransaction(transfer(alice, bob, 1, 2))?.code).toBe('NONCE_MISMATCH');
    expect(overlay.applyTransaction(transfer(alice, bob, 6, 1))?.code).toBe('INSUFFICIENT_BALANCE');
    expect(overlay.changes().size).toBe(0);
    expect(overlay.applyTransaction(transfer(alice, bob, 5, 1))).toBeUndefined();
  });

  it('records each touched account once, as it was before its first change, and undoes a block with that record', () => {
    const base = baseLedger({ [alice.address]: { balance: 5, nonce: 0 } });
    const overlay = new LedgerOverlay(base);
    const touched = new Map<string, AccountState>();
    overlay.applyTransaction(createRewardTransaction(2, carol.address, 1), touched);
    overlay.applyTransaction(transfer(alice, bob, 2, 0), touched);
    overlay.applyTransaction(transfer(alice, carol, 1, 1), touched);
    overlay.applyTransaction(transfer(bob, carol, 2, 0), touched);
    expect(Object.fromEntries(touched)).toEqual({
      [carol.address]: EMPTY_ACCOUNT,
      [alice.address]: { balance: 5, nonce: 0 },
      [bob.address]: EMPTY_ACCOUNT,
    });
    expect(overlay.getAccount(carol.address)).toEqual({ balance: 4, nonce: 0 });
    overlay.undoBlock([...touched]);
    for (const address of [alice.address, bob.address, carol.address]) {
      expect(overlay.getAccount(address)).toEqual(base.getAccount(address));
    }
  });
});
