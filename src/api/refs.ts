import type { StoredBlock } from '../chain/db/model.js';
import type { Transaction } from '../chain/types.js';
import type { PeerRecord } from '../peer/peerSet.js';
import type { SyncOutcome } from '../peer/syncFromPeer.js';
import { builder } from './builder.js';

/**
 * Object refs shared across the type-area files. Declaring them here (fields are implemented in ./types/<area>.ts)
 * lets Block refer to Transaction and back without an import cycle.
 */

/** A transaction with where it sits: in a best-chain block, or pending. */
export interface TransactionView {
  readonly id: string;
  readonly transaction: Transaction;
  readonly block: StoredBlock | null;
  readonly position: number | null;
}

/** An account as of the tip. */
export interface AccountView {
  readonly address: string;
}

export const BlockRef = builder.objectRef<StoredBlock>('Block');
export const TransactionRef = builder.objectRef<TransactionView>('Transaction');
export const AccountRef = builder.objectRef<AccountView>('Account');
export const PeerRef = builder.objectRef<PeerRecord>('Peer');
export const PeerSyncOutcomeRef = builder.objectRef<SyncOutcome>('PeerSyncOutcome');
/** The chain as a whole (no fields of its own besides what the node provides). */
export const ChainRef = builder.objectRef<Record<string, never>>('Chain');
