import { afterEach, describe, expect, it } from 'vitest';
import { createYogaApp } from '../../src/api/yoga.js';
import { createTestChain, extendChain, type TestChain } from '../helpers/chainBuilder.js';
import { createFixedClock } from '../helpers/clock.js';
import { testWallet } from '../helpers/keys.js';
import { createTestNode, testNetworkParams } from '../helpers/testNode.js';
import { FakePeer } from '../peer/fakePeer.js';
import { gqlData, mineViaApi, type SseReader, subscribeSse, type TestNode, waitUntil } from './apiTestKit.js';

const PEER = 'http://127.0.0.1:5001/graphql';
const FIELDS = 'syncing height bestPeerHeight behind peersAhead';
const SYNC_STATUS = `subscription { syncStatus { ${FIELDS} } }`;

const nodes: TestNode[] = [];
const readers: SseReader[] = [];

afterEach(async () => {
  await Promise.all(readers.splice(0).map((reader) => reader.cancel()));
  for (const testNode of nodes.splice(0)) testNode.node.close();
});

/** A test node whose one possible peer is a FakePeer serving `peerChain` (no gossip, no resync timer). */
function createNodeWithPeer(): { testNode: TestNode; peerChain: TestChain } {
  // The peer's clock is the test node's start (createTestNode), so its blocks are never in our future.
  const peerChain = createTestChain({ clock: createFixedClock(testNetworkParams.genesisTimestamp + 60_000) });
  const testNode = createTestNode({
    connectPeer: (url) => new FakePeer(url, peerChain.chain),
    network: { gossip: false, syncIntervalMs: 0 },
  });
  nodes.push(testNode);
  return { testNode, peerChain };
}

async function subscribe(testNode: TestNode): Promise<SseReader> {
  const before = testNode.node.events.listenerCount('syncStatusChanged');
  const reader = await subscribeSse(testNode.yoga, SYNC_STATUS);
  readers.push(reader);
  await waitUntil(() => testNode.node.events.listenerCount('syncStatusChanged') > before);
  return reader;
}

async function nextStatus(reader: SseReader): Promise<unknown> {
  const event = await reader.next();
  expect(event.errors).toBeUndefined();
  return event.data.syncStatus;
}

describe('syncStatus query', () => {
  it('answers our height and what the reachable peers reported', async () => {
    const { testNode, peerChain } = createNodeWithPeer();
    const query = `{ syncStatus { ${FIELDS} } }`;
    expect((await gqlData(testNode.yoga, query)).syncStatus).toEqual({
      syncing: false,
      height: 1,
      bestPeerHeight: null,
      behind: 0,
      peersAhead: 0,
    });
    for (let i = 0; i < 3; i++) extendChain(peerChain.chain, { miner: testWallet('peer') });
    await testNode.node.registerNodes([PEER]);
    expect((await gqlData(testNode.yoga, query)).syncStatus).toEqual({
      syncing: false,
      height: 1,
      bestPeerHeight: 4,
      behind: 3,
      peersAhead: 1,
    });
  });
});

describe('syncStatus subscription', () => {
  it('sends the current status first, then each change: a peer reporting its height, our tip, a sync', async () => {
    const { testNode, peerChain } = createNodeWithPeer();
    await mineViaApi(testNode);
    const reader = await subscribe(testNode);
    expect(await nextStatus(reader)).toEqual({
      syncing: false,
      height: 2,
      bestPeerHeight: null,
      behind: 0,
      peersAhead: 0,
    });

    // A peer reports a height above ours.
    for (let i = 0; i < 4; i++) extendChain(peerChain.chain, { miner: testWallet('peer') });
    await testNode.node.registerNodes([PEER]);
    expect(await nextStatus(reader)).toEqual({
      syncing: false,
      height: 2,
      bestPeerHeight: 5,
      behind: 3,
      peersAhead: 1,
    });

    // Our height changes.
    await mineViaApi(testNode);
    expect(await nextStatus(reader)).toEqual({
      syncing: false,
      height: 3,
      bestPeerHeight: 5,
      behind: 2,
      peersAhead: 1,
    });

    // A sync from the peer: it starts, its heavier chain replaces ours, it ends.
    await testNode.node.resolve();
    expect(await nextStatus(reader)).toMatchObject({ syncing: true, height: 3, behind: 2 });
    expect(await nextStatus(reader)).toMatchObject({ syncing: true, height: 5, behind: 0, peersAhead: 0 });
    expect(await nextStatus(reader)).toEqual({
      syncing: false,
      height: 5,
      bestPeerHeight: 5,
      behind: 0,
      peersAhead: 0,
    });
  });

  it('sends nothing for a contact that changes no field', async () => {
    const { testNode } = createNodeWithPeer();
    const reader = await subscribe(testNode);
    await nextStatus(reader);
    await testNode.node.registerNodes([PEER]); // same height as ours: bestPeerHeight 1, nothing ahead
    expect(await nextStatus(reader)).toEqual({
      syncing: false,
      height: 1,
      bestPeerHeight: 1,
      behind: 0,
      peersAhead: 0,
    });
    testNode.node.removeNodes(['127.0.0.1:5999']); // not a peer: no change
    await mineViaApi(testNode);
    expect(await nextStatus(reader)).toMatchObject({ height: 2, bestPeerHeight: 1 });
  });

  it('counts against the subscriptions a client may hold', async () => {
    const { testNode } = createNodeWithPeer();
    const yoga = createYogaApp(testNode.node, { graphiql: false, limits: { maxSubscriptionsPerClient: 1 } });
    const first = await subscribeSse(yoga, SYNC_STATUS);
    readers.push(first);
    expect((await first.next()).data.syncStatus.height).toBe(1);
    const second = await subscribeSse(yoga, SYNC_STATUS);
    readers.push(second);
    expect((await second.next()).errors[0].extensions.code).toBe('TOO_MANY_SUBSCRIPTIONS');
  });
});
