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

/** What a peer said about itself (a PeerChainStatus fits; null where it is not known). */
export type PeerFacts = Pick<PeerRecord, 'height' | 'genesisHash' | 'address'>;

/** Most peers one node keeps. */
export const MAX_PEERS = 256;

/** Longest backoff for a peer that keeps failing, in ms. */
export const MAX_BACKOFF_MS = 60_000;

/** How long a peer is left alone after its `failures`-th failure in a row: 1 s, 2 s, 4 s, … up to a minute. */
export function backoffDelay(status: 'UNREACHABLE' | 'REFUSED', failures: number): number {
  return status === 'REFUSED' ? MAX_BACKOFF_MS : Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (failures - 1));
}

/** True while automatic contacts (timer, gossip) should skip the peer. */
export function isBackingOff(peer: PeerRecord, now: number): boolean {
  return peer.retryAt !== null && peer.retryAt > now;
}

/** What may be read from a peer set without changing it (Node.peers). */
export const PEER_SET_READS = ['size', 'list', 'get', 'due'] as const;

/** A peer set, read-only. */
export type PeerSetReader = Readonly<Pick<PeerSet, (typeof PEER_SET_READS)[number]>>;

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

  /** The peer at a normalized URL. */
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

  /** Overwrites fields of a known peer (contacts go through recordSuccess and recordFailure). */
  update(url: string, change: Partial<Omit<PeerRecord, 'url' | 'addedAt'>>): PeerRecord | undefined {
    const current = this.#peers.get(url);
    if (current === undefined) return undefined;
    const next = { ...current, ...change };
    this.#peers.set(url, next);
    return next;
  }

  /** Peers worth contacting now: not refused, not backing off. */
  due(now: number): PeerRecord[] {
    return this.list().filter((peer) => peer.status !== 'REFUSED' && !isBackingOff(peer, now));
  }

  /**
   * Records a good answer: REACHABLE, backoff cleared. Returns the record when its status, lastError or height changed
   * (worth a peerChanged), else undefined.
   */
  recordSuccess(url: string, facts: PeerFacts, now: number): PeerRecord | undefined {
    const cleared = { lastSeen: now, lastError: null, failures: 0, retryAt: null };
    return this.#change(url, { ...pickFacts(facts), ...cleared, status: 'REACHABLE' });
  }

  /**
   * Records a failed contact; the peer backs off (see backoffDelay). `facts` are kept when it answered but was
   * refused. Returns the record when its status, lastError or height changed, else undefined.
   */
  recordFailure(
    url: string,
    status: 'UNREACHABLE' | 'REFUSED',
    message: string,
    now: number,
    facts?: PeerFacts,
  ): PeerRecord | undefined {
    const failures = (this.#peers.get(url)?.failures ?? 0) + 1;
    const retryAt = now + backoffDelay(status, failures);
    const seen = facts === undefined ? {} : { ...pickFacts(facts), lastSeen: now };
    return this.#change(url, { status, lastError: message, failures, retryAt, ...seen });
  }

  #change(url: string, change: Parameters<PeerSet['update']>[1]): PeerRecord | undefined {
    const before = this.#peers.get(url);
    const after = this.update(url, change);
    const changed =
      after !== undefined &&
      (before?.status !== after.status || before?.lastError !== after.lastError || before?.height !== after.height);
    return changed ? after : undefined;
  }
}

/** Only the facts (a PeerChainStatus carries more). */
function pickFacts({ height, genesisHash, address }: PeerFacts): PeerFacts {
  return { height, genesisHash, address };
}
