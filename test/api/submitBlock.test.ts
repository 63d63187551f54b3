import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { blockHash, createHeaderTemplate } from '../../src/chain/block.js';
import { meetsDifficulty } from '../../src/chain/pow.js';
import { createRewardTransaction, signTransaction } from '../../src/chain/transaction.js';
import type { Block, BlockHeader, Transaction } from '../../src/chain/types.js';
import { searchProof } from '../../src/mining/searchProof.js';
import { createTestNode, testWallet } from '../helpers/testNode.js';
import { gqlData, mineBlocks, observableState, SEND, type TestNode } from './apiTestKit.js';

const outsideMiner = testWallet('submit-outside-miner');
const bob = testWallet('submit-bob');

const SUBMIT_BLOCK = `mutation SubmitBlock($block: BlockInput!, $hash: String) {
  submitBlock(block: $block, hash: $hash) {
    __typename
    ... on SubmitBlockSuccess { status hash block { index hash isBest transactionCount } }
    ... on Error { code message }
    ... on InvalidInputError { field }
  }
}`;

let testNode: TestNode;

beforeEach(async () => {
  testNode = createTestNode();
  await mineBlocks(testNode, 2);
});

afterEach(() => testNode.node.close());

interface BuildOptions {
  /** Default: the node's tip. */
  readonly parent?: { readonly hash: string; readonly index: number; readonly timestamp: number };
  readonly miner?: string;
  readonly transfers?: readonly Transaction[];
  readonly reward?: number;
}

/** Mines a block by hand (createHeaderTemplate + searchProof), outside the node: what a peer would push. */
function buildBlock(options: BuildOptions = {}): Block {
  const context = testNode.node.chain.nextBlockContext();
  const parent = options.parent;
  const index = parent === undefined ? context.index : parent.index + 1;
  const transactions = [
    createRewardTransaction(
      index,
      options.miner ?? outsideMiner.address,
      options.reward ?? testNode.node.chain.params.reward,
    ),
    ...(options.transfers ?? []),
  ];
  const template = createHeaderTemplate({
    index,
    previousHash: parent === undefined ? context.previousHash : parent.hash,
    timestamp: parent === undefined ? context.timestamp : parent.timestamp + 1_000,
    difficulty: context.difficulty,
    transactions,
  });
  const header = searchProof(template, 0, 10_000_000);
  if (header === undefined) throw new Error('no proof found');
  return { header, transactions };
}

/** A block as the `BlockInput` GraphQL type takes it. */
function toInput(block: Block): Record<string, unknown> {
  return { ...block.header, transactions: block.transactions.map((tx) => ({ ...tx })) };
}

/** The first proof after `block`'s whose hash misses the difficulty: a forged proof. */
function forgedProof(header: BlockHeader): number {
  for (let proof = header.proof + 1; ; proof++) {
    if (!meetsDifficulty(blockHash({ ...header, proof }), header.difficulty)) return proof;
  }
}

async function submit(block: Record<string, unknown>, hash?: string): Promise<any> {
  const data = await gqlData(testNode.yoga, SUBMIT_BLOCK, { block, ...(hash === undefined ? {} : { hash }) });
  return data.submitBlock;
}

/** Submits a block that must be refused with `code`, and checks the chain, mempool and node are as before. */
async function expectRejected(
  block: Record<string, unknown>,
  code: string,
  message: RegExp,
  hash?: string,
): Promise<void> {
  const before = await observableState(testNode.yoga, [outsideMiner.address, testNode.node.wallet.address]);
  const result = await submit(block, hash);
  expect(result).toEqual({ __typename: 'BlockRejectedError', code, message: expect.stringMatching(message) });
  expect(await observableState(testNode.yoga, [outsideMiner.address, testNode.node.wallet.address])).toEqual(before);
}

describe('submitBlock accepts valid blocks and says what it did with them', () => {
  it('extends the best chain with a valid block built by hand', async () => {
    const block = buildBlock();
    const hash = blockHash(block.header);
    const result = await submit(toInput(block), hash);
    expect(result).toEqual({
      __typename: 'SubmitBlockSuccess',
      status: 'EXTENDED',
      hash,
      block: { index: 4, hash, isBest: true, transactionCount: 1 },
    });
    const data = await gqlData(
      testNode.yoga,
      `query ($a: String!) { node { height tip { hash } } account(address: $a) { balance } }`,
      { a: outsideMiner.address },
    );
    expect(data).toEqual({ node: { height: 4, tip: { hash } }, account: { balance: 1 } });
  });

  it('answers DUPLICATE for a block it already has, and changes nothing', async () => {
    const block = buildBlock();
    await submit(toInput(block));
    const before = await observableState(testNode.yoga, [outsideMiner.address]);
    const result = await submit(toInput(block));
    expect(result).toMatchObject({
      __typename: 'SubmitBlockSuccess',
      status: 'DUPLICATE',
      hash: blockHash(block.header),
    });
    expect(result.block.hash).toBe(blockHash(block.header));
    expect(await observableState(testNode.yoga, [outsideMiner.address])).toEqual(before);
  });

  it('answers ORPHAN for a block whose parent is unknown, and stores nothing', async () => {
    const block = buildBlock({ parent: { hash: 'ab'.repeat(32), index: 9, timestamp: testNode.node.now() } });
    const before = await observableState(testNode.yoga, [outsideMiner.address]);
    const result = await submit(toInput(block));
    expect(result).toEqual({
      __typename: 'SubmitBlockSuccess',
      status: 'ORPHAN',
      hash: blockHash(block.header),
      block: null,
    });
    expect(await observableState(testNode.yoga, [outsideMiner.address])).toEqual(before);
    const lookup = await gqlData(testNode.yoga, `query ($h: String!) { block(hash: $h) { index } }`, {
      h: blockHash(block.header),
    });
    expect(lookup.block).toBeNull();
  });

  it('stores an equal-work competitor as SIDE, then follows its branch once it has more work (REORGANIZED)', async () => {
    const tip = testNode.node.chain.tip;
    const parent = testNode.node.chain.getBlock(tip.block.header.previousHash)!;
    const parentRef = { hash: parent.hash, index: parent.block.header.index, timestamp: tip.block.header.timestamp };
    const competitor = buildBlock({ parent: parentRef });
    const side = await submit(toInput(competitor));
    expect(side).toMatchObject({ status: 'SIDE', block: { index: 3, isBest: false } });
    expect(testNode.node.chain.tip.hash).toBe(tip.hash);

    const child = buildBlock({
      parent: { hash: blockHash(competitor.header), index: 3, timestamp: competitor.header.timestamp },
    });
    const reorg = await submit(toInput(child));
    expect(reorg).toMatchObject({ status: 'REORGANIZED', block: { index: 4, isBest: true } });
    const data = await gqlData(
      testNode.yoga,
      `query ($a: String!, $old: String!) {
        block(index: 3) { hash }
        node { height }
        oldTip: block(hash: $old) { isBest confirmations }
        account(address: $a) { balance transactions { blockIndex isReward } }
      }`,
      { a: testNode.node.wallet.address, old: tip.hash },
    );
    expect(data).toEqual({
      block: { hash: blockHash(competitor.header) },
      node: { height: 4 },
      oldTip: { isBest: false, confirmations: 0 },
      // The node's reward in its old block 3 left the best chain with that block.
      account: { balance: 1, transactions: [{ blockIndex: 2, isReward: true }] },
    });
  });
});

describe('submitBlock and the mempool', () => {
  it('returns the transfers of a block that leaves the best chain to the mempool as PENDING', async () => {
    const sent = await gqlData(testNode.yoga, SEND, { recipient: bob.address, amount: 1 });
    const id = sent.send.transaction.id;
    await mineBlocks(testNode, 1); // block 4 holds the transfer
    const block3 = testNode.node.chain.getBlockAt(3)!;
    // Two blocks from block 3 outweigh our block 4.
    const first = buildBlock({ parent: { hash: block3.hash, index: 3, timestamp: block3.block.header.timestamp } });
    const second = buildBlock({
      parent: { hash: blockHash(first.header), index: 4, timestamp: first.header.timestamp },
    });
    expect((await submit(toInput(first))).status).toBe('SIDE');
    expect((await submit(toInput(second))).status).toBe('REORGANIZED');
    const data = await gqlData(
      testNode.yoga,
      `query ($id: ID!) { transaction(id: $id) { status blockIndex } pendingTransactions { id } node { height } }`,
      { id },
    );
    expect(data).toEqual({
      transaction: { status: 'PENDING', blockIndex: null },
      pendingTransactions: [{ id }],
      node: { height: 5 },
    });
  });
});

describe('submitBlock refuses invalid blocks with the consensus rule and leaves the chain unchanged', () => {
  it('refuses a forged proof with INSUFFICIENT_PROOF_OF_WORK', async () => {
    const block = buildBlock();
    const forged = { ...toInput(block), proof: forgedProof(block.header) };
    await expectRejected(forged, 'INSUFFICIENT_PROOF_OF_WORK', /leading zero bits/);
  });

  it('refuses a claimed hash that is not the header hash with HASH_MISMATCH', async () => {
    const block = buildBlock();
    await expectRejected(toInput(block), 'HASH_MISMATCH', /does not match the header/, 'cd'.repeat(32));
  });

  it('refuses a claimed hash that is not 64 hex characters with InvalidInputError naming hash', async () => {
    const before = await observableState(testNode.yoga, []);
    const result = await submit(toInput(buildBlock()), 'not-a-hash');
    expect(result).toMatchObject({ __typename: 'InvalidInputError', code: 'INVALID_INPUT', field: 'hash' });
    expect(await observableState(testNode.yoga, [])).toEqual(before);
  });

  it('refuses a transfer whose amount was changed after sealing with MERKLE_ROOT_MISMATCH', async () => {
    const nodeWallet = testNode.node.wallet;
    const transfer = signTransaction(
      { sender: nodeWallet.address, recipient: bob.address, amount: 1, nonce: 0 },
      nodeWallet.privateKey,
    );
    const input = toInput(buildBlock({ transfers: [transfer] })) as { transactions: Array<Record<string, unknown>> };
    input.transactions[1] = { ...input.transactions[1], amount: 2 };
    await expectRejected(input, 'MERKLE_ROOT_MISMATCH', /merkle/i);
  });

  it('refuses a transfer whose signature was replaced after sealing with INVALID_SIGNATURE', async () => {
    const nodeWallet = testNode.node.wallet;
    const transfer = signTransaction(
      { sender: nodeWallet.address, recipient: bob.address, amount: 1, nonce: 0 },
      nodeWallet.privateKey,
    );
    const other = signTransaction(
      { sender: nodeWallet.address, recipient: bob.address, amount: 1, nonce: 0 },
      bob.privateKey,
    );
    const input = toInput(buildBlock({ transfers: [transfer] })) as { transactions: Array<Record<string, unknown>> };
    input.transactions[1] = { ...input.transactions[1], signature: other.signature };
    await expectRejected(input, 'INVALID_SIGNATURE', /signature/);
  });

  it('refuses a transfer the sender cannot pay with INSUFFICIENT_BALANCE', async () => {
    const transfer = signTransaction(
      { sender: bob.address, recipient: outsideMiner.address, amount: 1, nonce: 0 },
      bob.privateKey,
    );
    await expectRejected(toInput(buildBlock({ transfers: [transfer] })), 'INSUFFICIENT_BALANCE', /balance/);
  });

  it('refuses a reward larger than the network reward with INVALID_REWARD_AMOUNT', async () => {
    await expectRejected(toInput(buildBlock({ reward: 50 })), 'INVALID_REWARD_AMOUNT', /reward/);
  });

  it('refuses a block without a reward with MISSING_REWARD', async () => {
    const block = buildBlock();
    await expectRejected({ ...toInput(block), transactions: [] }, 'MISSING_REWARD', /reward/);
  });

  it('refuses a block whose index does not follow its parent with INDEX_NOT_PARENT_PLUS_ONE', async () => {
    const tip = testNode.node.chain.tip;
    // Index 6 on top of block 3: the proof is valid, the height is not.
    const block = buildBlock({ parent: { hash: tip.hash, index: 5, timestamp: tip.block.header.timestamp } });
    await expectRejected(toInput(block), 'INDEX_NOT_PARENT_PLUS_ONE', /index/);
  });

  it('refuses a block other than this genesis at index 1 with GENESIS_MISMATCH', async () => {
    const genesis = testNode.node.chain.genesis.block;
    const input = { ...genesis.header, merkleRoot: 'ef'.repeat(32), transactions: [] };
    await expectRejected(input, 'GENESIS_MISMATCH', /genesis/);
  });
});
