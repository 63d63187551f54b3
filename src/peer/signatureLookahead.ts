import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Block } from '../chain/types.js';

/** Checks the signatures of some blocks ahead of validation (SignaturePool.preverify); settles when done. */
export type Preverify = (blocks: readonly Block[]) => Promise<unknown>;

/** Checks one batch of those signatures on this thread, if one waits for a worker (SignaturePool.verifyQueuedBatch). */
export type VerifyQueued = () => boolean;

/** Bounds of a lookahead. */
export interface LookaheadLimits {
  /** Most blocks per piece handed to `preverify`. */
  readonly pieceBlocks: number;
  /** Most transactions per piece (unless one block alone has more). */
  readonly pieceTransactions: number;
  /**
   * Most transactions checked ahead and not yet validated: the signature cache holds 50,000, and a verdict evicted
   * before its block is validated is work thrown away.
   */
  readonly aheadTransactions: number;
}

interface Piece {
  readonly start: number;
  readonly end: number;
  readonly transactions: number;
  /** Its blocks until it is handed to `preverify` (then let go: a long sync's blocks are not all held here). */
  blocks?: readonly Block[];
  done?: Promise<unknown>;
  settled?: boolean;
}

/**
 * The pipeline of a sync: while pages download and earlier chunks are validated on the event loop, the signatures of
 * the blocks after them are checked on worker threads, piece by piece in order, a bounded number of transactions
 * ahead. Validation of a chunk first waits for its pieces; what the workers did not check, validation checks itself.
 */
export class SignatureLookahead {
  readonly #preverify: Preverify;
  readonly #verifyQueued: VerifyQueued | undefined;
  readonly #limits: LookaheadLimits;
  readonly #pieces: Piece[] = [];
  /** Blocks added so far. */
  #added = 0;
  #launched = 0;
  #aheadTransactions = 0;
  #validatedBlocks = 0;

  constructor(preverify: Preverify, limits: LookaheadLimits, verifyQueued?: VerifyQueued) {
    this.#preverify = preverify;
    this.#verifyQueued = verifyQueued;
    this.#limits = limits;
  }

  /** Appends downloaded blocks (in chain order) and starts checking what the bound allows. */
  add(blocks: readonly Block[]): void {
    const offset = this.#added;
    let start = 0;
    while (start < blocks.length) {
      let end = start;
      let transactions = 0;
      while (end < blocks.length && end - start < this.#limits.pieceBlocks) {
        const count = blocks[end]!.transactions.length;
        if (end > start && transactions + count > this.#limits.pieceTransactions) break;
        transactions += count;
        end += 1;
      }
      this.#pieces.push({ start: offset + start, end: offset + end, transactions, blocks: blocks.slice(start, end) });
      start = end;
    }
    this.#added += blocks.length;
    this.#launch(false);
  }

  /**
   * Waits until the signatures of the first `end` blocks were checked ahead (starting what is not yet started), and
   * meanwhile checks batches no worker has taken yet itself, yielding to the event loop after each.
   */
  async ready(end: number): Promise<void> {
    while (this.#launched < this.#pieces.length && this.#pieces[this.#launched]!.start < end) this.#launch(true);
    for (const piece of this.#pieces) {
      if (piece.start >= end) break;
      while (piece.settled !== true && this.#verifyQueued?.() === true) await yieldToEventLoop();
      await piece.done;
    }
  }

  /** Validation finished the first `end` blocks: their share of the bound is free again. */
  validated(end: number): void {
    for (const piece of this.#pieces.slice(0, this.#launched)) {
      if (piece.end <= this.#validatedBlocks || piece.end > end) continue;
      this.#aheadTransactions -= piece.transactions;
    }
    this.#validatedBlocks = Math.max(this.#validatedBlocks, end);
    this.#launch(false);
  }

  /** Starts the next pieces while within the bound (or exactly one piece when `force`d). */
  #launch(force: boolean): void {
    while (this.#launched < this.#pieces.length) {
      const piece = this.#pieces[this.#launched]!;
      if (
        !force &&
        this.#aheadTransactions > 0 &&
        this.#aheadTransactions + piece.transactions > this.#limits.aheadTransactions
      )
        return;
      piece.done = this.#preverify(piece.blocks ?? []).finally(() => {
        piece.settled = true;
      });
      piece.blocks = undefined;
      if (piece.end > this.#validatedBlocks) this.#aheadTransactions += piece.transactions;
      this.#launched += 1;
      if (force) return;
    }
  }
}
