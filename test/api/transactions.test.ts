import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signTransfer } from '../../src/wallet/wallet.js';
import { createTestNode, testWallet } from '../helpers/testNode.js';
import { fund, gqlData, mineViaApi, SUBMIT_TRANSACTION, type TestNode } from './apiTestKit.js';

const alice = testWallet('tx-alice');
const bob = testWallet('tx-bob');

/** The fields of `TransactionInput` from a signed transfer (its `id` is not part of the input). */
function inputOf(signed: ReturnType<typeof signTransfer>) {
  const { id: _id, ...input } = signed;
  return input;
}

describe('submitTransaction with a transfer signed by the client', () => {
  let testNode: TestNode;

  beforeEach(async () => {
    testNode = createTestNode();
    await fund(testNode, alice, 3);
  });

  afterEach(() => testNode.node.close());

  it('queues a transfer signed with signTransfer under the id the wallet computed', async () => {
    const signed = signTransfer(alice, { recipient: bob.address, amount: 2, nonce: 0 });
    const data = await gqlData(testNode.yoga, SUBMIT_TRANSACTION, { input: inputOf(signed) });
    expect(data.submitTransaction).toEqual({
      __typename: 'TransactionAccepted',
      expectedBlockIndex: testNode.node.chain.height + 1,
      transaction: {
        id: signed.id,
        sender: alice.address,
        recipient: bob.address,
        amount: 2,
        nonce: 0,
        signature: signed.signature,
        status: 'PENDING',
        blockIndex: null,
      },
    });
    const accounts = await gqlData(
      testNode.yoga,
      `query ($a: String!, $b: String!) {
        alice: account(address: $a) { balance nonce pendingBalance pendingNonce }
        bob: account(address: $b) { balance pendingBalance }
        pendingTransactions { id }
      }`,
      { a: alice.address, b: bob.address },
    );
    expect(accounts.alice).toEqual({ balance: 3, nonce: 0, pendingBalance: 1, pendingNonce: 1 });
    expect(accounts.bob).toEqual({ balance: 0, pendingBalance: 2 });
    expect(accounts.pendingTransactions).toEqual([{ id: signed.id }]);
  });

  it('confirms the client transfer in the next mined block', async () => {
    const signed = signTransfer(alice, { recipient: bob.address, amount: 1, nonce: 0 });
    await gqlData(testNode.yoga, SUBMIT_TRANSACTION, { input: inputOf(signed) });
    const block = await mineViaApi(testNode);
    expect(block.transactions.map((tx: any) => tx.id)).toContain(signed.id);
    const data = await gqlData(
      testNode.yoga,
      `query ($id: ID!, $a: String!, $b: String!) {
        transaction(id: $id) { status blockIndex }
        alice: account(address: $a) { balance nonce }
        bob: account(address: $b) { balance }
      }`,
      { id: signed.id, a: alice.address, b: bob.address },
    );
    expect(data).toEqual({
      transaction: { status: 'CONFIRMED', blockIndex: block.index },
      alice: { balance: 2, nonce: 1 },
      bob: { balance: 1 },
    });
  });

  it('accepts a chain of pending transfers whose nonces follow on', async () => {
    for (let nonce = 0; nonce < 3; nonce++) {
      const signed = signTransfer(alice, { recipient: bob.address, amount: 1, nonce });
      const data = await gqlData(testNode.yoga, SUBMIT_TRANSACTION, { input: inputOf(signed) });
      expect(data.submitTransaction.__typename).toBe('TransactionAccepted');
    }
    const block = await mineViaApi(testNode);
    expect(block.transactionCount).toBe(4);
    expect(testNode.node.chain.getAccount(bob.address).balance).toBe(3);
  });

  it('accepts addresses and signatures in upper case with surrounding spaces, normalized to lower case', async () => {
    const signed = signTransfer(alice, { recipient: bob.address, amount: 1, nonce: 0 });
    const input = {
      ...inputOf(signed),
      sender: ` ${signed.sender.toUpperCase()} `,
      recipient: signed.recipient.toUpperCase(),
      signature: signed.signature.toUpperCase(),
    };
    const data = await gqlData(testNode.yoga, SUBMIT_TRANSACTION, { input });
    expect(data.submitTransaction.__typename).toBe('TransactionAccepted');
    expect(data.submitTransaction.transaction).toMatchObject({
      id: signed.id,
      sender: alice.address,
      recipient: bob.address,
    });
  });
});
