import { describe, expect, it } from 'vitest';
import { blockHash } from '../../src/chain/block.js';
import { hasMoreWork } from '../../src/chain/forkChoice.js';
import { blockWork } from '../../src/chain/pow.js';
import type { Block } from '../../src/chain/types.js';
import { asParent, buildBranch, buildChain, createTestChain, mineBlock, transfer } from '../helpers/chainBuilder.js';
import { alice, bob, carol } from '../helpers/keys.js';
import { EASY_DIFFICULTY } from '../helpers/params.js';

// Fork choice: the valid branch with the most cumulative work (Σ 2^difficulty, recomputed from validated headers)
// is the best chain; on a tie the chain we follow stays. Blocks arrive one by one or as linked runs.

const hashOf = (block: Block): string => blockHash(block.header);

describe('fork choice', () => {
  it('records cumulative work as the sum of 2^difficulty from the genesis', () => {
    const { chain, blocks } = buildChain(4);
    expect(chain.genesis.totalWork).toBe(blockWork(EASY_DIFFICULTY));
    blocks.forEach((stored, i) => {
      expect(stored.totalWork).toBe(BigInt(i + 2) * blockWork(EASY_DIFFICULTY));
    });
    expect(chain.tip.totalWork).toBe(5n * 256n);
  });

  it('follows the branch with more cumulative work', () => {
    const { chain } = buildChain(2, { miner: alice });
    const branch = buildBranch(chain.genesis, 3, { miner: bob });
    expect(chain.addBlocks(branch.slice(0, 2)).status).toBe('side');
    const result = chain.addBlock(branch[2]!);
    expect(result.status).toBe('reorg');
    expect(chain.tip.hash).toBe(hashOf(branch[2]!));
    expect(chain.height).toBe(4);
  });

  it('keeps our tip when a competing branch has equal work (a tie keeps ours)', () => {
    const { chain } = buildChain(2, { miner: alice });
    const ourTip = chain.tip.hash;
    const branch = buildBranch(chain.genesis, 2, { miner: bob });
    const result = chain.addBlocks(branch);
    expect(result.status).toBe('side');
    expect(chain.tip.hash).toBe(ourTip);
    expect(chain.getBlock(hashOf(branch[1]!))?.totalWork).toBe(chain.tip.totalWork);
    expect(chain.isBest(hashOf(branch[1]!))).toBe(false);
  });

  it('stores a lighter branch as a side branch without moving the tip', () => {
    const { chain } = buildChain(3, { miner: alice });
    const ourTip = chain.tip.hash;
    const [side] = buildBranch(chain.genesis, 1, { miner: bob });
    const result = chain.addBlock(side!);
    expect(result.status === 'side' ? result.added.map((s) => s.hash) : result.status).toEqual([hashOf(side!)]);
    expect(chain.tip.hash).toBe(ourTip);
    expect(chain.getBlock(hashOf(side!))).toBeDefined();
  });

  it('reports an orphan when the parent is unknown, stores nothing, and accepts the block once its parent arrives', () => {
    const { chain } = createTestChain();
    const [parent, child] = buildBranch(chain.genesis, 2);
    const result = chain.addBlock(child!);
    expect(result).toEqual({ status: 'orphan', hash: hashOf(child!), missingParent: hashOf(parent!) });
    expect(chain.getBlock(hashOf(child!))).toBeUndefined();
    expect(chain.height).toBe(1);
    expect(chain.addBlock(parent!).status).toBe('extended');
    expect(chain.addBlock(child!).status).toBe('extended');
    expect(chain.height).toBe(3);
  });

  it('reports a duplicate for a block it already holds, on the best chain or on a side branch', () => {
    const { chain, blocks } = buildChain(2);
    const tipBefore = chain.tip.hash;
    expect(chain.addBlock(blocks[1]!.block)).toEqual({ status: 'duplicate', hash: blocks[1]!.hash });
    const [side] = buildBranch(chain.genesis, 1, { miner: carol });
    chain.addBlock(side!);
    expect(chain.addBlock(side!)).toEqual({ status: 'duplicate', hash: hashOf(side!) });
    expect(chain.addBlocks(blocks.map((s) => s.block))).toEqual({ status: 'duplicate', hash: blocks[1]!.hash });
    expect(chain.tip.hash).toBe(tipBefore);
  });

  it('skips the already-known leading blocks of a run and adds the rest', () => {
    const { chain, blocks } = buildChain(2);
    const more = buildBranch(chain.tip, 2);
    const result = chain.addBlocks([...blocks.map((s) => s.block), ...more]);
    expect(result.status === 'extended' ? result.connected.map((s) => s.hash) : result.status).toEqual(
      more.map(hashOf),
    );
    expect(chain.height).toBe(5);
  });

  it('adds a run all or nothing: an intrinsically invalid block in the middle stores none of the run', () => {
    const { chain } = buildChain(1, { miner: alice });
    const tipBefore = chain.tip.hash;
    const run = buildBranch(chain.tip, 3, { transactionsAt: (i) => (i === 1 ? [transfer(alice, bob, 1, 0)] : []) });
    const middle = run[1]!;
    const tampered: Block = {
      ...middle,
      transactions: [middle.transactions[0]!, { ...middle.transactions[1]!, signature: '00'.repeat(64) }],
    };
    const result = chain.addBlocks([run[0]!, tampered, run[2]!]);
    expect(result.status === 'invalid' ? [result.position, result.rejection.code] : result.status).toEqual([
      1,
      'INVALID_SIGNATURE',
    ]);
    expect(chain.tip.hash).toBe(tipBefore);
    for (const block of run) expect(chain.getBlock(hashOf(block))).toBeUndefined();
    expect(chain.addBlocks(run).status).toBe('extended');
  });

  it('adds a run all or nothing: a contextually invalid block in the middle stores none of the run', () => {
    const { chain } = buildChain(1, { miner: alice });
    const tipBefore = chain.tip.hash;
    const run = buildBranch(chain.tip, 3, { transactionsAt: (i) => (i === 1 ? [transfer(alice, bob, 5, 0)] : []) });
    const result = chain.addBlocks(run);
    expect(result.status === 'invalid' ? [result.position, result.rejection.code] : result.status).toEqual([
      1,
      'INSUFFICIENT_BALANCE',
    ]);
    expect(chain.tip.hash).toBe(tipBefore);
    for (const block of run) expect(chain.getBlock(hashOf(block))).toBeUndefined();
  });

  it('does not switch to a heavier branch whose last block is invalid, and stores none of it', () => {
    const { chain } = buildChain(2, { miner: alice });
    const tipBefore = chain.tip.hash;
    const branch = buildBranch(chain.genesis, 3, {
      miner: bob,
      transactionsAt: (i) => (i === 2 ? [transfer(bob, carol, 4, 0)] : []),
    });
    const result = chain.addBlocks(branch);
    expect(result.status === 'invalid' ? [result.position, result.rejection.code] : result.status).toEqual([
      2,
      'INSUFFICIENT_BALANCE',
    ]);
    expect(chain.tip.hash).toBe(tipBefore);
    for (const block of branch) expect(chain.getBlock(hashOf(block))).toBeUndefined();
  });

  it('checks claimed hashes of a run position by position (HASH_MISMATCH at the wrong one)', () => {
    const { chain } = createTestChain();
    const run = buildBranch(chain.genesis, 2);
    const result = chain.addBlocks(run, [hashOf(run[0]!), hashOf(run[0]!)]);
    expect(result.status === 'invalid' ? [result.position, result.rejection.code] : result.status).toEqual([
      1,
      'HASH_MISMATCH',
    ]);
    expect(chain.height).toBe(1);
    expect(chain.addBlocks(run, run.map(hashOf)).status).toBe('extended');
  });

  it('rejects a copy of a good block with a tampered signature without poisoning the good block', () => {
    const { chain } = buildChain(1, { miner: alice });
    const good = mineBlock({ chain, transactions: [transfer(alice, bob, 1, 0)] });
    const hash = hashOf(good);
    const payment = good.transactions[1]!;
    const flipped = (payment.signature![0] === 'a' ? 'b' : 'a') + payment.signature!.slice(1);
    const tampered: Block = { ...good, transactions: [good.transactions[0]!, { ...payment, signature: flipped }] };
    // Same header, so same hash: the header commits to transaction ids, which exclude signatures.
    expect(hashOf(tampered)).toBe(hash);
    for (let attempt = 0; attempt < 2; attempt++) {
      const result = chain.addBlock(tampered, hash);
      expect(result.status === 'invalid' ? result.rejection.code : result.status).toBe('INVALID_SIGNATURE');
    }
    expect(chain.getBlock(hash)).toBeUndefined();
    expect(chain.addBlock(good, hash).status).toBe('extended');
    expect(chain.tip.block.transactions[1]!.signature).toBe(payment.signature);
    // Once the good block is stored, a copy with its hash is a duplicate: its body is not even read (headers are
    // checked first), and the stored block keeps its valid signature.
    const late = chain.addBlock(tampered, hash);
    expect(late.status).toBe('duplicate');
    expect(chain.getBlock(hash)!.block.transactions[1]!.signature).toBe(payment.signature);
  });

  it('rejects a copy of a good block with a changed transaction (MERKLE_ROOT_MISMATCH) without poisoning the good block', () => {
    const { chain } = buildChain(2, { miner: alice });
    const good = mineBlock({ chain, transactions: [transfer(alice, bob, 1, 0)] });
    const changed: Block = { ...good, transactions: [good.transactions[0]!, transfer(alice, bob, 2, 0)] };
    const result = chain.addBlock(changed, hashOf(good));
    expect(result.status === 'invalid' ? result.rejection.code : result.status).toBe('MERKLE_ROOT_MISMATCH');
    expect(chain.addBlock(good, hashOf(good)).status).toBe('extended');
  });

  it('builds on a side-branch block and switches once that branch is heavier', () => {
    const { chain } = buildChain(1, { miner: alice });
    const [side] = buildBranch(chain.genesis, 1, { miner: bob });
    expect(chain.addBlock(side!).status).toBe('side');
    const child = mineBlock({ chain, parent: asParent(side!), miner: bob });
    expect(chain.addBlock(child).status).toBe('reorg');
    expect(chain.getAccount(bob.address).balance).toBe(2);
    expect(chain.getAccount(alice.address).balance).toBe(0);
  });
});

describe('fork choice module', () => {
  it('hasMoreWork: strictly more cumulative work wins, a tie does not', () => {
    const { chain, blocks } = buildChain(2);
    expect(hasMoreWork(chain.tip, blocks[0]!)).toBe(true);
    expect(hasMoreWork(blocks[0]!, chain.tip)).toBe(false);
    expect(hasMoreWork(chain.tip, chain.tip)).toBe(false);
  });
});
