import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createYogaApp } from '../../src/api/yoga.js';
import { ChainDb } from '../../src/chain/db/chainDb.js';
import { type KeyValueOperation, MemoryKeyValueStore } from '../../src/chain/db/keyValue.js';
import { transactionId } from '../../src/chain/transaction.js';
import { MainThreadMiner } from '../../src/mining/mainThreadMiner.js';
import { Node, NotStoredError } from '../../src/node/node.js';
import { relayTransactionsDocument } from '../../src/peer/relayDocuments.js';
import { openDataDirectory } from '../../src/storage/dataDirectory.js';
import type { LmdbKeyValueStore } from '../../src/storage/lmdbKeyValue.js';
import { signTransfer } from '../../src/wallet/wallet.js';
import { createFixedClock } from '../helpers/clock.js';
import { bob, testWallet } from '../helpers/keys.js';
import { easyParams } from '../helpers/params.js';
import { postGraphQL } from '../helpers/testNode.js';

/** An in-memory store whose group commits fail while `failing` is set, as a full or broken disk would. */
class FailingStore extends MemoryKeyValueStore {
  failing = false;

  override batchSoon(operations: readonly KeyValueOperation[]): Promise<void> {
    return this.failing ? Promise.reject(new Error('disk full')) : super.batchSoon(operations);
  }
}

function createNode(db: ChainDb, label: string) {
  return new Node({
    params: easyParams,
    wallet: testWallet(label),
    miner: new MainThreadMiner(),
    clock: createFixedClock().now,
    connectPeer: () => {
      throw new Error('no peers in this test');
    },
    db,
    signatureThreads: 0,
  });
}

describe('group commit of accepted transfers', () => {
  it('writes the transfers of one turn in one flushed commit and answers each only once it holds them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'group-commit-'));
    const directory = openDataDirectory(dir);
    const kv = directory.kv as LmdbKeyValueStore;
    const db = new ChainDb(kv);
    const node = createNode(db, 'group-commit');
    try {
      for (let i = 0; i < 4; i++) await node.mine();
      const announced: string[] = [];
      node.events.on('transactionAccepted', (pending) => announced.push(pending.id));
      const commitsBefore = kv.commits;
      const sent = [1, 2, 3, 4].map(() => node.send(bob.address, 1));
      // Accepted into the mempool at once (the next nonce counts them), announced to nobody before the flush.
      expect(sent.map((result) => result.ok && result.pending.transaction.nonce)).toEqual([0, 1, 2, 3]);
      expect(announced).toEqual([]);
      const storedWhenAnswered = await Promise.all(
        sent.map(async (result) => {
          if (!result.ok) throw new Error(result.rejection.message);
          await result.durable;
          return db.pending.list().some((stored) => stored.id === result.pending.id);
        }),
      );
      expect(storedWhenAnswered).toEqual([true, true, true, true]);
      expect(kv.commits - commitsBefore).toBe(1);
      expect(announced).toEqual(sent.map((result) => result.ok && result.pending.id));
    } finally {
      node.close();
      await directory.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses every transfer of a failed commit, leaving the mempool as it was and announcing none', async () => {
    const store = new FailingStore();
    const node = createNode(new ChainDb(store), 'failed-commit');
    for (let i = 0; i < 4; i++) await node.mine();
    const first = node.send(bob.address, 1);
    if (!first.ok) throw new Error(first.rejection.message);
    await first.durable;
    const announced: string[] = [];
    node.events.on('transactionAccepted', (pending) => announced.push(pending.id));
    const balanceBefore = node.mempool.pendingAccount(node.wallet.address);

    store.failing = true;
    const failed = [node.send(bob.address, 1), node.send(bob.address, 1)];
    expect(node.mempool.size).toBe(3);
    const outcomes = await Promise.allSettled(failed.map((result) => (result.ok ? result.durable : undefined)));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    const [own, later] = outcomes.map((outcome) => (outcome as PromiseRejectedResult).reason as Error);
    expect(own).toBeInstanceOf(NotStoredError);
    expect(own!.message).toMatch(/could not be stored \(disk full\); it was not queued/);
    expect(later!.message).toMatch(/was withdrawn: transaction [0-9a-f]{64}, accepted before it, could not be stored/);
    expect(node.mempool.list().map((pending) => pending.id)).toEqual([first.pending.id]);
    expect(node.mempool.pendingAccount(node.wallet.address)).toEqual(balanceBefore);
    expect(announced).toEqual([]);

    // Once the store works again, the same nonce is taken again.
    store.failing = false;
    const retry = node.send(bob.address, 1);
    expect(retry.ok && retry.pending.transaction.nonce).toBe(1);
    if (retry.ok) await retry.durable;
    node.close();
  });

  it('never mines a transfer whose commit has not settled, so a failed commit leaves no block confirming it', async () => {
    const store = new FailingStore();
    const node = createNode(new ChainDb(store), 'unstored-not-mined');
    for (let i = 0; i < 2; i++) await node.mine();
    store.failing = true;
    const sent = node.send(bob.address, 1);
    if (!sent.ok) throw new Error(sent.rejection.message);
    expect(node.mempool.selectForBlock(10)).toEqual([]);
    const outcome = await Promise.allSettled([sent.durable, node.mine()]);
    expect(outcome[0].status).toBe('rejected');
    const mined = node.chain.tip.block.transactions.map((transaction) => transaction.sender);
    expect(mined).toEqual(['0']);
    expect(node.chain.getTransaction(sent.pending.id)).toBeUndefined();

    // Once stored, the next block confirms what was sent after the store came back.
    store.failing = false;
    const retry = node.send(bob.address, 1);
    if (!retry.ok) throw new Error(retry.rejection.message);
    await retry.durable;
    expect(node.mempool.selectForBlock(10)).toEqual([retry.pending.transaction]);
    node.close();
  });

  it('answers NOT_STORED over GraphQL when the commit fails, and the transfer is not pending', async () => {
    const store = new FailingStore();
    const node = createNode(new ChainDb(store), 'failed-commit-api');
    await node.mine();
    const yoga = createYogaApp(node, { graphiql: false });
    store.failing = true;
    const { status, body } = await postGraphQL(
      yoga,
      `mutation { send(recipient: "${bob.address}", amount: 1) { __typename ... on Error { code message } } }`,
    );
    expect(status).toBe(200);
    expect(body.data.send).toMatchObject({ __typename: 'TransactionRejectedError', code: 'NOT_STORED' });
    expect(body.data.send.message).toMatch(/could not be stored \(disk full\); it was not queued/);
    expect(node.mempool.size).toBe(0);
    node.close();
  });

  it('writes the transfers of a relay batch (aliased submitTransaction fields) in one commit, each answered for its own', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'group-commit-relay-'));
    const directory = openDataDirectory(dir);
    const kv = directory.kv as LmdbKeyValueStore;
    const node = createNode(new ChainDb(kv), 'group-commit-relay');
    try {
      for (let i = 0; i < 4; i++) await node.mine();
      const yoga = createYogaApp(node, { graphiql: false });
      const input = (nonce: number, amount = 1) => {
        const { id: _id, ...fields } = signTransfer(node.wallet, { recipient: bob.address, amount, nonce });
        return fields;
      };
      // The second transfer reuses the first one's nonce: refused, while the ones around it are accepted.
      const variables = { t0: input(0), t1: input(0, 2), t2: input(1) };
      const commitsBefore = kv.commits;
      const { body } = await postGraphQL(yoga, relayTransactionsDocument(3), variables);
      expect(body.data).toEqual({
        t0: { __typename: 'TransactionAccepted' },
        t1: { __typename: 'TransactionRejectedError', code: 'NONCE_MISMATCH' },
        t2: { __typename: 'TransactionAccepted' },
      });
      expect(kv.commits - commitsBefore).toBe(1);
      expect(node.mempool.list().map((pending) => pending.transaction.nonce)).toEqual([0, 1]);
    } finally {
      node.close();
      await directory.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('receives the submitTransaction fields of a mutation in document order, never ahead of another field', async () => {
    const node = createNode(new ChainDb(new MemoryKeyValueStore()), 'run-order');
    for (let i = 0; i < 4; i++) await node.mine();
    const yoga = createYogaApp(node, { graphiql: false });
    const alice = testWallet('run-order-alice');
    const funded = node.send(alice.address, 3);
    if (!funded.ok) throw new Error(funded.rejection.message);
    await node.mine();
    const input = (nonce: number) => {
      const { id: _id, ...fields } = signTransfer(alice, { recipient: bob.address, amount: 1, nonce });
      return fields;
    };
    const { body } = await postGraphQL(
      yoga,
      `mutation ($a: TransactionInput!, $b: TransactionInput!, $c: TransactionInput!) {
        a: submitTransaction(input: $a) { __typename }
        bad: submitTransaction(input: { sender: "x", recipient: "y", amount: 1, nonce: 0, signature: "z" }) {
          __typename ... on Error { code }
        }
        b: submitTransaction(input: $b) { __typename }
        s: send(recipient: "${bob.address}", amount: 1) { __typename }
        c: submitTransaction(input: $c) { __typename }
      }`,
      { a: input(0), b: input(1), c: input(2) },
    );
    expect(body.data).toEqual({
      a: { __typename: 'TransactionAccepted' },
      bad: { __typename: 'InvalidInputError', code: 'INVALID_INPUT' },
      b: { __typename: 'TransactionAccepted' },
      s: { __typename: 'TransactionAccepted' },
      c: { __typename: 'TransactionAccepted' },
    });
    // The node's own transfer (send) sits between b and c, as the fields are written.
    const order = node.mempool
      .list()
      .map(
        (pending) => `${pending.transaction.sender === alice.address ? 'alice' : 'node'} ${pending.transaction.nonce}`,
      );
    expect(order).toEqual(['alice 0', 'alice 1', 'node 1', 'alice 2']);
    node.close();
  });

  it('mines the transfers accepted before the mine call, waiting for their commit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'group-commit-mine-'));
    const directory = openDataDirectory(dir);
    const node = createNode(new ChainDb(directory.kv), 'group-commit-mine');
    try {
      for (let i = 0; i < 3; i++) await node.mine();
      const sent = [node.send(bob.address, 1), node.send(bob.address, 1)];
      const ids = sent.map((result) => (result.ok ? result.pending.id : result.rejection.code));
      // Not yet written: a block assembled now could not take them.
      expect(node.mempool.selectForBlock(10)).toEqual([]);
      const mined = await node.mine();
      expect(mined.block.transactions.slice(1).map((tx) => transactionId(tx))).toEqual(ids);
    } finally {
      node.close();
      await directory.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
