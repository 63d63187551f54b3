import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { clearSignatureCache } from '../../src/chain/transaction.js';
import type { Block } from '../../src/chain/types.js';
import { MainThreadMiner } from '../../src/mining/mainThreadMiner.js';
import { Node } from '../../src/node/node.js';
import type { PreverifyOutcome } from '../../src/node/signaturePool.js';
import { buildChain, transfer } from '../helpers/chainBuilder.js';
import { createFixedClock } from '../helpers/clock.js';
import { alice, bob, carol, testWallet } from '../helpers/keys.js';
import { createEasyParams } from '../helpers/params.js';
import { recordPreverified } from '../helpers/preverifySpy.js';
import { FakePeer } from './fakePeer.js';

// Sync with signatures checked on worker threads ahead of validation must answer exactly as sync without them: the
// same outcome, the same rule and message naming the first invalid signature, the same blocks kept.

const PEER_URL = 'http://127.0.0.1:9/graphql';
/** A reward big enough that alice, who mines block 2, can pay every transfer of the blocks after it. */
const params = createEasyParams({ reward: 1_000 });
const TRANSFERS_PER_BLOCK = 80;
/** Block index 2 pays alice; blocks 3..7 carry 80 transfers each. */
const peerChain = buildChain(6, {
  params,
  miner: alice,
  transactionsAt: (position) =>
    position === 0
      ? []
      : Array.from({ length: TRANSFERS_PER_BLOCK }, (_, i) =>
          transfer(alice, bob, 1, (position - 1) * TRANSFERS_PER_BLOCK + i),
        ),
}).chain;

/** Swaps the signature of transaction `position` of block `index` for the signature of another payload. */
function forgeSignature(index: number, position: number) {
  return (block: Block): Block =>
    block.header.index !== index
      ? block
      : {
          ...block,
          transactions: block.transactions.map((tx, i) =>
            i === position ? { ...tx, signature: transfer(alice, carol, 9, tx.nonce).signature } : tx,
          ),
        };
}

/** A node syncing from the peer (pages of 2 blocks, chunks of one block), with or without signature threads. */
function follower(signatureThreads: number, forged: ReadonlyArray<(block: Block) => Block>): Node {
  const clock = createFixedClock();
  const peer = new FakePeer(PEER_URL, peerChain, {
    blocks: (page) => page.map((block) => forged.reduce((changed, forge) => forge(changed), block)),
  });
  return new Node({
    params,
    wallet: testWallet(`follower-${signatureThreads}`),
    miner: new MainThreadMiner(),
    clock: clock.now,
    connectPeer: () => peer,
    signatureThreads,
    network: {
      gossip: false,
      syncIntervalMs: 0,
      syncLimits: { pageSize: 2, maxBlocks: 100, maxChunkTransactions: TRANSFERS_PER_BLOCK + 1 },
    },
  });
}

async function sync(node: Node) {
  clearSignatureCache();
  await node.registerNodes([PEER_URL]);
  const { outcomes } = await node.resolve();
  const { outcome, message, blocksFetched } = outcomes[0]!;
  return { outcome, message, blocksFetched, height: node.chain.height, tip: node.chain.tip.hash };
}

let preverified: PreverifyOutcome[];
const nodes: Node[] = [];
beforeEach(() => {
  preverified = recordPreverified();
});
afterEach(() => {
  vi.restoreAllMocks();
  for (const node of nodes.splice(0)) node.close();
});

async function bothWays(forged: ReadonlyArray<(block: Block) => Block> = []) {
  const sequential = follower(0, forged);
  const parallel = follower(2, forged);
  nodes.push(sequential, parallel);
  const expected = await sync(sequential);
  expect(preverified.every((outcome) => outcome.valid + outcome.invalid === 0)).toBe(true);
  const actual = await sync(parallel);
  const total = (key: keyof PreverifyOutcome) => preverified.reduce((sum, outcome) => sum + outcome[key], 0);
  return { expected, actual, valid: total('valid'), invalid: total('invalid') };
}

describe('sync with signatures checked on worker threads', () => {
  it('adopts the same chain as the sequential sync, its 400 signatures verified by the workers', async () => {
    const { expected, actual, valid, invalid } = await bothWays();
    expect(expected).toMatchObject({ outcome: 'ADOPTED', height: 7, tip: peerChain.tip.hash });
    expect(actual).toEqual(expected);
    expect({ valid, invalid }).toEqual({ valid: 5 * TRANSFERS_PER_BLOCK, invalid: 0 });
  });

  it('refuses an invalid signature in the middle of a page with the same rule, message and kept blocks', async () => {
    const { expected, actual, invalid } = await bothWays([forgeSignature(5, 40)]);
    expect(expected.outcome).toBe('REFUSED');
    expect(expected.message).toMatch(/^INVALID_SIGNATURE: block 5 transaction 40: signature is not the sender's/);
    expect(expected.message).toMatch(/the valid blocks before it were kept/);
    expect(expected.height).toBe(4);
    expect(actual).toEqual(expected);
    expect(invalid).toBe(1);
  });

  it('reports the first invalid signature when a later block has one too', async () => {
    const { expected, actual, invalid } = await bothWays([forgeSignature(6, 3), forgeSignature(4, 79)]);
    expect(expected.message).toMatch(/^INVALID_SIGNATURE: block 4 transaction 79:/);
    expect(expected.height).toBe(3);
    expect(actual).toEqual(expected);
    expect(invalid).toBeGreaterThanOrEqual(1);
  });
});
