import type {
  BlockFieldsFragment,
  BlockHeaderFieldsFragment,
  BlockTreeFieldsFragment,
  ClientAccountQuery,
  ClientChainReorganizedSubscription,
  ClientLimitsQuery,
  ClientMiningProgressSubscription,
  ClientNodeQuery,
  ClientResolveMutation,
  ClientStartMiningMutation,
  ClientTransactionStatusSubscription,
  PeerFieldsFragment,
  SyncStatusFieldsFragment,
  TransactionFieldsFragment,
} from './gql/graphql.js';

/**
 * The shapes the typed client returns, named after the schema's types. Each is derived from the generated operation
 * types (src/client/gql/), so a change of schema.graphql that breaks a field breaks `npm run typecheck`.
 */

export type {
  BlockAcceptance,
  BlockInput,
  BlockOrigin,
  BlockTransactionInput,
  ErrorCode,
  PeerStatus,
  PeerSyncOutcomeKind,
  TransactionInput,
  TransactionStatus,
} from './gql/graphql.js';

/** A block with its transactions (the reward first). */
export type Block = BlockFieldsFragment;
/** A block's header and standing, without its transactions. */
export type BlockHeader = BlockHeaderFieldsFragment;
/** A block of the fork tree (blockTree): its header and standing, and when, how and from whom it arrived. */
export type BlockTreeBlock = BlockTreeFieldsFragment;
/** A transfer or a reward, pending or confirmed. */
export type Transaction = TransactionFieldsFragment;
/** A registered peer and how it last answered. */
export type Peer = PeerFieldsFragment;
/** The node: identity, network, chain position and activity. */
export type NodeInfo = ClientNodeQuery['node'];
/** An address's balances, nonces and one page of its history. */
export type Account = ClientAccountQuery['account'];
/** The request limits a node enforces. */
export type Limits = ClientLimitsQuery['limits'];
/** What `resolve` did: whether our chain was replaced, the chain afterwards, and each peer's outcome. */
export type Resolution = ClientResolveMutation['resolve'];
/** Whether the node mines continuously and whether a block is being mined. */
export type MiningStatus = ClientStartMiningMutation['startMining'];
/** One report of the block being mined (about once a second). */
export type MiningProgress = ClientMiningProgressSubscription['miningProgress'];
/** Whether the node is syncing and how far behind its best reachable peer it is. */
export type SyncStatus = SyncStatusFieldsFragment;
/** Where a transaction is: one event of `subscribeTransactionStatus`. */
export type TransactionStatusUpdate = ClientTransactionStatusSubscription['transactionStatus'];
/** A switch of the best chain to another branch. */
export type ChainReorganization = ClientChainReorganizedSubscription['chainReorganized'];

/** The best chain and one page of its blocks, oldest first. */
export interface ChainPage {
  /** Number of blocks, genesis included (the tip's index). */
  readonly length: number;
  /** Cumulative work of the best chain, a decimal string. */
  readonly totalWork: string;
  readonly genesisHash: string;
  readonly tip: BlockHeader;
  /** The page's blocks, oldest first. */
  readonly blocks: readonly BlockHeader[];
  readonly pageInfo: {
    readonly hasNextPage: boolean;
    readonly hasPreviousPage: boolean;
    readonly startCursor: string | null;
    readonly endCursor: string | null;
  };
}

/** Which page of `chain.blocks` to read: first/after or last/before (at most 100; the node's default is first 20). */
export interface ChainPageRequest {
  readonly first?: number;
  readonly after?: string;
  readonly last?: number;
  readonly before?: string;
}
