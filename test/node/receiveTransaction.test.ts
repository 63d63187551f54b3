import { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { clearSignatureCache } from '../../src/chain/transaction.js';
import type { Transaction } from '../../src/chain/types.js';
import type { Node } from '../../src/node/node.js';
import { SignaturePool } from '../../src/node/signaturePool.js';
import { transfer } from '../helpers/chainBuilder.js';
import { nodeWithFundedAlice } from '../helpers/fundedNode.js';
import { alice, bob, carol } from '../helpers/keys.js';
import { createEasyParams } from '../helpers/params.js';

// A transfer submitted through the API (Node.receiveTransaction) has its signature checked on a worker thread first,
// with the others of its event-loop turn; the answer is exactly submitTransaction's.

const params = createEasyParams({ reward: 1_000 });

const nodes: Node[] = [];
/** A node whose block 2 paid alice. */
function fundedNode(signatures: { signatureThreads: number } | { signaturePool: SignaturePool }, label: string): Node {
  const node = nodeWithFundedAlice(params, label, signatures);
  nodes.push(node);
  return node;
}

/** A pool whose checks of each call settle only when the test says, in any order it likes. */
class HeldSignaturePool extends SignaturePool {
  readonly held: Array<() => void> = [];

  constructor() {
    super({ threads: 0 });
  }

  override preverifySoon(): Promise<void> {
    return new Promise((release) => this.held.push(release));
  }
}

/** Valid transfers, a forged signature, a nonce gap, a replay and an unsigned one, in one burst. */
function burst(): Transaction[] {
  const forged = { ...transfer(alice, bob, 1, 1), signature: transfer(alice, carol, 2, 1).signature };
  return [
    transfer(alice, bob, 1, 0),
    forged,
    transfer(alice, bob, 1, 1),
    transfer(alice, bob, 1, 7),
    transfer(alice, carol, 3, 2),
    transfer(alice, bob, 1, 0),
    { ...transfer(alice, bob, 1, 3), signature: null },
    transfer(alice, bob, 5, 3),
  ];
}

/** What each submission was answered, comparable between nodes. */
async function answers(node: Node, txs: readonly Transaction[]) {
  const results = await Promise.all(txs.map((tx) => node.receiveTransaction(tx)));
  return Promise.all(
    results.map(async (result) => {
      if (!result.ok) return result.rejection;
      await result.durable;
      return { id: result.pending.id, expectedBlockIndex: result.expectedBlockIndex };
    }),
  );
}

beforeEach(() => clearSignatureCache());
afterEach(() => {
  vi.restoreAllMocks();
  for (const node of nodes.splice(0)) node.close();
});

describe('Node.receiveTransaction (a submitted transfer, its signature checked on a worker thread)', () => {
  it('answers a burst exactly as submitTransaction does on the event loop alone', async () => {
    const sequential = fundedNode({ signatureThreads: 0 }, 'submissions-0');
    const expected = await answers(sequential, burst());
    expect(expected.map((answer) => ('code' in answer ? answer.code : 'accepted'))).toEqual([
      'accepted',
      'INVALID_SIGNATURE',
      'accepted',
      'NONCE_MISMATCH',
      'accepted',
      'ALREADY_KNOWN',
      'INVALID_SIGNATURE',
      'accepted',
    ]);
    clearSignatureCache();
    const parallel = fundedNode({ signatureThreads: 2 }, 'submissions-2');
    const posted = vi.spyOn(Worker.prototype, 'postMessage');
    expect(await answers(parallel, burst())).toEqual(expected);
    expect(posted).toHaveBeenCalled();
    expect(parallel.mempool.list()).toEqual(sequential.mempool.list().map((entry) => ({ ...entry })));
  });

  it('queues transfers in the order they arrived, whichever check is answered first', async () => {
    const pool = new HeldSignaturePool();
    const node = fundedNode({ signaturePool: pool }, 'submissions-held');
    const inOrder = [transfer(alice, bob, 1, 0), transfer(alice, bob, 1, 1), transfer(alice, carol, 1, 2)];
    const received = inOrder.map((tx) => node.receiveTransaction(tx));
    // The last check is answered first, the first one last: nonce 2 and 1 must still wait for nonce 0.
    for (const release of [...pool.held].reverse()) release();
    const results = await Promise.all(received);
    expect(results.map((result) => (result.ok ? 'accepted' : result.rejection.code))).toEqual([
      'accepted',
      'accepted',
      'accepted',
    ]);
    expect(node.mempool.list().map((entry) => entry.transaction.nonce)).toEqual([0, 1, 2]);
  });
});
