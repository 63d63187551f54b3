import { type Rejection, reject } from './rejections.js';
import { isRewardTransaction } from './transaction.js';
import type { Transaction } from './types.js';

/** An account's state in the account model. */
export interface AccountState {
  /** Coins the address holds. */
  readonly balance: number;
  /** Number of transfers the address has sent: the nonce its next transfer must carry. */
  readonly nonce: number;
}

/** An account nobody has touched. */
export const EMPTY_ACCOUNT: AccountState = Object.freeze({ balance: 0, nonce: 0 });

/** Read access to account states at some point of a chain. */
export interface LedgerReader {
  /** The state of `address` (EMPTY_ACCOUNT when untouched). */
  getAccount(address: string): AccountState;
}

/** The account states that one block changed, as they were before it: enough to undo the block. */
export type BlockUndo = ReadonlyArray<readonly [address: string, before: AccountState]>;

/** Why applying a transaction to a ledger fails (contextual transaction rules). */
export type LedgerRejectionCode = 'NONCE_MISMATCH' | 'INSUFFICIENT_BALANCE';

/**
 * A copy-on-write view over a base ledger: reads fall through to the base until an account is written here.
 * Used to validate blocks and branches without touching the stored state, then to commit the changes at once.
 */
export class LedgerOverlay implements LedgerReader {
  readonly #base: LedgerReader;
  readonly #changes = new Map<string, AccountState>();

  constructor(base: LedgerReader) {
    this.#base = base;
  }

  /** The state of `address` in this view. */
  getAccount(address: string): AccountState {
    return this.#changes.get(address) ?? this.#base.getAccount(address);
  }

  /** Overwrites an account in this view. */
  setAccount(address: string, state: AccountState): void {
    this.#changes.set(address, state);
  }

  /** Every account this view changed, with its new state. */
  changes(): ReadonlyMap<string, AccountState> {
    return this.#changes;
  }

  /**
   * Applies one transaction (contextual rules: the transfer's nonce is the sender's next, its balance covers the
   * amount, counting everything applied before it). Returns a rejection and changes nothing when a rule fails.
   * `touched` collects each account's state before its first change, for the block's undo record.
   */
  applyTransaction(tx: Transaction, touched?: Map<string, AccountState>): Rejection<LedgerRejectionCode> | undefined {
    if (!isRewardTransaction(tx)) {
      const sender = this.getAccount(tx.sender);
      if (tx.nonce !== sender.nonce) {
        return reject('NONCE_MISMATCH', `nonce must be the sender's next nonce ${sender.nonce}, got ${tx.nonce}`);
      }
      if (sender.balance < tx.amount) {
        return reject(
          'INSUFFICIENT_BALANCE',
          `amount ${tx.amount} exceeds the sender's available balance ${sender.balance}`,
        );
      }
      remember(touched, tx.sender, sender);
      this.setAccount(tx.sender, { balance: sender.balance - tx.amount, nonce: sender.nonce + 1 });
    }
    const recipient = this.getAccount(tx.recipient);
    remember(touched, tx.recipient, recipient);
    this.setAccount(tx.recipient, { balance: recipient.balance + tx.amount, nonce: recipient.nonce });
    return undefined;
  }

  /** Restores the accounts a block changed to their states before it. */
  undoBlock(undo: BlockUndo): void {
    for (const [address, before] of undo) this.setAccount(address, before);
  }
}

function remember(touched: Map<string, AccountState> | undefined, address: string, state: AccountState): void {
  if (touched !== undefined && !touched.has(address)) touched.set(address, state);
}
