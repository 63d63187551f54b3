import { del, type KeyValueStore, put } from '../chain/db/keyValue.js';
import { decodeU64, encodeU64, Keys, peerUrlOfKey, prefixEnd, Table } from '../chain/db/records.js';

/** Where a node keeps its registered peers across restarts. */
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

/** Peers in the peer table of a key-value store (the data directory's). */
export class KeyValuePeerStore implements PeerStore {
  readonly #kv: KeyValueStore;

  constructor(kv: KeyValueStore) {
    this.#kv = kv;
  }

  listPeers(): Array<{ url: string; addedAt: number }> {
    const table = Keys.table(Table.peer);
    return [...this.#kv.range(table, prefixEnd(table))].map(([key, value]) => ({
      url: peerUrlOfKey(key),
      addedAt: decodeU64(value),
    }));
  }

  putPeer(url: string, addedAt: number): void {
    this.#kv.batch([put(Keys.peer(url), encodeU64(addedAt))]);
  }

  deletePeer(url: string): void {
    this.#kv.batch([del(Keys.peer(url))]);
  }
}
