import type { AccountState, BlockUndo } from './ledger.js';
import { REWARD_SENDER, type Block, type Transaction } from './types.js';

/** A validated block as the chain keeps it. */
export interface StoredBlock {
  readonly block: Block;
  readonly hash: string;
  readonly transactionIds: readonly string[];
  /** Encoded size in bytes. */
  readonly size: number;
  /** Σ 2^difficulty from genesis to this block: the fork-choice measure. */
  readonly totalWork: bigint;
  /** Account states this block changed, as they were before it (empty for genesis). */
  readonly undo: BlockUndo;
}

/** Where a best-chain transaction sits. */
export interface TransactionLocation {
  readonly blockHash: string;
  readonly position: number;
}

/**
 * One atomic change of the chain: new blocks, blocks leaving and joining the best chain, the accounts' new states
 * and the new tip. A store applies all of it or nothing.
 */
export interface ChainWriteBatch {
  readonly newBlocks: readonly StoredBlock[];
  /** Best-chain blocks that leave it, tip first. */
  readonly disconnected: readonly StoredBlock[];
  /** Blocks that join the best chain, lowest index first. */
  readonly connected: readonly StoredBlock[];
  readonly accounts: ReadonlyMap<string, AccountState>;
  readonly tipHash: string;
}

/** A pending transaction as the store keeps it (the mempool's durable copy). */
export interface StoredPendingTransaction {
  readonly id: string;
  readonly transaction: Transaction;
  /** Node clock (ms) when it was accepted. */
  readonly receivedAt: number;
}

/**
 * Storage behind the chain: synchronous reads and one atomic batch write. The in-memory store below serves tests;
 * the embedded-database store (src/storage) implements the same contract, checked by one shared test suite.
 *
 * The store also keeps the mempool's durable copy, consistent with the chain by construction: `write` adds the
 * transfers of disconnected blocks and removes the transactions of connected blocks in the same atomic batch, so a
 * crash between a reorganization and a mempool update cannot lose an accepted transaction.
 */
export interface ChainStore {
  getBlock(hash: string): StoredBlock | undefined;
  /** Hash of the best-chain block at `index`. */
  getBestHash(index: number): string | undefined;
  getTipHash(): string | undefined;
  getAccount(address: string): AccountState | undefined;
  getTransactionLocation(id: string): TransactionLocation | undefined;
  /** Number of best-chain transactions that send to or from `address`. */
  getAccountHistoryLength(address: string): number;
  /** Ids of the address's best-chain transactions at history positions [from, to), oldest first (0 = oldest). */
  getAccountHistory(address: string, from: number, to: number): string[];
  /** Applies a batch atomically. */
  write(batch: ChainWriteBatch): void;
  /** Every stored pending transaction, in the order it was stored. */
  getPendingTransactions(): StoredPendingTransaction[];
  /**
   * Stores an accepted transaction durably. A store may return a promise that settles once the write is on disk
   * (the LMDB store groups concurrent writes into one commit); the node tells the client only after it settles.
   */
  putPendingTransaction(pending: StoredPendingTransaction): void | Promise<void>;
  /** Forgets pending transactions (dropped by the mempool). */
  deletePendingTransactions(ids: readonly string[]): void;
}

/** The in-memory chain store. */
export class MemoryChainStore implements ChainStore {
  readonly #blocks = new Map<string, StoredBlock>();
  readonly #best: string[] = [];
  readonly #accounts = new Map<string, AccountState>();
  readonly #locations = new Map<string, TransactionLocation>();
  readonly #history = new Map<string, string[]>();
  readonly #pending = new Map<string, StoredPendingTransaction>();
  #tip: string | undefined;

  getBlock(hash: string): StoredBlock | undefined {
    return this.#blocks.get(hash);
  }

  getBestHash(index: number): string | undefined {
    return this.#best[index - 1];
  }

  getTipHash(): string | undefined {
    return this.#tip;
  }

  getAccount(address: string): AccountState | undefined {
    return this.#accounts.get(address);
  }

  getTransactionLocation(id: string): TransactionLocation | undefined {
    return this.#locations.get(id);
  }

  getAccountHistoryLength(address: string): number {
    return this.#history.get(address)?.length ?? 0;
  }

  getAccountHistory(address: string, from: number, to: number): string[] {
    return (this.#history.get(address) ?? []).slice(Math.max(0, from), Math.max(0, to));
  }

  getPendingTransactions(): StoredPendingTransaction[] {
    return [...this.#pending.values()];
  }

  putPendingTransaction(pending: StoredPendingTransaction): void {
    this.#pending.set(pending.id, pending);
  }

  deletePendingTransactions(ids: readonly string[]): void {
    for (const id of ids) this.#pending.delete(id);
  }

  write(batch: ChainWriteBatch): void {
    // Everything below is plain map updates that cannot fail half-way, which makes the batch atomic in memory.
    for (const stored of batch.newBlocks) this.#blocks.set(stored.hash, stored);
    for (const stored of batch.disconnected) {
      this.#best.length = stored.block.header.index - 1;
      // Undo in reverse order so each history list pops exactly what the block pushed.
      for (let position = stored.block.transactions.length - 1; position >= 0; position--) {
        const tx = stored.block.transactions[position]!;
        const id = stored.transactionIds[position]!;
        this.#locations.delete(id);
        for (const address of involvedAddresses(tx.sender, tx.recipient)) {
          const ids = this.#history.get(address);
          if (ids !== undefined && ids[ids.length - 1] === id) ids.pop();
        }
      }
    }
    for (const pending of returnedTransfers(batch)) {
      if (!this.#pending.has(pending.id)) this.#pending.set(pending.id, pending);
    }
    for (const stored of batch.connected) {
      this.#best[stored.block.header.index - 1] = stored.hash;
      stored.block.transactions.forEach((tx, position) => {
        const id = stored.transactionIds[position]!;
        this.#locations.set(id, { blockHash: stored.hash, position });
        this.#pending.delete(id);
        for (const address of involvedAddresses(tx.sender, tx.recipient)) {
          let ids = this.#history.get(address);
          if (ids === undefined) this.#history.set(address, (ids = []));
          ids.push(id);
        }
      });
    }
    for (const [address, state] of batch.accounts) {
      // An account back at zero (a reorg undid everything it had) is the same as an untouched one: forget it.
      if (state.balance === 0 && state.nonce === 0) this.#accounts.delete(address);
      else this.#accounts.set(address, state);
    }
    this.#tip = batch.tipHash;
  }
}

/**
 * The transfers of a batch's disconnected blocks, in chain order (oldest block first), as pending transactions: what
 * a store adds to its durable mempool copy in the same batch. Rewards never return (they belong to their block).
 */
export function returnedTransfers(batch: ChainWriteBatch): StoredPendingTransaction[] {
  const returned: StoredPendingTransaction[] = [];
  for (let i = batch.disconnected.length - 1; i >= 0; i--) {
    const stored = batch.disconnected[i]!;
    stored.block.transactions.forEach((transaction, position) => {
      if (transaction.sender === REWARD_SENDER) return;
      returned.push({ id: stored.transactionIds[position]!, transaction, receivedAt: stored.block.header.timestamp });
    });
  }
  return returned;
}

/** The addresses whose history a transaction belongs to (the reward's "0" is not an address). */
export function involvedAddresses(sender: string, recipient: string): string[] {
  if (sender === REWARD_SENDER || sender === recipient) return [recipient];
  return [sender, recipient];
}
