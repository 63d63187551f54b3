import type { Chain } from '../../src/chain/chain.js';
import type { Block } from '../../src/chain/types.js';
import type { SyncTarget } from '../../src/peer/syncFromPeer.js';

/**
 * A sync target over a bare chain (no node around it), whose every addBlocks call goes through `addBlocks`: a test
 * records the chunks there and passes them on to the chain.
 */
export function chainSyncTarget(
  chain: Chain,
  addBlocks: (blocks: readonly Block[]) => ReturnType<Chain['addBlocks']> = (blocks) => chain.addBlocks(blocks),
): SyncTarget {
  return {
    genesisHash: chain.genesis.hash,
    address: 'e'.repeat(64),
    tip: () => ({ index: chain.tip.block.header.index, hash: chain.tip.hash, totalWork: chain.tip.totalWork }),
    hasBlock: (hash) => chain.getBlock(hash) !== undefined,
    locator: () => chain.locator(),
    addBlocks,
    checkHeader: () => undefined,
  };
}
