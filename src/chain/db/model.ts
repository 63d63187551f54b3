import type { AccountState, BlockUndo } from '../ledger.js';
import { type Block, REWARD_SENDER, type Transaction } from '../types.js';

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

/**
 * How a block reached this node: `genesis` (derived from the parameters), `mined` (here), `submitted` (submitBlock
 * without a sender), `gossip` (submitBlock from a peer naming its URL), `sync` (fetched from a peer while syncing).
 */
export type BlockSource = 'genesis' | 'mined' | 'submitted' | 'gossip' | 'sync';

/** Where a block came from: its source and, for gossip and sync, the peer's URL. */
export interface BlockOrigin {
  readonly source: BlockSource;
  /** The peer's GraphQL URL (as the sender named itself, for gossip); null for the node's own or an unnamed one. */
  readonly peer: string | null;
}

/** When and from where a block was first stored here. */
export interface BlockArrival extends BlockOrigin {
  /** The node's clock (ms since the epoch) when the block was stored. */
  readonly seenAt: number;
}

/** Where a best-chain transaction sits. */
export interface TransactionLocation {
  readonly blockHash: string;
  readonly position: number;
}

/** A transaction waiting for a block (in the mempool and in its durable copy). */
export interface PendingTransaction {
  readonly id: string;
  readonly transaction: Transaction;
  /** Node clock (ms) when it was accepted. */
  readonly receivedAt: number;
}

/** One atomic change of the chain: new blocks, blocks leaving and joining the best chain, accounts and the tip. */
export interface ChainWriteBatch {
  readonly newBlocks: readonly StoredBlock[];
  /** Best-chain blocks that leave it, tip first. */
  readonly disconnected: readonly StoredBlock[];
  /** Blocks that join the best chain, lowest index first. */
  readonly connected: readonly StoredBlock[];
  readonly accounts: ReadonlyMap<string, AccountState>;
  readonly tipHash: string;
  /** When and from where `newBlocks` arrived; absent when unknown. */
  readonly arrival?: BlockArrival;
}

/**
 * The transfers of blocks that left the best chain (`disconnected`, tip first), oldest block first, as pending
 * transactions: what a reorganization gives back to the mempool. Rewards never return (they belong to their block).
 */
export function returnedTransfers(disconnected: readonly StoredBlock[]): PendingTransaction[] {
  const returned: PendingTransaction[] = [];
  for (let i = disconnected.length - 1; i >= 0; i--) {
    const stored = disconnected[i]!;
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
