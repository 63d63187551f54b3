import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphQLClient } from 'graphql-request';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockHash } from '../../src/chain/block.js';
import { Chain } from '../../src/chain/chain.js';
import { encodeBlock } from '../../src/chain/encoding.js';
import type { Block } from '../../src/chain/types.js';
import { networkParams } from '../../src/node/config.js';
import { addBlockOrThrow, mineBlock, sealBlock, transfer } from '../helpers/chainBuilder.js';
import { alice, bob } from '../helpers/keys.js';
import { type NodeProcess, startNodeProcess } from '../helpers/nodeProcess.js';

const DIFFICULTY = 10;

/** How a fake peer lies: what it claims and which blocks it serves. */
interface Lie {
  readonly height?: number;
  readonly totalWork?: string;
  readonly tipHash?: string;
  readonly blocks?: Block[];
  /** Raw HTTP behaviour instead of GraphQL answers. */
  readonly raw?: (res: ServerResponse) => void;
}

/** An honest chain on the node's network (same --difficulty, so the same genesis), mined with real timestamps. */
function honestChain(length: number, miner = alice): Chain {
  const chain = new Chain({ params: networkParams(DIFFICULTY), clock: () => Date.now() });
  for (let i = 0; i < length; i++) addBlockOrThrow(chain, mineBlock({ chain, miner }));
  return chain;
}

function blocksOf(chain: Chain): Block[] {
  const blocks: Block[] = [];
  for (let index = 2; index <= chain.height; index++) blocks.push(chain.getBlockAt(index)!.block);
  return blocks;
}

/** A loopback server that answers the node's peer protocol (by operation name) with `lie`. */
async function fakePeer(genesisHash: string, chain: Chain, lie: Lie): Promise<{ url: string; server: Server }> {
  const blocks = lie.blocks ?? blocksOf(chain);
  const last = blocks[blocks.length - 1]!;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (lie.raw !== undefined) return lie.raw(res);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as { query: string; variables?: Record<string, any> };
      const operation = /(?:query|mutation)\s+(\w+)/.exec(body.query)?.[1];
      let data: unknown;
      switch (operation) {
        case 'PeerStatus':
          data = {
            node: {
              address: 'f'.repeat(64),
              genesisHash,
              height: lie.height ?? last.header.index,
              totalWork: lie.totalWork ?? (BigInt(1 + blocks.length) << BigInt(DIFFICULTY)).toString(),
              tip: { hash: lie.tipHash ?? blockHash(last.header) },
            },
          };
          break;
        case 'PeerCommonAncestor':
          data = { commonAncestor: { index: 1, hash: genesisHash } };
          break;
        case 'PeerEncodedBlocks': {
          const after = body.variables!.afterIndex as number;
          const first = body.variables!.first as number;
          data = {
            chain: {
              encodedBlocks: blocks
                .filter((b) => b.header.index > after)
                .slice(0, first)
                .map((b) => Buffer.from(encodeBlock(b)).toString('base64')),
            },
          };
          break;
        }
        default:
          data = {
            [operation === 'PeerRegisterNodes' ? 'registerNodes' : 'submitBlock']: {
              __typename: 'RegisterNodesSuccess',
            },
          };
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, server };
}

describe('a real node facing lying and broken peers', () => {
  let node: NodeProcess;
  const servers: Server[] = [];

  beforeAll(async () => {
    node = await startNodeProcess(['--difficulty', String(DIFFICULTY), '--sync-interval', '0']);
  }, 20_000);

  afterAll(async () => {
    for (const server of servers) {
      server.closeAllConnections();
      server.close();
    }
    await node?.stop();
  });

  it('keeps its chain, and its event loop never stalls 100 ms, while every kind of bad peer is resolved against', async () => {
    const client = new GraphQLClient(node.url);
    for (let i = 0; i < 2; i++) await client.request('mutation { mine { __typename } }');
    const before = await client.request<any>('{ node { genesisHash height tip { hash } } }');
    const genesisHash: string = before.node.genesisHash;

    const chain = honestChain(5);
    const honest = blocksOf(chain);
    const relinkedAfter = (index: number, change: (block: Block) => Block): Block[] => {
      let previousHash: string | undefined;
      return honest.map((block) => {
        let header = previousHash === undefined ? block.header : { ...block.header, previousHash };
        let changed = { ...block, header };
        if (header.index === index) changed = change(changed);
        header = changed.header;
        if (header.index >= index) previousHash = blockHash(header);
        return changed;
      });
    };
    const forgedProof = relinkedAfter(3, (block) => {
      let proof = 0;
      while (blockHash({ ...block.header, proof }).startsWith('00')) proof++;
      return { ...block, header: { ...block.header, proof } };
    });
    const tamperedTransaction = honest.map((block) =>
      block.header.index === 2
        ? { ...block, transactions: [{ ...block.transactions[0]!, recipient: bob.address }] }
        : block,
    );
    const tip = chain.tip;
    const overspend = sealBlock({
      index: tip.block.header.index + 1,
      timestamp: Date.now(),
      previousHash: tip.hash,
      difficulty: DIFFICULTY,
      transactions: [mineBlock({ chain }).transactions[0]!, transfer(bob, alice, 1_000, 0)],
    });
    const fiftyMegabytes = Buffer.alloc(50 * 1024 * 1024, 0x61);

    const lies: Array<[name: string, lie: Lie, expected: RegExp]> = [
      ['invalid chain (overspend)', { blocks: [...honest, overspend] }, /INSUFFICIENT_BALANCE/],
      [
        'forged proof',
        { blocks: forgedProof, tipHash: blockHash(forgedProof[forgedProof.length - 1]!.header) },
        /INSUFFICIENT_PROOF_OF_WORK/,
      ],
      ['tampered transaction', { blocks: tamperedTransaction }, /MERKLE_ROOT_MISMATCH/],
      ['lying length', { height: 1_000 }, /CLAIM_MISMATCH/],
      // Its one block comes from another chain (bob's). Were it honest block 2, whose header the tampered peer's
      // block 2 shares, the node could take that header from here first, treat the tampered copy as a duplicate and
      // rightly adopt the valid blocks 3..6 behind it: whether it did depended on which answer came first.
      ['lying work', { blocks: blocksOf(honestChain(1, bob)), totalWork: '99999999999' }, /CLAIM_MISMATCH/],
      ['garbage', { raw: (res) => res.end('<html>hello</html>') }, /PROTOCOL_ERROR/],
      [
        '50 MB answer',
        {
          raw: (res) => {
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(fiftyMegabytes);
          },
        },
        /cap/,
      ],
      [
        'an answer that never ends',
        {
          raw: (res) => {
            res.writeHead(200, { 'content-type': 'application/json' });
            res.write('{"data":');
          },
        },
        /no answer within/,
      ],
    ];
    const urls: string[] = [];
    for (const [, lie] of lies) {
      const { url, server } = await fakePeer(genesisHash, chain, lie);
      servers.push(server);
      urls.push(url);
    }
    const dead = await fakePeer(genesisHash, chain, {});
    dead.server.close();
    urls.push(dead.url);

    // The node's own event-loop delay, from /metrics (prom-client's monitor): this scrape starts it and resets its max.
    const metricsUrl = new URL('/metrics', node.url);
    const eventLoopLagMaxSeconds = async () =>
      Number(/^nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(await (await fetch(metricsUrl)).text())?.[1]);
    await eventLoopLagMaxSeconds();
    // Probe responsiveness the whole time.
    const latencies: number[] = [];
    let probing = true;
    const prober = (async () => {
      while (probing) {
        const started = performance.now();
        await client.request('{ node { height } }');
        latencies.push(performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    await client.request('mutation($urls: [String!]!) { registerNodes(urls: $urls) { __typename } }', { urls });
    const resolved = await client.request<any>('mutation { resolve { replaced peers { url outcome message } } }');
    probing = false;
    await prober;

    expect(resolved.resolve.replaced).toBe(false);
    lies.forEach(([name, , expected], i) => {
      const outcome = resolved.resolve.peers.find((p: any) => p.url === urls[i]);
      expect({ name, message: outcome.message }).toMatchObject({ name, message: expect.stringMatching(expected) });
      expect(['REFUSED', 'UNREACHABLE']).toContain(outcome.outcome);
    });
    expect(resolved.resolve.peers.find((p: any) => p.url === dead.url).outcome).toBe('UNREACHABLE');
    const after = await client.request<any>('{ node { genesisHash height tip { hash } } }');
    expect(after).toEqual(before);
    // The node's event loop never stalled 100 ms while it refused them all. Measured inside the node: the round trips
    // below also include this test process and the machine's other test files, so they only show answers kept coming.
    expect(await eventLoopLagMaxSeconds()).toBeLessThan(0.1);
    latencies.sort((a, b) => a - b);
    expect(latencies.length).toBeGreaterThan(20);
    expect(latencies[Math.floor(latencies.length / 2)]!).toBeLessThan(100);
    expect(latencies[latencies.length - 1]!).toBeLessThan(1_000);
  }, 60_000);
});
