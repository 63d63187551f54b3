import { describe, expect, it } from 'vitest';
import { blockHash, createHeaderTemplate } from '../../src/chain/block.js';
import type { Chain } from '../../src/chain/chain.js';
import { encodedBlockSize } from '../../src/chain/encoding.js';
import type { ChainParams } from '../../src/chain/params.js';
import { leadingZeroBits } from '../../src/chain/pow.js';
import type { BlockRejectionCode } from '../../src/chain/rejections.js';
import { createRewardTransaction, signTransaction } from '../../src/chain/transaction.js';
import type { Block, Transaction } from '../../src/chain/types.js';
import { checkBlockAlone } from '../../src/chain/validateBlock.js';
import { buildChain, merkleRootOf, mineBlock, sealBlock, transfer } from '../helpers/chainBuilder.js';
import { alice, bob, carol, minerWallet } from '../helpers/keys.js';
import { createEasyParams, easyParams } from '../helpers/params.js';

// Intrinsic validation: the rules a block must meet on its own. Each rule test builds a block that breaks exactly
// that rule (a valid proof of work included, unless the rule is the proof of work) and checks the named code, that
// the chain did not move and that nothing was stored. test/chain/ruleCoverage.test.ts checks that every code of
// BLOCK_REJECTION_CODES has its test here or in contextualValidation.test.ts.

/** A chain whose tip is block 4, every reward to alice: she holds 3 coins (or `blocks` coins) at nonce 0. */
function aliceChain(params: ChainParams = easyParams, blocks = 3): Chain {
  return buildChain(blocks, { params, miner: alice }).chain;
}

/** Mines a block on the tip holding exactly `transactions` (no reward added), with an optional merkle root. */
function sealOnTip(chain: Chain, transactions: readonly Transaction[], merkleRoot?: string): Block {
  const next = chain.nextBlockContext();
  return sealBlock({ ...next, transactions, ...(merkleRoot === undefined ? {} : { merkleRoot }) });
}

/** The reward the next block on `chain` must carry. */
function nextReward(chain: Chain, recipient: string = minerWallet.address): Transaction {
  return createRewardTransaction(chain.nextBlockContext().index, recipient, chain.params.reward);
}

function hashOrUndefined(block: Block): string | undefined {
  try {
    return blockHash(block.header);
  } catch {
    return undefined;
  }
}

/** Asserts that the chain refuses `block` with `code` (also when validated alone) and that nothing changed. */
function expectIntrinsicRejection(chain: Chain, block: Block, code: BlockRejectionCode, claimedHash?: string): void {
  const tipBefore = chain.tip.hash;
  const standalone = checkBlockAlone(block, chain.params, claimedHash);
  expect(standalone.ok ? 'accepted' : standalone.rejection.code).toBe(code);
  const result = chain.addBlock(block, claimedHash);
  expect(result.status).toBe('invalid');
  if (result.status === 'invalid') {
    expect(result.rejection.code).toBe(code);
    expect(result.rejection.message.length).toBeGreaterThan(0);
    expect(result.position).toBe(0);
  }
  expect(chain.tip.hash).toBe(tipBefore);
  const hash = hashOrUndefined(block);
  if (hash !== undefined) expect(chain.getBlock(hash)).toBeUndefined();
}

describe('intrinsic block rules', () => {
  it('accepts the valid block that the rule tests below each break in one way', () => {
    const chain = aliceChain();
    const block = mineBlock({ chain, transactions: [transfer(alice, bob, 2, 0)] });
    expect(checkBlockAlone(block, chain.params).ok).toBe(true);
    expect(chain.addBlock(block, blockHash(block.header)).status).toBe('extended');
  });

  it('MALFORMED_BLOCK: rejects a block whose header field is not in canonical form (uppercase previousHash)', () => {
    const chain = aliceChain();
    const block = mineBlock({ chain });
    const malformed = { ...block, header: { ...block.header, previousHash: block.header.previousHash.toUpperCase() } };
    expectIntrinsicRejection(chain, malformed, 'MALFORMED_BLOCK');
  });

  it.each([
    ['an index of 0', { index: 0 }],
    ['a fractional timestamp', { timestamp: 1.5 }],
    ['a negative proof', { proof: -1 }],
    ['a proof above 2^53-1', { proof: 2 ** 53 }],
    ['a difficulty above 255', { difficulty: 256 }],
    ['a short merkle root', { merkleRoot: 'ab' }],
  ])('refuses a header with %s as MALFORMED_BLOCK', (_label, change) => {
    const chain = aliceChain();
    const block = mineBlock({ chain });
    expectIntrinsicRejection(chain, { ...block, header: { ...block.header, ...change } }, 'MALFORMED_BLOCK');
  });

  it('refuses a reward that carries a signature as MALFORMED_BLOCK', () => {
    const chain = aliceChain();
    const reward = { ...nextReward(chain), signature: 'ab'.repeat(64) };
    expectIntrinsicRejection(chain, sealOnTip(chain, [reward]), 'MALFORMED_BLOCK');
  });

  it('refuses an empty run of blocks as MALFORMED_BLOCK', () => {
    const chain = aliceChain();
    const result = chain.addBlocks([]);
    expect(result.status === 'invalid' ? result.rejection.code : result.status).toBe('MALFORMED_BLOCK');
  });

  it('HASH_MISMATCH: rejects a block whose claimed hash is not the hash of its header, and accepts it with the right one', () => {
    const chain = aliceChain();
    const block = mineBlock({ chain });
    expectIntrinsicRejection(chain, block, 'HASH_MISMATCH', chain.tip.hash);
    // A wrong claim says nothing about the block itself: it is not remembered as invalid.
    expect(chain.addBlock(block, blockHash(block.header)).status).toBe('extended');
  });

  it('INSUFFICIENT_PROOF_OF_WORK: rejects a block whose hash has fewer leading zero bits than its difficulty', () => {
    const chain = aliceChain();
    const next = chain.nextBlockContext();
    const template = createHeaderTemplate({ ...next, transactions: [nextReward(chain)] });
    let proof = 0;
    while (leadingZeroBits(blockHash({ ...template, proof })) >= template.difficulty) proof++;
    const block: Block = { header: { ...template, proof }, transactions: [nextReward(chain)] };
    expectIntrinsicRejection(chain, block, 'INSUFFICIENT_PROOF_OF_WORK');
    // The proof of work is decided by the header alone, so the refusal is remembered and repeated by hash.
    const again = chain.addBlock(block);
    expect(again.status === 'invalid' ? [again.rejection.code, again.hash] : again.status).toEqual([
      'INSUFFICIENT_PROOF_OF_WORK',
      blockHash(block.header),
    ]);
  });

  it('MERKLE_ROOT_MISMATCH: rejects a block whose merkle root does not commit to its transactions (a transfer slipped in after mining)', () => {
    const chain = aliceChain();
    const reward = nextReward(chain);
    const block = sealOnTip(chain, [reward, transfer(alice, bob, 1, 0)], merkleRootOf([reward]));
    expectIntrinsicRejection(chain, block, 'MERKLE_ROOT_MISMATCH');
  });

  it('MISSING_REWARD: rejects a block whose first transaction is not the reward from sender "0"', () => {
    const chain = aliceChain();
    expectIntrinsicRejection(chain, sealOnTip(chain, [transfer(alice, bob, 1, 0)]), 'MISSING_REWARD');
  });

  it('refuses a block with no transactions at all as MISSING_REWARD', () => {
    const chain = aliceChain();
    expectIntrinsicRejection(chain, sealOnTip(chain, []), 'MISSING_REWARD');
  });

  it('REWARD_NOT_FIRST: rejects a block with a second reward transaction after the first', () => {
    const chain = aliceChain();
    const block = sealOnTip(chain, [nextReward(chain), transfer(alice, bob, 1, 0), nextReward(chain, carol.address)]);
    expectIntrinsicRejection(chain, block, 'REWARD_NOT_FIRST');
  });

  it('INVALID_REWARD_AMOUNT: rejects a block whose reward is not params.reward', () => {
    const chain = aliceChain();
    const reward = { ...nextReward(chain), amount: chain.params.reward + 1 };
    expectIntrinsicRejection(chain, sealOnTip(chain, [reward]), 'INVALID_REWARD_AMOUNT');
  });

  it('INVALID_REWARD_NONCE: rejects a block whose reward nonce is not the block index', () => {
    const chain = aliceChain();
    const reward = { ...nextReward(chain), nonce: chain.nextBlockContext().index + 1 };
    expectIntrinsicRejection(chain, sealOnTip(chain, [reward]), 'INVALID_REWARD_NONCE');
  });

  it('INVALID_SIGNATURE: rejects a block with a transfer that is not signed by its sender', () => {
    const chain = aliceChain();
    const forged = signTransaction(
      { sender: alice.address, recipient: bob.address, amount: 1, nonce: 0 },
      bob.privateKey,
    );
    expectIntrinsicRejection(chain, sealOnTip(chain, [nextReward(chain), forged]), 'INVALID_SIGNATURE');
  });

  it('INVALID_AMOUNT: rejects a block with a transfer of zero coins', () => {
    const chain = aliceChain();
    expectIntrinsicRejection(
      chain,
      sealOnTip(chain, [nextReward(chain), transfer(alice, bob, 0, 0)]),
      'INVALID_AMOUNT',
    );
  });

  it('DUPLICATE_TRANSACTION: rejects a block that holds the same transaction twice', () => {
    const chain = aliceChain();
    const payment = transfer(alice, bob, 1, 0);
    expectIntrinsicRejection(chain, sealOnTip(chain, [nextReward(chain), payment, payment]), 'DUPLICATE_TRANSACTION');
  });

  it('TOO_MANY_TRANSACTIONS: rejects a block with more than maxTransactionsPerBlock transactions, the reward included', () => {
    const chain = aliceChain(createEasyParams({ maxTransactionsPerBlock: 2 }));
    const payments = [transfer(alice, bob, 1, 0), transfer(alice, bob, 1, 1)];
    expectIntrinsicRejection(chain, mineBlock({ chain, transactions: payments }), 'TOO_MANY_TRANSACTIONS');
    expect(chain.addBlock(mineBlock({ chain, transactions: payments.slice(0, 1) })).status).toBe('extended');
  });

  it('BLOCK_TOO_LARGE: rejects a block whose encoding exceeds maxBlockBytes', () => {
    const params = createEasyParams({ maxBlockBytes: 1_024 });
    const chain = aliceChain(params, 6);
    const payments = [0, 1, 2, 3, 4, 5].map((nonce) => transfer(alice, bob, 1, nonce));
    expect(encodedBlockSize(1 + payments.length)).toBeGreaterThan(params.maxBlockBytes);
    expect(encodedBlockSize(payments.length)).toBeLessThanOrEqual(params.maxBlockBytes);
    expectIntrinsicRejection(chain, mineBlock({ chain, transactions: payments }), 'BLOCK_TOO_LARGE');
    expect(chain.addBlock(mineBlock({ chain, transactions: payments.slice(0, 5) })).status).toBe('extended');
  });
});
