import { afterEach, describe, expect, it } from 'vitest';
import { createNodeClient } from '../../src/client/createNodeClient.js';
import { NodeGraphQLError, NodeUnreachableError } from '../../src/client/errors.js';
import type { NodeSubscription } from '../../src/client/openSubscription.js';
import { assertOk } from '../../src/client/result.js';
import type { Block, MiningProgress, Peer } from '../../src/client/types.js';
import { deadPort } from '../api/apiTestKit.js';
import { eventually, SlowMiner, startTestServer, type TestServer } from './clientTestKit.js';

const servers: TestServer[] = [];
const subscriptions: NodeSubscription<unknown>[] = [];

async function serve(options: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const served = await startTestServer(options);
  servers.push(served);
  return served;
}

function track<T>(subscription: NodeSubscription<T>): NodeSubscription<T> {
  subscriptions.push(subscription as NodeSubscription<unknown>);
  return subscription;
}

afterEach(async () => {
  await Promise.all(subscriptions.splice(0).map((subscription) => subscription.close()));
  await Promise.all(servers.splice(0).map((served) => served.close()));
});

describe('subscriptions of the typed client (graphql-ws on /graphql)', () => {
  it('receives the block the node mines', async () => {
    const served = await serve();
    const client = createNodeClient(served.url);
    const height = (await client.node()).height;
    // afterIndex: the current height, so the block arrives even if the subscription starts after the mine.
    const blocks = track(client.subscribeNewBlocks({ afterIndex: height }));
    await blocks.connected;
    const mined = await client.mine();
    assertOk(mined);
    const next = await blocks.next();
    expect(next.done).toBe(false);
    expect(next.value).toEqual(mined.block);
  });

  it('replays the best-chain blocks after afterIndex first', async () => {
    const served = await serve();
    for (let i = 0; i < 3; i++) await served.node.mine();
    const blocks = track(createNodeClient(served.url).subscribeNewBlocks({ afterIndex: 2 }));
    const indexes: number[] = [];
    for await (const block of blocks) {
      indexes.push(block.index);
      expect(block.transactions[0]!.isReward).toBe(true);
      if (indexes.length === 2) break;
    }
    expect(indexes).toEqual([3, 4]);
    // `break` closed it: the iterator is done.
    expect((await blocks.next()).done).toBe(true);
  });

  it('calls a listener for each event until it is unsubscribed', async () => {
    const served = await serve();
    const client = createNodeClient(served.url);
    const seen: Block[] = [];
    const listenersBefore = served.node.events.listenerCount('blockConnected');
    const subscription = track(client.subscribeNewBlocks({ afterIndex: 1 }));
    const unsubscribe = subscription.listen((block) => seen.push(block));
    await subscription.connected;
    assertOk(await client.mine());
    assertOk(await client.mine());
    await eventually('two blocks delivered to the listener', () => seen.length === 2);
    unsubscribe();
    await eventually(
      'the node to drop the subscription',
      () => served.node.events.listenerCount('blockConnected') === listenersBefore,
    );
    assertOk(await client.mine());
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(seen.map((block) => block.index)).toEqual([2, 3]);
  });

  it('reports mining progress about once a second while a block is mined', async () => {
    const served = await serve({ miner: new SlowMiner(1_400) });
    const client = createNodeClient(served.url);
    const reports: MiningProgress[] = [];
    const progress = track(client.subscribeMiningProgress());
    progress.listen((report) => reports.push(report));
    await progress.connected;
    await eventually(
      'the progress subscription to start',
      () => served.node.events.listenerCount('miningProgress') > 0,
    );
    const mined = await client.mine();
    assertOk(mined);
    expect(reports.length).toBeGreaterThanOrEqual(1);
    expect(reports[0]).toMatchObject({ index: 2, difficulty: 8 });
    expect(reports[0]!.tries).toBeGreaterThan(0);
    expect(reports[0]!.hashrate).toBe(1_000_000);
    expect(reports[0]!.elapsedMs).toBeGreaterThanOrEqual(900);
  });

  it('reports peer changes and reorganizations', async () => {
    const [served, longer] = await Promise.all([serve(), serve({ label: 'client-sub-longer' })]);
    const client = createNodeClient(served.url);
    await served.node.mine();
    for (let i = 0; i < 3; i++) await longer.node.mine();
    const reorgListenersBefore = served.node.events.listenerCount('chainReorganized');
    const peers: Peer[] = [];
    const peerChanges = track(client.subscribePeerChanged());
    peerChanges.listen((peer) => peers.push(peer));
    const reorganizations = track(client.subscribeChainReorganized());
    await Promise.all([peerChanges.connected, reorganizations.connected]);
    await eventually(
      'both subscriptions to start',
      () =>
        served.node.events.listenerCount('peerChanged') > 0 &&
        served.node.events.listenerCount('chainReorganized') > reorgListenersBefore,
    );
    assertOk(await client.registerNodes([longer.url]));
    expect((await client.resolve()).replaced).toBe(true);
    const reorganization = (await reorganizations.next()).value;
    expect(reorganization).toMatchObject({
      depth: 1,
      oldTip: { index: 2 },
      newTip: { index: 4, hash: longer.node.chain.tip.hash },
    });
    expect(reorganization.disconnected.map((block: { index: number }) => block.index)).toEqual([2]);
    expect(reorganization.connected.map((block: { index: number }) => block.index)).toEqual([2, 3, 4]);
    await eventually('the peer to be reported reachable', () =>
      peers.some((peer) => peer.url === longer.url && peer.status === 'REACHABLE'),
    );
  });

  it('ends with NodeGraphQLError when the node refuses the subscription (too many for one client)', async () => {
    const served = await serve({ limits: { maxSubscriptionsPerClient: 1 } });
    const client = createNodeClient(served.url);
    const listenersBefore = served.node.events.listenerCount('blockConnected');
    const first = track(client.subscribeNewBlocks());
    await first.connected;
    await eventually(
      'the first subscription to start',
      () => served.node.events.listenerCount('blockConnected') > listenersBefore,
    );
    const second = track(client.subscribeNewBlocks());
    const error = await second.next().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NodeGraphQLError);
    expect((error as NodeGraphQLError).code).toBe('TOO_MANY_SUBSCRIPTIONS');
  });

  it('rejects `connected` and the iterator with NodeUnreachableError when nothing listens', async () => {
    const subscription = track(createNodeClient(`http://127.0.0.1:${await deadPort()}/graphql`).subscribeNewBlocks());
    await expect(subscription.connected).rejects.toBeInstanceOf(NodeUnreachableError);
    await expect(subscription.next()).rejects.toBeInstanceOf(NodeUnreachableError);
    expect((await subscription.next()).done).toBe(true);
  });

  it('ends the iterator when closed', async () => {
    const served = await serve();
    const subscription = track(createNodeClient(served.url).subscribeNewBlocks());
    await subscription.connected;
    const pending = subscription.next();
    await subscription.close();
    expect(await pending).toEqual({ done: true, value: undefined });
  });
});
