import type { ConnectionState } from './connectLive.js';
import {
  type BlockSummary,
  type ChainReorganization,
  type MempoolResult,
  type MiningProgress,
  type NodeSummary,
  PENDING_SHOWN,
  type PeerSummary,
  type PollResult,
  RECENT_BLOCKS,
  type SnapshotResult,
  type TransactionSummary,
} from './documents.js';

/** One hashrate reading: when (ms since the epoch) and proofs per second. */
export interface HashrateSample {
  readonly at: number;
  readonly hashrate: number;
}

/** Everything the page shows. Pure data: `reduceDashboard` is the only way it changes. */
export interface DashboardState {
  readonly connection: ConnectionState;
  readonly node: NodeSummary | null;
  /** The newest best-chain blocks, oldest first, at most RECENT_BLOCKS. */
  readonly blocks: readonly BlockSummary[];
  /** Hashes of blocks that arrived live (not in a snapshot): the list highlights them. */
  readonly freshHashes: ReadonlySet<string>;
  readonly pending: readonly TransactionSummary[];
  readonly peers: readonly PeerSummary[];
  readonly hashrate: readonly HashrateSample[];
  /** The block being mined and how far along, from miningProgress. */
  readonly progress: (MiningProgress & { readonly at: number }) | null;
  readonly lastReorganization: (ChainReorganization & { readonly at: number }) | null;
  /** The latest failed HTTP request, cleared by the next good one. */
  readonly problem: string | null;
}

export type DashboardAction =
  | { readonly type: 'connection'; readonly state: ConnectionState }
  | { readonly type: 'snapshot'; readonly snapshot: SnapshotResult; readonly at: number }
  | { readonly type: 'poll'; readonly poll: PollResult; readonly at: number }
  | { readonly type: 'mempool'; readonly mempool: MempoolResult }
  | { readonly type: 'pendingTransaction'; readonly transaction: TransactionSummary }
  | { readonly type: 'block'; readonly block: BlockSummary }
  | { readonly type: 'miningProgress'; readonly progress: MiningProgress; readonly at: number }
  | { readonly type: 'peerChanged'; readonly peer: PeerSummary }
  | { readonly type: 'chainReorganized'; readonly reorganization: ChainReorganization; readonly at: number }
  | { readonly type: 'problem'; readonly message: string | null };

/** How long the hashrate chart reaches back. */
export const HASHRATE_WINDOW_MS = 10 * 60_000;
/** A poll adds a hashrate sample only when miningProgress has been quiet this long (idle, or another node mines). */
const PROGRESS_QUIET_MS = 2_500;
/** At most this many fresh-block highlights are remembered. */
const FRESH_LIMIT = 20;

export const INITIAL_DASHBOARD_STATE: DashboardState = {
  connection: { kind: 'connecting', attempt: 1 },
  node: null,
  blocks: [],
  freshHashes: new Set(),
  pending: [],
  peers: [],
  hashrate: [],
  progress: null,
  lastReorganization: null,
  problem: null,
};

/** The dashboard's state after one event (a snapshot, a poll, a subscription event, a connection change). */
export function reduceDashboard(state: DashboardState, action: DashboardAction): DashboardState {
  switch (action.type) {
    case 'connection':
      return { ...state, connection: action.state };
    case 'snapshot': {
      const { snapshot } = action;
      return {
        ...state,
        node: snapshot.node,
        blocks: snapshot.chain.blocks.edges.map((edge) => edge.node).slice(-RECENT_BLOCKS),
        pending: snapshot.pendingTransactions,
        peers: sortPeers(snapshot.peers),
        hashrate: addSample(state.hashrate, { at: action.at, hashrate: snapshot.node.hashrate }),
        problem: null,
      };
    }
    case 'poll': {
      const { poll } = action;
      const progressQuiet = state.progress === null || action.at - state.progress.at > PROGRESS_QUIET_MS;
      return {
        ...state,
        node: keepNewestTip(state.node, poll.node),
        peers: sortPeers(poll.peers),
        hashrate: progressQuiet
          ? addSample(state.hashrate, { at: action.at, hashrate: poll.node.hashrate })
          : state.hashrate,
        progress: progressQuiet ? null : state.progress,
        problem: null,
      };
    }
    case 'mempool':
      return {
        ...state,
        node: keepNewestTip(state.node, action.mempool.node),
        pending: action.mempool.pendingTransactions,
      };
    case 'pendingTransaction': {
      const { transaction } = action;
      if (state.pending.some((known) => known.id === transaction.id)) return state;
      const node =
        state.node === null ? null : { ...state.node, pendingTransactionCount: state.node.pendingTransactionCount + 1 };
      const pending = state.pending.length < PENDING_SHOWN ? [...state.pending, transaction] : state.pending;
      return { ...state, node, pending };
    }
    case 'block':
      return withBlock(state, action.block);
    case 'miningProgress': {
      const { progress } = action;
      return {
        ...state,
        progress: { ...progress, at: action.at },
        hashrate: addSample(state.hashrate, { at: action.at, hashrate: progress.hashrate }),
        node:
          state.node === null
            ? null
            : { ...state.node, mining: true, hashrate: progress.hashrate, difficulty: progress.difficulty },
      };
    }
    case 'peerChanged': {
      const others = state.peers.filter((peer) => peer.url !== action.peer.url);
      return { ...state, peers: sortPeers([...others, action.peer]) };
    }
    case 'chainReorganized':
      return { ...state, lastReorganization: { ...action.reorganization, at: action.at } };
    case 'problem':
      return { ...state, problem: action.message };
  }
}

/**
 * Adds a best-chain block. A block at a height the page already has with another hash means the chain switched
 * branches: that block and everything above it are replaced.
 */
function withBlock(state: DashboardState, block: BlockSummary): DashboardState {
  if (state.blocks.some((known) => known.hash === block.hash)) return state;
  const kept = state.blocks.filter((known) => known.index < block.index);
  const blocks = [...kept, block].slice(-RECENT_BLOCKS);
  const freshHashes = new Set([...state.freshHashes, block.hash].slice(-FRESH_LIMIT));
  const node =
    state.node !== null && block.index >= state.node.height
      ? { ...state.node, height: block.index, tip: { hash: block.hash, timestamp: block.timestamp } }
      : state.node;
  // The mempool is read again after a block (its transactions leave it there).
  return { ...state, blocks, freshHashes, node };
}

/** A poll that raced a newBlock event must not move the tip back. */
function keepNewestTip(previous: NodeSummary | null, next: NodeSummary): NodeSummary {
  if (previous === null || next.height >= previous.height) return next;
  return { ...next, height: previous.height, tip: previous.tip };
}

function addSample(samples: readonly HashrateSample[], sample: HashrateSample): readonly HashrateSample[] {
  const from = sample.at - HASHRATE_WINDOW_MS;
  return [...samples.filter((known) => known.at >= from && known.at < sample.at), sample];
}

const STATUS_ORDER: Record<PeerSummary['status'], number> = { REACHABLE: 0, UNKNOWN: 1, UNREACHABLE: 2, REFUSED: 3 };

function sortPeers(peers: readonly PeerSummary[]): readonly PeerSummary[] {
  return [...peers].sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || a.url.localeCompare(b.url));
}
