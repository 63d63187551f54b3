import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { blockInputOf } from '../../src/client/blockInputOf.js';
import { createNodeClient, type NodeClient } from '../../src/client/createNodeClient.js';
import { NodeRefusalError } from '../../src/client/errors.js';
import { assertOk, isOk } from '../../src/client/result.js';
import { generateWallet, signTransfer } from '../../src/wallet/wallet.js';
import { eventually, startTestServer, type TestServer } from './clientTestKit.js';

let served: TestServer;
let client: NodeClient;

beforeEach(async () => {
  served = await startTestServer();
  client = createNodeClient(served.url);
});

afterEach(async () => {
  await served.close();
});

/** Gives `address` `amount` coins from the node wallet, confirmed. */
async function fund(address: string, amount: number): Promise<void> {
  for (let i = 0; i < amount; i++) assertOk(await client.mine());
  assertOk(await client.send(address, amount));
  assertOk(await client.mine());
}

describe('mutations of the typed client', () => {
  it('mines a block and answers { ok: true, block } with the reward to the node first', async () => {
    const result = await client.mine();
    assertOk(result);
    expect(result.block.index).toBe(2);
    expect(result.block.hash).toBe(served.node.chain.tip.hash);
    expect(result.block.transactions[0]).toMatchObject({
      isReward: true,
      sender: '0',
      recipient: served.node.wallet.address,
      amount: 1,
    });
    expect('__typename' in result).toBe(false);
  });

  it('sends from the node wallet and answers with the transaction and the block it will join', async () => {
    assertOk(await client.mine());
    const recipient = generateWallet().address;
    const result = await client.send(recipient, 1);
    assertOk(result);
    expect(result.expectedBlockIndex).toBe(3);
    expect(result.transaction).toMatchObject({
      sender: served.node.wallet.address,
      recipient,
      amount: 1,
      nonce: 0,
      status: 'PENDING',
    });
  });

  it('answers refusals as { ok: false, type, code, message } and names the field of an InvalidInputError', async () => {
    const tooMuch = await client.send(generateWallet().address, 5);
    expect(tooMuch).toMatchObject({ ok: false, type: 'TransactionRejectedError', code: 'INSUFFICIENT_BALANCE' });
    expect(tooMuch.ok === false && tooMuch.message).toMatch(/balance/);
    expect('field' in tooMuch).toBe(false);
    const badRecipient = await client.send('not-an-address', 1);
    expect(badRecipient).toMatchObject({
      ok: false,
      type: 'InvalidInputError',
      code: 'INVALID_INPUT',
      field: 'recipient',
    });
    expect(isOk(badRecipient)).toBe(false);
  });

  it('throws a NodeRefusalError with the code from assertOk', async () => {
    const refused = await client.send(generateWallet().address, 5);
    expect(() => assertOk(refused)).toThrow(NodeRefusalError);
    try {
      assertOk(refused);
    } catch (error) {
      expect((error as NodeRefusalError).code).toBe('INSUFFICIENT_BALANCE');
      expect((error as NodeRefusalError).message).toMatch(/^INSUFFICIENT_BALANCE: /);
    }
  });

  it('submits a transfer signed by the client, and refuses a bad signature or a reused nonce', async () => {
    const alice = generateWallet();
    const bob = generateWallet();
    await fund(alice.address, 3);
    const { id, ...signed } = signTransfer(alice, { recipient: bob.address, amount: 1, nonce: 0 });
    const accepted = await client.submitTransaction(signed);
    assertOk(accepted);
    expect(accepted.transaction.id).toBe(id);
    expect(accepted.transaction.signature).toBe(signed.signature);

    const replay = await client.submitTransaction(signed);
    expect(replay).toMatchObject({ ok: false, code: 'ALREADY_KNOWN' });
    const { id: _forgedId, ...forged } = signTransfer(alice, { recipient: bob.address, amount: 2, nonce: 1 });
    expect(await client.submitTransaction({ ...forged, amount: 3 })).toMatchObject({
      ok: false,
      code: 'INVALID_SIGNATURE',
    });
    const { id: _gapId, ...gap } = signTransfer(alice, { recipient: bob.address, amount: 1, nonce: 7 });
    expect(await client.submitTransaction(gap)).toMatchObject({ ok: false, code: 'NONCE_MISMATCH' });
  });

  it('sendSigned reads the pending nonce, signs and submits, so back-to-back transfers get nonces 0 and 1', async () => {
    const alice = generateWallet();
    const bob = generateWallet();
    await fund(alice.address, 3);
    const first = await client.sendSigned(alice, bob.address, 1);
    const second = await client.sendSigned(alice, bob.address, 2);
    assertOk(first);
    assertOk(second);
    expect([first.transaction.nonce, second.transaction.nonce]).toEqual([0, 1]);
    expect(second.transaction.sender).toBe(alice.address);
    assertOk(await client.mine());
    expect(await client.account(bob.address)).toMatchObject({ balance: 3 });
    expect(await client.sendSigned(alice, bob.address, 1)).toMatchObject({ ok: false, code: 'INSUFFICIENT_BALANCE' });
  });

  it('starts and stops continuous mining', async () => {
    const started = await client.startMining();
    expect(started.continuous).toBe(true);
    await eventually('a block mined continuously', () => served.node.chain.height >= 3);
    const stopped = await client.stopMining();
    expect(stopped.continuous).toBe(false);
    await eventually('mining to stop', () => !served.node.mining);
    const height = served.node.chain.height;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(served.node.chain.height).toBe(height);
  });

  it('registers and removes peers, and names the malformed URL', async () => {
    const other = await startTestServer({ label: 'client-other' });
    try {
      const added = await client.registerNodes([other.url]);
      assertOk(added);
      expect(added.added.map((peer) => [peer.url, peer.status])).toEqual([[other.url, 'REACHABLE']]);
      expect(added.peers).toHaveLength(1);
      const again = await client.registerNodes([other.url]);
      expect(again.ok && again.added).toEqual([]);
      const malformed = await client.registerNodes([other.url, 'ftp://nowhere']);
      expect(malformed).toMatchObject({ ok: false, code: 'INVALID_INPUT', field: 'urls[1]' });
      const removed = await client.removeNodes([other.url]);
      assertOk(removed);
      expect(removed.removed).toEqual([other.url]);
      expect(removed.peers).toEqual([]);
      expect(await client.removeNodes(['::bad::'])).toMatchObject({
        ok: false,
        code: 'INVALID_INPUT',
        field: 'urls[0]',
      });
    } finally {
      await other.close();
    }
  });

  it('resolves against a peer with more work and reports the outcome per peer', async () => {
    const longer = await startTestServer({ label: 'client-longer' });
    try {
      for (let i = 0; i < 3; i++) await longer.node.mine();
      assertOk(await client.registerNodes([longer.url]));
      const resolution = await client.resolve();
      expect(resolution.replaced).toBe(true);
      expect(resolution.chain.length).toBe(4);
      expect(resolution.chain.tip.hash).toBe(longer.node.chain.tip.hash);
      expect(resolution.peers).toEqual([
        expect.objectContaining({ url: longer.url, outcome: 'ADOPTED', blocksFetched: 3, peerHeight: 4 }),
      ]);
      const again = await client.resolve();
      expect(again.replaced).toBe(false);
      expect(again.peers[0]!.outcome).toBe('IN_SYNC');
    } finally {
      await longer.close();
    }
  });

  it('submits a block mined elsewhere: EXTENDED, then DUPLICATE, and refuses a tampered one with the rule', async () => {
    const miner = await startTestServer({ label: 'client-miner' });
    try {
      const minerClient = createNodeClient(miner.url);
      const mined = await minerClient.mine();
      assertOk(mined);
      const input = blockInputOf(mined.block);
      const tampered = await client.submitBlock({ ...input, proof: input.proof + 1 });
      expect(tampered).toMatchObject({ ok: false, type: 'BlockRejectedError' });
      expect(served.node.chain.height).toBe(1);
      const wrongHash = await client.submitBlock(input, { hash: 'ab'.repeat(32) });
      expect(wrongHash).toMatchObject({ ok: false, code: 'HASH_MISMATCH' });
      const extended = await client.submitBlock(input, { hash: mined.block.hash });
      assertOk(extended);
      expect(extended).toMatchObject({ status: 'EXTENDED', hash: mined.block.hash, block: { index: 2 } });
      expect(await client.submitBlock(input)).toMatchObject({ ok: true, status: 'DUPLICATE' });
    } finally {
      await miner.close();
    }
  });
});
