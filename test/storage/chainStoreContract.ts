import { afterEach, describe, expect, it } from 'vitest';
import { Chain } from '../../src/chain/chain.js';
import { MemoryChainStore, type ChainStore } from '../../src/chain/store.js';
import { asParent, buildBranch, extendChain, idOf, transfer } from '../helpers/chainBuilder.js';
import { createFixedClock } from '../helpers/clock.js';
import { alice, bob, carol } from '../helpers/keys.js';
import { easyParams } from '../helpers/params.js';

/** A store under test: `reopen` gives the same data through a fresh handle (for LMDB: close and open the file). */
export interface StoreHarness {
  readonly store: ChainStore;
  reopen(): Promise<ChainStore>;
  cleanup(): Promise<void>;
}

/** Everything observable about a chain, to compare two stores or a store before and after reopening. */
function snapshot(chain: Chain) {
  const best = [];
  for (let index = 1; index <= chain.height; index++) {
    const stored = chain.getBlockAt(index)!;
    best.push({ hash: stored.hash, block: stored.block, ids: stored.transactionIds, work: stored.totalWork, size: stored.size, undo: stored.undo });
  }
  const addresses = [alice, bob, carol].map((w) => w.address);
  return {
    tip: chain.tip.hash,
    best,
    accounts: addresses.map((address) => chain.getAccount(address)),
    histories: addresses.map((address) => chain.getAccountTransactionIds(address)),
    locations: best.flatMap((b) => b.ids.map((id) => chain.getTransaction(id)?.position)),
  };
}

/**
 * The contract every ChainStore meets, run against the in-memory store and the LMDB store alike: what a chain
 * writes through a store reads back the same, reorganizations included, and survives a reopen.
 */
export function describeChainStoreContract(name: string, createHarness: () => Promise<StoreHarness>): void {
  describe(`${name}: the ChainStore contract`, () => {
    let harness: StoreHarness;
    afterEach(async () => {
      await harness?.cleanup();
    });

    const chainOn = (store: ChainStore, clock = createFixedClock()) => new Chain({ params: easyParams, clock: clock.now, store });

    it('answers undefined or empty for what it does not hold', async () => {
      harness = await createHarness();
      const { store } = harness;
      expect(store.getTipHash()).toBeUndefined();
      expect(store.getBlock('ab'.repeat(32))).toBeUndefined();
      expect(store.getBestHash(1)).toBeUndefined();
      expect(store.getAccount(alice.address)).toBeUndefined();
      expect(store.getTransactionLocation('ab'.repeat(32))).toBeUndefined();
      expect(store.getAccountHistoryLength(alice.address)).toBe(0);
      expect(store.getAccountHistory(alice.address, 0, 10)).toEqual([]);
      expect(store.getPendingTransactions()).toEqual([]);
    });

    it('reads back blocks, accounts, locations and histories exactly, and again after a reopen', async () => {
      harness = await createHarness();
      const chain = chainOn(harness.store);
      extendChain(chain, { miner: alice });
      extendChain(chain, { miner: bob, transactions: [transfer(alice, carol, 1, 0)] });
      extendChain(chain, { miner: carol });
      const before = snapshot(chain);
      expect(before.best).toHaveLength(4);
      const reopened = chainOn(await harness.reopen());
      expect(snapshot(reopened)).toEqual(before);
      extendChain(reopened, { miner: alice });
      expect(reopened.height).toBe(5);
    });

    it('pages an address history by position, oldest first', async () => {
      harness = await createHarness();
      const chain = chainOn(harness.store);
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push(extendChain(chain, { miner: alice }).transactionIds[0]!);
      expect(harness.store.getAccountHistoryLength(alice.address)).toBe(5);
      expect(harness.store.getAccountHistory(alice.address, 0, 5)).toEqual(ids);
      expect(harness.store.getAccountHistory(alice.address, 1, 3)).toEqual(ids.slice(1, 3));
      expect(harness.store.getAccountHistory(alice.address, 3, 99)).toEqual(ids.slice(3));
      expect(harness.store.getAccountHistory(alice.address, 4, 2)).toEqual([]);
    });

    it('stores a side block without changing the tip or any account', async () => {
      harness = await createHarness();
      const chain = chainOn(harness.store);
      const tip = extendChain(chain, { miner: alice });
      const [side] = buildBranch(chain.genesis, 1, { miner: bob });
      expect(chain.addBlock(side!).status).toBe('side');
      expect(harness.store.getTipHash()).toBe(tip.hash);
      expect(harness.store.getAccount(bob.address)).toBeUndefined();
      expect(harness.store.getBlock(asParent(side!).hash)?.block).toEqual(side);
    });

    it('applies a reorganization in one batch: the same state as a chain that saw the winning branch only', async () => {
      harness = await createHarness();
      const clock = createFixedClock();
      const chain = chainOn(harness.store, clock);
      const funding = extendChain(chain, { miner: alice });
      extendChain(chain, { miner: carol, transactions: [transfer(alice, bob, 1, 0)] });
      const winning = buildBranch(asParent(funding.block), 2, { miner: bob });
      expect(chain.addBlocks(winning).status).toBe('reorg');

      const direct = chainOn(new MemoryChainStore(), clock);
      direct.addBlocks([funding.block, ...winning]);
      expect(snapshot(chain)).toEqual(snapshot(direct));
      // Zeroed accounts are forgotten, not stored as zero.
      expect(harness.store.getAccount(carol.address)).toBeUndefined();
      expect(snapshot(chainOn(await harness.reopen(), clock))).toEqual(snapshot(direct));
    });

    it('keeps pending transactions in order and forgets deleted ones', async () => {
      harness = await createHarness();
      const one = { id: idOf(transfer(alice, bob, 1, 0)), transaction: transfer(alice, bob, 1, 0), receivedAt: 10 };
      const two = { id: idOf(transfer(bob, carol, 2, 0)), transaction: transfer(bob, carol, 2, 0), receivedAt: 5 };
      await harness.store.putPendingTransaction(one);
      await harness.store.putPendingTransaction(two);
      expect(harness.store.getPendingTransactions()).toEqual([one, two]);
      harness.store.deletePendingTransactions([one.id]);
      expect((await harness.reopen()).getPendingTransactions()).toEqual([two]);
    });

    it('moves transfers of disconnected blocks into the pending set and removes confirmed ones, atomically with the chain', async () => {
      harness = await createHarness();
      const chain = chainOn(harness.store);
      const funding = extendChain(chain, { miner: alice });
      const payment = transfer(alice, bob, 1, 0);
      const confirmed = extendChain(chain, { miner: carol, transactions: [payment] });
      expect(harness.store.getPendingTransactions()).toEqual([]);
      // The block holding the payment leaves the best chain: the payment is pending again, in the same batch.
      chain.addBlocks(buildBranch(asParent(funding.block), 2, { miner: bob }));
      const pending = harness.store.getPendingTransactions();
      expect(pending.map((p) => p.id)).toEqual([idOf(payment)]);
      expect(pending[0]!.transaction).toEqual(payment);
      expect(chain.isBest(confirmed.hash)).toBe(false);
      // … and a chain that includes it again removes it from the pending set.
      extendChain(chain, { miner: carol, transactions: [payment] });
      expect(harness.store.getPendingTransactions()).toEqual([]);
      expect((await harness.reopen()).getPendingTransactions()).toEqual([]);
    });
  });
}
