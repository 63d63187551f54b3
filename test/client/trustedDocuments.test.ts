import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTrustedDocuments } from '../../src/api/trustedDocuments.js';
import { blockInputOf } from '../../src/client/blockInputOf.js';
import { createNodeClient, type NodeClient } from '../../src/client/createNodeClient.js';
import type { NodeSubscription } from '../../src/client/openSubscription.js';
import { assertOk, type NodeResult } from '../../src/client/result.js';
import { generateWallet, signTransfer } from '../../src/wallet/wallet.js';
import { eventually, startTestServer, type TestServer } from './clientTestKit.js';

/**
 * The typed client, unchanged, against a node that runs only its trusted documents (`--trusted-documents`): every
 * query, mutation and subscription it sends is one of the manifest's documents, so each works; the node says the
 * mode is on in `limits()`.
 */

let served: TestServer;
let peer: TestServer;
let client: NodeClient;
const subscriptions: NodeSubscription<unknown>[] = [];

beforeAll(async () => {
  const trustedDocuments = await loadTrustedDocuments();
  [served, peer] = await Promise.all([
    startTestServer({ trustedDocuments }),
    startTestServer({ label: 'trusted-peer', trustedDocuments }),
  ]);
  client = createNodeClient(served.url);
});

afterAll(async () => {
  await Promise.all(subscriptions.splice(0).map((subscription) => subscription.close()));
  await Promise.all([served?.close(), peer?.close()]);
});

/** The accepted result (a refusal fails the test with its code and message). */
function ok<T>(result: NodeResult<T>): T & { readonly ok: true } {
  assertOk(result);
  return result;
}

function track<T>(subscription: NodeSubscription<T>): NodeSubscription<T> {
  subscriptions.push(subscription as NodeSubscription<unknown>);
  return subscription;
}

describe('the typed client against a node with trusted documents only', () => {
  it('reads limits (trustedDocumentsOnly: true), the node, the chain, blocks, the mempool and the sync status', async () => {
    expect(await client.limits()).toMatchObject({ trustedDocumentsOnly: true, adminTokenRequired: false });
    const info = await client.node();
    expect(info.height).toBe(1);
    const page = await client.chain({ first: 5 });
    expect(page.length).toBe(1);
    expect(await client.lastBlocks(1)).toHaveLength(1);
    expect((await client.block({ index: 1 }))?.hash).toBe(info.tip.hash);
    expect((await client.block({ hash: info.tip.hash }))?.index).toBe(1);
    expect(await client.pendingTransactions()).toEqual([]);
    expect((await client.commonAncestor([info.tip.hash]))?.index).toBe(1);
    expect(await client.encodedBlocks(0, 1)).toHaveLength(1);
    expect(await client.syncStatus()).toMatchObject({ syncing: false, height: 1 });
    expect(client.lastSeenChain()?.height).toBe(1);
  });

  it('mines, sends, signs and follows transfers to their confirmation (subscriptions over graphql-ws)', async () => {
    const blocks = track(client.subscribeNewBlocks({ afterIndex: 1 }));
    await blocks.connected;
    const mined = ok(await client.mine());
    expect((await blocks.next()).value).toMatchObject({ index: 2, hash: mined.block.hash });
    for (let i = 0; i < 3; i++) ok(await client.mine());

    const wallet = generateWallet();
    const pending = track(client.subscribePendingTransactions({ includeCurrent: true }));
    await pending.connected;
    const sent = ok(await client.send(wallet.address, 3));
    expect((await pending.next()).value).toMatchObject({ id: sent.transaction.id });
    const status = track(client.subscribeTransactionStatus(sent.transaction.id));
    expect((await status.next()).value).toMatchObject({ id: sent.transaction.id, status: 'PENDING' });
    ok(await client.mine());
    expect((await status.next()).value).toMatchObject({ status: 'CONFIRMED', confirmations: 1 });

    const recipient = generateWallet();
    const { id: _id, ...first } = signTransfer(wallet, { recipient: recipient.address, amount: 1, nonce: 0 });
    expect(ok(await client.simulateTransaction(first)).expectedBlockIndex).toBe(7);
    ok(await client.sendSigned(wallet, recipient.address, 1));
    const { id: _second, ...second } = signTransfer(wallet, { recipient: recipient.address, amount: 1, nonce: 1 });
    const waiting = client.submitAndWait(second, { confirmations: 1 });
    await eventually('the second transfer in the mempool', () => served.node.mempool.size === 2);
    ok(await client.mine());
    expect(ok(await waiting).status).toMatchObject({ status: 'CONFIRMED', confirmations: 1 });
    const account = await client.account(recipient.address);
    expect(account).toMatchObject({ balance: 2, transactionCount: 2 });
    expect((await client.transaction(account.transactions[0]!.id))?.status).toBe('CONFIRMED');
  }, 20_000);

  it('registers a peer, which syncs from this node through the peer protocol, resolves and removes it', async () => {
    ok(await client.mine());
    const peers = track(client.subscribePeerChanged());
    await peers.connected;
    const registered = ok(await client.registerNodes([peer.url]));
    expect(registered.added).toEqual([expect.objectContaining({ url: peer.url, status: 'REACHABLE' })]);
    expect((await peers.next()).value).toMatchObject({ url: peer.url });
    const resolution = await client.resolve();
    expect(resolution.peers).toEqual([expect.objectContaining({ url: peer.url, outcome: 'AHEAD' })]);
    // The peer (trusted-only too) syncs our chain through the peer protocol's trusted documents.
    const peerClient = createNodeClient(peer.url);
    ok(await peerClient.registerNodes([served.url]));
    const adopted = await peerClient.resolve();
    expect(adopted.replaced).toBe(true);
    expect(adopted.peers).toEqual([expect.objectContaining({ url: served.url, outcome: 'ADOPTED' })]);
    expect((await peerClient.node()).tip.hash).toBe((await client.node()).tip.hash);
    expect((await client.peers()).map((entry) => entry.url)).toEqual([peer.url]);
    ok(await client.removeNodes([peer.url]));
    expect(await client.peers()).toEqual([]);
  });

  it('starts and stops mining, and pushes a block as a peer would', async () => {
    expect((await client.startMining()).continuous).toBe(true);
    expect((await client.stopMining()).continuous).toBe(false);
    const tip = await client.block({ index: (await client.node()).height });
    const pushed = ok(await client.submitBlock(blockInputOf(tip!), { hash: tip!.hash }));
    expect(pushed.status).toBe('DUPLICATE');
  });
});
