import { describe, expect, it } from 'vitest';
import { blockHash } from '../../src/chain/block.js';
import type { Chain } from '../../src/chain/chain.js';
import type { Block } from '../../src/chain/types.js';
import {
  addBlockOrThrow,
  asParent,
  buildBranch,
  createTestChain,
  idOf,
  mineBlock,
  transfer,
} from '../helpers/chainBuilder.js';
import { alice, bob, carol, minerWallet } from '../helpers/keys.js';

// A reorganization must leave the chain exactly as if the winning branch had been built directly: same best
// chain, same account states, same transaction locations and account histories, and nothing left over from the
// branch that lost.

const hashOf = (block: Block): string => blockHash(block.header);
const ADDRESSES = [alice.address, bob.address, carol.address, minerWallet.address];

/** Everything observable about a chain's best state, for comparing two chains. */
function snapshot(chain: Chain, blocks: readonly Block[]): unknown {
  const ids = blocks.flatMap((block) => block.transactions.map(idOf));
  return {
    tip: chain.tip.hash,
    height: chain.height,
    totalWork: chain.tip.totalWork,
    best: Array.from({ length: chain.height }, (_, i) => chain.getBlockAt(i + 1)?.hash),
    accounts: ADDRESSES.map((address) => chain.getAccount(address)),
    histories: ADDRESSES.map((address) => [...chain.getAccountTransactionIds(address)]),
    locations: ids.map((id) => {
      const located = chain.getTransaction(id);
      return located === undefined ? null : [located.block.hash, located.position, idOf(located.transaction)];
    }),
  };
}

/** A chain built by adding `blocks` in order on a fresh genesis. */
function builtDirectly(blocks: readonly Block[]): Chain {
  const { chain } = createTestChain();
  for (const block of blocks) addBlockOrThrow(chain, block);
  return chain;
}

/**
 * The common scenario: G, A2, A3 mined by alice (2 coins); then two branches from A3.
 * Branch A (added): A4 (alice mines; alice pays bob 1 and carol 1); built only: A5 (bob pays carol 1), A6.
 * Branch B (built only): B4 (carol mines; alice pays carol 2), B5 (bob mines; carol pays bob 2).
 */
function scenario() {
  const { chain } = createTestChain();
  const trunk = buildBranch(chain.genesis, 2, { miner: alice });
  const a4 = mineBlock({
    parent: asParent(trunk[1]!),
    miner: alice,
    transactions: [transfer(alice, bob, 1, 0), transfer(alice, carol, 1, 1)],
  });
  const b4 = mineBlock({ parent: asParent(trunk[1]!), miner: carol, transactions: [transfer(alice, carol, 2, 0)] });
  const b5 = mineBlock({ parent: asParent(b4), miner: bob, transactions: [transfer(carol, bob, 2, 0)] });
  const a5 = mineBlock({ parent: asParent(a4), miner: alice, transactions: [transfer(bob, carol, 1, 0)] });
  const a6 = mineBlock({ parent: asParent(a5), miner: alice });
  for (const block of [...trunk, a4]) addBlockOrThrow(chain, block);
  return { chain, trunk, a4, a5, a6, b4, b5, all: [...trunk, a4, a5, a6, b4, b5] };
}

describe('reorganization', () => {
  it('lists the disconnected blocks (old tip first) and the connected blocks (lowest first)', () => {
    const { chain, a4, b4, b5 } = scenario();
    const oldTip = chain.tip;
    expect(chain.addBlock(b4).status).toBe('side');
    const result = chain.addBlock(b5);
    expect(result.status).toBe('reorg');
    if (result.status !== 'reorg') return;
    expect(result.oldTip.hash).toBe(oldTip.hash);
    expect(result.disconnected.map((s) => s.hash)).toEqual([hashOf(a4)]);
    expect(result.connected.map((s) => s.hash)).toEqual([hashOf(b4), hashOf(b5)]);
    expect(result.tip.hash).toBe(hashOf(b5));
  });

  it('lists every disconnected block of a deeper reorg, old tip first', () => {
    const { chain, trunk, a4, a5, a6 } = scenario();
    chain.addBlocks([a5, a6]);
    const branch = buildBranch(asParent(trunk[0]!), 5, { miner: carol });
    const result = chain.addBlocks(branch);
    expect(result.status === 'reorg' ? result.disconnected.map((s) => s.hash) : result.status).toEqual(
      [a6, a5, a4, trunk[1]!].map(hashOf),
    );
    expect(result.status === 'reorg' ? result.connected.map((s) => s.hash) : result.status).toEqual(branch.map(hashOf));
  });

  it('leaves account states, transaction locations and account histories equal to those of the winning chain built directly', () => {
    const { chain, trunk, b4, b5, all } = scenario();
    chain.addBlock(b4);
    expect(chain.addBlock(b5).status).toBe('reorg');
    const direct = builtDirectly([...trunk, b4, b5]);
    expect(snapshot(chain, all)).toEqual(snapshot(direct, all));
    expect(chain.getAccount(carol.address)).toEqual({ balance: 1, nonce: 1 });
    expect(chain.getAccount(bob.address)).toEqual({ balance: 3, nonce: 0 });
  });

  it('reorganizes back and forth and still matches each winning chain built directly', () => {
    const { chain, trunk, a4, a5, a6, b4, b5, all } = scenario();
    chain.addBlocks([b4, b5]);
    expect(chain.tip.hash).toBe(hashOf(b5));
    expect(chain.addBlock(a5).status).toBe('side'); // a tie: B stays
    expect(chain.addBlock(a6).status).toBe('reorg');
    expect(snapshot(chain, all)).toEqual(snapshot(builtDirectly([...trunk, a4, a5, a6]), all));
    const b6 = mineBlock({ parent: asParent(b5), miner: carol });
    const b7 = mineBlock({ parent: asParent(b6), miner: carol });
    expect(chain.addBlocks([b6, b7]).status).toBe('reorg');
    const bs = [...trunk, b4, b5, b6, b7];
    expect(snapshot(chain, [...all, b6, b7])).toEqual(snapshot(builtDirectly(bs), [...all, b6, b7]));
  });

  it("forgets the losing branch's transactions: a double spend is decided by the winning branch", () => {
    const { chain } = createTestChain();
    const trunk = buildBranch(chain.genesis, 1, { miner: alice });
    addBlockOrThrow(chain, trunk[0]!);
    const toBob = transfer(alice, bob, 1, 0);
    const toCarol = transfer(alice, carol, 1, 0);
    const paysBob = mineBlock({ parent: asParent(trunk[0]!), transactions: [toBob] });
    addBlockOrThrow(chain, paysBob);
    expect(chain.getTransaction(idOf(toBob))?.block.hash).toBe(hashOf(paysBob));
    const paysCarol = buildBranch(asParent(trunk[0]!), 2, {
      miner: carol,
      transactionsAt: (i) => (i === 0 ? [toCarol] : []),
    });
    expect(chain.addBlocks(paysCarol).status).toBe('reorg');
    expect(chain.getTransaction(idOf(toBob))).toBeUndefined();
    expect(chain.getTransaction(idOf(toCarol))?.block.hash).toBe(hashOf(paysCarol[0]!));
    expect(chain.getAccount(bob.address)).toEqual({ balance: 0, nonce: 0 });
    expect(chain.getAccountTransactionIds(bob.address)).toEqual([]);
    expect(chain.getAccountTransactionIds(alice.address)).toEqual([idOf(trunk[0]!.transactions[0]!), idOf(toCarol)]);
  });

  it('validates a side branch against the ledger at its fork point, spending coins only that branch created', () => {
    const { chain } = createTestChain();
    addBlockOrThrow(chain, mineBlock({ chain, miner: alice }));
    addBlockOrThrow(chain, mineBlock({ chain, miner: alice }));
    const branch = buildBranch(chain.genesis, 3, {
      miner: carol,
      // Carol spends her first branch reward in the second branch block: valid only on this branch.
      transactionsAt: (i) => (i === 1 ? [transfer(carol, bob, 1, 0)] : []),
    });
    expect(chain.addBlocks(branch.slice(0, 2)).status).toBe('side');
    expect(chain.getAccount(carol.address)).toEqual({ balance: 0, nonce: 0 });
    expect(chain.addBlock(branch[2]!).status).toBe('reorg');
    expect(chain.getAccount(carol.address)).toEqual({ balance: 2, nonce: 1 });
    expect(chain.getAccount(alice.address)).toEqual({ balance: 0, nonce: 0 });
  });

  it('refuses a side-branch block that would be valid on the best chain but not on its own branch', () => {
    const { chain } = createTestChain();
    addBlockOrThrow(chain, mineBlock({ chain, miner: alice }));
    const [side] = buildBranch(chain.genesis, 1, { miner: carol });
    chain.addBlock(side!);
    // Alice holds a coin on the best chain only.
    const spends = mineBlock({ parent: asParent(side!), miner: carol, transactions: [transfer(alice, bob, 1, 0)] });
    const result = chain.addBlock(spends);
    expect(result.status === 'invalid' ? result.rejection.code : result.status).toBe('INSUFFICIENT_BALANCE');
    expect(chain.getAccount(alice.address).balance).toBe(1);
  });

  it('moves a transaction that both branches contain to its block on the winning branch', () => {
    const { chain } = createTestChain();
    const [funding] = buildBranch(chain.genesis, 1, { miner: alice });
    addBlockOrThrow(chain, funding!);
    const payment = transfer(alice, bob, 1, 0);
    const ours = addBlockOrThrow(chain, mineBlock({ chain, miner: alice, transactions: [payment] }));
    expect(chain.getTransaction(idOf(payment))?.block.hash).toBe(ours.hash);
    const theirs = buildBranch(asParent(funding!), 2, {
      miner: carol,
      transactionsAt: (i) => (i === 1 ? [payment] : []),
    });
    expect(chain.addBlocks(theirs).status).toBe('reorg');
    expect(chain.getTransaction(idOf(payment))).toMatchObject({ block: { hash: hashOf(theirs[1]!) }, position: 1 });
    expect(chain.getAccountTransactionIds(bob.address)).toEqual([idOf(payment)]);
  });
});
