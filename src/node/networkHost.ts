import type { AddBlockResult, ChainReader } from '../chain/chain.js';
import type { BlockOrigin } from '../chain/db/model.js';
import type { Block } from '../chain/types.js';
import type { EventHub } from './events.js';
import type { NodeEvents, NodeLogger } from './nodeEvents.js';

/** What the network needs from the node that owns it. */
export interface NetworkHost {
  readonly chain: ChainReader;
  readonly address: string;
  readonly events: EventHub<NodeEvents>;
  now(): number;
  log: NodeLogger;
  /** Checks the signatures of blocks on the node's worker threads ahead of `addBlocks` (SignaturePool). */
  preverify(blocks: readonly Block[]): Promise<unknown>;
  /** Checks on this thread one batch of signatures still waiting for a worker (SignaturePool.verifyQueuedBatch). */
  verifyQueued(): boolean;
  /** Validates and adds blocks through the node (mempool and events follow); `origin` is recorded as their arrival. */
  addBlocks(blocks: readonly Block[], origin: BlockOrigin): AddBlockResult;
  /** True when a transaction id is in the mempool. */
  isPending(id: string): boolean;
  /** Called when the first sync from a peer starts or the last running one ends (SyncScheduler.syncing changed). */
  syncingChanged(): void;
}
