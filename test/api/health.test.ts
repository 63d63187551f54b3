import { afterEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/api/server.js';
import type { Chain } from '../../src/chain/chain.js';
import type { PeerChainStatus } from '../../src/peer/peerApi.js';
import { buildChain } from '../helpers/chainBuilder.js';
import { createTestNode } from '../helpers/testNode.js';
import { FakePeer } from '../peer/fakePeer.js';
import { startApiServer } from './apiTestKit.js';

/** A peer whose status answer waits until `open()`: the initial sync runs as long as the test wants. */
class GatedPeer extends FakePeer {
  #open!: () => void;
  readonly #gate = new Promise<void>((resolve) => (this.#open = resolve));

  constructor(url: string, source: Chain) {
    super(url, source);
  }

  open(): void {
    this.#open();
  }

  override async status(): Promise<PeerChainStatus> {
    await this.#gate;
    return super.status();
  }
}

const servers: RunningServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function serve(testNode: ReturnType<typeof createTestNode>): Promise<string> {
  const server = await startApiServer(testNode.node);
  servers.push(server);
  return server.url.slice(0, -'/graphql'.length);
}

async function probe(url: string, init: RequestInit = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, body: text === '' ? '' : JSON.parse(text), headers: response.headers };
}

describe('health probes', () => {
  it('answers GET /healthz with 200 {"status":"ok"}, uncached, and HEAD with no body', async () => {
    const testNode = createTestNode({ label: 'health-live' });
    const base = await serve(testNode);
    const live = await probe(`${base}/healthz`);
    expect(live.status).toBe(200);
    expect(live.body).toEqual({ status: 'ok' });
    expect(live.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(live.headers.get('cache-control')).toBe('no-store');
    expect(await probe(`${base}/healthz?verbose=1`, { method: 'HEAD' })).toMatchObject({ status: 200, body: '' });
    testNode.node.close();
  });

  it('answers GET /readyz with 503 before the node is started, then 200 with the height and the tip', async () => {
    const testNode = createTestNode({ label: 'health-ready' });
    const base = await serve(testNode);
    expect(await probe(`${base}/readyz`)).toMatchObject({
      status: 503,
      body: { status: 'unavailable', reason: 'the node has not started' },
    });
    await testNode.node.start();
    await testNode.node.mine();
    const ready = await probe(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', height: 2, tip: testNode.node.chain.tip.hash, peers: 0 });
    testNode.node.close();
  });

  it('answers /readyz with 503 and the reason while the initial sync runs, and 200 once it is done', async () => {
    const peers: GatedPeer[] = [];
    const source = buildChain(3).chain;
    const testNode = createTestNode({
      label: 'health-sync',
      connectPeer: (url) => {
        const peer = new GatedPeer(url, source);
        peers.push(peer);
        return peer;
      },
    });
    const base = await serve(testNode);
    const started = testNode.node.start(['127.0.0.1:5001']);
    const syncing = await probe(`${base}/readyz`);
    expect(syncing.status).toBe(503);
    expect(syncing.body).toEqual({ status: 'unavailable', reason: 'the initial sync with 1 peer is running' });
    // Liveness is not readiness: the process serves all along.
    expect((await probe(`${base}/healthz`)).status).toBe(200);
    for (const peer of peers) peer.open();
    const { added, resolution } = await started;
    expect(added.map((peer) => peer.url)).toEqual(['http://127.0.0.1:5001/graphql']);
    expect(resolution?.replaced).toBe(true);
    const ready = await probe(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ready', height: source.height, peers: 1 });
    testNode.node.close();
  });

  it('turns ready after a start whose peer list is malformed: the error never keeps the node out', async () => {
    const testNode = createTestNode({ label: 'health-bad-peer' });
    const base = await serve(testNode);
    await expect(testNode.node.start(['not a url'])).rejects.toThrow(/not a url/);
    expect((await probe(`${base}/readyz`)).status).toBe(200);
    await expect(testNode.node.start()).rejects.toThrow('the node is already started');
    testNode.node.close();
  });

  it('answers /readyz with 503 once the node is stopping', async () => {
    const testNode = createTestNode({ label: 'health-stop' });
    const base = await serve(testNode);
    await testNode.node.start();
    expect((await probe(`${base}/readyz`)).status).toBe(200);
    testNode.node.close();
    expect(await probe(`${base}/readyz`)).toMatchObject({
      status: 503,
      body: { status: 'unavailable', reason: 'the node is stopping' },
    });
  });

  it('refuses other methods with 405 and Allow, and leaves other paths to GraphQL', async () => {
    const testNode = createTestNode({ label: 'health-methods' });
    const base = await serve(testNode);
    for (const path of ['/healthz', '/readyz']) {
      const refused = await probe(`${base}${path}`, {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      });
      expect(refused.status).toBe(405);
      expect(refused.headers.get('allow')).toBe('GET, HEAD');
      expect(refused.body).toEqual({ status: 'error', reason: `${path} answers GET and HEAD only` });
    }
    expect((await fetch(`${base}/readyz/extra`)).status).toBe(404);
    testNode.node.close();
  });
});
