import { beforeAll, describe, expect, it } from 'vitest';
import { createTestNode, testNetworkParams, testWallet } from '../helpers/testNode.js';
import { BLOCK_FIELDS, gqlData, mineViaApi, SEND, type TestNode } from './apiTestKit.js';

/**
 * The tutorial ("Learn Blockchains by Building One") as GraphQL: mine, send, see it pending, mine it, read it back.
 * The steps share one node and run in order, each checking what the previous one did.
 */
describe('the tutorial walkthrough', () => {
  let testNode: TestNode;
  let nodeAddress: string;
  const client = testWallet('walkthrough-client');
  let firstBlock: any;
  let sentId: string;
  let secondBlock: any;

  beforeAll(() => {
    testNode = createTestNode();
    nodeAddress = testNode.node.wallet.address;
  });

  it('starts with the genesis block only', async () => {
    const data = await gqlData(
      testNode.yoga,
      `{ chain { length genesis { index hash previousHash transactionCount } tip { hash } } }`,
    );
    expect(data.chain.length).toBe(1);
    expect(data.chain.genesis).toMatchObject({ index: 1, previousHash: '0'.repeat(64), transactionCount: 0 });
    expect(data.chain.tip.hash).toBe(data.chain.genesis.hash);
  });

  it('mines a block whose only transaction is the reward from "0" to the node, with the block index as nonce', async () => {
    firstBlock = await mineViaApi(testNode);
    expect(firstBlock.index).toBe(2);
    expect(firstBlock.transactionCount).toBe(1);
    expect(firstBlock.isBest).toBe(true);
    expect(firstBlock.confirmations).toBe(1);
    expect(firstBlock.transactions).toEqual([
      expect.objectContaining({
        sender: '0',
        recipient: nodeAddress,
        amount: 1,
        nonce: 2,
        signature: null,
        isReward: true,
        status: 'CONFIRMED',
        blockIndex: 2,
        position: 0,
      }),
    ]);
    expect(firstBlock.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(firstBlock.difficulty).toBe(testNetworkParams.initialDifficulty);
  });

  it('accepts a send from the node wallet as PENDING, expected in the next block', async () => {
    const data = await gqlData(testNode.yoga, SEND, { recipient: client.address, amount: 1 });
    expect(data.send.__typename).toBe('TransactionAccepted');
    expect(data.send.expectedBlockIndex).toBe(3);
    expect(data.send.transaction).toMatchObject({
      sender: nodeAddress,
      recipient: client.address,
      amount: 1,
      nonce: 0,
      status: 'PENDING',
      blockIndex: null,
    });
    sentId = data.send.transaction.id;
    expect(sentId).toMatch(/^[0-9a-f]{64}$/);
  });

  it('lists the sent transaction among the pending transactions', async () => {
    const data = await gqlData(
      testNode.yoga,
      `query ($id: ID!) {
        pendingTransactions { id sender recipient amount status }
        transaction(id: $id) { id status block { index } blockIndex position }
        node { pendingTransactionCount }
      }`,
      { id: sentId },
    );
    expect(data.pendingTransactions).toEqual([
      { id: sentId, sender: nodeAddress, recipient: client.address, amount: 1, status: 'PENDING' },
    ]);
    expect(data.transaction).toEqual({ id: sentId, status: 'PENDING', block: null, blockIndex: null, position: null });
    expect(data.node.pendingTransactionCount).toBe(1);
  });

  it('shows pending balances and nonces beside the confirmed ones while the transfer waits', async () => {
    const data = await gqlData(
      testNode.yoga,
      `query ($node: String!, $client: String!) {
        node: account(address: $node) { balance nonce pendingBalance pendingNonce }
        client: account(address: $client) { balance nonce pendingBalance pendingNonce }
      }`,
      { node: nodeAddress, client: client.address },
    );
    expect(data.node).toEqual({ balance: 1, nonce: 0, pendingBalance: 0, pendingNonce: 1 });
    expect(data.client).toEqual({ balance: 0, nonce: 0, pendingBalance: 1, pendingNonce: 0 });
  });

  it('mines the next block with the reward and the pending transfer, emptying the mempool', async () => {
    secondBlock = await mineViaApi(testNode);
    expect(secondBlock.index).toBe(3);
    expect(secondBlock.previousHash).toBe(firstBlock.hash);
    expect(secondBlock.transactionCount).toBe(2);
    expect(secondBlock.transactions[0]).toMatchObject({
      sender: '0',
      recipient: nodeAddress,
      nonce: 3,
      isReward: true,
    });
    expect(secondBlock.transactions[1]).toMatchObject({
      id: sentId,
      sender: nodeAddress,
      recipient: client.address,
      amount: 1,
      isReward: false,
      status: 'CONFIRMED',
      blockIndex: 3,
      position: 1,
    });
    expect(secondBlock.transactions[1].signature).toMatch(/^[0-9a-f]{128}$/);
    const data = await gqlData(testNode.yoga, `{ pendingTransactions { id } node { pendingTransactionCount } }`);
    expect(data).toEqual({ pendingTransactions: [], node: { pendingTransactionCount: 0 } });
  });

  it('reports the transfer as CONFIRMED in block 3 by its id', async () => {
    const data = await gqlData(
      testNode.yoga,
      `query ($id: ID!) { transaction(id: $id) { id status blockIndex position block { index hash } } }`,
      { id: sentId.toUpperCase() },
    );
    expect(data.transaction).toEqual({
      id: sentId,
      status: 'CONFIRMED',
      blockIndex: 3,
      position: 1,
      block: { index: 3, hash: secondBlock.hash },
    });
  });

  it('updates both accounts and lists their transactions newest first', async () => {
    const data = await gqlData(
      testNode.yoga,
      `query ($node: String!, $client: String!) {
        node: account(address: $node) { address balance nonce pendingBalance pendingNonce transactions { id blockIndex isReward } }
        client: account(address: $client) { address balance nonce pendingBalance pendingNonce transactions { id blockIndex } }
      }`,
      { node: nodeAddress, client: client.address },
    );
    // Two rewards earned, one coin sent.
    expect(data.node).toMatchObject({ address: nodeAddress, balance: 1, nonce: 1, pendingBalance: 1, pendingNonce: 1 });
    expect(data.node.transactions.map((tx: any) => [tx.blockIndex, tx.isReward])).toEqual([
      [3, false],
      [3, true],
      [2, true],
    ]);
    expect(data.node.transactions[0].id).toBe(sentId);
    expect(data.client).toEqual({
      address: client.address,
      balance: 1,
      nonce: 0,
      pendingBalance: 1,
      pendingNonce: 0,
      transactions: [{ id: sentId, blockIndex: 3 }],
    });
  });

  it('describes the chain: length, total work as the sum of 2^difficulty, tip and blocks oldest first', async () => {
    const data = await gqlData(
      testNode.yoga,
      `{ chain { length totalWork tip { hash index totalWork } blocks { edges { cursor node { index hash difficulty previousHash } } } } }`,
    );
    const { chain } = data;
    expect(chain.length).toBe(3);
    expect(chain.tip).toEqual({ hash: secondBlock.hash, index: 3, totalWork: chain.totalWork });
    const blocks = chain.blocks.edges.map((edge: any) => edge.node);
    expect(blocks.map((block: any) => block.index)).toEqual([1, 2, 3]);
    expect(chain.blocks.edges.map((edge: any) => edge.cursor)).toEqual(['1', '2', '3']);
    expect(blocks[1].previousHash).toBe(blocks[0].hash);
    expect(blocks[2].previousHash).toBe(blocks[1].hash);
    const work = blocks.reduce((sum: bigint, block: any) => sum + (1n << BigInt(block.difficulty)), 0n);
    expect(chain.totalWork).toBe(work.toString());
  });

  it('finds the same block by index and by hash, and null for an unknown hash or index', async () => {
    const data = await gqlData(
      testNode.yoga,
      `query ($hash: String!, $unknown: String!) {
        byIndex: block(index: 3) { ${BLOCK_FIELDS} parent { hash } }
        byHash: block(hash: $hash) { ${BLOCK_FIELDS} parent { hash } }
        unknownHash: block(hash: $unknown) { hash }
        pastTip: block(index: 4) { hash }
        genesis: block(index: 1) { parent { hash } }
      }`,
      { hash: secondBlock.hash.toUpperCase(), unknown: 'ab'.repeat(32) },
    );
    expect(data.byIndex).toEqual(data.byHash);
    expect(data.byIndex.hash).toBe(secondBlock.hash);
    expect(data.byIndex.parent).toEqual({ hash: firstBlock.hash });
    expect(data.unknownHash).toBeNull();
    expect(data.pastTip).toBeNull();
    expect(data.genesis.parent).toBeNull();
  });

  it('reports every field of the node', async () => {
    const data = await gqlData(
      testNode.yoga,
      `{
        node {
          address version networkName genesisHash height tip { hash } totalWork difficulty reward mining hashrate
          peerCount pendingTransactionCount
        }
        chain { genesis { hash } totalWork }
      }`,
    );
    expect(data.node).toEqual({
      address: nodeAddress,
      version: 'test',
      networkName: testNetworkParams.networkName,
      genesisHash: data.chain.genesis.hash,
      height: 3,
      tip: { hash: secondBlock.hash },
      totalWork: data.chain.totalWork,
      difficulty: testNetworkParams.initialDifficulty,
      reward: testNetworkParams.reward,
      mining: false,
      hashrate: 0,
      peerCount: 0,
      pendingTransactionCount: 0,
    });
  });
});
