import type { StoredBlock } from '../chain/db/model.js';
import type { PendingTransaction } from '../chain/mempool.js';
import type { PeerRecord } from '../peer/peerSet.js';
import type { SyncStatus } from './syncStatus.js';

/** Events a node publishes (subscriptions, logs and gossip listen to them). */
export interface NodeEvents extends Record<string, unknown> {
  /** A block joined the best chain (mined here, submitted, or adopted from a peer), in chain order. */
  blockConnected: StoredBlock;
  /** The best chain has a new tip; emitted once per change, after its blocks' blockConnected events. */
  tipChanged: { readonly tip: StoredBlock; readonly connected: readonly StoredBlock[] };
  /** The best chain switched branches. */
  chainReorganized: {
    readonly depth: number;
    readonly oldTip: StoredBlock;
    readonly newTip: StoredBlock;
    readonly disconnected: readonly StoredBlock[];
    readonly connected: readonly StoredBlock[];
  };
  /** A transaction entered the mempool and its write is durable (it is then relayed, and its submitter answered). */
  transactionAccepted: PendingTransaction;
  /**
   * The mempool changed outside a tip change, at once: a transfer was queued (transactionAccepted follows once its
   * write is durable) or a failed write withdrew one. What reads the mempool (the response cache) follows this.
   */
  mempoolChanged: { readonly pending: number };
  /** A transaction left the mempool without a block (it no longer applies, or the mempool overflowed). */
  transactionDropped: DroppedTransactionEvent;
  /** A peer was added or its status changed. */
  peerChanged: PeerRecord;
  /** About once a second while a block is being mined. */
  miningProgress: MiningProgress;
  /** Node.syncStatus changed (our tip, a peer's status or height, a sync starting or ending); only on a change. */
  syncStatusChanged: SyncStatus;
}

/** How the block being mined is coming along. */
export interface MiningProgress {
  /** Proofs tried per second, all threads together. */
  readonly hashrate: number;
  /** Proofs tried for the current block (across restarts on a new tip). */
  readonly tries: number;
  /** Difficulty of the block being mined, in leading zero bits. */
  readonly difficulty: number;
  /** Milliseconds since mining of the current block started. */
  readonly elapsedMs: number;
  /** Index of the block being mined. */
  readonly index: number;
}

/** A transaction the mempool let go, and why. */
export interface DroppedTransactionEvent {
  readonly id: string;
  readonly code: string;
  readonly reason: string;
}

/** A line for the node's log: an event name and its fields. */
export type NodeLogger = (event: string, fields?: Record<string, unknown>) => void;
