import { MAX_PEERS, type PeerRecord } from '../peer/peerSet.js';
import { normalizePeerUrl } from '../peer/peerUrl.js';
import type { NetworkHost } from './networkHost.js';
import type { PeerContacts } from './peerContacts.js';
import type { PeerStore } from './peerStore.js';

/** Thrown by registerNodes when an input URL breaks a rule; nothing is registered then. */
export class PeerUrlError extends Error {
  override readonly name = 'PeerUrlError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** Options of peer registration. */
export interface PeerRegistryOptions {
  /** Most URLs one registerNodes call accepts (default 100). */
  readonly maxUrlsPerRegistration?: number;
  /** Where registered peers are kept across restarts. */
  readonly peerStore: PeerStore;
  /** When set, only these peers may be registered: entries are `host` or `host:port`. */
  readonly peerAllowList?: readonly string[];
}

/**
 * Which peers the node has: registration (checked against the rules and the allow-list, probed, symmetric), removal,
 * and the PeerStore that keeps them across restarts.
 */
export class PeerRegistry {
  readonly #contacts: PeerContacts;
  readonly #host: Pick<NetworkHost, 'chain' | 'address' | 'events' | 'now' | 'log'>;
  readonly #options: PeerRegistryOptions;
  readonly #publicUrl: () => string | null;

  /** Brings back the peers stored before a restart (status UNKNOWN until the first contact). */
  constructor(
    contacts: PeerContacts,
    host: Pick<NetworkHost, 'chain' | 'address' | 'events' | 'now' | 'log'>,
    options: PeerRegistryOptions,
    publicUrl: () => string | null,
  ) {
    this.#contacts = contacts;
    this.#host = host;
    this.#options = options;
    this.#publicUrl = publicUrl;
    const peers = contacts.peers;
    for (const { url, addedAt } of options.peerStore.listPeers()) {
      if (normalizePeerUrl(url).ok && peers.size < MAX_PEERS) peers.add(url, addedAt);
    }
  }

  /**
   * Registers peers. Every URL is checked first; one bad URL registers nothing. New peers are contacted at once
   * (bounded by the peer timeout): a peer on another network is refused; a peer that is down is kept and reported;
   * a reachable one is asked to register this node back when it has a public URL.
   * @throws {PeerUrlError} naming the offending field.
   */
  async register(urls: readonly string[]): Promise<{ added: PeerRecord[]; peers: PeerRecord[] }> {
    const peers = this.#contacts.peers;
    const max = this.#options.maxUrlsPerRegistration ?? 100;
    if (urls.length === 0) throw new PeerUrlError('urls', 'urls must list at least one peer');
    if (urls.length > max) {
      throw new PeerUrlError('urls', `urls may list at most ${max} peers per call, got ${urls.length}`);
    }
    const normalized: string[] = [];
    urls.forEach((input, i) => {
      const result = normalizePeerUrl(input);
      if (!result.ok) throw new PeerUrlError(`urls[${i}]`, `urls[${i}] ${result.reason}`);
      if (!this.#allowed(result.url)) {
        const host = new URL(result.url).host;
        throw new PeerUrlError(`urls[${i}]`, `urls[${i}] ${host} is not in this node's peer allow-list`);
      }
      if (!normalized.includes(result.url)) normalized.push(result.url);
    });
    const publicUrl = this.#publicUrl();
    const own = publicUrl === null ? null : normalizePeerUrl(publicUrl);
    const isOwn = (url: string) => own?.ok === true && own.url === url;
    const fresh = normalized.filter((url) => peers.get(url) === undefined && !isOwn(url));
    if (peers.size + fresh.length > MAX_PEERS) {
      throw new PeerUrlError('urls', `a node keeps at most ${MAX_PEERS} peers; ${peers.size} are registered`);
    }
    for (const url of fresh) {
      peers.add(url, this.#host.now());
      this.#options.peerStore.putPeer(url, this.#host.now());
      this.#host.log('peer.registered', { url });
      this.#host.events.emit('peerChanged', peers.get(url)!);
    }
    await Promise.all(fresh.map((url) => this.#probe(url)));
    return { added: fresh.map((url) => peers.get(url)!), peers: peers.list() };
  }

  /**
   * Forgets peers (an operator's removePeer): no more gossip, relay or resync with them. Unknown URLs are ignored.
   * @throws {PeerUrlError} naming a malformed URL; nothing is removed then.
   */
  remove(urls: readonly string[]): { removed: string[]; peers: PeerRecord[] } {
    const normalized = urls.map((input, i) => {
      const result = normalizePeerUrl(input);
      if (!result.ok) throw new PeerUrlError(`urls[${i}]`, `urls[${i}] ${result.reason}`);
      return result.url;
    });
    const removed = normalized.filter((url) => this.#contacts.forget(url));
    for (const url of removed) {
      this.#options.peerStore.deletePeer(url);
      this.#host.log('peer.removed', { url });
    }
    return { removed, peers: this.#contacts.peers.list() };
  }

  /** True when the allow-list (if any) names the URL's host, with or without its port. */
  #allowed(url: string): boolean {
    const list = this.#options.peerAllowList;
    if (list === undefined || list.length === 0) return true;
    const { host, hostname } = new URL(url);
    return list.some((entry) => entry === host || entry === hostname);
  }

  /** First contact with a new peer: refuses another network or this node itself, else asks it to register us back. */
  async #probe(url: string): Promise<void> {
    const contacts = this.#contacts;
    try {
      const status = await contacts.client(url).status();
      const genesis = this.#host.chain.genesis.hash;
      if (status.genesisHash !== genesis) {
        const message = `GENESIS_MISMATCH: the peer's genesis ${status.genesisHash} is not ours (${genesis})`;
        contacts.failed(url, 'REFUSED', message, status);
        return;
      }
      if (status.address === this.#host.address) {
        contacts.failed(url, 'REFUSED', 'SELF: this URL points at this node itself', status);
        return;
      }
      contacts.succeeded(url, { height: status.height, genesisHash: status.genesisHash, address: status.address });
      const publicUrl = this.#publicUrl();
      if (publicUrl !== null) {
        // Symmetric registration: the tutorial needed both sides registered by hand.
        void contacts
          .client(url)
          .registerNodes([publicUrl])
          .catch((error: Error) => this.#host.log('peer.registerBack.failed', { url, error: error.message }));
      }
    } catch (error) {
      contacts.failedWith(url, error);
    }
  }
}
