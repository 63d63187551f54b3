import { describe, expect, it } from 'vitest';
import { Ancestry } from '../../src/chain/ancestry.js';
import { Chain } from '../../src/chain/chain.js';
import { retargetWindowStart } from '../../src/chain/difficulty.js';
import { createRewardTransaction } from '../../src/chain/transaction.js';
import { asParent, buildBranch, buildChain, sealBlock } from '../helpers/chainBuilder.js';
import { alice, bob, minerWallet } from '../helpers/keys.js';
import { createEasyParams } from '../helpers/params.js';

// Ancestry: every walk back through a block's ancestors, in one place (timestamps for median time past, the
// retarget window start, the branch from the best chain, the ledger at a block).

describe('ancestry', () => {
  it('gives the newest medianTimeSpan timestamps of a block and its ancestors, newest first, stopping at genesis', () => {
    const { chain, blocks } = buildChain(13);
    const ancestry = new Ancestry(chain, chain.params);
    const all = [chain.genesis, ...blocks].map((stored) => stored.block.header.timestamp).reverse();
    expect(ancestry.recentTimestamps(chain.tip)).toEqual(all.slice(0, chain.params.medianTimeSpan));
    expect(ancestry.recentTimestamps(blocks[1]!)).toEqual(
      [blocks[1]!, blocks[0]!, chain.genesis].map((b) => b.block.header.timestamp),
    );
  });

  it('finds an ancestor at an index on the best chain and on a side branch', () => {
    const { chain, blocks } = buildChain(4, { miner: alice });
    const side = buildBranch(blocks[0]!, 3, { miner: bob });
    expect(chain.addBlocks(side).status).toBe('side');
    const sideTip = chain.getBlock(asParent(side[2]!).hash)!;
    const ancestry = new Ancestry(chain, chain.params);
    expect(ancestry.ancestorAt(chain.tip, 3)?.hash).toBe(blocks[1]!.hash);
    expect(ancestry.ancestorAt(sideTip, 3)?.hash).toBe(asParent(side[0]!).hash);
    expect(ancestry.ancestorAt(sideTip, 2)?.hash).toBe(blocks[0]!.hash);
    expect(ancestry.ancestorAt(blocks[0]!, 5)).toBeUndefined();
    const { ancestor, branch } = ancestry.branchFromBestChain(sideTip);
    expect(ancestor.hash).toBe(blocks[0]!.hash);
    expect(branch.map((stored) => stored.hash)).toEqual(side.map((block) => asParent(block).hash));
  });

  it('walks forward over headers that are not stored: the same parent contexts as the stored chain gives', () => {
    const params = createEasyParams({ retargetInterval: 4, targetBlockTimeMs: 1_000, maxRetargetStepBits: 2 });
    const start = params.genesisTimestamp + 86_400_000;
    const chain = new Chain({ params, clock: () => start + 10 * 86_400_000 });
    const headers = [];
    for (let i = 0; i < 14; i++) {
      const context = chain.nextBlockContext();
      const block = sealBlock({
        ...context,
        timestamp: start + i * 700,
        transactions: [createRewardTransaction(context.index, minerWallet.address, params.reward)],
      });
      expect(chain.addBlock(block).status).toBe('extended');
      headers.push({ header: block.header, hash: asParent(block).hash });
    }
    const ancestry = new Ancestry(chain, params);
    const walk = ancestry.walkFrom(chain.genesis);
    for (const { header, hash } of headers) {
      const parent = chain.getBlockAt(header.index - 1)!;
      const context = walk.context;
      expect(context.hash).toBe(parent.hash);
      expect(context.recentTimestamps).toEqual(ancestry.recentTimestamps(parent));
      const windowStart = retargetWindowStart(params, header.index);
      expect(context.retargetWindowStart).toEqual(
        windowStart === undefined ? undefined : chain.getBlockAt(windowStart)!.block.header,
      );
      walk.advance(header, hash);
    }
  });
});
