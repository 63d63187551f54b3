import { createClient } from 'graphql-ws';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RunningServer } from '../../src/api/server.js';
import { buildBranch, idOf, transfer } from '../helpers/chainBuilder.js';
import { alice, bob, carol, testWallet } from '../helpers/keys.js';
import { createTestNode } from '../helpers/testNode.js';
import {
  fund,
  gqlData,
  mineBlocks,
  SUBMIT_TRANSACTION,
  startApiServer,
  subscribeSse,
  type TestNode,
} from './apiTestKit.js';

// A frontend follows a transfer from the moment it is signed: simulate it, submit it, then watch it confirm
// (or come back, or drop) without polling.

const STATUS = `subscription Status($id: ID!, $confirmations: Int) {
  transactionStatus(id: $id, confirmations: $confirmations) { id status confirmations blockIndex blockHash reason }
}`;
const SIMULATE = `query Simulate($input: TransactionInput!) {
  simulateTransaction(input: $input) {
    __typename
    ... on TransactionSimulated { expectedBlockIndex transaction { id sender recipient amount nonce signature } }
    ... on Error { code message }
    ... on InvalidInputError { field }
  }
}`;
const PENDING = `subscription Pending($includeCurrent: Boolean) {
  pendingTransaction(includeCurrent: $includeCurrent) { id sender amount nonce status }
}`;

const nodes: TestNode[] = [];
const servers: RunningServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
  for (const testNode of nodes.splice(0)) testNode.node.close();
});
const newNode = (label: string) => {
  const testNode = createTestNode({ label });
  nodes.push(testNode);
  return testNode;
};
const input = (tx: ReturnType<typeof transfer>) => ({ ...tx, signature: tx.signature! });

describe('simulateTransaction', () => {
  it('gives exactly the answers submitTransaction gives, code by code, and queues, relays and writes nothing', async () => {
    const testNode = newNode('simulate');
    await fund(testNode, alice, 3);
    const accepted: string[] = [];
    testNode.node.events.on('transactionAccepted', (pending) => accepted.push(pending.id));
    const bad = (tx: ReturnType<typeof transfer>, change: Record<string, unknown>) => ({ ...input(tx), ...change });
    const cases = [
      input(transfer(alice, bob, 1, 0)), // accepted
      input(transfer(alice, bob, 1, 0)), // the same again: ALREADY_KNOWN once submitted
      input(transfer(alice, bob, 1, 5)), // NONCE_MISMATCH
      input(transfer(alice, bob, 50, 1)), // INSUFFICIENT_BALANCE (counting the pending one)
      bad(transfer(alice, bob, 1, 1), { signature: 'ab'.repeat(64) }), // INVALID_SIGNATURE
      bad(transfer(alice, bob, 1, 1), { sender: '0' }), // REWARD_NOT_ALLOWED
      bad(transfer(alice, bob, 1, 1), { recipient: 'not-an-address' }), // InvalidInputError input.recipient
      bad(transfer(alice, bob, 1, 1), { signature: 'xyz' }), // InvalidInputError input.signature
      input(transfer(carol, bob, 1, 0)), // INSUFFICIENT_BALANCE: carol has nothing
    ];
    const answers: string[] = [];
    for (const tx of cases) {
      const before = { accepted: accepted.length, pending: [...testNode.node.mempool.list()] };
      const simulated = (await gqlData(testNode.yoga, SIMULATE, { input: tx })).simulateTransaction;
      expect(accepted).toHaveLength(before.accepted);
      expect(testNode.node.mempool.list()).toEqual(before.pending);
      const submitted = (await gqlData(testNode.yoga, SUBMIT_TRANSACTION, { input: tx })).submitTransaction;
      if (simulated.__typename === 'TransactionSimulated') {
        expect(submitted.__typename).toBe('TransactionAccepted');
        expect(simulated.expectedBlockIndex).toBe(submitted.expectedBlockIndex);
        const { status: _status, blockIndex: _blockIndex, ...fields } = submitted.transaction;
        expect(simulated.transaction).toEqual(fields);
        answers.push('accepted');
      } else {
        expect(simulated).toEqual(submitted);
        answers.push(simulated.field ?? simulated.code);
      }
    }
    expect(answers).toEqual([
      'accepted',
      'ALREADY_KNOWN',
      'NONCE_MISMATCH',
      'INSUFFICIENT_BALANCE',
      'INVALID_SIGNATURE',
      'REWARD_NOT_ALLOWED',
      'input.recipient',
      'input.signature',
      'INSUFFICIENT_BALANCE',
    ]);
    expect(accepted).toHaveLength(1);
  });

  it('names the block a transfer would join behind a full queue', async () => {
    const testNode = newNode('simulate-queue');
    await fund(testNode, alice, 2);
    const simulated = (await gqlData(testNode.yoga, SIMULATE, { input: input(transfer(alice, bob, 1, 0)) }))
      .simulateTransaction;
    expect(simulated).toMatchObject({
      __typename: 'TransactionSimulated',
      expectedBlockIndex: testNode.node.chain.height + 1,
    });
    expect(simulated.transaction.id).toBe(idOf(transfer(alice, bob, 1, 0)));
  });
});

describe('transactionStatus', () => {
  it('sends the state now, then each confirmation, and completes at the confirmations asked for', async () => {
    const testNode = newNode('status');
    await fund(testNode, alice, 2);
    const tx = transfer(alice, bob, 1, 0);
    expect(testNode.node.submitTransaction(tx).ok).toBe(true);
    const reader = await subscribeSse(testNode.yoga, STATUS, { id: idOf(tx), confirmations: 2 });
    expect((await reader.next()).data.transactionStatus).toEqual({
      id: idOf(tx),
      status: 'PENDING',
      confirmations: 0,
      blockIndex: null,
      blockHash: null,
      reason: null,
    });
    const first = await testNode.node.mine();
    expect((await reader.next()).data.transactionStatus).toMatchObject({
      status: 'CONFIRMED',
      confirmations: 1,
      blockIndex: first.block.header.index,
      blockHash: first.hash,
    });
    await testNode.node.mine();
    const last = await reader.next();
    expect(last.data.transactionStatus).toMatchObject({ status: 'CONFIRMED', confirmations: 2, blockHash: first.hash });
    expect(last.extensions.chain.height).toBe(testNode.node.chain.height);
    await expect(reader.next()).rejects.toThrow(/ended/);
  });

  it('goes back to PENDING when a reorganization orphans its block, then confirms again in the new branch', async () => {
    const testNode = newNode('status-reorg');
    await fund(testNode, alice, 1);
    const forkPoint = testNode.node.chain.tip;
    const tx = transfer(alice, bob, 1, 0);
    expect(testNode.node.submitTransaction(tx).ok).toBe(true);
    const reader = await subscribeSse(testNode.yoga, STATUS, { id: idOf(tx), confirmations: 1 });
    expect((await reader.next()).data.transactionStatus.status).toBe('PENDING');
    const reorg = await subscribeSse(testNode.yoga, STATUS, { id: idOf(tx), confirmations: 3 });
    expect((await reorg.next()).data.transactionStatus.status).toBe('PENDING');
    const orphaned = await testNode.node.mine();
    expect((await reader.next()).data.transactionStatus).toMatchObject({
      status: 'CONFIRMED',
      blockHash: orphaned.hash,
    });
    expect((await reorg.next()).data.transactionStatus).toMatchObject({ status: 'CONFIRMED', confirmations: 1 });
    // A competing branch with more work, without the transfer: its block leaves the best chain.
    for (const block of buildBranch(forkPoint, 2, { miner: testWallet('rival') })) testNode.node.submitBlock(block);
    expect(testNode.node.chain.isBest(orphaned.hash)).toBe(false);
    expect((await reorg.next()).data.transactionStatus).toEqual({
      id: idOf(tx),
      status: 'PENDING',
      confirmations: 0,
      blockIndex: null,
      blockHash: null,
      reason: null,
    });
    const again = await testNode.node.mine();
    expect((await reorg.next()).data.transactionStatus).toMatchObject({
      status: 'CONFIRMED',
      confirmations: 1,
      blockHash: again.hash,
    });
    await reorg.cancel();
  });

  it('reports DROPPED with the reason when a reorganization leaves it unable to apply, and completes', async () => {
    const testNode = newNode('status-drop');
    const forkPoint = testNode.node.chain.tip;
    await mineBlocks(testNode, 1); // the node's coin exists only on this branch
    const sent = testNode.node.send(bob.address, 1);
    if (!sent.ok) throw new Error(sent.rejection.message);
    await testNode.node.mine();
    const reader = await subscribeSse(testNode.yoga, STATUS, { id: sent.pending.id, confirmations: 5 });
    expect((await reader.next()).data.transactionStatus).toMatchObject({ status: 'CONFIRMED', confirmations: 1 });
    for (const block of buildBranch(forkPoint, 3, { miner: testWallet('rival') })) testNode.node.submitBlock(block);
    const dropped = (await reader.next()).data.transactionStatus;
    expect(dropped).toMatchObject({ status: 'DROPPED', confirmations: 0, blockHash: null });
    expect(dropped.reason).toMatch(/balance/);
    await expect(reader.next()).rejects.toThrow(/ended/);
    // A later subscriber learns the same from the node's memory of dropped transactions.
    const later = await subscribeSse(testNode.yoga, STATUS, { id: sent.pending.id });
    expect((await later.next()).data.transactionStatus).toMatchObject({ status: 'DROPPED', reason: dropped.reason });
  });

  it('answers an unknown id with an UNKNOWN_TRANSACTION error event, and a malformed one with BAD_USER_INPUT', async () => {
    const testNode = newNode('status-unknown');
    const unknown = await subscribeSse(testNode.yoga, STATUS, { id: 'ab'.repeat(32) });
    const event = await unknown.next();
    expect(event.errors[0].extensions.code).toBe('UNKNOWN_TRANSACTION');
    expect(event.errors[0].message).toMatch(/unknown/);
    const malformed = await subscribeSse(testNode.yoga, STATUS, { id: 'abc' });
    expect((await malformed.next()).errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    const zero = await subscribeSse(testNode.yoga, STATUS, { id: 'ab'.repeat(32), confirmations: 0 });
    expect((await zero.next()).errors[0].message).toMatch(/confirmations must be from 1 to 1000/);
  });

  it('works over graphql-ws too', async () => {
    const testNode = newNode('status-ws');
    const server = await startApiServer(testNode.node);
    servers.push(server);
    await fund(testNode, alice, 1);
    const tx = transfer(alice, bob, 1, 0);
    expect(testNode.node.submitTransaction(tx).ok).toBe(true);
    const client = createClient({ url: server.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
    const events: unknown[] = [];
    const done = (async () => {
      for await (const event of client.iterate({ query: STATUS, variables: { id: idOf(tx) } })) events.push(event);
    })();
    while (events.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await testNode.node.mine();
    await done;
    await client.dispose();
    expect(events.map((event: any) => event.data.transactionStatus.status)).toEqual(['PENDING', 'CONFIRMED']);
  });
});

describe('pendingTransaction', () => {
  it('streams each accepted transfer; with includeCurrent, the mempool as it was first, none twice', async () => {
    const testNode = newNode('pending');
    await fund(testNode, alice, 3);
    const waiting = transfer(alice, bob, 1, 0);
    expect(testNode.node.submitTransaction(waiting).ok).toBe(true);
    const withCurrent = await subscribeSse(testNode.yoga, PENDING, { includeCurrent: true });
    const onlyNew = await subscribeSse(testNode.yoga, PENDING, {});
    expect((await withCurrent.next()).data.pendingTransaction).toMatchObject({ id: idOf(waiting), status: 'PENDING' });
    const next = transfer(alice, bob, 1, 1);
    await gqlData(testNode.yoga, SUBMIT_TRANSACTION, { input: input(next) });
    expect((await withCurrent.next()).data.pendingTransaction).toMatchObject({ id: idOf(next), nonce: 1 });
    expect((await onlyNew.next()).data.pendingTransaction).toMatchObject({ id: idOf(next), amount: 1 });
    await withCurrent.cancel();
    await onlyNew.cancel();
  });
});
