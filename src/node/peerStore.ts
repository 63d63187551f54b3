/** Where a node keeps its registered peers across restarts (the LMDB store implements it; tests use memory). */
export interface PeerStore {
  listPeers(): Array<{ url: string; addedAt: number }>;
  putPeer(url: string, addedAt: number): void;
  deletePeer(url: string): void;
}

/** Peers kept in memory only. */
export class MemoryPeerStore implements PeerStore {
  readonly #peers = new Map<string, number>();

  listPeers(): Array<{ url: string; addedAt: number }> {
    return [...this.#peers].map(([url, addedAt]) => ({ url, addedAt }));
  }

  putPeer(url: string, addedAt: number): void {
    this.#peers.set(url, addedAt);
  }

  deletePeer(url: string): void {
    this.#peers.delete(url);
  }
}
