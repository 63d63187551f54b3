import type { ChainParams } from '../../src/chain/params.js';
import { MainThreadMiner } from '../../src/mining/mainThreadMiner.js';
import { Node } from '../../src/node/node.js';
import type { SignaturePool } from '../../src/node/signaturePool.js';
import { mineBlock } from './chainBuilder.js';
import { createFixedClock } from './clock.js';
import { alice, testWallet } from './keys.js';

/**
 * A node without peers whose block 2 paid alice (the params' reward), for tests of what it does with her transfers.
 * Its signatures are checked by `signatureThreads` workers, or by `signaturePool` when given.
 */
export function nodeWithFundedAlice(
  params: ChainParams,
  label: string,
  signatures: { readonly signatureThreads: number } | { readonly signaturePool: SignaturePool },
): Node {
  const node = new Node({
    params,
    wallet: testWallet(label),
    miner: new MainThreadMiner(),
    clock: createFixedClock().now,
    connectPeer: () => {
      throw new Error('no peers here');
    },
    ...signatures,
  });
  const added = node.submitBlock(mineBlock({ chain: node.chain, miner: alice }));
  if (added.status !== 'extended') throw new Error(`the funding block was not added: ${added.status}`);
  return node;
}
