/**
 * The serving peer of bench/network.bench.ts, in a process of its own (forked from it): a real peer is another
 * machine, so the pages it encodes, its GraphQL execution and its garbage must not land on the syncing node's event
 * loop, nor on the baseline's. Argument: `<blocks> <difficulty>`. It builds a chain of `blocks` blocks after genesis
 * and one of 100 (each block with its reward and one signed transfer), serves each from a node on loopback, and sends
 * the parent `ChildReady`. It exits when the parent disconnects.
 */
import { pathToFileURL } from 'node:url';
import { startServer } from '../src/api/server.js';
import { createHeaderTemplate } from '../src/chain/block.js';
import { Chain } from '../src/chain/chain.js';
import { ChainDb } from '../src/chain/db/chainDb.js';
import type { ChainParams } from '../src/chain/params.js';
import { createRewardTransaction, signTransaction } from '../src/chain/transaction.js';
import { MainThreadMiner } from '../src/mining/mainThreadMiner.js';
import { searchProof } from '../src/mining/searchProof.js';
import { networkParams } from '../src/node/config.js';
import { Node } from '../src/node/node.js';
import { PeerClient } from '../src/peer/peerClient.js';
import { generateWallet } from '../src/wallet/wallet.js';

/** What the child sends once both servers listen. */
export interface ChildReady {
  /** URL of the node serving the long chain. */
  readonly bigUrl: string;
  /** URL of the node serving the 100-block chain. */
  readonly smallUrl: string;
  readonly buildMs: number;
}

/**
 * A chain of `count` blocks after genesis (each with its reward and one signed transfer), mined as fast as possible.
 * They are stamped `targetBlockTimeMs` apart, so the retarget keeps the difficulty where it started (blocks 1 s apart
 * would raise it 2 bits every 10 blocks).
 */
function buildStore(params: ChainParams, count: number): ChainDb {
  const store = new ChainDb();
  const chain = new Chain({ params, clock: () => Date.now(), db: store });
  const miner = generateWallet();
  const recipient = generateWallet().address;
  for (let i = 0; i < count; i++) {
    const context = chain.nextBlockContext();
    const timestamp = params.genesisTimestamp + (i + 1) * params.targetBlockTimeMs;
    const transactions = [createRewardTransaction(context.index, miner.address, params.reward)];
    // From the second block on, the miner pays on the coin it earned: a signature to verify in every block.
    if (i > 0)
      transactions.push(
        signTransaction({ sender: miner.address, recipient, amount: 1, nonce: i - 1 }, miner.privateKey),
      );
    const header = searchProof(
      createHeaderTemplate({ ...context, timestamp, transactions }),
      0,
      Number.MAX_SAFE_INTEGER,
    )!;
    const result = chain.addBlock({ header, transactions });
    if (result.status !== 'extended') throw new Error(`building the chain failed: ${JSON.stringify(result)}`);
  }
  return store;
}

async function serve(params: ChainParams, store: ChainDb): Promise<string> {
  const node = new Node({
    params,
    signatureThreads: 0,
    wallet: generateWallet(),
    miner: new MainThreadMiner(),
    clock: () => Date.now(),
    db: store,
    connectPeer: (url) => new PeerClient(url),
    network: { gossip: false, syncIntervalMs: 0 },
  });
  // The baseline asks for 100 whole blocks a page, a cost of 641,302 (each block could hold 1,000 transactions): the
  // default maxCost refuses that, as it should from any client, so these servers allow it.
  const server = await startServer(node, { host: '127.0.0.1', port: 0, limits: { maxCost: 1_000_000 } });
  return server.url;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [blocks, difficulty] = process.argv.slice(2).map(Number) as [number, number];
  if (!(blocks > 0) || !(difficulty >= 0)) throw new Error('usage: networkChild.ts <blocks> <difficulty>');
  process.on('disconnect', () => process.exit(0));
  const params = networkParams(difficulty);
  const started = performance.now();
  const bigStore = buildStore(params, blocks);
  const smallStore = buildStore(params, 100);
  const buildMs = performance.now() - started;
  const ready: ChildReady = {
    bigUrl: await serve(params, bigStore),
    smallUrl: await serve(params, smallStore),
    buildMs,
  };
  process.send!(ready);
}
