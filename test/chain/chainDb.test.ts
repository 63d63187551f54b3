import { describe, expect, it } from 'vitest';
import { ChainDb } from '../../src/chain/db/chainDb.js';
import { type ChainWriteBatch, involvedAddresses } from '../../src/chain/db/model.js';
import { REWARD_SENDER } from '../../src/chain/types.js';
import { asParent, buildBranch, createTestChain, extendChain, idOf, transfer } from '../helpers/chainBuilder.js';
import { alice, bob, carol } from '../helpers/keys.js';

// Storage: synchronous reads and one atomic batch per change of the chain. A chain reopened on the same store
// resumes where it stopped.

/** A store that records every batch it is asked to write. */
class RecordingStore extends ChainDb {
  readonly batches: ChainWriteBatch[] = [];
  override write(batch: ChainWriteBatch): void {
    this.batches.push(batch);
    super.write(batch);
  }
}

describe('chain store', () => {
  it('names the addresses a transaction belongs to (the reward sender "0" is not one, self-transfers count once)', () => {
    expect(involvedAddresses(REWARD_SENDER, alice.address)).toEqual([alice.address]);
    expect(involvedAddresses(alice.address, alice.address)).toEqual([alice.address]);
    expect(involvedAddresses(alice.address, bob.address)).toEqual([alice.address, bob.address]);
  });

  it('writes the genesis once, then one batch per accepted block or run, and none for a refused one', () => {
    const store = new RecordingStore();
    const { chain } = createTestChain({ db: store });
    expect(store.batches).toHaveLength(1);
    expect(store.batches[0]).toMatchObject({
      newBlocks: [chain.genesis],
      connected: [chain.genesis],
      tipHash: chain.genesis.hash,
    });
    extendChain(chain, { miner: alice });
    expect(store.batches).toHaveLength(2);
    chain.addBlocks(buildBranch(chain.tip, 3));
    expect(store.batches).toHaveLength(3);
    chain.addBlock(buildBranch(chain.tip, 1, { transactionsAt: () => [transfer(bob, carol, 1, 0)] })[0]!);
    expect(store.batches).toHaveLength(3);
  });

  it('writes a side block without changing the tip, the best chain or any account', () => {
    const store = new RecordingStore();
    const { chain } = createTestChain({ db: store });
    extendChain(chain, { miner: alice });
    chain.addBlock(buildBranch(chain.genesis, 1, { miner: bob })[0]!);
    const batch = store.batches.at(-1)!;
    expect(batch.connected).toEqual([]);
    expect(batch.disconnected).toEqual([]);
    expect(batch.accounts.size).toBe(0);
    expect(batch.tipHash).toBe(chain.tip.hash);
  });

  it('writes a reorg as one batch: new blocks, disconnected tip first, connected lowest first, accounts and tip', () => {
    const store = new RecordingStore();
    const { chain } = createTestChain({ db: store });
    const ours = extendChain(chain, { miner: alice });
    const theirs = buildBranch(chain.genesis, 2, { miner: bob });
    const before = store.batches.length;
    chain.addBlocks(theirs);
    expect(store.batches).toHaveLength(before + 1);
    const batch = store.batches.at(-1)!;
    expect(batch.disconnected.map((s) => s.hash)).toEqual([ours.hash]);
    expect(batch.connected.map((s) => s.block)).toEqual(theirs);
    expect(batch.newBlocks.map((s) => s.block)).toEqual(theirs);
    expect(batch.accounts.get(alice.address)).toEqual({ balance: 0, nonce: 0 });
    expect(batch.accounts.get(bob.address)).toEqual({ balance: 2, nonce: 0 });
    expect(batch.tipHash).toBe(chain.tip.hash);
  });

  it("keeps each address's history in chain order and pops exactly what a disconnected block pushed", () => {
    const { chain } = createTestChain();
    const funding = extendChain(chain, { miner: alice });
    const pay = transfer(alice, bob, 1, 0);
    const paid = extendChain(chain, { miner: carol, transactions: [pay] });
    expect(chain.getAccountTransactionIds(alice.address)).toEqual([funding.transactionIds[0], idOf(pay)]);
    expect(chain.getAccountTransactionIds(bob.address)).toEqual([idOf(pay)]);
    expect(chain.getAccountTransactionIds(carol.address)).toEqual([paid.transactionIds[0]]);
    chain.addBlocks(buildBranch(asParent(funding.block), 2, { miner: alice }));
    expect(chain.getAccountTransactionIds(bob.address)).toEqual([]);
    expect(chain.getAccountTransactionIds(carol.address)).toEqual([]);
    expect(chain.getAccountTransactionIds(alice.address)).toHaveLength(3);
    expect(chain.getTransaction(idOf(pay))).toBeUndefined();
    expect(chain.getBlock(paid.hash)).toBeDefined();
    expect(chain.isBest(paid.hash)).toBe(false);
  });
});
