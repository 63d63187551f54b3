import { describe, expect, it, vi } from 'vitest';
import { MainThreadMiner } from '../../src/mining/mainThreadMiner.js';
import { Node } from '../../src/node/node.js';
import { PeerUnreachableError, RELAY_BATCH } from '../../src/peer/peerApi.js';
import { buildChain, mineBlock, transfer } from '../helpers/chainBuilder.js';
import { createFixedClock } from '../helpers/clock.js';
import { bob, testWallet } from '../helpers/keys.js';
import { easyParams } from '../helpers/params.js';
import { FakePeer } from '../peer/fakePeer.js';

const flush = () => new Promise((resolve) => setTimeout(resolve, 10));

/** A node whose peers are FakePeers served from `sources` (a fresh chain each unless given). */
function createNetworkedNode(options: { publicUrl?: string | null; failing?: Set<string> } = {}) {
  const clock = createFixedClock();
  const fakes = new Map<string, FakePeer>();
  const failing = options.failing ?? new Set<string>();
  const node = new Node({
    params: easyParams,
    wallet: testWallet('network-node'),
    miner: new MainThreadMiner(),
    clock: clock.now,
    connectPeer: (url) => {
      const fake = new FakePeer(url, buildChain(0, { clock }).chain, {
        fail: () => (failing.has(url) ? new PeerUnreachableError('cannot connect: ECONNREFUSED') : undefined)!,
      });
      fakes.set(url, fake);
      return fake;
    },
    network: {
      publicUrl: options.publicUrl === undefined ? 'http://127.0.0.1:4000/graphql' : options.publicUrl,
      syncIntervalMs: 0,
    },
  });
  node.start();
  return { node, clock, fakes, failing };
}

describe('gossip', () => {
  it('pushes each new tip once to every reachable peer, with its own public URL as sender', async () => {
    const { node, fakes } = createNetworkedNode();
    await node.registerNodes(['127.0.0.1:5001', '127.0.0.1:5002']);
    const block = await node.mine();
    for (const url of ['http://127.0.0.1:5001/graphql', 'http://127.0.0.1:5002/graphql']) {
      await vi.waitFor(() => expect(fakes.get(url)!.pushedBlocks).toHaveLength(1), { timeout: 2_000 });
    }
    await flush();
    for (const url of ['http://127.0.0.1:5001/graphql', 'http://127.0.0.1:5002/graphql']) {
      expect(fakes.get(url)!.pushedBlocks).toEqual([
        { block: block.block, hash: block.hash, from: 'http://127.0.0.1:4000/graphql' },
      ]);
    }
    node.close();
  });

  it('records the new height of a peer that took the pushed tip as its own (EXTENDED)', async () => {
    const { node } = createNetworkedNode();
    await node.registerNodes(['127.0.0.1:5001']);
    expect(node.peers.list()[0]!.height).toBe(1);
    const events: number[] = [];
    node.events.on('peerChanged', (peer) => events.push(peer.height ?? -1));
    const block = await node.mine();
    await vi.waitFor(
      () => expect(node.peers.list()[0]).toMatchObject({ height: block.block.header.index, status: 'REACHABLE' }),
      { timeout: 2_000 },
    );
    expect(events).toContain(block.block.header.index);
    node.close();
  });

  it('relays each accepted transaction once and never a refused one', async () => {
    const { node, fakes } = createNetworkedNode();
    await node.registerNodes(['127.0.0.1:5001']);
    await node.mine();
    const sent = node.send(bob.address, 1);
    expect(sent.ok).toBe(true);
    expect(node.submitTransaction(sent.ok ? sent.pending.transaction : transfer(bob, bob, 1, 0)).ok).toBe(false);
    const fake = fakes.get('http://127.0.0.1:5001/graphql')!;
    await vi.waitFor(() => expect(fake.pushedTransactions).toHaveLength(1), { timeout: 2_000 });
    await flush();
    expect(fake.pushedTransactions).toHaveLength(1);
    node.close();
  });

  it('relays a burst of transfers in batches of RELAY_BATCH per request, in order', async () => {
    const { node, fakes } = createNetworkedNode();
    await node.registerNodes(['127.0.0.1:5001']);
    for (let i = 0; i < 25; i++) await node.mine(); // a reward of 1 per block
    for (let i = 0; i < 25; i++) {
      const sent = node.send(bob.address, 1);
      if (!sent.ok) throw new Error(`send ${i} failed: ${sent.rejection.code}`);
    }
    const fake = fakes.get('http://127.0.0.1:5001/graphql')!;
    // Relay follows the durable commit, so it is awaited rather than timed (a loaded CI machine missed a 10 ms wait).
    await vi.waitFor(() => expect(fake.pushedTransactions).toHaveLength(25), { timeout: 2_000 });
    await flush();
    expect(fake.pushedTransactions.map((tx) => tx.nonce)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(fake.relayRequests).toBe(Math.ceil(25 / RELAY_BATCH));
    node.close();
  });

  it('keeps one relay request in flight per peer, so a peer receives transfers in the order they were accepted', async () => {
    const { node, fakes } = createNetworkedNode();
    await node.registerNodes(['127.0.0.1:5001']);
    for (let i = 0; i < 25; i++) await node.mine();
    for (let i = 0; i < 25; i++) expect(node.send(bob.address, 1).ok).toBe(true);
    const fake = fakes.get('http://127.0.0.1:5001/graphql')!;
    await vi.waitFor(() => expect(fake.pushedTransactions).toHaveLength(25), { timeout: 2_000 });
    // Sent side by side, the three batches could reach the peer in any order and nonce 10 arrive before nonce 9.
    expect(fake.maxRelaysInFlight).toBe(1);
    expect(fake.pushedTransactions.map((tx) => tx.nonce)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    node.close();
  });

  it('sends nothing queued for relay once the node is closed in the same turn', async () => {
    const { node, fakes } = createNetworkedNode();
    await node.registerNodes(['127.0.0.1:5001']);
    await node.mine();
    await flush();
    const fake = fakes.get('http://127.0.0.1:5001/graphql')!;
    expect(node.send(bob.address, 1).ok).toBe(true);
    node.close();
    await flush();
    expect(fake.pushedTransactions).toEqual([]);
  });

  it('does not push to a peer that is backing off', async () => {
    const { node, fakes } = createNetworkedNode({ failing: new Set(['http://127.0.0.1:5001/graphql']) });
    await node.registerNodes(['127.0.0.1:5001']);
    const fake = fakes.get('http://127.0.0.1:5001/graphql')!;
    const callsAfterProbe = fake.calls;
    await node.mine();
    await flush();
    expect(fake.calls).toBe(callsAfterProbe);
    node.close();
  });
});

describe('registration', () => {
  it('asks a reachable new peer to register this node back (symmetric registration)', async () => {
    const { node, fakes } = createNetworkedNode();
    await node.registerNodes(['127.0.0.1:5001']);
    await vi.waitFor(
      () => expect(fakes.get('http://127.0.0.1:5001/graphql')!.registered).toEqual(['http://127.0.0.1:4000/graphql']),
      { timeout: 2_000 },
    );
    node.close();
  });

  it('does not ask anything back without a public URL', async () => {
    const { node, fakes } = createNetworkedNode({ publicUrl: null });
    await node.registerNodes(['127.0.0.1:5001']);
    await flush();
    expect(fakes.get('http://127.0.0.1:5001/graphql')!.registered).toEqual([]);
    node.close();
  });

  it('never registers its own public URL', async () => {
    const { node } = createNetworkedNode();
    const { added } = await node.registerNodes(['http://127.0.0.1:4000', '127.0.0.1:5001']);
    expect(added.map((peer) => peer.url)).toEqual(['http://127.0.0.1:5001/graphql']);
    node.close();
  });
});

describe('backoff', () => {
  it('waits 1 s, 2 s, 4 s … up to 60 s between automatic contacts of an unreachable peer', async () => {
    const { node, clock } = createNetworkedNode({ failing: new Set(['http://127.0.0.1:5001/graphql']) });
    await node.registerNodes(['127.0.0.1:5001']);
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      const peer = node.peers.list()[0]!;
      delays.push(peer.retryAt! - clock.now());
      clock.advance(peer.retryAt! - clock.now());
      await node.resolve({ automatic: true });
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
    expect(node.peers.list()[0]).toMatchObject({ status: 'UNREACHABLE', failures: 9 });
    node.close();
  });

  it('skips a backing-off peer in automatic resyncs, but a manual resolve still tries it', async () => {
    const { node, fakes } = createNetworkedNode({ failing: new Set(['http://127.0.0.1:5001/graphql']) });
    await node.registerNodes(['127.0.0.1:5001']);
    const fake = fakes.get('http://127.0.0.1:5001/graphql')!;
    const calls = fake.calls;
    expect((await node.resolve({ automatic: true })).outcomes).toEqual([]);
    expect(fake.calls).toBe(calls);
    expect((await node.resolve()).outcomes[0]!.outcome).toBe('UNREACHABLE');
    node.close();
  });

  it('clears the backoff after a good answer', async () => {
    const failing = new Set(['http://127.0.0.1:5001/graphql']);
    const { node } = createNetworkedNode({ failing });
    await node.registerNodes(['127.0.0.1:5001']);
    failing.clear();
    await node.resolve();
    expect(node.peers.list()[0]).toMatchObject({ status: 'REACHABLE', failures: 0, retryAt: null, lastError: null });
    node.close();
  });
});

describe('orphans', () => {
  it('syncs from a registered peer that pushed a block whose parent is unknown, and from nobody else', async () => {
    const { node, fakes } = createNetworkedNode();
    await node.registerNodes(['127.0.0.1:5001']);
    const fake = fakes.get('http://127.0.0.1:5001/graphql')!;
    const elsewhere = buildChain(3, { clock: createFixedClock() });
    const orphan = mineBlock({ chain: elsewhere.chain });
    const calls = fake.calls;
    expect(node.submitBlock(orphan, undefined, 'http://127.0.0.1:9999/graphql').status).toBe('orphan');
    await flush();
    expect(fake.calls).toBe(calls);
    expect(node.submitBlock(orphan, undefined, '127.0.0.1:5001').status).toBe('orphan');
    await vi.waitFor(() => expect(fake.calls).toBeGreaterThan(calls), { timeout: 2_000 });
    node.close();
  });
});
