import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { clearSignatureCache } from '../../src/chain/transaction.js';
import type { Block } from '../../src/chain/types.js';
import type { Node } from '../../src/node/node.js';
import type { PreverifyOutcome } from '../../src/node/signaturePool.js';
import { asParent, mineBlock, transfer } from '../helpers/chainBuilder.js';
import { nodeWithFundedAlice } from '../helpers/fundedNode.js';
import { alice, bob, carol } from '../helpers/keys.js';
import { createEasyParams } from '../helpers/params.js';
import { recordPreverified } from '../helpers/preverifySpy.js';

// A large block submitted through the API (Node.receiveBlock) has its signatures checked on worker threads first; the
// answer is exactly submitBlock's.

const params = createEasyParams({ reward: 1_000 });
const TRANSFERS = 120;

const nodes: Node[] = [];
/** A node whose block 2 paid alice, ready for a block of TRANSFERS transfers from her. */
function fundedNode(signatureThreads: number): Node {
  const node = nodeWithFundedAlice(params, `receiver-${signatureThreads}`, { signatureThreads });
  nodes.push(node);
  return node;
}

function largeBlock(node: Node, forgedAt?: number): Block {
  const transactions = Array.from({ length: TRANSFERS }, (_, i) =>
    i === forgedAt
      ? { ...transfer(alice, bob, 1, i), signature: transfer(alice, carol, 2, i).signature }
      : transfer(alice, bob, 1, i),
  );
  return mineBlock({ chain: node.chain, miner: carol, transactions });
}

let preverified: PreverifyOutcome[];
beforeEach(() => {
  clearSignatureCache();
  preverified = recordPreverified();
});
afterEach(() => {
  vi.restoreAllMocks();
  for (const node of nodes.splice(0)) node.close();
});

describe('Node.receiveBlock (a submitted block, its signatures checked on worker threads)', () => {
  it('extends the chain as submitBlock does, the workers having verified every transfer', async () => {
    const node = fundedNode(2);
    const block = largeBlock(node);
    const result = await node.receiveBlock(block);
    expect(result.status).toBe('extended');
    expect(preverified).toEqual([{ valid: TRANSFERS, invalid: 0, unchecked: 0 }]);
  });

  it('refuses a forged signature in the middle with the rule and message of the sequential path', async () => {
    const sequential = fundedNode(0);
    const expected = sequential.submitBlock(largeBlock(sequential, 57));
    expect(expected).toMatchObject({ status: 'invalid', rejection: { code: 'INVALID_SIGNATURE' } });
    clearSignatureCache();
    const parallel = fundedNode(2);
    const actual = await parallel.receiveBlock(largeBlock(parallel, 57));
    expect(actual).toEqual(expected);
    expect(preverified.at(-1)).toEqual({ valid: TRANSFERS - 1, invalid: 1, unchecked: 0 });
  });

  it('checks no signature of a block whose header fails, whose parent is unknown, or that it already has', async () => {
    const node = fundedNode(2);
    const block = largeBlock(node);
    const belowFloor = { ...block, header: { ...block.header, difficulty: 0 } };
    const wrongHash = await node.receiveBlock(block, 'ab'.repeat(32));
    expect(wrongHash).toMatchObject({ status: 'invalid', rejection: { code: 'HASH_MISMATCH' } });
    const refused = await node.receiveBlock(belowFloor);
    expect(refused).toMatchObject({ status: 'invalid', rejection: { code: 'DIFFICULTY_MISMATCH' } });
    const orphan = mineBlock({
      parent: asParent(block),
      params,
      miner: carol,
      transactions: Array.from({ length: TRANSFERS }, (_, i) => transfer(alice, bob, 1, TRANSFERS + i)),
    });
    expect((await node.receiveBlock(orphan)).status).toBe('orphan');
    expect(preverified).toEqual([]);
    expect(node.submitBlock(block).status).toBe('extended');
    expect((await node.receiveBlock(block)).status).toBe('duplicate');
    expect(preverified).toEqual([]);
  });
});
