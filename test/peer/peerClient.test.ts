import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MainThreadMiner } from '../../src/mining/mainThreadMiner.js';
import { Node } from '../../src/node/node.js';
import { RELAY_BATCH } from '../../src/peer/peerApi.js';
import { PeerClient } from '../../src/peer/peerClient.js';
import { signTransfer } from '../../src/wallet/wallet.js';
import { createFixedClock } from '../helpers/clock.js';
import { bob, testWallet } from '../helpers/keys.js';
import { easyParams } from '../helpers/params.js';
import { createTestNode } from '../helpers/testNode.js';

const servers: Server[] = [];

/** A loopback HTTP server answering every request with `handler`. */
async function fakePeerServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

function ourNode(options: { timeoutMs?: number; maxResponseBytes?: number } = {}) {
  const clock = createFixedClock();
  return new Node({
    params: easyParams,
    wallet: testWallet('client-test-node'),
    miner: new MainThreadMiner(),
    clock: clock.now,
    connectPeer: (url) =>
      new PeerClient(url, {
        timeoutMs: options.timeoutMs ?? 2_000,
        maxResponseBytes: options.maxResponseBytes ?? 16 * 1024 * 1024,
      }),
  });
}

async function resolveAgainst(url: string, node = ourNode()) {
  const before = node.chain.tip.hash;
  await node.registerNodes([url]);
  const started = Date.now();
  const result = await node.resolve();
  expect(node.chain.tip.hash).toBe(before);
  expect(result.replaced).toBe(false);
  return { outcome: result.outcomes[0]!, elapsedMs: Date.now() - started, peer: node.peers.list()[0]! };
}

describe('PeerClient against peers that misbehave on the wire', () => {
  it('reports a dead port as UNREACHABLE (connection refused)', async () => {
    const url = await fakePeerServer(() => {});
    const port = new URL(url).port;
    await new Promise<void>((resolve) => servers.pop()!.close(() => resolve()));
    const { outcome, peer } = await resolveAgainst(`127.0.0.1:${port}`);
    expect(outcome.outcome).toBe('UNREACHABLE');
    expect(outcome.message).toMatch(/ECONNREFUSED/);
    expect(peer.status).toBe('UNREACHABLE');
  });

  it('refuses an HTML answer as a protocol error', async () => {
    const url = await fakePeerServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body>not graphql</body></html>');
    });
    const { outcome } = await resolveAgainst(url);
    expect(outcome.outcome).toBe('REFUSED');
    expect(outcome.message).toMatch(/PROTOCOL_ERROR/);
  });

  it('refuses JSON of the wrong shape (a height that is not a number)', async () => {
    const url = await fakePeerServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          data: { node: { address: 'x', genesisHash: 'y', height: 'tall', totalWork: '1', tip: { hash: 'z' } } },
        }),
      );
    });
    const { outcome } = await resolveAgainst(url);
    expect(outcome.outcome).toBe('REFUSED');
    expect(outcome.message).toMatch(/node\.height/);
  });

  it('refuses a GraphQL error answer and names it', async () => {
    const url = await fakePeerServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ message: 'Cannot query field "node"' }] }));
    });
    const { outcome } = await resolveAgainst(url);
    expect(outcome.outcome).toBe('REFUSED');
    expect(outcome.message).toMatch(/Cannot query field/);
  });

  it('stops reading a 50 MB answer at the response-size cap', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 'a');
    const url = await fakePeerServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      let sent = 0;
      const pump = () => {
        while (sent < 50 && res.write(chunk)) sent++;
        if (sent < 50) res.once('drain', pump);
        else res.end();
      };
      res.write('{"data":"');
      pump();
    });
    const { outcome } = await resolveAgainst(url, ourNode({ maxResponseBytes: 2 * 1024 * 1024 }));
    expect(outcome.outcome).toBe('REFUSED');
    expect(outcome.message).toMatch(/cap/);
  });

  it('refuses an answer whose declared length is over the cap without reading it', async () => {
    const url = await fakePeerServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(50 * 1024 * 1024) });
      res.write('{');
    });
    const { outcome } = await resolveAgainst(url, ourNode({ maxResponseBytes: 1024 * 1024 }));
    expect(outcome.outcome).toBe('REFUSED');
    expect(outcome.message).toMatch(/declares 52428800 bytes/);
  });

  it('gives up on an answer that never ends after the per-request timeout', async () => {
    const url = await fakePeerServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"data":');
    });
    const { outcome, elapsedMs } = await resolveAgainst(url, ourNode({ timeoutMs: 300 }));
    expect(outcome.outcome).toBe('UNREACHABLE');
    expect(outcome.message).toMatch(/no answer within 300 ms/);
    expect(elapsedMs).toBeLessThan(5_000);
  });

  it('talks to a real node through the generated typed documents', async () => {
    const { node: peer, yoga } = createTestNode({ label: 'real-peer' });
    await peer.mine();
    const url = await fakePeerServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const response = await yoga.fetch('http://yoga/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: Buffer.concat(chunks).toString(),
        });
        res.writeHead(response.status, { 'content-type': 'application/json' });
        res.end(await response.text());
      });
    });
    const client = new PeerClient(url, { timeoutMs: 2_000, maxResponseBytes: 1024 * 1024 });
    const status = await client.status();
    expect(status).toMatchObject({ height: 2, genesisHash: peer.chain.genesis.hash, tipHash: peer.chain.tip.hash });
    expect(await client.commonAncestor([peer.chain.tip.hash, peer.chain.genesis.hash])).toEqual({
      index: 2,
      hash: peer.chain.tip.hash,
    });
    expect(await client.commonAncestor(['ab'.repeat(32)])).toBeNull();
    expect(await client.blocksAfter(1, 5)).toEqual([peer.chain.tip.block]);
    expect(await client.submitBlock(peer.chain.tip.block, peer.chain.tip.hash, null)).toBe('DUPLICATE');
  });

  it('relays a batch of transfers as one aliased mutation a real node accepts, outcome per transfer in order', async () => {
    const { node: peer, yoga } = createTestNode({ label: 'relay-peer' });
    for (let i = 0; i < RELAY_BATCH; i++) await peer.mine(); // a reward of 1 per block
    let requests = 0;
    const url = await fakePeerServer((req, res) => {
      requests += 1;
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        const response = await yoga.fetch('http://yoga/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: Buffer.concat(chunks).toString(),
        });
        res.writeHead(response.status, { 'content-type': 'application/json' });
        res.end(await response.text());
      });
    });
    const funded = testWallet('relay-peer');
    const txs = Array.from({ length: RELAY_BATCH }, (_, nonce) =>
      signTransfer(funded, { recipient: bob.address, amount: 1, nonce }),
    );
    // The last one spends a nonce already used: refused with its own code, the others accepted.
    txs[RELAY_BATCH - 1] = signTransfer(funded, { recipient: bob.address, amount: 2, nonce: 0 });
    const client = new PeerClient(url, { timeoutMs: 2_000, maxResponseBytes: 1024 * 1024 });
    const outcomes = await client.submitTransactions(txs);
    expect(requests).toBe(1);
    expect(outcomes.slice(0, -1)).toEqual(Array(RELAY_BATCH - 1).fill('TransactionAccepted'));
    expect(outcomes.at(-1)).toMatch(/NONCE/);
    expect(peer.mempool.size).toBe(RELAY_BATCH - 1);
    expect(outcomes).toHaveLength(RELAY_BATCH);
    await expect(client.submitTransactions([...txs, txs[0]!])).rejects.toThrow(RangeError);
  });
});
