import { GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NodeProcess, startNodeProcess } from '../helpers/nodeProcess.js';

interface Tip {
  node: { height: number; genesisHash: string; address: string; tip: { hash: string } };
}
const TIP = '{ node { height genesisHash address tip { hash } } }';
const MINE = 'mutation { mine { __typename ... on MineSuccess { block { index hash } } } }';
const REGISTER = `mutation($urls: [String!]!) {
  registerNodes(urls: $urls) {
    __typename
    ... on RegisterNodesSuccess { added { url status lastError } peers { url status height } }
    ... on InvalidInputError { field message code }
  }
}`;
const RESOLVE =
  'mutation { resolve { replaced chain { length tip { hash } } peers { url outcome message blocksFetched } } }';

describe("two real node processes on loopback (the tutorial's consensus walkthrough)", () => {
  let first: NodeProcess;
  let second: NodeProcess;
  let a: GraphQLClient;
  let b: GraphQLClient;

  beforeAll(async () => {
    [first, second] = await Promise.all([
      startNodeProcess(['--difficulty', '10']),
      startNodeProcess(['--difficulty', '10']),
    ]);
    a = new GraphQLClient(first.url);
    b = new GraphQLClient(second.url);
  }, 30_000);

  afterAll(async () => {
    await Promise.all([first?.stop(), second?.stop()]);
  });

  it('shares one genesis block between independently started nodes of one network', async () => {
    const [tipA, tipB] = await Promise.all([a.request<Tip>(TIP), b.request<Tip>(TIP)]);
    expect(tipA.node.genesisHash).toBe(tipB.node.genesisHash);
    expect(tipA.node.address).not.toBe(tipB.node.address);
    expect(tipA.node.height).toBe(1);
  });

  it('adopts the longer chain of a registered peer on resolve, then reports itself authoritative', async () => {
    for (let i = 0; i < 3; i++) await b.request(MINE);
    const tipB = await b.request<Tip>(TIP);
    expect(tipB.node.height).toBe(4);

    const registered = await a.request<{ registerNodes: any }>(REGISTER, {
      urls: [`127.0.0.1:${second.port}`, `http://127.0.0.1:${second.port}`, `http://127.0.0.1:${second.port}/graphql`],
    });
    expect(registered.registerNodes.__typename).toBe('RegisterNodesSuccess');
    expect(registered.registerNodes.peers).toHaveLength(1);
    expect(registered.registerNodes.added[0]).toMatchObject({ url: second.url, status: 'REACHABLE', lastError: null });

    const resolved = await a.request<{ resolve: any }>(RESOLVE);
    expect(resolved.resolve.replaced).toBe(true);
    expect(resolved.resolve.peers[0]).toMatchObject({ url: second.url, outcome: 'ADOPTED', blocksFetched: 3 });
    expect(resolved.resolve.chain.tip.hash).toBe(tipB.node.tip.hash);
    expect((await a.request<Tip>(TIP)).node.tip.hash).toBe(tipB.node.tip.hash);

    const again = await a.request<{ resolve: any }>(RESOLVE);
    expect(again.resolve.replaced).toBe(false);
    expect(again.resolve.peers[0].outcome).toBe('IN_SYNC');
  });

  it('registered the first node on the second too (symmetric registration)', async () => {
    const peers = await b.request<{ peers: Array<{ url: string; status: string }> }>('{ peers { url status } }');
    expect(peers.peers).toEqual([{ url: first.url, status: 'REACHABLE' }]);
  });

  it('spreads a block mined on one node to its peer by gossip, without resolve', async () => {
    await a.request(MINE);
    const tipA = await a.request<Tip>(TIP);
    const deadline = Date.now() + 5_000;
    while ((await b.request<Tip>(TIP)).node.tip.hash !== tipA.node.tip.hash) {
      if (Date.now() > deadline) throw new Error('the block did not reach the peer within 5 s');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const fromB = await b.request<{ resolve: any }>(RESOLVE);
    expect(fromB.resolve.replaced).toBe(false);
    expect(fromB.resolve.peers[0].outcome).toBe('IN_SYNC');
  });

  it('reports a peer that went down as UNREACHABLE without failing resolve or changing the chain', async () => {
    const before = await a.request<Tip>(TIP);
    expect(await second.stop()).toBe(0);
    const resolved = await a.request<{ resolve: any }>(RESOLVE);
    expect(resolved.resolve.replaced).toBe(false);
    expect(resolved.resolve.peers[0]).toMatchObject({ outcome: 'UNREACHABLE' });
    expect((await a.request<Tip>(TIP)).node.tip.hash).toBe(before.node.tip.hash);
    const peers = await a.request<{ peers: Array<{ status: string; lastError: string }> }>(
      '{ peers { status lastError } }',
    );
    expect(peers.peers[0]!.status).toBe('UNREACHABLE');
    expect(peers.peers[0]!.lastError).toMatch(/connect|answer/);
  });

  it('exits with code 0 on SIGTERM after logging one line per event', async () => {
    const log = first.output();
    expect(log).toMatch(/node\.started address=[0-9a-f]{64}/);
    expect(log).toMatch(/block\.connected index=2/);
    expect(log).toMatch(/peer\.sync url=/);
    expect(await first.stop()).toBe(0);
  });
});

describe('refusing a node of another network', () => {
  it('marks a peer with a different genesis (another --difficulty) REFUSED and keeps its chain', async () => {
    const [ours, theirs] = await Promise.all([
      startNodeProcess(['--difficulty', '10']),
      startNodeProcess(['--difficulty', '9']),
    ]);
    try {
      const a = new GraphQLClient(ours.url);
      const b = new GraphQLClient(theirs.url);
      await b.request(MINE);
      await b.request(MINE);
      const before = await a.request<Tip>(TIP);
      const registered = await a.request<{ registerNodes: any }>(REGISTER, { urls: [theirs.url] });
      expect(registered.registerNodes.added[0].status).toBe('REFUSED');
      expect(registered.registerNodes.added[0].lastError).toMatch(/GENESIS_MISMATCH/);
      const resolved = await a.request<{ resolve: any }>(RESOLVE);
      expect(resolved.resolve.replaced).toBe(false);
      expect(resolved.resolve.peers[0].outcome).toBe('REFUSED');
      expect((await a.request<Tip>(TIP)).node.tip.hash).toBe(before.node.tip.hash);
    } finally {
      await Promise.all([ours.stop(), theirs.stop()]);
    }
  });
});
