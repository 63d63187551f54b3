import { afterEach, describe, expect, it } from 'vitest';
import { Chain } from '../../src/chain/chain.js';
import { ChainDb } from '../../src/chain/db/chainDb.js';
import type { KeyValueStore } from '../../src/chain/db/keyValue.js';
import { asParent, buildBranch, extendChain, idOf, transfer } from '../helpers/chainBuilder.js';
import { createFixedClock } from '../helpers/clock.js';
import { alice, bob, carol } from '../helpers/keys.js';
import { easyParams } from '../helpers/params.js';

/** A backend under test: `reopen` gives the same data through a fresh handle (for LMDB: close and open the file). */
export interface StoreHarness {
  readonly kv: KeyValueStore;
  reopen(): Promise<KeyValueStore>;
  cleanup(): Promise<void>;
}

/** Everything observable about a chain, to compare two stores or a store before and after reopening. */
function snapshot(chain: Chain) {
  const best = [];
  for (let index = 1; index <= chain.height; index++) {
    const stored = chain.getBlockAt(index)!;
    best.push({
      hash: stored.hash,
      block: stored.block,
      ids: stored.transactionIds,
      work: stored.totalWork,
      size: stored.size,
      undo: stored.undo,
    });
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
 * The contract of the chain database on every key-value backend, the in-memory one and LMDB alike: what a chain
 * writes reads back the same, reorganizations included, and survives a reopen.
 */
export function describeChainDbContract(name: string, createHarness: () => Promise<StoreHarness>): void {
  describe(`${name}: the chain database contract`, () => {
    let harness: StoreHarness | undefined;
    let db: ChainDb;
    const open = async () => {
      harness = await createHarness();
      db = new ChainDb(harness.kv);
    };
    const reopen = async () => (db = new ChainDb(await harness!.reopen()));
    afterEach(async () => {
      await harness?.cleanup();
    });

    const chainOn = (store: ChainDb, clock = createFixedClock()) =>
      new Chain({ params: easyParams, clock: clock.now, db: store });

    it('answers undefined or empty for what it does not hold', async () => {
      await open();
      const store = db;
      expect(store.getTipHash()).toBeUndefined();
      expect(store.getBlock('ab'.repeat(32))).toBeUndefined();
      expect(store.getBestHash(1)).toBeUndefined();
      expect(store.getAccount(alice.address)).toBeUndefined();
      expect(store.getTransactionLocation('ab'.repeat(32))).toBeUndefined();
      expect(store.getAccountHistoryLength(alice.address)).toBe(0);
      expect(store.getAccountHistory(alice.address, 0, 10)).toEqual([]);
      expect(store.pending.list()).toEqual([]);
    });

    it('reads back blocks, accounts, locations and histories exactly, and again after a reopen', async () => {
      await open();
      const chain = chainOn(db);
      extendChain(chain, { miner: alice });
      extendChain(chain, { miner: bob, transactions: [transfer(alice, carol, 1, 0)] });
      extendChain(chain, { miner: carol });
      const before = snapshot(chain);
      expect(before.best).toHaveLength(4);
      const reopened = chainOn(await reopen());
      expect(snapshot(reopened)).toEqual(before);
      extendChain(reopened, { miner: alice });
      expect(reopened.height).toBe(5);
    });

    it('pages an address history by position, oldest first', async () => {
      await open();
      const chain = chainOn(db);
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push(extendChain(chain, { miner: alice }).transactionIds[0]!);
      expect(db.getAccountHistoryLength(alice.address)).toBe(5);
      expect(db.getAccountHistory(alice.address, 0, 5)).toEqual(ids);
      expect(db.getAccountHistory(alice.address, 1, 3)).toEqual(ids.slice(1, 3));
      expect(db.getAccountHistory(alice.address, 3, 99)).toEqual(ids.slice(3));
      expect(db.getAccountHistory(alice.address, 4, 2)).toEqual([]);
    });

    it('stores a side block without changing the tip or any account', async () => {
      await open();
      const chain = chainOn(db);
      const tip = extendChain(chain, { miner: alice });
      const [side] = buildBranch(chain.genesis, 1, { miner: bob });
      expect(chain.addBlock(side!).status).toBe('side');
      expect(db.getTipHash()).toBe(tip.hash);
      expect(db.getAccount(bob.address)).toBeUndefined();
      expect(db.getBlock(asParent(side!).hash)?.block).toEqual(side);
    });

    it('applies a reorganization in one batch: the same state as a chain that saw the winning branch only', async () => {
      await open();
      const clock = createFixedClock();
      const chain = chainOn(db, clock);
      const funding = extendChain(chain, { miner: alice });
      extendChain(chain, { miner: carol, transactions: [transfer(alice, bob, 1, 0)] });
      const winning = buildBranch(asParent(funding.block), 2, { miner: bob });
      expect(chain.addBlocks(winning).status).toBe('reorg');

      const direct = chainOn(new ChainDb(), clock);
      direct.addBlocks([funding.block, ...winning]);
      expect(snapshot(chain)).toEqual(snapshot(direct));
      // Zeroed accounts are forgotten, not stored as zero.
      expect(db.getAccount(carol.address)).toBeUndefined();
      expect(snapshot(chainOn(await reopen(), clock))).toEqual(snapshot(direct));
    });

    it('indexes every stored block by height with its arrival, side branches and both sides of a reorganization included', async () => {
      await open();
      const clock = createFixedClock();
      const chain = chainOn(db, clock);
      const funding = extendChain(chain, { miner: alice });
      const losing = extendChain(chain, { miner: carol });
      const winning = buildBranch(asParent(funding.block), 2, { miner: bob });
      const peer = 'http://127.0.0.1:4001/graphql';
      expect(chain.addBlocks(winning, [], { source: 'sync', peer }).status).toBe('reorg');
      // Best first at each index: the winning block, then the one that lost.
      const tree = [
        chain.genesis.hash,
        funding.hash,
        asParent(winning[0]!).hash,
        losing.hash,
        asParent(winning[1]!).hash,
      ];
      expect(chain.getBlockTreeHashes(1, 9)).toEqual(tree);
      const after = chainOn(await reopen(), clock);
      expect(after.getBlockTreeHashes(1, 9)).toEqual(tree);
      expect(after.getArrival(asParent(winning[1]!).hash)).toEqual({ source: 'sync', peer, seenAt: clock.now() });
      expect(after.getArrival(losing.hash)).toBeUndefined();
    });

    it('keeps pending transactions in order and forgets deleted ones', async () => {
      await open();
      const one = { id: idOf(transfer(alice, bob, 1, 0)), transaction: transfer(alice, bob, 1, 0), receivedAt: 10 };
      const two = { id: idOf(transfer(bob, carol, 2, 0)), transaction: transfer(bob, carol, 2, 0), receivedAt: 5 };
      await db.pending.put(one);
      await db.pending.put(two);
      expect(db.pending.list()).toEqual([one, two]);
      db.pending.delete([one.id]);
      expect((await reopen()).pending.list()).toEqual([two]);
    });

    it('moves transfers of disconnected blocks into the pending set and removes confirmed ones, atomically with the chain', async () => {
      await open();
      const chain = chainOn(db);
      const funding = extendChain(chain, { miner: alice });
      const payment = transfer(alice, bob, 1, 0);
      const confirmed = extendChain(chain, { miner: carol, transactions: [payment] });
      expect(db.pending.list()).toEqual([]);
      // The block holding the payment leaves the best chain: the payment is pending again, in the same batch.
      chain.addBlocks(buildBranch(asParent(funding.block), 2, { miner: bob }));
      const pending = db.pending.list();
      expect(pending.map((p) => p.id)).toEqual([idOf(payment)]);
      expect(pending[0]!.transaction).toEqual(payment);
      expect(chain.isBest(confirmed.hash)).toBe(false);
      // … and a chain that includes it again removes it from the pending set.
      extendChain(chain, { miner: carol, transactions: [payment] });
      expect(db.pending.list()).toEqual([]);
      expect((await reopen()).pending.list()).toEqual([]);
    });
  });
}
