/** How a peer looked when it was last contacted. */
export type PeerStatus = 'REACHABLE' | 'UNREACHABLE' | 'REFUSED' | 'UNKNOWN';

/** What the node knows about a peer. */
export interface PeerRecord {
  /** Normalized GraphQL endpoint, `http(s)://host:port/graphql`. */
  readonly url: string;
  readonly status: PeerStatus;
  /** The peer's height as it last reported it (unverified until its blocks are validated). */
  readonly height: number | null;
  /** The peer's genesis-hash network id as it last reported it. */
  readonly genesisHash: string | null;
  /** The peer's node address as it last reported it. */
  readonly address: string | null;
  /** Node clock (ms) of the last successful contact. */
  readonly lastSeen: number | null;
  /** Why the last contact failed or was refused. */
  readonly lastError: string | null;
  /** Node clock (ms) when the peer was registered. */
  readonly addedAt: number;
  /** Failed contacts in a row (reset by a good answer). */
  readonly failures: number;
  /** Until this node clock (ms) automatic contacts (timer, gossip) skip the peer; null when not backing off. */
  readonly retryAt: number | null;
}

/** Most peers one node keeps. */
export const MAX_PEERS = 256;

/** The node's peers, keyed by normalized URL, in registration order. */
export class PeerSet {
  readonly #peers = new Map<string, PeerRecord>();

  /** Number of peers. */
  get size(): number {
    return this.#peers.size;
  }

  /** Every peer in registration order. */
  list(): PeerRecord[] {
    return [...this.#peers.values()];
  }

  get(url: string): PeerRecord | undefined {
    return this.#peers.get(url);
  }

  /** Adds a peer unless known; returns whether it was new. @throws {RangeError} when the set is full. */
  add(url: string, now: number): boolean {
    if (this.#peers.has(url)) return false;
    if (this.#peers.size >= MAX_PEERS) throw new RangeError(`a node keeps at most ${MAX_PEERS} peers`);
    this.#peers.set(url, {
      url,
      status: 'UNKNOWN',
      height: null,
      genesisHash: null,
      address: null,
      lastSeen: null,
      lastError: null,
      addedAt: now,
      failures: 0,
      retryAt: null,
    });
    return true;
  }

  /** Forgets a peer; returns whether it was known. */
  remove(url: string): boolean {
    return this.#peers.delete(url);
  }

  /** Records the outcome of a contact with a known peer. */
  update(url: string, change: Partial<Omit<PeerRecord, 'url' | 'addedAt'>>): PeerRecord | undefined {
    const current = this.#peers.get(url);
    if (current === undefined) return undefined;
    const next = { ...current, ...change };
    this.#peers.set(url, next);
    return next;
  }
}
