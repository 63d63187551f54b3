import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNodeClient, type NodeClient } from '../../src/client/createNodeClient.js';
import { TransactionDroppedError } from '../../src/client/errors.js';
import { assertOk } from '../../src/client/result.js';
import type { TransactionStatusUpdate } from '../../src/client/types.js';
import { generateWallet, signTransfer } from '../../src/wallet/wallet.js';
import { buildBranch } from '../helpers/chainBuilder.js';
import { testWallet } from '../helpers/keys.js';
import { startTestServer, type TestServer } from './clientTestKit.js';

// The typed client follows a transfer to its confirmation: submitAndWait / sendAndWait, simulateTransaction,
// and the transactionStatus and pendingTransaction subscriptions.

let served: TestServer;
let client: NodeClient;

beforeEach(async () => {
  served = await startTestServer();
  client = createNodeClient(served.url);
});

afterEach(async () => {
  await served.close();
});

/** Mines a block whenever the mempool holds a transfer, until stopped. */
function mineWhatArrives(): () => void {
  const subscription = client.subscribePendingTransactions({ includeCurrent: true });
  void (async () => {
    for await (const _pending of subscription) assertOk(await client.mine());
  })();
  return () => void subscription.return?.();
}

describe('waiting for a transfer in the typed client', () => {
  it('submitAndWait resolves once the transfer has the confirmations asked for, reporting each status', async () => {
    const alice = generateWallet();
    for (let i = 0; i < 2; i++) assertOk(await client.mine());
    assertOk(await client.send(alice.address, 2));
    assertOk(await client.mine());
    const { id, ...signed } = signTransfer(alice, { recipient: generateWallet().address, amount: 1, nonce: 0 });
    const simulated = await client.simulateTransaction(signed);
    assertOk(simulated);
    expect(simulated.transaction.id).toBe(id);
    expect(await client.pendingTransactions()).toEqual([]);

    const seen: TransactionStatusUpdate[] = [];
    const stop = mineWhatArrives();
    const waiting = client.submitAndWait(signed, { confirmations: 2, onStatus: (status) => seen.push(status) });
    // The second confirmation needs one more block on top of the one that holds the transfer.
    const confirmedOnce = async () => {
      while (!seen.some((status) => status.status === 'CONFIRMED')) await new Promise((r) => setTimeout(r, 5));
      assertOk(await client.mine());
    };
    const [result] = await Promise.all([waiting, confirmedOnce()]);
    stop();
    assertOk(result);
    expect(result.transaction.id).toBe(id);
    expect(result.status).toMatchObject({ status: 'CONFIRMED', confirmations: 2 });
    expect(seen.map((status) => `${status.status}:${status.confirmations}`)).toEqual([
      'PENDING:0',
      'CONFIRMED:1',
      'CONFIRMED:2',
    ]);
  });

  it('sendAndWait answers a refusal as a refusal, without waiting', async () => {
    const refused = await client.sendAndWait(generateWallet().address, 5);
    expect(refused).toMatchObject({ ok: false, code: 'INSUFFICIENT_BALANCE' });
  });

  it('sendAndWait throws TransactionDroppedError when a reorganization leaves the transfer unable to apply', async () => {
    const forkPoint = served.node.chain.tip;
    assertOk(await client.mine());
    const waiting = client.sendAndWait(generateWallet().address, 1);
    // A longer branch from before the node's only coin: the transfer can no longer be paid.
    while (served.node.mempool.size === 0) await new Promise((r) => setTimeout(r, 5));
    for (const block of buildBranch(forkPoint, 3, { miner: testWallet('rival') })) served.node.submitBlock(block);
    const error = await waiting.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TransactionDroppedError);
    expect((error as TransactionDroppedError).reason).toMatch(/balance/);
  });
});

describe('sync status in the typed client', () => {
  it('reads it, and subscribes to its changes starting with the current one', async () => {
    expect(await client.syncStatus()).toEqual({
      syncing: false,
      height: 1,
      bestPeerHeight: null,
      behind: 0,
      peersAhead: 0,
    });
    const changes = client.subscribeSyncStatus();
    expect((await changes.next()).value).toMatchObject({ height: 1, behind: 0 });
    assertOk(await client.mine());
    expect((await changes.next()).value).toMatchObject({ height: 2, syncing: false });
    await changes.return?.();
  });
});

describe('read your writes across nodes (readYourWrites)', () => {
  it('sends x-min-height with the highest height seen, so a node behind answers NODE_BEHIND until it catches up', async () => {
    const behind = await startTestServer({ label: 'behind', limits: { minHeightWaitMs: 50 } });
    try {
      // A "balancer": writes go to the served node, reads to `behind`.
      let target = served.url;
      const sent: Array<string | null> = [];
      const balanced = createNodeClient(served.url, {
        readYourWrites: true,
        fetch: (input, init) => {
          sent.push(new Headers(init?.headers).get('x-min-height'));
          return fetch(String(input).replace(served.url, target), init);
        },
      });
      expect((await balanced.node()).height).toBe(1);
      expect(balanced.lastSeenChain()).toEqual({ height: 1, tipHash: served.node.chain.tip.hash });
      const mined = await balanced.mine();
      assertOk(mined);
      expect(balanced.lastSeenChain()?.height).toBe(2);
      target = behind.url;
      const error = await balanced.node().catch((caught: unknown) => caught);
      expect(error).toMatchObject({ name: 'NodeGraphQLError', code: 'NODE_BEHIND' });
      // Once the block reaches the other node, the same read succeeds there.
      behind.node.submitBlock(served.node.chain.tip.block);
      expect((await balanced.node()).height).toBe(2);
      expect(sent).toEqual([null, '1', '2', '2']);
      // Without the option nothing is sent.
      const plain = createNodeClient(behind.url, {
        fetch: (input, init) => {
          expect(new Headers(init?.headers).get('x-min-height')).toBeNull();
          return fetch(input, init);
        },
      });
      expect((await plain.node()).height).toBe(2);
      expect((await plain.node()).height).toBe(2);
    } finally {
      await behind.close();
    }
  });
});
