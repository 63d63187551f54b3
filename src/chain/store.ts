import type { AccountState, BlockUndo } from './ledger.js';
import type { Block } from './types.js';

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

/**
 * Storage behind the chain: synchronous reads (the engine stays synchronous and pure) and one atomic batch write.
 * The in-memory store below serves tests; the embedded-database store implements the same contract.
 */
export interface ChainStore {
  getBlock(hash: string): StoredBlock | undefined;
  /** Hash of the best-chain block at `index`. */
  getBestHash(index: number): string | undefined;
  getTipHash(): string | undefined;
  getAccount(address: string): AccountState | undefined;
  getTransactionLocation(id: string): TransactionLocation | undefined;
  /** Ids of best-chain transactions that send to or from `address`, oldest first. */
  getAccountTransactionIds(address: string): readonly string[];
  /** Applies a batch atomically. */
  write(batch: ChainWriteBatch): void;
}

/** The in-memory chain store. */
export class MemoryChainStore implements ChainStore {
  readonly #blocks = new Map<string, StoredBlock>();
  readonly #best: string[] = [];
  readonly #accounts = new Map<string, AccountState>();
  readonly #locations = new Map<string, TransactionLocation>();
  readonly #history = new Map<string, string[]>();
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

  getAccountTransactionIds(address: string): readonly string[] {
    return [...(this.#history.get(address) ?? [])];
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
    for (const stored of batch.connected) {
      this.#best[stored.block.header.index - 1] = stored.hash;
      stored.block.transactions.forEach((tx, position) => {
        const id = stored.transactionIds[position]!;
        this.#locations.set(id, { blockHash: stored.hash, position });
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

/** The addresses whose history a transaction belongs to (the reward's "0" is not an address). */
export function involvedAddresses(sender: string, recipient: string): string[] {
  if (sender === '0' || sender === recipient) return [recipient];
  return [sender, recipient];
}
