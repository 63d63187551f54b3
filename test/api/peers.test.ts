import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/api/server.js';
import { createChainParams } from '../../src/chain/params.js';
import { createTestNode, testNetworkParams } from '../helpers/testNode.js';
import { deadPort, gqlData, mineBlocks, type TestNode } from './apiTestKit.js';

const REGISTER = `mutation Register($urls: [String!]!) {
  registerNodes(urls: $urls) {
    __typename
    ... on RegisterNodesSuccess {
      added { url status height lastSeen lastError }
      peers { url status }
    }
    ... on Error { code message }
    ... on InvalidInputError { field }
  }
}`;

const PEERS = `{ peers { url status height address genesisHash lastSeen lastError } node { peerCount } }`;

let testNode: TestNode;
let port: number;

beforeEach(async () => {
  testNode = createTestNode();
  port = await deadPort();
});

afterEach(() => testNode.node.close());

async function register(urls: readonly string[]): Promise<any> {
  const data = await gqlData(testNode.yoga, REGISTER, { urls });
  return data.registerNodes;
}

async function expectNoPeers(): Promise<void> {
  const data = await gqlData(testNode.yoga, PEERS);
  expect(data).toEqual({ peers: [], node: { peerCount: 0 } });
}

describe('registerNodes checks every URL before registering any', () => {
  it.each([
    ['another scheme', 'ftp://x', /scheme ftp is not allowed/],
    ['an empty string', '', /is empty/],
    ['a scheme without a host', 'http://', /not a URL|no host/],
    ['a host without a port', 'localhost', /not host:port/],
    ['an http URL without a port', 'http://localhost', /no port/],
    ['a path other than /graphql', 'http://localhost:4000/api', /path \/api is not allowed/],
    ['credentials', 'http://user:pw@localhost:4000', /credentials/],
    ['a query string', 'http://localhost:4000/graphql?x=1', /query/],
  ])('refuses %s with InvalidInputError naming urls[i]', async (_name, url, message) => {
    const result = await register([url]);
    expect(result).toMatchObject({ __typename: 'InvalidInputError', code: 'INVALID_INPUT', field: 'urls[0]' });
    expect(result.message).toMatch(/^urls\[0\] /);
    expect(result.message).toMatch(message);
    await expectNoPeers();
  });

  it('registers nothing when one URL of the list is bad, and names the bad one', async () => {
    const result = await register([`127.0.0.1:${port}`, 'ftp://x']);
    expect(result).toMatchObject({ __typename: 'InvalidInputError', field: 'urls[1]' });
    await expectNoPeers();
  });

  it('refuses an empty list with InvalidInputError naming urls', async () => {
    const result = await register([]);
    expect(result).toMatchObject({ __typename: 'InvalidInputError', field: 'urls' });
    await expectNoPeers();
  });

  it('refuses 10,000 URLs at once with InvalidInputError naming urls, without contacting any of them', async () => {
    // Distinct, well-formed, unroutable peers: each would hang until the 2 s peer timeout if it were contacted.
    const urls = Array.from(
      { length: 10_000 },
      (_, i) => `http://10.255.${Math.floor(i / 250)}.${(i % 250) + 1}:${port}`,
    );
    const started = performance.now();
    const result = await register(urls);
    const elapsedMs = performance.now() - started;
    expect(result).toMatchObject({ __typename: 'InvalidInputError', code: 'INVALID_INPUT', field: 'urls' });
    expect(result.message).toMatch(/at most 100/);
    // The refusal comes long before a single peer timeout (2 s in createTestNode).
    expect(elapsedMs).toBeLessThan(2_000);
    await expectNoPeers();
  });
});

describe('registerNodes keeps peers that are down and reports them', () => {
  it('keeps a peer on a dead port as UNREACHABLE with the connection error', async () => {
    const result = await register([`127.0.0.1:${port}`]);
    expect(result.__typename).toBe('RegisterNodesSuccess');
    expect(result.added).toEqual([
      {
        url: `http://127.0.0.1:${port}/graphql`,
        status: 'UNREACHABLE',
        height: null,
        lastSeen: null,
        lastError: expect.any(String),
      },
    ]);
    expect(result.added[0].lastError.length).toBeGreaterThan(0);
    const data = await gqlData(testNode.yoga, PEERS);
    expect(data.node.peerCount).toBe(1);
    expect(data.peers).toEqual([
      {
        url: `http://127.0.0.1:${port}/graphql`,
        status: 'UNREACHABLE',
        height: null,
        address: null,
        genesisHash: null,
        lastSeen: null,
        lastError: result.added[0].lastError,
      },
    ]);
  });

  it('normalizes host:port, http://host:port and http://host:port/graphql to one peer', async () => {
    const forms = [
      `127.0.0.1:${port}`,
      `http://127.0.0.1:${port}`,
      `http://127.0.0.1:${port}/graphql`,
      ` HTTP://127.0.0.1:${port}/graphql/ `,
    ];
    const result = await register(forms);
    expect(result.added.map((peer: any) => peer.url)).toEqual([`http://127.0.0.1:${port}/graphql`]);
    expect(result.peers).toHaveLength(1);
  });

  it('adds nothing when the same peer is registered again in another form', async () => {
    await register([`127.0.0.1:${port}`]);
    const again = await register([`http://127.0.0.1:${port}/graphql`]);
    expect(again.added).toEqual([]);
    expect(again.peers.map((peer: any) => peer.url)).toEqual([`http://127.0.0.1:${port}/graphql`]);
  });
});

describe('resolve with only dead peers', () => {
  it('keeps our chain and reports each peer as UNREACHABLE, never failing', async () => {
    await mineBlocks(testNode, 2);
    const otherPort = await deadPort();
    await register([`127.0.0.1:${port}`, `127.0.0.1:${otherPort}`]);
    const tipBefore = testNode.node.chain.tip.hash;
    const data = await gqlData(
      testNode.yoga,
      `mutation { resolve { replaced chain { length tip { hash } } peers { url outcome message blocksFetched peerHeight } } }`,
    );
    expect(data.resolve.replaced).toBe(false);
    expect(data.resolve.chain).toEqual({ length: 3, tip: { hash: tipBefore } });
    const outcomes = [...data.resolve.peers].sort((a: any, b: any) => a.url.localeCompare(b.url));
    const expectedUrls = [port, otherPort].map((p) => `http://127.0.0.1:${p}/graphql`).sort();
    expect(outcomes).toEqual(
      expectedUrls.map((url) => ({
        url,
        outcome: 'UNREACHABLE',
        message: expect.any(String),
        blocksFetched: 0,
        peerHeight: null,
      })),
    );
    const peers = await gqlData(testNode.yoga, PEERS);
    expect(peers.peers.map((peer: any) => peer.status)).toEqual(['UNREACHABLE', 'UNREACHABLE']);
  });

  it('answers resolve without peers with replaced false and no outcomes', async () => {
    const data = await gqlData(testNode.yoga, `mutation { resolve { replaced peers { url } chain { length } } }`);
    expect(data.resolve).toEqual({ replaced: false, peers: [], chain: { length: 1 } });
  });
});

describe('registerNodes and resolve with live peers', () => {
  const servers: RunningServer[] = [];
  const others: TestNode[] = [];

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
    for (const other of others.splice(0)) other.node.close();
  });

  /** Starts another node on 127.0.0.1 (port 0) and returns it with its server. */
  async function startPeer(
    overrides: Parameters<typeof createTestNode>[0] = {},
  ): Promise<{ peer: TestNode; server: RunningServer }> {
    const peer = createTestNode({ label: `peer-${others.length}`, ...overrides });
    others.push(peer);
    const server = await startServer(peer.node, { host: '127.0.0.1', port: 0 });
    servers.push(server);
    return { peer, server };
  }

  it('registers a live peer as REACHABLE with its height, address and genesis hash', async () => {
    const { peer, server } = await startPeer();
    await mineBlocks(peer, 2);
    const result = await register([`127.0.0.1:${server.port}`]);
    expect(result.added).toEqual([
      { url: server.url, status: 'REACHABLE', height: 3, lastSeen: testNode.node.now(), lastError: null },
    ]);
    const data = await gqlData(testNode.yoga, PEERS);
    expect(data.peers[0]).toMatchObject({
      address: peer.node.wallet.address,
      genesisHash: testNode.node.chain.genesis.hash,
    });
  });

  it('adopts the longer valid chain of a live peer on resolve', async () => {
    const { peer, server } = await startPeer();
    await mineBlocks(peer, 3);
    await mineBlocks(testNode, 1);
    await register([server.url]);
    const data = await gqlData(
      testNode.yoga,
      `mutation { resolve { replaced chain { length tip { hash } } peers { url outcome blocksFetched peerHeight } } }`,
    );
    expect(data.resolve).toEqual({
      replaced: true,
      chain: { length: 4, tip: { hash: peer.node.chain.tip.hash } },
      peers: [{ url: server.url, outcome: 'ADOPTED', blocksFetched: expect.any(Number), peerHeight: 4 }],
    });
    expect(data.resolve.peers[0].blocksFetched).toBeGreaterThanOrEqual(3);
  });

  it('keeps its own chain when the peer has no more work', async () => {
    const { server } = await startPeer();
    await mineBlocks(testNode, 2);
    await register([server.url]);
    const tip = testNode.node.chain.tip.hash;
    const data = await gqlData(
      testNode.yoga,
      `mutation { resolve { replaced chain { tip { hash } } peers { outcome } } }`,
    );
    expect(data.resolve).toEqual({ replaced: false, chain: { tip: { hash: tip } }, peers: [{ outcome: 'AHEAD' }] });
  });

  it('keeps a peer of another network as REFUSED, naming GENESIS_MISMATCH', async () => {
    const { server } = await startPeer({
      params: createChainParams({ ...testNetworkParams, networkName: 'another-net' }),
    });
    const result = await register([server.url]);
    expect(result.added).toEqual([
      {
        url: server.url,
        status: 'REFUSED',
        height: 1,
        lastSeen: expect.any(Number),
        lastError: expect.stringMatching(/^GENESIS_MISMATCH/),
      },
    ]);
  });

  it('refuses its own URL as a peer, naming SELF', async () => {
    const own = await startServer(testNode.node, { host: '127.0.0.1', port: 0 });
    servers.push(own);
    const result = await register([own.url]);
    expect(result.added).toEqual([
      {
        url: own.url,
        status: 'REFUSED',
        height: 1,
        lastSeen: expect.any(Number),
        lastError: expect.stringMatching(/^SELF/),
      },
    ]);
  });
});
