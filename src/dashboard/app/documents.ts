/**
 * The GraphQL operations the dashboard sends and the shapes of their answers. Kept as plain strings (no client
 * library in the page); test/e2e/dashboard.test.ts validates every one against schema.graphql so they cannot drift.
 */
import type { ReorganizationEvent, TreeBlock } from './forkTree.js';

/** How many recent blocks the page keeps: the charts show the time between each of the last 50 and its parent. */
export const RECENT_BLOCKS = 51;
/** How many mempool entries the page lists (the count shown is the node's full count). */
export const PENDING_SHOWN = 25;

const BLOCK_SUMMARY = 'index hash timestamp difficulty transactionCount size';
const TRANSACTION_SUMMARY = 'id sender recipient amount nonce status blockIndex isReward';
const PEER_FIELDS = 'url status height lastSeen lastError failures retryAt';
const NODE_FIELDS =
  'address version networkName genesisHash height difficulty mining hashrate peerCount pendingTransactionCount ' +
  'reward totalWork tip { hash timestamp }';

/** Everything the page shows, in one request: sent on load and after every reconnection. */
export const SNAPSHOT_QUERY = `query DashboardSnapshot($blocks: Int!, $pending: Int!) {
  node { ${NODE_FIELDS} }
  chain { blocks(last: $blocks) { edges { node { ${BLOCK_SUMMARY} } } } }
  pendingTransactions(first: $pending) { ${TRANSACTION_SUMMARY} }
  peers { ${PEER_FIELDS} }
}`;

/** What changes without a subscription event (mining status, hashrate, peers' heights): polled while live. */
export const POLL_QUERY = `query DashboardPoll {
  node { ${NODE_FIELDS} }
  peers { ${PEER_FIELDS} }
}`;

/**
 * The head of the mempool, read again once a block took transactions out of it (pendingTransaction adds the new
 * ones between blocks, so the mempool is never polled).
 */
export const MEMPOOL_QUERY = `query DashboardMempool($pending: Int!) {
  node { ${NODE_FIELDS} }
  pendingTransactions(first: $pending) { ${TRANSACTION_SUMMARY} }
}`;

export const PENDING_TRANSACTION_SUBSCRIPTION = `subscription DashboardPendingTransaction {
  pendingTransaction { ${TRANSACTION_SUMMARY} }
}`;

/** The fork tree's fields of a block (blockTree, newBlock, chainReorganized's connected blocks). */
const TREE_BLOCK = 'index hash previousHash timestamp transactionCount totalWork firstSeenAt origin receivedFrom';

export const NEW_BLOCK_SUBSCRIPTION = `subscription DashboardNewBlock($afterIndex: Int) {
  newBlock(afterIndex: $afterIndex) { ${BLOCK_SUMMARY} ${TREE_BLOCK} }
}`;

export const MINING_PROGRESS_SUBSCRIPTION = `subscription DashboardMiningProgress {
  miningProgress { index hashrate tries difficulty elapsedMs }
}`;

export const PEER_CHANGED_SUBSCRIPTION = `subscription DashboardPeerChanged {
  peerChanged { ${PEER_FIELDS} }
}`;

/**
 * The blocks that joined carry the tree's fields; their transactions (and those of the blocks that left) are read
 * afterwards with BLOCK_HOVER_QUERY: with them, the subscription's cost estimate (a page of 1,000 blocks per list)
 * would be over the default maxCost and the node would refuse it.
 */
export const CHAIN_REORGANIZED_SUBSCRIPTION = `subscription DashboardChainReorganized {
  chainReorganized {
    depth oldTip { index hash } newTip { index hash }
    connected { ${TREE_BLOCK} }
    disconnected { index hash }
  }
}`;

/** The fork tree: every block this node stores in a range of heights, side branches included. */
export const BLOCK_TREE_QUERY = `query DashboardBlockTree($fromIndex: Int!, $toIndex: Int!) {
  blockTree(fromIndex: $fromIndex, toIndex: $toIndex) { ${TREE_BLOCK} isBest }
}`;

/** The cost limit blockTree's pieces are sized by (each block returned costs a block read). */
export const LIMITS_QUERY = `query DashboardLimits {
  limits { maxCost maxBlockTreeRange }
}`;

/** A `?nodes=` node's tip, read directly from the page. */
export const FLEET_NODE_QUERY = `query DashboardFleetNode {
  node { height tip { hash } }
}`;

/** What hovering a tree block shows beyond what the tree holds: its miner (the reward's recipient) and transactions. */
export const BLOCK_HOVER_QUERY = `query DashboardBlockHover($hash: String!) {
  block(hash: $hash) { hash transactions { id recipient amount isReward } }
}`;

const BLOCK_DETAIL = `${BLOCK_SUMMARY} previousHash merkleRoot proof confirmations isBest totalWork
  transactions { ${TRANSACTION_SUMMARY} }`;
const ACCOUNT_DETAIL = `address balance nonce pendingBalance pendingNonce transactionCount
  transactions(first: 10) { ${TRANSACTION_SUMMARY} }`;

/** The search box with a number: a best-chain block by index. */
export const SEARCH_INDEX_QUERY = `query DashboardSearchIndex($index: Int!) {
  block(index: $index) { ${BLOCK_DETAIL} }
}`;

/** The search box with 64 hex characters: a block hash, a transaction id or an address, asked all at once. */
export const SEARCH_HEX_QUERY = `query DashboardSearchHex($hex: String!, $id: ID!) {
  block(hash: $hex) { ${BLOCK_DETAIL} }
  transaction(id: $id) { ${TRANSACTION_SUMMARY} position signature block { index hash timestamp } }
  account(address: $hex) { ${ACCOUNT_DETAIL} }
}`;

/** Every operation above, for the schema check. */
export const ALL_DOCUMENTS: readonly string[] = [
  SNAPSHOT_QUERY,
  POLL_QUERY,
  MEMPOOL_QUERY,
  PENDING_TRANSACTION_SUBSCRIPTION,
  NEW_BLOCK_SUBSCRIPTION,
  MINING_PROGRESS_SUBSCRIPTION,
  PEER_CHANGED_SUBSCRIPTION,
  CHAIN_REORGANIZED_SUBSCRIPTION,
  SEARCH_INDEX_QUERY,
  SEARCH_HEX_QUERY,
  BLOCK_TREE_QUERY,
  LIMITS_QUERY,
  FLEET_NODE_QUERY,
  BLOCK_HOVER_QUERY,
];

export interface BlockSummary {
  readonly index: number;
  readonly hash: string;
  readonly timestamp: number;
  readonly difficulty: number;
  readonly transactionCount: number;
  readonly size: number;
}

/** A newBlock event: the block list's fields and the fork tree's. */
export interface LiveBlock extends BlockSummary, TreeBlock {}

export interface BlockTreeResult {
  readonly blockTree: readonly (TreeBlock & { readonly isBest: boolean })[];
}

export interface LimitsResult {
  readonly limits: { readonly maxCost: number; readonly maxBlockTreeRange: number };
}

export interface FleetNodeResult {
  readonly node: { readonly height: number; readonly tip: { readonly hash: string } };
}

export interface BlockHoverResult {
  readonly block: {
    readonly hash: string;
    readonly transactions: readonly {
      readonly id: string;
      readonly recipient: string;
      readonly amount: number;
      readonly isReward: boolean;
    }[];
  } | null;
}

export interface TransactionSummary {
  readonly id: string;
  readonly sender: string;
  readonly recipient: string;
  readonly amount: number;
  readonly nonce: number;
  readonly status: 'PENDING' | 'CONFIRMED';
  readonly blockIndex: number | null;
  readonly isReward: boolean;
}

export type PeerStatus = 'REACHABLE' | 'UNREACHABLE' | 'REFUSED' | 'UNKNOWN';

export interface PeerSummary {
  readonly url: string;
  readonly status: PeerStatus;
  readonly height: number | null;
  readonly lastSeen: number | null;
  readonly lastError: string | null;
  readonly failures: number;
  readonly retryAt: number | null;
}

export interface NodeSummary {
  readonly address: string;
  readonly version: string;
  readonly networkName: string;
  readonly genesisHash: string;
  readonly height: number;
  readonly difficulty: number;
  readonly mining: boolean;
  readonly hashrate: number;
  readonly peerCount: number;
  readonly pendingTransactionCount: number;
  readonly reward: number;
  readonly totalWork: string;
  readonly tip: { readonly hash: string; readonly timestamp: number };
}

export interface MiningProgress {
  readonly index: number;
  readonly hashrate: number;
  readonly tries: number;
  readonly difficulty: number;
  readonly elapsedMs: number;
}

export type ChainReorganization = ReorganizationEvent;

export interface SnapshotResult {
  readonly node: NodeSummary;
  readonly chain: { readonly blocks: { readonly edges: readonly { readonly node: BlockSummary }[] } };
  readonly pendingTransactions: readonly TransactionSummary[];
  readonly peers: readonly PeerSummary[];
}

export interface PollResult {
  readonly node: NodeSummary;
  readonly peers: readonly PeerSummary[];
}

export interface MempoolResult {
  readonly node: NodeSummary;
  readonly pendingTransactions: readonly TransactionSummary[];
}

export interface BlockDetail extends BlockSummary {
  readonly previousHash: string;
  readonly merkleRoot: string;
  readonly proof: number;
  readonly confirmations: number;
  readonly isBest: boolean;
  readonly totalWork: string;
  readonly transactions: readonly TransactionSummary[];
}

export interface TransactionDetail extends TransactionSummary {
  readonly position: number | null;
  readonly signature: string | null;
  readonly block: { readonly index: number; readonly hash: string; readonly timestamp: number } | null;
}

export interface AccountDetail {
  readonly address: string;
  readonly balance: number;
  readonly nonce: number;
  readonly pendingBalance: number;
  readonly pendingNonce: number;
  readonly transactionCount: number;
  readonly transactions: readonly TransactionSummary[];
}

export interface SearchIndexResult {
  readonly block: BlockDetail | null;
}

export interface SearchHexResult {
  readonly block: BlockDetail | null;
  readonly transaction: TransactionDetail | null;
  readonly account: AccountDetail;
}
