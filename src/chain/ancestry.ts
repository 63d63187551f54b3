import type { StoredBlock } from './db/model.js';
import { retargetWindowStart } from './difficulty.js';
import { LedgerOverlay, type LedgerReader } from './ledger.js';
import type { ChainParams } from './params.js';
import type { BlockHeader } from './types.js';
import type { ParentContext } from './validateBlock.js';

/** The stored chain as the ancestry walks read it. */
export interface BlockIndex {
  getBlock(hash: string): StoredBlock | undefined;
  /** The best-chain block at `index`. */
  getBlockAt(index: number): StoredBlock | undefined;
  isBest(hash: string): boolean;
  readonly tip: StoredBlock;
  /** The tip's ledger. */
  ledger(): LedgerReader;
}

/**
 * Every walk back through a block's ancestors, in one place: the recent timestamps (median time past), the block
 * that opens a retarget window, the branch from the best chain, and the ledger as it is after any stored block.
 */
export class Ancestry {
  readonly #index: BlockIndex;
  readonly #params: ChainParams;

  constructor(index: BlockIndex, params: ChainParams) {
    this.#index = index;
    this.#params = params;
  }

  /** Timestamps of `block` and its ancestors, newest first, as many as the median-time-past rule looks at. */
  recentTimestamps(block: StoredBlock): number[] {
    const timestamps: number[] = [];
    let current: StoredBlock | undefined = block;
    while (current !== undefined && timestamps.length < this.#params.medianTimeSpan) {
      timestamps.push(current.block.header.timestamp);
      current = current.block.header.index === 1 ? undefined : this.#index.getBlock(current.block.header.previousHash);
    }
    return timestamps;
  }

  /** The ancestor of `block` (itself included) at `index`. */
  ancestorAt(block: StoredBlock, index: number): StoredBlock | undefined {
    if (this.#index.isBest(block.hash))
      return index <= block.block.header.index ? this.#index.getBlockAt(index) : undefined;
    let current: StoredBlock | undefined = block;
    while (current !== undefined && current.block.header.index > index) {
      current = this.#index.getBlock(current.block.header.previousHash);
    }
    return current?.block.header.index === index ? current : undefined;
  }

  /** The side-branch blocks from the best chain up to `block` (lowest first) and the best-chain block they leave. */
  branchFromBestChain(block: StoredBlock): { ancestor: StoredBlock; branch: StoredBlock[] } {
    const branch: StoredBlock[] = [];
    let current = block;
    while (!this.#index.isBest(current.hash)) {
      branch.push(current);
      current = this.#index.getBlock(current.block.header.previousHash)!;
    }
    return { ancestor: current, branch: branch.reverse() };
  }

  /** A writable view of the ledger as it is after `block`: the tip's, with blocks undone and re-applied. */
  ledgerAt(block: StoredBlock): LedgerOverlay {
    const ledger = new LedgerOverlay(this.#index.ledger());
    const tip = this.#index.tip;
    if (block.hash === tip.hash) return ledger;
    const { ancestor, branch } = this.branchFromBestChain(block);
    for (let index = tip.block.header.index; index > ancestor.block.header.index; index--) {
      ledger.undoBlock(this.#index.getBlockAt(index)!.undo);
    }
    for (const stored of branch) {
      for (const tx of stored.block.transactions) {
        const problem = ledger.applyTransaction(tx);
        // Stored blocks were validated against exactly this state; a failure means the store is corrupt.
        if (problem !== undefined) throw new Error(`stored block ${stored.hash} no longer applies: ${problem.message}`);
      }
    }
    return ledger;
  }

  /** A walk forward from the stored block `parent`, giving each next child its ParentContext. */
  walkFrom(parent: StoredBlock): ParentWalk {
    return new ParentWalk(this, this.#params, parent);
  }
}

/**
 * The parent facts of each block of a run on top of a stored block: the timestamp window and the retarget window
 * start are rolled forward here only, one block at a time, over headers that need not be stored yet.
 */
export class ParentWalk {
  readonly #ancestry: Ancestry;
  readonly #params: ChainParams;
  /** The last stored block of the walk: ancestors older than the run are looked up from it. */
  #base: StoredBlock;
  /** Headers walked past the base, by index (at most one retarget interval of them is needed). */
  readonly #run = new Map<number, BlockHeader>();
  #header: BlockHeader;
  #hash: string;
  #timestamps: readonly number[];

  constructor(ancestry: Ancestry, params: ChainParams, parent: StoredBlock) {
    this.#ancestry = ancestry;
    this.#params = params;
    this.#base = parent;
    this.#header = parent.block.header;
    this.#hash = parent.hash;
    this.#timestamps = ancestry.recentTimestamps(parent);
  }

  /** What the next child is validated against. */
  get context(): ParentContext {
    const start = retargetWindowStart(this.#params, this.#header.index + 1);
    const windowStart =
      start === undefined
        ? undefined
        : (this.#run.get(start) ?? this.#ancestry.ancestorAt(this.#base, start)?.block.header);
    return {
      header: this.#header,
      hash: this.#hash,
      recentTimestamps: this.#timestamps,
      ...(windowStart === undefined ? {} : { retargetWindowStart: windowStart }),
    };
  }

  /** Moves to the next block; pass `stored` when it is a stored block (the run then restarts from it). */
  advance(header: BlockHeader, hash: string, stored?: StoredBlock): void {
    this.#timestamps = [header.timestamp, ...this.#timestamps].slice(0, this.#params.medianTimeSpan);
    this.#header = header;
    this.#hash = hash;
    if (stored !== undefined) {
      this.#base = stored;
      this.#run.clear();
      return;
    }
    this.#run.set(header.index, header);
    this.#run.delete(header.index - Math.max(1, this.#params.retargetInterval));
  }
}
