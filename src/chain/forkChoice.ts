import type { Ancestry } from './ancestry.js';
import type { ChainWriteBatch, StoredBlock } from './db/model.js';
import type { LedgerOverlay } from './ledger.js';

/** How a validated run changed the chain. */
export type ChainChange =
  /** The blocks extend the best chain. */
  | { readonly status: 'extended'; readonly tip: StoredBlock; readonly connected: readonly StoredBlock[] }
  /** The blocks complete a branch with more work: the best chain switched to it. */
  | {
      readonly status: 'reorg';
      readonly tip: StoredBlock;
      readonly connected: readonly StoredBlock[];
      /** Blocks that left the best chain, old tip first. */
      readonly disconnected: readonly StoredBlock[];
      readonly oldTip: StoredBlock;
    }
  /** Valid, stored, but on a branch with no more work than the best chain (on a tie we keep ours). */
  | { readonly status: 'side'; readonly added: readonly StoredBlock[] };

/** Fork-choice rule: the branch with the most cumulative work wins; on a tie the chain already followed stays. */
export function hasMoreWork(candidate: StoredBlock, tip: StoredBlock): boolean {
  return candidate.totalWork > tip.totalWork;
}

/** A validated run on top of a stored parent: its blocks, lowest first, and the ledger after the last one. */
export interface ValidatedRun {
  readonly parent: StoredBlock;
  readonly added: readonly StoredBlock[];
  readonly ledger: LedgerOverlay;
}

/**
 * Fork choice: decides whether a validated run extends the best chain, stays a side branch or reorganizes to it,
 * and builds the one batch that writes the decision.
 */
export function chooseFork(
  ancestry: Ancestry,
  tip: StoredBlock,
  getBlockAt: (index: number) => StoredBlock | undefined,
  run: ValidatedRun,
): { change: ChainChange; batch: ChainWriteBatch } {
  const last = run.added[run.added.length - 1]!;
  if (!hasMoreWork(last, tip)) {
    const batch = { newBlocks: run.added, disconnected: [], connected: [], accounts: new Map(), tipHash: tip.hash };
    return { change: { status: 'side', added: run.added }, batch };
  }
  const { ancestor, branch } = ancestry.branchFromBestChain(run.parent);
  const connected = [...branch, ...run.added];
  const disconnected: StoredBlock[] = [];
  for (let index = tip.block.header.index; index > ancestor.block.header.index; index--) {
    disconnected.push(getBlockAt(index)!);
  }
  const batch = { newBlocks: run.added, disconnected, connected, accounts: run.ledger.changes(), tipHash: last.hash };
  const change: ChainChange =
    disconnected.length === 0
      ? { status: 'extended', tip: last, connected }
      : { status: 'reorg', tip: last, connected, disconnected, oldTip: tip };
  return { change, batch };
}
