import { EventHub } from '../../src/node/events.js';
import type { NetworkHost } from '../../src/node/network.js';
import type { NodeEvents } from '../../src/node/nodeEvents.js';
import type { PeerRecord } from '../../src/peer/peerSet.js';
import { buildChain } from '../helpers/chainBuilder.js';
import { createFixedClock } from '../helpers/clock.js';
import { FakePeer, type FakePeerBehaviour } from '../peer/fakePeer.js';

/** A NetworkHost over a bare test chain (no Node), recording peerChanged events, log lines and sync activity. */
export function stubHost(options: { isPending?: (id: string) => boolean } = {}) {
  const clock = createFixedClock();
  const { chain } = buildChain(0, { clock });
  const events = new EventHub<NodeEvents>();
  const changes: PeerRecord[] = [];
  events.on('peerChanged', (peer) => changes.push(peer));
  const logs: string[] = [];
  /** How often the host was told that SyncScheduler.syncing changed. */
  const syncingChanges = { count: 0 };
  const host: NetworkHost = {
    chain,
    address: 'e'.repeat(64),
    events,
    now: clock.now,
    log: (event) => logs.push(event),
    addBlocks: (blocks) => chain.addBlocks(blocks),
    preverify: async () => {},
    verifyQueued: () => false,
    isPending: options.isPending ?? (() => false),
    syncingChanged: () => {
      syncingChanges.count++;
    },
  };
  return { host, clock, changes, logs, syncingChanges };
}

/** A connectPeer that serves every URL from a FakePeer of a fresh chain (same genesis as stubHost's). */
export function fakePeers(behaviour: (url: string) => FakePeerBehaviour = () => ({})) {
  const fakes = new Map<string, FakePeer>();
  const connect = (url: string) => {
    const fake = new FakePeer(url, buildChain(0).chain, behaviour(url));
    fakes.set(url, fake);
    return fake;
  };
  return { fakes, connect };
}
