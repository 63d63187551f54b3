import type { AddressInfo } from 'node:net';
import { buildSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { createNodeClient, type NodeClient } from '../../src/client/createNodeClient.js';
import { NodeUnauthorizedError } from '../../src/client/errors.js';
import { assertOk } from '../../src/client/result.js';
import { generateWallet } from '../../src/wallet/wallet.js';
import { startTestServer, type TestServer } from './clientTestKit.js';

const TOKEN = 'client-test-admin-token-0123456789';

let served: TestServer;
let anonymous: NodeClient;
let admin: NodeClient;

beforeAll(async () => {
  served = await startTestServer({ adminToken: TOKEN });
  anonymous = createNodeClient(served.url);
  admin = createNodeClient(served.url, { adminToken: TOKEN });
});

afterAll(async () => {
  await served.close();
});

describe('the admin token', () => {
  it('is reported by limits', async () => {
    expect((await anonymous.limits()).adminTokenRequired).toBe(true);
  });

  it('is required by every admin mutation: without it each throws NodeUnauthorizedError (401) and changes nothing', async () => {
    const address = generateWallet().address;
    const attempts: Array<[string, () => Promise<unknown>]> = [
      ['mine', () => anonymous.mine()],
      ['send', () => anonymous.send(address, 1)],
      ['startMining', () => anonymous.startMining()],
      ['stopMining', () => anonymous.stopMining()],
      ['registerNodes', () => anonymous.registerNodes(['127.0.0.1:9'])],
      ['removeNodes', () => anonymous.removeNodes(['127.0.0.1:9'])],
      ['resolve', () => anonymous.resolve()],
    ];
    for (const [name, attempt] of attempts) {
      const error = await attempt().catch((caught: unknown) => caught);
      expect(error, name).toBeInstanceOf(NodeUnauthorizedError);
      expect(error, name).toMatchObject({ status: 401, code: 'UNAUTHORIZED', url: served.url });
      expect((error as Error).message, name).toContain('admin operation');
    }
    expect(served.node.chain.height).toBe(1);
    expect(await anonymous.peers()).toEqual([]);
  });

  it('refuses a wrong token the same way', async () => {
    const wrong = createNodeClient(served.url, { adminToken: `${TOKEN}-wrong` });
    await expect(wrong.mine()).rejects.toBeInstanceOf(NodeUnauthorizedError);
  });

  it('lets the client with the token mine and send', async () => {
    const mined = await admin.mine();
    assertOk(mined);
    expect(mined.block.index).toBe(2);
    assertOk(await admin.send(generateWallet().address, 1));
  });

  it('is not needed for queries, submitTransaction or subscriptions', async () => {
    const alice = generateWallet();
    assertOk(await admin.mine());
    assertOk(await admin.send(alice.address, 1));
    assertOk(await admin.mine());
    expect((await anonymous.node()).height).toBeGreaterThanOrEqual(4);
    const transfer = await anonymous.sendSigned(alice, generateWallet().address, 1);
    assertOk(transfer);
    const blocks = anonymous.subscribeNewBlocks({ afterIndex: 1 });
    try {
      expect((await blocks.next()).value).toMatchObject({ index: 2 });
    } finally {
      await blocks.close();
    }
  });

  it('travels over graphql-ws as connectionParams.authorization, and a refused connection is NodeUnauthorizedError', async () => {
    // A graphql-ws server that records what the client sends on connect and refuses it (as a node would a bad token).
    const seen: unknown[] = [];
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/graphql' });
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    const disposable = useServer(
      {
        schema: buildSchema('type Query { ok: Boolean } type Subscription { newBlock(afterIndex: Int): Boolean }'),
        onConnect: (context) => {
          seen.push(context.connectionParams);
          return false;
        },
      },
      wss,
    );
    try {
      const url = `http://127.0.0.1:${(wss.address() as AddressInfo).port}/graphql`;
      const subscription = createNodeClient(url, { adminToken: TOKEN }).subscribeNewBlocks();
      await expect(subscription.connected).rejects.toBeInstanceOf(NodeUnauthorizedError);
      await expect(subscription.next()).rejects.toBeInstanceOf(NodeUnauthorizedError);
      expect(seen).toEqual([{ authorization: `Bearer ${TOKEN}` }]);
    } finally {
      await disposable.dispose();
      await new Promise((resolve) => wss.close(resolve));
    }
  });
});
