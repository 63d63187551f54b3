import { Client, fetchExchange, type OperationResult, subscriptionExchange } from '@urql/core';
import { cacheExchange } from '@urql/exchange-graphcache';
import { createClient, type Client as WsClient } from 'graphql-ws';
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import WebSocket from 'ws';
import type { RunningServer } from '../../src/api/server.js';
import { mineBlocks, startApiServer, type TestNode, waitUntil } from '../api/apiTestKit.js';
import { createTestNode } from '../helpers/testNode.js';
import { waitFor } from '../helpers/waitFor.js';

/**
 * A real normalized-cache client against a real node server: urql with Graphcache and NO `keys` configuration,
 * queries and mutations over HTTP, subscriptions over graphql-ws. Graphcache keys an entity by `__typename` + `id`,
 * so once Block, Account and Peer carry an `id`, data that arrives for an entity through any operation (a
 * subscription event, another query) updates every cached view of it without refetching that view.
 */

const CHAIN_VIEW = `query ChainView {
  chain { blocks(last: 5) { edges { node { id hash index confirmations isBest } } } }
}`;
const NEW_BLOCK = `subscription NewBlock {
  newBlock { id hash index confirmations isBest parent { id hash confirmations isBest } }
}`;
const MINE = `mutation Mine {
  mine { __typename ... on MineSuccess { block { id index } } ... on Error { code message } }
}`;
const ACCOUNT = `query Account($address: String!) { account(address: $address) { id address balance } }`;
const REGISTER = `mutation Register($urls: [String!]!) {
  registerNodes(urls: $urls) {
    __typename
    ... on RegisterNodesSuccess { added { id url status height } }
    ... on Error { code message }
  }
}`;
const PEERS = `query Peers { peers { id url status height } }`;
const PEER_CHANGED = `subscription PeerChanged { peerChanged { id url status height } }`;
const RESOLVE = `mutation Resolve { resolve { replaced } }`;

interface ChainViewData {
  chain: { blocks: { edges: { node: { id: string; hash: string; index: number; confirmations: number } }[] } };
}

let testNode: TestNode;
let server: RunningServer;
let ws: WsClient;
let client: Client;
/** operationName of every request the client sent over HTTP. */
let httpOperations: string[];
let warn: MockInstance<typeof console.warn>;
const cleanups: (() => unknown)[] = [];

/** An urql client with Graphcache's defaults (no keys, no schema, no updaters) on the node's HTTP and WS endpoints. */
function createCachingClient(url: string, wsClient: WsClient, sent: string[]): Client {
  const countingFetch: typeof fetch = (input, init) => {
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as { operationName?: string }) : {};
    sent.push(body.operationName ?? '?');
    return fetch(input, init);
  };
  return new Client({
    url,
    fetch: countingFetch,
    preferGetMethod: false,
    exchanges: [
      cacheExchange(),
      fetchExchange,
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({ unsubscribe: wsClient.subscribe({ ...request, query: request.query ?? '' }, sink) }),
        }),
      }),
    ],
  });
}

/** Graphcache's "Invalid key" warnings (an entity without `id`) that name one of the given types. */
function missingKeyWarnings(typenames: readonly string[]): string[] {
  return warn.mock.calls
    .map((call) => String(call[0]))
    .filter(
      (message) => message.startsWith('Invalid key') && typenames.some((name) => message.includes(`\`${name}\``)),
    );
}

/** Starts a subscription through the client and waits until the node delivers `event` to it. */
async function subscribe<T>(
  query: string,
  event: 'blockConnected' | 'peerChanged',
): Promise<{ results: OperationResult<T>[] }> {
  const listenersBefore = testNode.node.events.listenerCount(event);
  const results: OperationResult<T>[] = [];
  const { unsubscribe } = client.subscription<T>(query, {}).subscribe((result) => results.push(result));
  cleanups.push(unsubscribe);
  await waitFor(
    'the subscription to reach the node',
    () => testNode.node.events.listenerCount(event) > listenersBefore,
  );
  return { results };
}

beforeEach(async () => {
  warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  testNode = createTestNode();
  server = await startApiServer(testNode.node);
  ws = createClient({ url: server.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
  httpOperations = [];
  client = createCachingClient(server.url, ws, httpOperations);
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await ws.dispose();
  await server.close();
  testNode.node.close();
  vi.restoreAllMocks();
});

describe('a normalized cache (urql Graphcache, no keys configuration) on a real node', () => {
  it('updates the cached chain view from newBlock events: the old tip gains a confirmation without a refetch', async () => {
    await mineBlocks(testNode, 2);
    const first = await client.query<ChainViewData>(CHAIN_VIEW, {}).toPromise();
    expect(first.error).toBeUndefined();
    const tipBefore = first.data!.chain.blocks.edges.at(-1)!.node;
    expect(tipBefore).toMatchObject({ index: 3, id: tipBefore.hash, confirmations: 1, isBest: true });

    // A live view of the query: Graphcache re-delivers it whenever an entity it read changes in the cache.
    const live: ChainViewData[] = [];
    const view = client.query<ChainViewData>(CHAIN_VIEW, {}).subscribe((result) => {
      if (result.data) live.push(result.data);
    });
    cleanups.push(view.unsubscribe);
    await waitUntil(() => live.length > 0);

    const { results } = await subscribe<{ newBlock: any }>(NEW_BLOCK, 'blockConnected');
    testNode.advance(10_000);
    const mined = await client.mutation(MINE, {}).toPromise();
    expect(mined.error).toBeUndefined();
    expect(mined.data.mine).toMatchObject({ __typename: 'MineSuccess', block: { index: 4 } });
    await waitFor('the newBlock event', () => results.length > 0);
    expect(results[0]!.error).toBeUndefined();
    expect(results[0]!.data!.newBlock).toMatchObject({
      index: 4,
      confirmations: 1,
      parent: { id: tipBefore.hash, hash: tipBefore.hash, confirmations: 2, isBest: true },
    });

    // The event carried the old tip as `parent`: the cache merged it into Block:<hash>, which the view links to.
    const confirmationsOf = (data: ChainViewData, hash: string) =>
      data.chain.blocks.edges.find((edge) => edge.node.id === hash)?.node.confirmations;
    await waitFor('the live view to update', () => confirmationsOf(live.at(-1)!, tipBefore.hash) === 2);
    const cached = await client.query<ChainViewData>(CHAIN_VIEW, {}, { requestPolicy: 'cache-only' }).toPromise();
    expect(cached.stale).toBe(false);
    expect(confirmationsOf(cached.data!, tipBefore.hash)).toBe(2);
    // Nothing refetched the view: the only ChainView request over HTTP is the first one.
    expect(httpOperations.filter((name) => name === 'ChainView')).toEqual(['ChainView']);
    expect(missingKeyWarnings(['Block'])).toEqual([]);
  });

  it('keys an account by its lowercase address, so upper- and lowercase queries share one entity', async () => {
    const address = testNode.node.wallet.address;
    await mineBlocks(testNode, 1);
    const upper = await client.query(ACCOUNT, { address: address.toUpperCase() }).toPromise();
    expect(upper.data.account).toEqual({ id: address, address, balance: 1 });

    await mineBlocks(testNode, 2);
    const lower = await client.query(ACCOUNT, { address }, { requestPolicy: 'network-only' }).toPromise();
    expect(lower.data.account.balance).toBe(3);
    // The uppercase query was answered once; its cached answer now shows what the lowercase one fetched.
    const cached = await client
      .query(ACCOUNT, { address: address.toUpperCase() }, { requestPolicy: 'cache-only' })
      .toPromise();
    expect(cached.data.account).toEqual({ id: address, address, balance: 3 });
    expect(httpOperations.filter((name) => name === 'Account')).toHaveLength(2);
    expect(missingKeyWarnings(['Account'])).toEqual([]);
  });

  it('updates the cached peer list from peerChanged events', async () => {
    const peer = createTestNode({ label: 'peer' });
    const peerServer = await startApiServer(peer.node);
    cleanups.push(
      () => peer.node.close(),
      () => peerServer.close(),
    );
    const registered = await client.mutation(REGISTER, { urls: [peerServer.url] }).toPromise();
    expect(registered.data.registerNodes.added).toEqual([
      { id: peerServer.url, url: peerServer.url, status: 'REACHABLE', height: 1 },
    ]);
    const peers = await client.query(PEERS, {}).toPromise();
    expect(peers.data.peers).toEqual([registered.data.registerNodes.added[0]]);

    const { results } = await subscribe<{ peerChanged: any }>(PEER_CHANGED, 'peerChanged');
    await mineBlocks(peer, 2);
    // Our node syncs from the peer and learns its new height: a peerChanged event for Peer:<url>.
    expect((await client.mutation(RESOLVE, {}).toPromise()).data.resolve.replaced).toBe(true);
    await waitFor('the peerChanged event', () => results.length > 0);
    expect(results.at(-1)!.data!.peerChanged).toMatchObject({ id: peerServer.url, height: 3 });

    const cached = await client.query(PEERS, {}, { requestPolicy: 'cache-only' }).toPromise();
    expect(cached.data.peers).toEqual([{ id: peerServer.url, url: peerServer.url, status: 'REACHABLE', height: 3 }]);
    expect(httpOperations.filter((name) => name === 'Peers')).toEqual(['Peers']);
    expect(missingKeyWarnings(['Block', 'Account', 'Peer'])).toEqual([]);
  });

  it('is a real check: Graphcache warns about a Block selected without its id', async () => {
    const result = await client.query('query NoIds { chain { tip { hash confirmations } } }', {}).toPromise();
    expect(result.data.chain.tip.confirmations).toBe(1);
    expect(missingKeyWarnings(['Block'])).toHaveLength(1);
  });
});
