import { GraphQLClient } from 'graphql-request';
import { createYogaApp } from '../../src/api/yoga.js';
import type { ChainParams } from '../../src/chain/params.js';
import { MainThreadMiner } from '../../src/mining/mainThreadMiner.js';
import { Node, type NodeOptions } from '../../src/node/node.js';
import { PeerClient } from '../../src/peer/peerClient.js';
import { testWallet } from './keys.js';
import { easyParams } from './params.js';

/** Parameters of the test network: difficulty 8 so a block takes about a millisecond to mine. */
export const testNetworkParams: ChainParams = easyParams;
export { testWallet };

/** A node on the test network with an injectable clock, plus its in-process GraphQL app and a client bound to it. */
export function createTestNode(overrides: Partial<NodeOptions> & { label?: string } = {}) {
  let now = testNetworkParams.genesisTimestamp + 60_000;
  const clock = overrides.clock ?? (() => now);
  const node = new Node({
    params: testNetworkParams,
    wallet: testWallet(overrides.label ?? 'node'),
    miner: new MainThreadMiner(),
    connectPeer: (url) => new PeerClient(url, { timeoutMs: 2_000, maxResponseBytes: 4 * 1024 * 1024 }),
    version: 'test',
    ...overrides,
    clock,
  });
  const yoga = createYogaApp(node, { graphiql: false });
  const client = new GraphQLClient('http://yoga/graphql', { fetch: yoga.fetch as typeof fetch });
  return {
    node,
    yoga,
    client,
    /** Moves the default test clock forward (only when no clock was injected). */
    advance(ms: number) {
      now += ms;
    },
  };
}

/** Posts a GraphQL operation to the in-process app and returns the parsed JSON body and HTTP status. */
export async function postGraphQL(
  yoga: ReturnType<typeof createYogaApp>,
  query: string,
  variables?: Record<string, unknown>,
): Promise<{
  status: number;
  body: { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
}> {
  const response = await yoga.fetch('http://yoga/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as never };
}
