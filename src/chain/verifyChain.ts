import { Ancestry } from './ancestry.js';
import type { ChainReader } from './chain.js';
import { EMPTY_ACCOUNT, LedgerOverlay } from './ledger.js';
import { blockWork } from './pow.js';
import type { BlockRejection } from './rejections.js';
import { checkBlockAlone, checkBodyAgainstState, checkHeaderAgainstParent } from './validateBlock.js';

/** The outcome of re-validating a stored best chain. */
export type ChainVerification =
  | { readonly ok: true; readonly height: number; readonly accounts: number }
  | { readonly ok: false; readonly index: number; readonly reason: string; readonly rejection?: BlockRejection };

/**
 * Re-validates the whole best chain a store holds, as if it arrived from a peer: the four validation steps for every
 * block from genesis up, the stored hash index, links and cumulative work, and at the end that the stored account
 * states equal the ones recomputed. Memory holds one ledger and a window of timestamps, never the chain.
 */
export function verifyChain(chain: ChainReader, now: number): ChainVerification {
  const params = chain.params;
  const ledger = new LedgerOverlay({ getAccount: () => EMPTY_ACCOUNT });
  let previous = chain.getBlockAt(1);
  if (previous === undefined || previous.hash !== chain.genesis.hash) {
    return { ok: false, index: 1, reason: 'block 1 is not the genesis block' };
  }
  const walk = new Ancestry(chain, params).walkFrom(previous);
  const height = chain.height;
  for (let index = 2; index <= height; index++) {
    const stored = chain.getBlockAt(index);
    if (stored === undefined) return { ok: false, index, reason: `the best chain has no block at index ${index}` };
    const alone = checkBlockAlone(stored.block, params, stored.hash);
    if (!alone.ok) return { ok: false, index, reason: alone.rejection.message, rejection: alone.rejection };
    const header = checkHeaderAgainstParent(stored.block.header, walk.context, params, now);
    if (!header.ok) return { ok: false, index, reason: header.rejection.message, rejection: header.rejection };
    const state = checkBodyAgainstState(stored.block, ledger);
    if (!state.ok) return { ok: false, index, reason: state.rejection.message, rejection: state.rejection };
    if (stored.totalWork !== previous.totalWork + blockWork(stored.block.header.difficulty)) {
      return { ok: false, index, reason: `stored cumulative work ${stored.totalWork} is wrong` };
    }
    if (alone.value.transactionIds.some((id, i) => id !== stored.transactionIds[i])) {
      return { ok: false, index, reason: 'stored transaction ids do not match the transactions' };
    }
    walk.advance(stored.block.header, stored.hash, stored);
    previous = stored;
  }
  if (previous.hash !== chain.tip.hash) {
    return { ok: false, index: height, reason: 'the stored tip is not the end of the best chain' };
  }
  for (const [address, state] of ledger.changes()) {
    const stored = chain.getAccount(address);
    if (stored.balance !== state.balance || stored.nonce !== state.nonce) {
      const storedText = JSON.stringify(stored);
      const chainText = JSON.stringify(state);
      return {
        ok: false,
        index: height,
        reason: `account ${address} is stored as ${storedText} but the chain gives ${chainText}`,
      };
    }
  }
  return { ok: true, height, accounts: ledger.changes().size };
}
