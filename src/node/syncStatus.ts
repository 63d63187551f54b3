import type { PeerRecord } from '../peer/peerSet.js';

/** How far this node is from its peers, and whether it is catching up (Node.syncStatus). */
export interface SyncStatus {
  /** True while a sync from at least one peer is running. */
  readonly syncing: boolean;
  /** Our best chain's height. */
  readonly height: number;
  /** The highest height a reachable peer last reported (unverified); null when no reachable peer reported one. */
  readonly bestPeerHeight: number | null;
  /** How many blocks the best reachable peer claims beyond ours: max(0, bestPeerHeight − height). */
  readonly behind: number;
  /** Reachable peers that last reported a height above ours. */
  readonly peersAhead: number;
}

/**
 * The sync status from our height, the peers as last contacted, and whether a sync runs. Only REACHABLE peers count:
 * a refused peer's claims are not believed, and an unreachable or new peer's height is old or unknown.
 */
export function computeSyncStatus(height: number, peers: readonly PeerRecord[], syncing: boolean): SyncStatus {
  let bestPeerHeight: number | null = null;
  let peersAhead = 0;
  for (const peer of peers) {
    if (peer.status !== 'REACHABLE' || peer.height === null) continue;
    if (bestPeerHeight === null || peer.height > bestPeerHeight) bestPeerHeight = peer.height;
    if (peer.height > height) peersAhead++;
  }
  const behind = bestPeerHeight === null ? 0 : Math.max(0, bestPeerHeight - height);
  return { syncing, height, bestPeerHeight, behind, peersAhead };
}

/** True when two statuses are equal field by field. */
export function sameSyncStatus(a: SyncStatus, b: SyncStatus): boolean {
  return (
    a.syncing === b.syncing &&
    a.height === b.height &&
    a.bestPeerHeight === b.bestPeerHeight &&
    a.behind === b.behind &&
    a.peersAhead === b.peersAhead
  );
}
