import { describe, expect, it } from 'vitest';
import { MainThreadMiner } from '../../src/mining/mainThreadMiner.js';
import { Node, type SyncStatus } from '../../src/node/node.js';
import { PeerContacts } from '../../src/node/peerContacts.js';
import { SyncScheduler } from '../../src/node/syncScheduler.js';
import { computeSyncStatus, sameSyncStatus } from '../../src/node/syncStatus.js';
import { PeerUnreachableError } from '../../src/peer/peerApi.js';
import type { PeerRecord, PeerStatus } from '../../src/peer/peerSet.js';
import { createTestChain, extendChain, type TestChain } from '../helpers/chainBuilder.js';
import { createFixedClock } from '../helpers/clock.js';
import { testWallet } from '../helpers/keys.js';
import { easyParams } from '../helpers/params.js';
import { FakePeer } from '../peer/fakePeer.js';
import { fakePeers, stubHost } from './networkTestKit.js';

const A = 'http://127.0.0.1:5001/graphql';
const B = 'http://127.0.0.1:5002/graphql';

function peer(url: string, status: PeerStatus, height: number | null): PeerRecord {
  return {
    url,
    status,
    height,
    genesisHash: null,
    address: null,
    lastSeen: null,
    lastError: null,
    addedAt: 0,
    failures: 0,
    retryAt: null,
  };
}

describe('computeSyncStatus', () => {
  it('with no peers: nothing known, nothing behind', () => {
    expect(computeSyncStatus(7, [], false)).toEqual({
      syncing: false,
      height: 7,
      bestPeerHeight: null,
      behind: 0,
      peersAhead: 0,
    });
  });

  it('takes the highest height of the reachable peers and counts those above ours', () => {
    const peers = [peer(A, 'REACHABLE', 12), peer(B, 'REACHABLE', 9), peer('c', 'REACHABLE', 4)];
    expect(computeSyncStatus(5, peers, true)).toEqual({
      syncing: true,
      height: 5,
      bestPeerHeight: 12,
      behind: 7,
      peersAhead: 2,
    });
  });

  it('never reports a negative lag when we are ahead', () => {
    expect(computeSyncStatus(20, [peer(A, 'REACHABLE', 12)], false)).toMatchObject({
      bestPeerHeight: 12,
      behind: 0,
      peersAhead: 0,
    });
  });

  it('ignores refused, unreachable and not yet contacted peers, and reachable ones without a height', () => {
    const peers = [
      peer(A, 'REFUSED', 1_000),
      peer(B, 'UNREACHABLE', 50),
      peer('c', 'UNKNOWN', null),
      peer('d', 'REACHABLE', null),
    ];
    expect(computeSyncStatus(3, peers, false)).toEqual({
      syncing: false,
      height: 3,
      bestPeerHeight: null,
      behind: 0,
      peersAhead: 0,
    });
  });

  it('compares statuses field by field', () => {
    const status = computeSyncStatus(3, [peer(A, 'REACHABLE', 5)], false);
    expect(sameSyncStatus(status, { ...status })).toBe(true);
    for (const change of [
      { syncing: true },
      { height: 4 },
      { bestPeerHeight: null },
      { behind: 1 },
      { peersAhead: 0 },
    ] satisfies Partial<SyncStatus>[]) {
      expect(sameSyncStatus(status, { ...status, ...change })).toBe(false);
    }
  });
});

describe('SyncScheduler.syncing', () => {
  it('is true while a sync runs, and tells the host once when the first starts and once when the last ends', async () => {
    const stub = stubHost();
    const peerFakes = fakePeers();
    const contacts = new PeerContacts(stub.host, peerFakes.connect);
    contacts.peers.add(A, stub.clock.now());
    contacts.peers.add(B, stub.clock.now());
    const sync = new SyncScheduler(contacts, stub.host, { syncIntervalMs: 0 });
    expect(sync.syncing).toBe(false);
    const running = sync.resolve();
    expect(sync.syncing).toBe(true);
    expect(stub.syncingChanges.count).toBe(1);
    await running;
    expect(sync.syncing).toBe(false);
    expect(stub.syncingChanges.count).toBe(2);
  });
});

/** A node without gossip or timer whose peers are FakePeers serving chains the test extends (same network). */
function createNodeWithPeers() {
  const clock = createFixedClock();
  const peerChains = new Map<string, TestChain>();
  const unreachable = new Set<string>();
  const node = new Node({
    params: easyParams,
    wallet: testWallet('sync-status-node'),
    miner: new MainThreadMiner(),
    clock: clock.now,
    connectPeer: (url) =>
      new FakePeer(url, peerChains.get(url)!.chain, {
        fail: () => (unreachable.has(url) ? new PeerUnreachableError('cannot connect: ECONNREFUSED') : undefined)!,
      }),
    network: { gossip: false, syncIntervalMs: 0 },
  });
  /** Gives the peer at `url` a chain of `height` blocks (created on first use, extended afterwards). */
  const setPeerHeight = (url: string, height: number) => {
    let peerChain = peerChains.get(url);
    if (peerChain === undefined) {
      peerChain = createTestChain({ clock });
      peerChains.set(url, peerChain);
    }
    while (peerChain.chain.height < height) extendChain(peerChain.chain, { miner: testWallet(url) });
  };
  const statuses: SyncStatus[] = [];
  node.events.on('syncStatusChanged', (status) => statuses.push(status));
  return { node, setPeerHeight, unreachable, statuses };
}

const status = (fields: Partial<SyncStatus>): SyncStatus => ({
  syncing: false,
  height: 1,
  bestPeerHeight: null,
  behind: 0,
  peersAhead: 0,
  ...fields,
});

describe('Node.syncStatus and syncStatusChanged', () => {
  it('follows peer registration and removal, our tip, and syncs starting and ending, announcing each change once', async () => {
    const { node, setPeerHeight, unreachable, statuses } = createNodeWithPeers();
    expect(node.syncStatus).toEqual(status({}));

    // Two peers ahead of us: the registration's first contact reports their heights.
    setPeerHeight(A, 5);
    setPeerHeight(B, 3);
    await node.registerNodes([A, B]);
    expect(node.syncStatus).toEqual(status({ bestPeerHeight: 5, behind: 4, peersAhead: 2 }));

    // Removing the higher one leaves the other.
    node.removeNodes([A]);
    expect(node.syncStatus).toEqual(status({ bestPeerHeight: 3, behind: 2, peersAhead: 1 }));

    // A sync: it starts, our tip reaches the peer's, it ends.
    const resolution = node.resolve();
    expect(node.syncStatus.syncing).toBe(true);
    expect((await resolution).replaced).toBe(true);
    expect(node.syncStatus).toEqual(status({ height: 3, bestPeerHeight: 3 }));

    // Our height changes: we are ahead now.
    await node.mine();
    expect(node.syncStatus).toEqual(status({ height: 4, bestPeerHeight: 3 }));

    // The peer reports a new height after we contact it again, and then becomes unreachable.
    setPeerHeight(B, 6);
    await node.resolve();
    expect(node.syncStatus).toEqual(status({ height: 6, bestPeerHeight: 6 }));
    unreachable.add(B);
    await node.resolve();
    expect(node.syncStatus).toEqual(status({ height: 6 }));

    expect(statuses).toEqual([
      status({ bestPeerHeight: 5, behind: 4, peersAhead: 1 }), // A answered first
      status({ bestPeerHeight: 5, behind: 4, peersAhead: 2 }), // then B
      status({ bestPeerHeight: 3, behind: 2, peersAhead: 1 }), // A removed
      status({ syncing: true, bestPeerHeight: 3, behind: 2, peersAhead: 1 }), // sync from B starts
      status({ syncing: true, height: 3, bestPeerHeight: 3 }), // its blocks joined our chain
      status({ height: 3, bestPeerHeight: 3 }), // sync over
      status({ height: 4, bestPeerHeight: 3 }), // we mined
      status({ syncing: true, height: 4, bestPeerHeight: 3 }),
      status({ syncing: true, height: 6, bestPeerHeight: 3 }), // B's heavier branch replaced ours
      status({ syncing: true, height: 6, bestPeerHeight: 6 }), // B's record: its new height
      status({ height: 6, bestPeerHeight: 6 }),
      status({ syncing: true, height: 6, bestPeerHeight: 6 }),
      status({ syncing: true, height: 6 }), // B unreachable: its height no longer counts
      status({ height: 6 }),
    ]);
    for (let i = 1; i < statuses.length; i++) expect(sameSyncStatus(statuses[i - 1]!, statuses[i]!)).toBe(false);
    node.close();
  });

  it('announces nothing when a contact changes no field of the status', async () => {
    const { node, setPeerHeight, statuses } = createNodeWithPeers();
    setPeerHeight(A, 1);
    await node.registerNodes([A]);
    expect(statuses).toEqual([status({ bestPeerHeight: 1 })]);
    node.removeNodes(['127.0.0.1:5999']);
    await node.resolve();
    expect(statuses).toEqual([
      status({ bestPeerHeight: 1 }),
      status({ syncing: true, bestPeerHeight: 1 }),
      status({ bestPeerHeight: 1 }),
    ]);
    node.close();
  });
});
