import type { PeerApi } from '../peer/peerApi.js';
import type { PeerSet } from '../peer/peerSet.js';
import { Gossip } from './gossip.js';
import type { NetworkHost } from './networkHost.js';
import { PeerContacts } from './peerContacts.js';
import { PeerRegistry, type PeerRegistryOptions } from './peerRegistry.js';
import { SyncScheduler, type SyncSchedulerOptions } from './syncScheduler.js';

export { MAX_BACKOFF_MS } from '../peer/peerSet.js';
export type { NetworkHost } from './networkHost.js';
export { PeerUrlError } from './peerRegistry.js';
export type { Resolution } from './syncScheduler.js';

/** Options of the peer network. */
export interface NetworkOptions extends PeerRegistryOptions, SyncSchedulerOptions {
  /** Opens a GraphQL connection to a peer. */
  readonly connectPeer: (url: string) => PeerApi;
  /** This node's own GraphQL URL as peers reach it; enables symmetric registration and sync-back on gossip. */
  readonly publicUrl?: string | null;
  /** Push new tips and relay accepted transactions to peers (default true). */
  readonly gossip?: boolean;
}

/**
 * The node's peers and everything it does with them, composed of PeerRegistry (registration, removal, persistence),
 * SyncScheduler (resolve, resync timer, orphans) and Gossip (tips and transaction relay); per-peer backoff lives in
 * the PeerSet. Every change of chain state goes through the host node.
 */
export class Network {
  readonly peers: PeerSet;
  /** Registration, removal and persistence of peers. */
  readonly registry: PeerRegistry;
  /** Resolve, the resync timer and sync-back on orphans. */
  readonly sync: SyncScheduler;
  readonly #gossip: Gossip | undefined;
  #publicUrl: string | null;

  constructor(host: NetworkHost, options: NetworkOptions) {
    this.#publicUrl = options.publicUrl ?? null;
    const publicUrl = () => this.#publicUrl;
    const contacts = new PeerContacts(host, options.connectPeer);
    this.peers = contacts.peers;
    this.registry = new PeerRegistry(contacts, host, options, publicUrl);
    this.sync = new SyncScheduler(contacts, host, options);
    this.#gossip = options.gossip === false ? undefined : new Gossip(contacts, host, publicUrl);
  }

  /** This node's public URL, if it has one. */
  get publicUrl(): string | null {
    return this.#publicUrl;
  }

  /** Sets the public URL once it is known (a server on port 0 learns its port only when listening). */
  setPublicUrl(url: string | null): void {
    this.#publicUrl = url;
  }

  /** Starts gossip and the automatic resync timer (Node.start then syncs from the known peers at once). */
  start(): void {
    this.#gossip?.start();
    this.sync.start();
  }

  /** Stops gossip and the timer. */
  stop(): void {
    this.#gossip?.stop();
    this.sync.stop();
  }
}
