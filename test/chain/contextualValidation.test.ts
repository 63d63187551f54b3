import { describe, expect, it } from 'vitest';
import { blockHash } from '../../src/chain/block.js';
import type { Chain } from '../../src/chain/chain.js';
import { expectedDifficulty, medianTimePast, minimumChildTimestamp } from '../../src/chain/difficulty.js';
import { createGenesisBlock } from '../../src/chain/genesis.js';
import type { BlockRejectionCode } from '../../src/chain/rejections.js';
import { createRewardTransaction } from '../../src/chain/transaction.js';
import type { Block } from '../../src/chain/types.js';
import { checkBlockAlone, checkHeaderAgainstParent } from '../../src/chain/validateBlock.js';
import {
  asParent,
  buildBranch,
  buildChain,
  createTestChain,
  mineBlock,
  sealBlock,
  transfer,
} from '../helpers/chainBuilder.js';
import { alice, bob, carol, minerWallet } from '../helpers/keys.js';
import { createEasyParams, easyParams } from '../helpers/params.js';

// Contextual validation: the rules a block must meet against its parent and the ledger. Each rule test builds a
// block that is intrinsically valid (checked) and breaks exactly one contextual rule.

/** Asserts that the chain refuses `blocks` with `code` at `position`, stores none of them and keeps its tip. */
function expectContextualRejection(
  chain: Chain,
  blocks: readonly Block[],
  code: BlockRejectionCode,
  position = 0,
): void {
  const tipBefore = chain.tip.hash;
  const heightBefore = chain.height;
  const result = chain.addBlocks(blocks);
  expect(result.status).toBe('invalid');
  if (result.status === 'invalid') {
    expect(result.rejection.code).toBe(code);
    expect(result.position).toBe(position);
  }
  expect(chain.tip.hash).toBe(tipBefore);
  expect(chain.height).toBe(heightBefore);
  for (const block of blocks) expect(chain.getBlock(blockHash(block.header))).toBeUndefined();
}

function aliceChain(blocks = 3): Chain {
  return buildChain(blocks, { miner: alice }).chain;
}

describe('contextual block rules', () => {
  it("GENESIS_MISMATCH: rejects a block 1 that is not this network's genesis", () => {
    const { chain } = createTestChain();
    const otherGenesis = createGenesisBlock(createEasyParams({ networkName: 'other-net' }));
    expectContextualRejection(chain, [otherGenesis], 'GENESIS_MISMATCH');
  });

  it('refuses our own genesis under a wrong claimed hash as GENESIS_MISMATCH, and reports it as a duplicate otherwise', () => {
    const { chain } = createTestChain();
    const genesis = createGenesisBlock(easyParams);
    const claimed = chain.addBlock(genesis, 'ab'.repeat(32));
    expect(claimed.status === 'invalid' ? claimed.rejection.code : claimed.status).toBe('GENESIS_MISMATCH');
    expect(chain.addBlock(genesis, chain.genesis.hash)).toEqual({ status: 'duplicate', hash: chain.genesis.hash });
  });

  it('BROKEN_LINK: rejects a run of blocks in which a block does not link to the one before it', () => {
    const { chain } = createTestChain();
    const [ours] = buildBranch(chain.tip, 1, { miner: alice });
    const theirs = buildBranch(chain.tip, 2, { miner: bob });
    // theirs[1] is a valid child of theirs[0], but follows ours[0] in the run.
    expectContextualRejection(chain, [ours!, theirs[1]!], 'BROKEN_LINK', 1);
  });

  it('checkHeaderAgainstParent refuses a block against a parent that is not its previousHash as BROKEN_LINK', () => {
    const { chain } = buildChain(2);
    const block = mineBlock({ chain });
    const wrongParent = chain.getBlockAt(2)!;
    const result = checkHeaderAgainstParent(
      block.header,
      {
        header: wrongParent.block.header,
        hash: wrongParent.hash,
        recentTimestamps: [wrongParent.block.header.timestamp],
      },
      chain.params,
      Number.MAX_SAFE_INTEGER - chain.params.maxFutureBlockTimeMs,
    );
    expect(result.ok ? 'accepted' : result.rejection.code).toBe('BROKEN_LINK');
  });

  it("INDEX_NOT_PARENT_PLUS_ONE: rejects a block whose index is not its parent's index plus one", () => {
    const { chain } = createTestChain();
    const next = chain.nextBlockContext();
    const index = next.index + 1;
    const block = sealBlock({ ...next, index, transactions: [createRewardTransaction(index, alice.address, 1)] });
    expect(checkBlockAlone(block, chain.params).ok).toBe(true);
    expectContextualRejection(chain, [block], 'INDEX_NOT_PARENT_PLUS_ONE');
  });

  it('DIFFICULTY_MISMATCH: rejects a block whose difficulty is not the one its parent requires (even a harder one)', () => {
    const chain = aliceChain();
    const next = chain.nextBlockContext();
    const reward = createRewardTransaction(next.index, minerWallet.address, 1);
    const harder = sealBlock({ ...next, difficulty: next.difficulty + 1, transactions: [reward] });
    expect(checkBlockAlone(harder, chain.params).ok).toBe(true);
    expectContextualRejection(chain, [harder], 'DIFFICULTY_MISMATCH');
  });

  it('TIMESTAMP_NOT_AFTER_MEDIAN_TIME_PAST: rejects a block whose timestamp is not later than the median of the previous blocks', () => {
    const { chain, blocks } = buildChain(5);
    const recent = [chain.tip, ...[...blocks].reverse().slice(1), chain.genesis].map((b) => b.block.header.timestamp);
    const median = medianTimePast(recent.slice(0, chain.params.medianTimeSpan));
    expect(median).toBeLessThan(chain.tip.block.header.timestamp);
    const atMedian = mineBlock({ chain, timestamp: median });
    expect(checkBlockAlone(atMedian, chain.params).ok).toBe(true);
    expectContextualRejection(chain, [atMedian], 'TIMESTAMP_NOT_AFTER_MEDIAN_TIME_PAST');
    // One millisecond later is allowed, even though it is earlier than the parent's own timestamp.
    expect(chain.addBlock(mineBlock({ chain, timestamp: median + 1 })).status).toBe('extended');
  });

  it('TIMESTAMP_TOO_FAR_IN_FUTURE: rejects a block more than maxFutureBlockTimeMs ahead of the node clock, and accepts it once the clock catches up', () => {
    const { chain, clock } = createTestChain();
    const block = mineBlock({ chain, timestamp: clock.now() + chain.params.maxFutureBlockTimeMs + 1 });
    expectContextualRejection(chain, [block], 'TIMESTAMP_TOO_FAR_IN_FUTURE');
    // A block from the future may become valid: the refusal is not remembered.
    clock.advance(1);
    expect(chain.addBlock(block).status).toBe('extended');
  });

  it('accepts a block exactly maxFutureBlockTimeMs ahead of the node clock', () => {
    const { chain, clock } = createTestChain();
    const block = mineBlock({ chain, timestamp: clock.now() + chain.params.maxFutureBlockTimeMs });
    expect(chain.addBlock(block).status).toBe('extended');
  });

  it("NONCE_MISMATCH: rejects a block with a transfer whose nonce is not the sender's next", () => {
    const chain = aliceChain();
    const skipped = transfer(alice, bob, 1, 1);
    expectContextualRejection(chain, [mineBlock({ chain, transactions: [skipped] })], 'NONCE_MISMATCH');
  });

  it('refuses to replay a transfer that is already in the chain (its nonce is used) as NONCE_MISMATCH', () => {
    const chain = aliceChain();
    const payment = transfer(alice, bob, 1, 0);
    expect(chain.addBlock(mineBlock({ chain, transactions: [payment] })).status).toBe('extended');
    expectContextualRejection(chain, [mineBlock({ chain, transactions: [payment] })], 'NONCE_MISMATCH');
  });

  it('INSUFFICIENT_BALANCE: rejects a block with a transfer of more coins than the sender holds', () => {
    const chain = aliceChain();
    expect(chain.getAccount(alice.address).balance).toBe(3);
    expectContextualRejection(
      chain,
      [mineBlock({ chain, transactions: [transfer(alice, bob, 4, 0)] })],
      'INSUFFICIENT_BALANCE',
    );
  });

  it('counts earlier transfers of the same block against the balance', () => {
    const chain = aliceChain();
    const block = mineBlock({ chain, transactions: [transfer(alice, bob, 2, 0), transfer(alice, carol, 2, 1)] });
    expectContextualRejection(chain, [block], 'INSUFFICIENT_BALANCE');
  });

  it('counts coins received earlier in the same block as spendable', () => {
    const chain = aliceChain();
    const block = mineBlock({ chain, transactions: [transfer(alice, bob, 3, 0), transfer(bob, carol, 3, 0)] });
    expect(chain.addBlock(block).status).toBe('extended');
    expect(chain.getAccount(carol.address)).toEqual({ balance: 3, nonce: 0 });
    expect(chain.getAccount(bob.address)).toEqual({ balance: 0, nonce: 1 });
  });

  it('remembers a permanent contextual refusal and repeats it for the same block', () => {
    const chain = aliceChain();
    const block = mineBlock({ chain, transactions: [transfer(alice, bob, 4, 0)] });
    const first = chain.addBlock(block);
    const second = chain.addBlock(block);
    expect(second).toEqual(first);
    expect(second.status === 'invalid' ? second.hash : undefined).toBe(blockHash(block.header));
  });
});

describe('timestamp and difficulty rules', () => {
  it('takes the lower middle as the median of an even count and 0 for no timestamps', () => {
    expect(medianTimePast([5, 1, 3])).toBe(3);
    expect(medianTimePast([4, 1, 3, 2])).toBe(2);
    expect(medianTimePast([])).toBe(0);
    expect(minimumChildTimestamp([10, 30, 20])).toBe(21);
  });

  it('keeps the parent difficulty for every child (no retarget yet)', () => {
    const genesis = createGenesisBlock(easyParams);
    expect(expectedDifficulty(easyParams, genesis.header)).toBe(easyParams.initialDifficulty);
  });

  it('proposes a next-block timestamp that is the clock, raised above the median time past when the clock lags', () => {
    const { chain, clock } = createTestChain();
    expect(chain.nextBlockContext().timestamp).toBe(clock.now());
    clock.set(chain.genesis.block.header.timestamp - 5_000);
    expect(chain.nextBlockContext()).toEqual({
      index: 2,
      previousHash: chain.genesis.hash,
      difficulty: easyParams.initialDifficulty,
      timestamp: chain.genesis.block.header.timestamp + 1,
    });
  });

  it('looks only at the last medianTimeSpan blocks for the median time past', () => {
    const params = createEasyParams({ medianTimeSpan: 3 });
    const { chain } = buildChain(5, { params });
    // The last three timestamps are tip-2000, tip-1000 and tip: the median is tip-1000.
    const tipTime = chain.tip.block.header.timestamp;
    const rejected = chain.addBlock(mineBlock({ chain, timestamp: tipTime - 1_000 }));
    expect(rejected.status === 'invalid' ? rejected.rejection.code : rejected.status).toBe(
      'TIMESTAMP_NOT_AFTER_MEDIAN_TIME_PAST',
    );
    expect(chain.addBlock(mineBlock({ chain, timestamp: tipTime - 999 })).status).toBe('extended');
  });

  it("validates a side branch against its own ancestors' timestamps, not the best chain's", () => {
    const { chain } = buildChain(3);
    const branch = buildBranch(chain.genesis, 2, { miner: carol, spacingMs: 10 });
    expect(chain.addBlocks(branch).status).toBe('side');
    const lateParent = asParent(branch[1]!);
    const child = mineBlock({ chain, parent: lateParent, timestamp: branch[0]!.header.timestamp + 1 });
    expect(chain.addBlock(child).status).toBe('side');
  });
});
