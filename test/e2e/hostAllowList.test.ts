import { request as httpRequest } from 'node:http';
import { GraphQLClient } from 'graphql-request';
import { afterAll, describe, expect, it } from 'vitest';
import { type NodeProcess, startNodeProcess } from '../helpers/nodeProcess.js';
import { waitFor } from '../helpers/waitFor.js';

// The Host allow-list is on by default: peers still gossip and sync, because they reach each other by their public
// URLs, whose host is on each node's list; a request that names another host is refused.

const started: NodeProcess[] = [];
afterAll(async () => {
  await Promise.all(started.map((node) => node.stop()));
});

const MINE = 'mutation { mine { __typename ... on MineSuccess { block { hash } } } }';
const TIP = '{ node { tip { hash } peerCount } }';
const tipOf = async (node: NodeProcess) =>
  (await new GraphQLClient(node.url).request<{ node: { tip: { hash: string } } }>(TIP)).node.tip.hash;

/** Status of a POST of `{ node { height } }` to `node` with the given Host header (fetch would replace it). */
function statusWithHost(node: NodeProcess, host: string): Promise<number> {
  const url = new URL(node.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { host, 'content-type': 'application/json' },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      },
    );
    req.on('error', reject);
    req.end('{"query":"{ node { height } }"}');
  });
}

describe('peers behind the Host allow-list', () => {
  it('gossip and sync both ways by public URL, while a rebound name is refused', async () => {
    const a = await startNodeProcess(['--difficulty', '8', '--sync-interval', '1000']);
    started.push(a);
    // B answers only to 127.0.0.1: the host of its public URL, which is how A reaches it.
    const b = await startNodeProcess([
      '--difficulty',
      '8',
      '--sync-interval',
      '1000',
      '--allowed-hosts',
      '127.0.0.1',
      '--peers',
      a.url,
    ]);
    started.push(b);
    await waitFor('A registered B back', async () => {
      const { node } = await new GraphQLClient(a.url).request<{ node: { peerCount: number } }>(TIP);
      return node.peerCount === 1;
    });
    const fromA = await new GraphQLClient(a.url).request<any>(MINE);
    await waitFor("A's block on B", async () => (await tipOf(b)) === fromA.mine.block.hash, 10_000);
    const fromB = await new GraphQLClient(b.url).request<any>(MINE);
    await waitFor("B's block on A", async () => (await tipOf(a)) === fromB.mine.block.hash, 10_000);

    expect(await statusWithHost(b, 'attacker.example')).toBe(403);
    expect(await statusWithHost(b, 'localhost')).toBe(403);
    expect(await statusWithHost(a, 'localhost')).toBe(200);
    expect(await statusWithHost(a, 'attacker.example:4750')).toBe(403);
  });
});
