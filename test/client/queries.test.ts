import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeClient, type NodeClient } from '../../src/client/createNodeClient.js';
import { generateWallet } from '../../src/wallet/wallet.js';
import { startTestServer, type TestServer } from './clientTestKit.js';

let served: TestServer;
let peer: TestServer;
let client: NodeClient;
const recipient = generateWallet();
let transferId: string;

beforeAll(async () => {
  [served, peer] = await Promise.all([startTestServer(), startTestServer({ label: 'client-peer' })]);
  client = createNodeClient(served.url);
  // Chain: genesis + 4 blocks (4 rewards to the node); it sends 2 coins (confirmed in block 5) and 1 more (pending).
  for (let i = 0; i < 3; i++) await served.node.mine();
  const confirmed = await client.send(recipient.address, 2);
  if (!confirmed.ok) throw new Error(confirmed.message);
  await served.node.mine();
  const pending = await client.send(recipient.address, 1);
  if (!pending.ok) throw new Error(pending.message);
  transferId = pending.transaction.id;
});

afterAll(async () => {
  await Promise.all([served?.close(), peer?.close()]);
});

describe('queries of the typed client', () => {
  it('reads the node: identity, network, height, tip and counts', async () => {
    const node = await client.node();
    expect(node.address).toBe(served.node.wallet.address);
    expect(node.networkName).toBe('test-net');
    expect(node.version).toBe('test');
    expect(node.height).toBe(5);
    expect(node.tip.index).toBe(5);
    expect(node.tip.hash).toBe(served.node.chain.tip.hash);
    expect(node.genesisHash).toBe(served.node.chain.genesis.hash);
    expect(node.difficulty).toBe(8);
    expect(node.reward).toBe(1);
    expect(node.pendingTransactionCount).toBe(1);
    expect(node.mining).toBe(false);
    expect(BigInt(node.totalWork)).toBe(5n * 256n);
  });

  it('reads the chain with a page of block headers, oldest first, and pages forward with the end cursor', async () => {
    const first = await client.chain({ first: 2 });
    expect(first.length).toBe(5);
    expect(first.genesisHash).toBe(served.node.chain.genesis.hash);
    expect(first.tip.index).toBe(5);
    expect(first.blocks.map((block) => block.index)).toEqual([1, 2]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const next = await client.chain({ first: 10, after: first.pageInfo.endCursor! });
    expect(next.blocks.map((block) => block.index)).toEqual([3, 4, 5]);
    expect(next.pageInfo.hasNextPage).toBe(false);
    expect(next.blocks[2]!.hash).toBe(next.tip.hash);
    expect(next.blocks[1]!.previousHash).toBe(next.blocks[0]!.hash);
  });

  it('lists the last blocks of the best chain', async () => {
    const blocks = await client.lastBlocks(2);
    expect(blocks.map((block) => block.index)).toEqual([4, 5]);
    expect(blocks[1]!.confirmations).toBe(1);
    expect(blocks[0]!.isBest).toBe(true);
  });

  it('reads the block tree of a range with how each block arrived, and refuses a range over the cap', async () => {
    const tree = await client.blockTree(4, 10);
    expect(tree.map((block) => block.index)).toEqual([4, 5]);
    expect(tree[1]!.hash).toBe(served.node.chain.tip.hash);
    expect(tree[1]!.previousHash).toBe(tree[0]!.hash);
    expect(tree[1]).toMatchObject({ isBest: true, origin: 'MINED', receivedFrom: null });
    expect(tree[1]!.firstSeenAt).toBeGreaterThan(0);
    await expect(client.blockTree(1, 1_001)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('reads a block by index and by hash, with its transactions, and null for one that does not exist', async () => {
    const byIndex = await client.block({ index: 5 });
    expect(byIndex).not.toBeNull();
    const byHash = await client.block({ hash: byIndex!.hash });
    expect(byHash).toEqual(byIndex);
    expect(byIndex!.transactionCount).toBe(2);
    expect(byIndex!.transactions[0]).toMatchObject({
      isReward: true,
      sender: '0',
      recipient: served.node.wallet.address,
    });
    expect(byIndex!.transactions[1]).toMatchObject({
      recipient: recipient.address,
      amount: 2,
      status: 'CONFIRMED',
      blockIndex: 5,
    });
    expect(await client.block({ index: 99 })).toBeNull();
    expect(await client.block({ hash: 'ab'.repeat(32) })).toBeNull();
  });

  it('reads a transaction by id, pending or confirmed, and null for an unknown id', async () => {
    const pending = await client.transaction(transferId);
    expect(pending).toMatchObject({ id: transferId, status: 'PENDING', amount: 1, blockIndex: null, position: null });
    const reward = (await client.block({ index: 2 }))!.transactions[0]!;
    expect(await client.transaction(reward.id)).toMatchObject({
      status: 'CONFIRMED',
      blockIndex: 2,
      position: 0,
      isReward: true,
    });
    expect(await client.transaction('cd'.repeat(32))).toBeNull();
  });

  it('reads an account: balances, nonces and a page of its history', async () => {
    const account = await client.account(recipient.address);
    expect(account).toMatchObject({
      address: recipient.address,
      balance: 2,
      pendingBalance: 3,
      nonce: 0,
      pendingNonce: 0,
      transactionCount: 1,
    });
    expect(account.transactions.map((tx) => tx.amount)).toEqual([2]);
    const sender = await client.account(served.node.wallet.address, { first: 1 });
    expect(sender).toMatchObject({ balance: 4 - 2, pendingBalance: 4 - 3, nonce: 1, pendingNonce: 2 });
    expect(sender.transactions).toHaveLength(1);
  });

  it('lists the mempool', async () => {
    const pending = await client.pendingTransactions();
    expect(pending.map((tx) => tx.id)).toEqual([transferId]);
    expect(await client.pendingTransactions(1)).toHaveLength(1);
  });

  it('lists peers, none at first and then the registered one', async () => {
    expect(await client.peers()).toEqual([]);
    const registered = await client.registerNodes([peer.url]);
    expect(registered.ok).toBe(true);
    const peers = await client.peers();
    expect(peers).toHaveLength(1);
    expect(peers[0]).toMatchObject({
      url: peer.url,
      status: 'REACHABLE',
      address: peer.node.wallet.address,
      height: 1,
      failures: 0,
    });
    const removed = await client.removeNodes([peer.url]);
    expect(removed.ok && removed.removed).toEqual([peer.url]);
  });

  it('reads the request limits', async () => {
    const limits = await client.limits();
    expect(limits).toMatchObject({
      adminTokenRequired: false,
      trustedDocumentsOnly: false,
      maxPageSize: 100,
      maxDepth: 12,
      maxCost: 50_000,
      maxBodyBytes: 2 * 1024 * 1024,
    });
  });

  it('finds the common ancestor of a locator, and null when no hash is on the best chain', async () => {
    const block3 = (await client.block({ index: 3 }))!;
    const ancestor = await client.commonAncestor(['ef'.repeat(32), block3.hash]);
    expect(ancestor).toMatchObject({ index: 3, hash: block3.hash });
    expect(await client.commonAncestor(['ef'.repeat(32)])).toBeNull();
  });

  it('reads blocks in their base64 encoding', async () => {
    const encoded = await client.encodedBlocks(0, 2);
    expect(encoded).toHaveLength(2);
    for (const text of encoded) expect(text).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    expect(await client.encodedBlocks(5)).toEqual([]);
  });
});
