import { describe, expect, it } from 'vitest';
import { blockHash } from '../../src/chain/block.js';
import { ChainDb } from '../../src/chain/db/chainDb.js';
import type { Block } from '../../src/chain/types.js';
import {
  addBlockOrThrow,
  asParent,
  buildBranch,
  createTestChain,
  mineBlock,
  transfer,
} from '../helpers/chainBuilder.js';
import { alice, bob, carol } from '../helpers/keys.js';

// A side branch is validated against the ledger as it is on that branch. When its blocks arrive one by one (a
// competing miner, a sync added in chunks) the chain keeps the branch's ledger between calls instead of replaying
// from the fork point each time, but only while the tip it was built on is still the tip.

/** A memory store that counts block reads (each replayed block costs at least one). */
class CountingStore extends ChainDb {
  reads = 0;
  override getBlock(hash: string) {
    this.reads += 1;
    return super.getBlock(hash);
  }
}

describe('side-branch ledger', () => {
  it('validates each side block against its own branch, block by block, and adopts the branch like a direct build', () => {
    const { chain } = createTestChain();
    const trunk = buildBranch(chain.genesis, 2, { miner: alice }).map((block) => addBlockOrThrow(chain, block));
    // Best chain: A4..A6 mined by carol. Side branch from A3: bob mines B4; B5 spends B4's reward (valid only there).
    for (const block of buildBranch(trunk[1]!, 3, { miner: carol })) addBlockOrThrow(chain, block);
    const b4 = mineBlock({ parent: trunk[1]!, miner: bob });
    const b5 = mineBlock({ parent: asParent(b4), miner: bob, transactions: [transfer(bob, alice, 1, 0)] });
    const overspend = mineBlock({ parent: asParent(b5), miner: bob, transactions: [transfer(bob, alice, 5, 1)] });
    expect(chain.addBlock(b4).status).toBe('side');
    expect(chain.addBlock(b5).status).toBe('side');
    const refused = chain.addBlock(overspend);
    expect(refused).toMatchObject({ status: 'invalid', rejection: { code: 'INSUFFICIENT_BALANCE' } });
    // The refusal consumed the cached ledger (it was half-applied); the next block is validated from scratch.
    const b6 = mineBlock({ parent: asParent(b5), miner: bob, transactions: [transfer(bob, carol, 1, 1)] });
    expect(chain.addBlock(b6).status).toBe('side');
    const b7 = mineBlock({ parent: asParent(b6), miner: bob });
    expect(chain.addBlock(b7).status).toBe('reorg');
    expect(chain.tip.hash).toBe(blockHash(b7.header));
    expect(chain.getAccount(bob.address)).toEqual({ balance: 4 - 2, nonce: 2 });
    expect(chain.getAccount(carol.address)).toEqual({ balance: 1, nonce: 0 });
    expect(chain.getAccount(alice.address)).toEqual({ balance: 2 + 1, nonce: 0 });
  });

  it('does not reuse the branch ledger after the best chain changed under it', () => {
    const { chain } = createTestChain();
    const trunk = buildBranch(chain.genesis, 2, { miner: bob }).map((block) => addBlockOrThrow(chain, block));
    // Side branch B4 (from A3) first, while the best chain is A3 + A4.
    const a4 = addBlockOrThrow(chain, mineBlock({ parent: trunk[1]!, miner: carol }));
    const b4 = mineBlock({ parent: trunk[1]!, miner: alice });
    expect(chain.addBlock(b4).status).toBe('side');
    // The best chain grows with a transfer from bob: bob's nonce at the tip is now 1.
    addBlockOrThrow(chain, mineBlock({ parent: a4, miner: carol, transactions: [transfer(bob, carol, 1, 0)] }));
    // On the side branch bob has sent nothing, so his next nonce there is 0.
    const b5 = mineBlock({ parent: asParent(b4), miner: alice, transactions: [transfer(bob, alice, 1, 0)] });
    expect(chain.addBlock(b5).status).toBe('side');
    const b6 = mineBlock({ parent: asParent(b5), miner: alice });
    expect(chain.addBlock(b6).status).toBe('reorg');
    expect(chain.getAccount(bob.address)).toEqual({ balance: 1, nonce: 1 });
    expect(chain.getAccount(alice.address)).toEqual({ balance: 3 + 1, nonce: 0 });
  });

  it('extends a side branch forking deep below the tip without replaying from the fork point for each block', () => {
    const store = new CountingStore();
    const { chain } = createTestChain({ db: store });
    const trunk = buildBranch(chain.genesis, 1).map((block) => addBlockOrThrow(chain, block));
    for (const block of buildBranch(trunk[0]!, 200)) addBlockOrThrow(chain, block);
    const branch: Block[] = buildBranch(trunk[0]!, 5, { miner: alice });
    expect(chain.addBlock(branch[0]!).status).toBe('side'); // the first one replays: 200 blocks deep
    const reads: number[] = [];
    for (const block of branch.slice(1)) {
      store.reads = 0;
      expect(chain.addBlock(block).status).toBe('side');
      reads.push(store.reads);
    }
    // A replay from the fork point reads at least the 200 best-chain blocks above it; a reused ledger reads only a
    // few (the parent, the median-time window of 11, a retarget window start).
    for (const count of reads) expect(count).toBeLessThan(60);
  });
});
