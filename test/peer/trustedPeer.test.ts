import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/api/server.js';
import { loadTrustedDocuments, TrustedDocuments } from '../../src/api/trustedDocuments.js';
import { PeerProtocolError, RELAY_BATCH } from '../../src/peer/peerApi.js';
import { PeerClient } from '../../src/peer/peerClient.js';
import { transfer } from '../helpers/chainBuilder.js';
import { alice, bob } from '../helpers/keys.js';
import { createTestNode } from '../helpers/testNode.js';

/**
 * The peer protocol against a node that runs only its trusted documents (`--trusted-documents`): every request a
 * PeerClient makes (status, locator, block pages, gossip, relay batches of every size, registration) is in the
 * manifests, so none is refused with PERSISTED_QUERY_ONLY and nodes in that mode still sync and gossip.
 */

let testNode: ReturnType<typeof createTestNode>;
let server: RunningServer;
let peer: PeerClient;

beforeAll(async () => {
  // The node's wallet is alice's: the blocks it mines pay her, so her transfers below are funded.
  testNode = createTestNode({ label: 'alice' });
  for (let i = 0; i < 3; i++) {
    testNode.advance(10_000);
    await testNode.node.mine();
  }
  server = await startServer(testNode.node, {
    host: '127.0.0.1',
    port: 0,
    trustedDocuments: await loadTrustedDocuments(),
  });
  peer = new PeerClient(server.url, { timeoutMs: 5_000, maxResponseBytes: 4 * 1024 * 1024 });
});

afterAll(async () => {
  await server?.close();
  testNode?.node.close();
});

describe('PeerClient against a node with trusted documents only', () => {
  it('reads its status, finds the common ancestor and fetches blocks', async () => {
    const chain = testNode.node.chain;
    expect(await peer.status()).toMatchObject({ height: 4, tipHash: chain.tip.hash, genesisHash: chain.genesis.hash });
    expect(await peer.commonAncestor([chain.getBlockAt(3)!.hash])).toEqual({
      index: 3,
      hash: chain.getBlockAt(3)!.hash,
    });
    const blocks = await peer.blocksAfter(1, 10);
    expect(blocks.map((block) => block.header.index)).toEqual([2, 3, 4]);
  });

  it('gossips a block (the node already has it)', async () => {
    const tip = testNode.node.chain.tip;
    expect(await peer.submitBlock(tip.block, tip.hash, null)).toBe('DUPLICATE');
  });

  it('relays one transfer, and batches of every size up to RELAY_BATCH', async () => {
    const transfers = Array.from({ length: RELAY_BATCH }, (_, nonce) => transfer(alice, bob, 1, nonce));
    expect(await peer.submitTransaction(transfers[0]!)).toBe('TransactionAccepted');
    // Each size is its own document (relay-persisted-documents.json): every one is answered, none refused.
    for (let size = 2; size <= RELAY_BATCH; size++) {
      const outcomes = await peer.submitTransactions(transfers.slice(0, size));
      expect(outcomes).toHaveLength(size);
      expect(outcomes[0]).toBe('ALREADY_KNOWN');
    }
    expect(testNode.node.mempool.size).toBe(3);
  });

  it('asks the node to register it (symmetric registration)', async () => {
    expect(await peer.registerNodes(['http://127.0.0.1:1/graphql'])).toBe('RegisterNodesSuccess');
  });

  it('is refused by a node whose manifests lack the peer protocol (the check is not vacuous)', async () => {
    const clientOnly = new TrustedDocuments([
      JSON.parse(readFileSync(new URL('../../src/client/gql/persisted-documents.json', import.meta.url), 'utf8')),
    ]);
    const other = await startServer(testNode.node, { host: '127.0.0.1', port: 0, trustedDocuments: clientOnly });
    try {
      const refused = await new PeerClient(other.url).status().catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(PeerProtocolError);
      expect((refused as Error).message).toMatch(/not one of the trusted documents.*--trusted-documents/);
    } finally {
      await other.close();
    }
  });
});
