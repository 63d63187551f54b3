import type { TipChange } from './chain.js';
import type { PendingStore } from './db/chainDb.js';
import { type PendingTransaction, returnedTransfers } from './db/model.js';
import { type AccountState, LedgerOverlay, type LedgerReader } from './ledger.js';
import { reject, type TransactionRejection } from './rejections.js';
import { isRewardTransaction, transactionId } from './transaction.js';
import type { Transaction } from './types.js';
import { checkTransferIntrinsic } from './validateTransaction.js';

export type { PendingTransaction } from './db/model.js';

/** The outcome of offering a transaction to the mempool. */
export type MempoolAddResult =
  | {
      readonly ok: true;
      readonly pending: PendingTransaction;
      /**
       * Settles once the transaction is in the durable copy; answer the client only then. Rejects with a
       * NotStoredError when the write failed: the transaction has then left the mempool.
       */
      readonly durable: Promise<void>;
    }
  | { readonly ok: false; readonly rejection: TransactionRejection };

/** A transaction the mempool let go on a tip change, and why. */
export interface DroppedTransaction {
  readonly id: string;
  readonly transaction: Transaction;
  readonly rejection: TransactionRejection;
}

/**
 * The durable copy could not take an accepted transaction: it left the mempool, with every transaction accepted after
 * it, and none of them was announced. The client is told it was not queued.
 */
export class NotStoredError extends Error {
  override readonly name = 'NotStoredError';
}

/** An accepted transaction whose write is not yet known to be durable, and how to answer its submitter. */
interface UnstoredEntry {
  readonly stored: () => void;
  readonly failed: (error: NotStoredError) => void;
}

/** Default bound on pending transactions. */
export const DEFAULT_MEMPOOL_SIZE = 10_000;

/** What may be read from a mempool without changing it (Node.mempool). */
export const MEMPOOL_READS = [
  'size',
  'get',
  'list',
  'pendingAccount',
  'positionOf',
  'selectForBlock',
  'check',
] as const;

/** A mempool, read-only. */
export type MempoolReader = Readonly<Pick<Mempool, (typeof MEMPOOL_READS)[number]>>;

/** A pending store that keeps nothing (a mempool alone, in tests). */
const NO_DURABLE_COPY: PendingStore = { list: () => [], put: () => Promise.resolve(), delete: () => {} };

/** Options of a mempool. */
export interface MempoolOptions {
  readonly maxSize?: number;
  /** The durable copy (the chain database's pending table); none by default. */
  readonly store?: PendingStore;
  /**
   * Told of transactions dropped outside a tip change: when a failed write withdraws transactions, one that a
   * reorganization had placed after them and that spent what they gave no longer applies.
   */
  readonly onDropped?: (dropped: readonly DroppedTransaction[]) => void;
}

/**
 * Transactions waiting for a block, kept in arrival order as a sequence that applies cleanly on top of the tip's
 * ledger: each accepted transaction was checked against the tip *and every pending transaction before it* (so
 * nonces follow on and balances count pending spends and receipts), which also makes any prefix a valid block body.
 * The mempool owns its durable copy: it stores what it accepts and forgets what it drops (the chain's own batch
 * adds the transfers of disconnected blocks and removes confirmed ones, atomically with the chain).
 */
export class Mempool {
  readonly #entries = new Map<string, PendingTransaction>();
  readonly #maxSize: number;
  readonly #store: PendingStore;
  readonly #onDropped: (dropped: readonly DroppedTransaction[]) => void;
  /**
   * Accepted transactions whose write has not settled, in acceptance order. The store commits writes in that order,
   * so these are always the queue's newest entries.
   */
  readonly #unstored = new Map<string, UnstoredEntry>();
  /** The newest accepted transaction's write, settled either way (writes settle in acceptance order). */
  #lastWrite: Promise<void> = Promise.resolve();
  #ledger: LedgerOverlay;
  #tipLedger: LedgerReader;

  constructor(tipLedger: LedgerReader, options: MempoolOptions = {}) {
    this.#tipLedger = tipLedger;
    this.#ledger = new LedgerOverlay(tipLedger);
    this.#maxSize = options.maxSize ?? DEFAULT_MEMPOOL_SIZE;
    this.#store = options.store ?? NO_DURABLE_COPY;
    this.#onDropped = options.onDropped ?? (() => {});
  }

  /** Number of pending transactions. */
  get size(): number {
    return this.#entries.size;
  }

  /** A pending transaction by id. */
  get(id: string): PendingTransaction | undefined {
    return this.#entries.get(id);
  }

  /** Pending transactions in arrival order (the first `limit` of them, when given). */
  list(limit = Number.POSITIVE_INFINITY): PendingTransaction[] {
    const result: PendingTransaction[] = [];
    for (const entry of this.#entries.values()) {
      if (result.length >= limit) break;
      result.push(entry);
    }
    return result;
  }

  /** An account's state once every pending transaction is applied (its next nonce, its spendable balance). */
  pendingAccount(address: string): AccountState {
    return this.#ledger.getAccount(address);
  }

  /** Position (0-based) of a pending transaction in the queue, or -1. */
  positionOf(id: string): number {
    let position = 0;
    for (const key of this.#entries.keys()) {
      if (key === id) return position;
      position++;
    }
    return -1;
  }

  /**
   * Validates and queues a transfer: intrinsic rules, then nonce and balance against the tip plus the pending queue.
   * `isConfirmed` tells whether an id is already in the best chain. Nothing changes when it is refused.
   */
  add(tx: Transaction, receivedAt: number, isConfirmed: (id: string) => boolean): MempoolAddResult {
    const checked = this.#check(tx, isConfirmed, this.#ledger);
    if (!checked.ok) return checked;
    const pending: PendingTransaction = { id: checked.id, transaction: tx, receivedAt };
    this.#entries.set(checked.id, pending);
    // Without a durable copy there is no write to wait for, nor one that can fail.
    if (this.#store === NO_DURABLE_COPY) return { ok: true, pending, durable: Promise.resolve() };
    const durable = new Promise<void>((stored, failed) => this.#unstored.set(checked.id, { stored, failed }));
    this.#lastWrite = this.#store.put(pending).then(
      () => this.#onStored(checked.id),
      (error: unknown) => this.#withdrawUnstored(checked.id, error),
    );
    return { ok: true, pending, durable };
  }

  /**
   * Settles once the write of every transaction accepted so far has settled (stored, or failed and withdrawn): from
   * then on selectForBlock can take all of them that are still here.
   */
  whenStored(): Promise<void> {
    return this.#lastWrite;
  }

  /** A write settled: its submitter may be answered. */
  #onStored(id: string): void {
    const waiting = this.#unstored.get(id);
    this.#unstored.delete(id);
    // A block may have confirmed it (or a reorganization dropped it) while the write was queued, or an earlier failed
    // write withdrew it: the copy just written must go.
    if (!this.#entries.has(id) || waiting === undefined) this.#store.delete([id]);
    waiting?.stored();
  }

  /**
   * A write failed: the transaction leaves the mempool with every one accepted after it (they may spend what it
   * gives, and their writes come after it anyway), so that what stays is exactly what is stored, a prefix of the
   * queue, which applies cleanly on the tip as before. Their submitters are told they were not queued. Transactions
   * that already left (a block confirmed them, a tip change dropped them) are answered as accepted, as they were.
   */
  #withdrawUnstored(id: string, error: unknown): void {
    if (!this.#unstored.has(id)) return; // withdrawn with an earlier failed write
    const cause = error instanceof Error ? error.message : String(error);
    const withdrawn: Array<[string, UnstoredEntry]> = [];
    let reached = false;
    for (const entry of this.#unstored) {
      reached ||= entry[0] === id;
      if (reached) withdrawn.push(entry);
    }
    let changed = false;
    for (const [withdrawnId, waiting] of withdrawn) {
      this.#unstored.delete(withdrawnId);
      if (!this.#entries.delete(withdrawnId)) {
        waiting.stored();
        continue;
      }
      changed = true;
      const reason =
        withdrawnId === id
          ? `could not be stored (${cause})`
          : `was withdrawn: transaction ${id}, accepted before it, could not be stored (${cause})`;
      waiting.failed(new NotStoredError(`transaction ${withdrawnId} ${reason}; it was not queued`));
    }
    if (!changed) return;
    // Usually the rest is the stored prefix of the queue and applies as it is; a rebuild after a reorganization may
    // have moved a stored transaction behind withdrawn ones, so the rest is re-applied and what fails is dropped.
    const dropped = this.#rebuild(this.#tipLedger, [...this.#entries.values()], () => false);
    if (dropped.length > 0) {
      this.#store.delete(dropped.map((lost) => lost.id));
      this.#onDropped(dropped);
    }
  }

  /** Rebuilds the pending ledger from the queue as it is (each entry still applies: the queue is a valid sequence). */
  #replayOnTip(): void {
    this.#ledger = new LedgerOverlay(this.#tipLedger);
    for (const entry of this.#entries.values()) this.#ledger.applyTransaction(entry.transaction);
  }

  /**
   * What `add` would answer, changing nothing: the same rules in the same order, against a throwaway view of the
   * pending ledger. On success, `position` is the place the transaction would take in the queue.
   */
  check(
    tx: Transaction,
    isConfirmed: (id: string) => boolean,
  ):
    | { readonly ok: true; readonly id: string; readonly position: number }
    | { readonly ok: false; readonly rejection: TransactionRejection } {
    const checked = this.#check(tx, isConfirmed, new LedgerOverlay(this.#ledger));
    return checked.ok ? { ok: true, id: checked.id, position: this.#entries.size } : checked;
  }

  /** The acceptance rules, applying `tx` to `ledger` when they hold. */
  #check(
    tx: Transaction,
    isConfirmed: (id: string) => boolean,
    ledger: LedgerOverlay,
  ): { readonly ok: true; readonly id: string } | { readonly ok: false; readonly rejection: TransactionRejection } {
    const intrinsic = checkTransferIntrinsic(tx);
    if (intrinsic !== undefined) return { ok: false, rejection: intrinsic };
    const id = transactionId(tx);
    if (this.#entries.has(id) || isConfirmed(id)) {
      return { ok: false, rejection: reject('ALREADY_KNOWN', `transaction ${id} is already pending or in a block`) };
    }
    if (this.#entries.size >= this.#maxSize) {
      return { ok: false, rejection: reject('MEMPOOL_FULL', `the mempool holds its maximum of ${this.#maxSize}`) };
    }
    const problem = ledger.applyTransaction(tx);
    if (problem !== undefined) {
      return { ok: false, rejection: reject(problem.code, `${problem.message} (counting pending transactions)`) };
    }
    return { ok: true, id };
  }

  /**
   * Keeps the queue within its bound after a rebuild (a deep reorganization can return more transfers than fit): the
   * newest entries go, which keeps the rest a valid sequence since nothing earlier depends on a later one.
   */
  #trimToSize(): DroppedTransaction[] {
    const overflow = this.#entries.size - this.#maxSize;
    if (overflow <= 0) return [];
    const removed = [...this.#entries.values()].slice(-overflow);
    for (const entry of removed) this.#entries.delete(entry.id);
    // The ledger view must match the trimmed queue: replay what is left.
    this.#replayOnTip();
    return removed.map((entry) => ({
      id: entry.id,
      transaction: entry.transaction,
      rejection: reject('MEMPOOL_FULL', `the mempool holds its maximum of ${this.#maxSize}`),
    }));
  }

  /**
   * The first transactions in arrival order that fit in `maxCount` transactions, up to the first one whose write is
   * not yet durable: a failed write withdraws it (and every later one), so a block must not confirm what its
   * submitter may yet be told was not queued.
   */
  selectForBlock(maxCount: number): Transaction[] {
    const selected: Transaction[] = [];
    for (const entry of this.#entries.values()) {
      if (selected.length >= maxCount || this.#unstored.has(entry.id)) break;
      selected.push(entry.transaction);
    }
    return selected;
  }

  /**
   * Follows a change of the best chain: the transfers of disconnected blocks come back first, confirmed ones leave,
   * and what no longer applies is dropped, from memory and from the durable copy.
   */
  onTipChange(
    change: TipChange,
    tipLedger: LedgerReader,
    isConfirmed: (id: string) => boolean,
    now: number,
  ): DroppedTransaction[] {
    const disconnected = change.status === 'reorg' ? change.disconnected : [];
    const returned = returnedTransfers(disconnected).map((pending) => pending.transaction);
    const dropped = this.reset(tipLedger, returned, isConfirmed, now);
    this.#store.delete(dropped.map((lost) => lost.id));
    return dropped;
  }

  /**
   * Re-validates against a new tip: `returned` (transfers of blocks that left the best chain, in chain order) go
   * first, then the queue in arrival order; transactions now in the best chain leave, the rest are re-applied and
   * those that no longer apply are dropped and reported.
   */
  reset(
    tipLedger: LedgerReader,
    returned: readonly Transaction[],
    isConfirmed: (id: string) => boolean,
    receivedAt: number,
  ): DroppedTransaction[] {
    const candidates: PendingTransaction[] = [];
    for (const transaction of returned) {
      // Rewards belong to the block that created them; they never re-enter the mempool.
      if (isRewardTransaction(transaction)) continue;
      const id = transactionId(transaction);
      if (!this.#entries.has(id)) candidates.push({ id, transaction, receivedAt });
    }
    candidates.push(...this.#entries.values());
    return this.#rebuild(tipLedger, candidates, isConfirmed);
  }

  /**
   * Refills an empty mempool from its durable copy (after a restart), in stored order; those now confirmed leave,
   * those that no longer apply are dropped and reported, and both are forgotten by the durable copy. Intrinsic rules
   * are checked again, so a tampered store cannot smuggle in an unsigned transfer.
   */
  restore(tipLedger: LedgerReader, isConfirmed: (id: string) => boolean): DroppedTransaction[] {
    const stored = this.#store.list();
    if (stored.length === 0) return [];
    const dropped = this.#restoreFrom(tipLedger, stored, isConfirmed);
    this.#store.delete(stored.filter((entry) => !this.#entries.has(entry.id)).map((entry) => entry.id));
    return dropped;
  }

  #restoreFrom(
    tipLedger: LedgerReader,
    stored: ReadonlyArray<PendingTransaction>,
    isConfirmed: (id: string) => boolean,
  ): DroppedTransaction[] {
    const dropped: DroppedTransaction[] = [];
    const candidates: PendingTransaction[] = [];
    for (const entry of stored) {
      const problem = checkTransferIntrinsic(entry.transaction);
      if (problem !== undefined || transactionId(entry.transaction) !== entry.id) {
        dropped.push({
          id: entry.id,
          transaction: entry.transaction,
          rejection: problem ?? reject('MALFORMED_TRANSACTION', `stored id ${entry.id} does not match the transaction`),
        });
      } else {
        candidates.push(entry);
      }
    }
    return [...dropped, ...this.#rebuild(tipLedger, candidates, isConfirmed)];
  }

  /**
   * Rebuilds the queue on `tipLedger` from `candidates`: applies them in order, then retries the ones that failed
   * while any pass makes progress (a transfer may depend on one that came later, e.g. a returned transaction with an
   * earlier nonce). What never applies is dropped.
   */
  #rebuild(
    tipLedger: LedgerReader,
    candidates: readonly PendingTransaction[],
    isConfirmed: (id: string) => boolean,
  ): DroppedTransaction[] {
    this.#entries.clear();
    this.#tipLedger = tipLedger;
    this.#ledger = new LedgerOverlay(tipLedger);
    const seen = new Set<string>();
    let waiting = candidates.filter((candidate) => {
      if (seen.has(candidate.id) || isConfirmed(candidate.id)) return false;
      seen.add(candidate.id);
      return true;
    });
    let failures = new Map<string, TransactionRejection>();
    for (;;) {
      const next: PendingTransaction[] = [];
      failures = new Map();
      for (const candidate of waiting) {
        const problem = this.#ledger.applyTransaction(candidate.transaction);
        if (problem === undefined) this.#entries.set(candidate.id, candidate);
        else {
          next.push(candidate);
          failures.set(candidate.id, problem);
        }
      }
      if (next.length === 0 || next.length === waiting.length) {
        const dropped = next.map((c) => ({ id: c.id, transaction: c.transaction, rejection: failures.get(c.id)! }));
        return [...dropped, ...this.#trimToSize()];
      }
      waiting = next;
    }
  }
}
