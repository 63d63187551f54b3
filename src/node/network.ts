import type { PeerApi } from '../peer/peerApi.js';
import type { PeerRecord, PeerSet } from '../peer/peerSet.js';
import type { SyncOutcome } from '../peer/syncFromPeer.js';
import { Gossip } from './gossip.js';
import type { NetworkHost } from './networkHost.js';
import { PeerContacts } from './peerContacts.js';
import { PeerRegistry, type PeerRegistryOptions } from './peerRegistry.js';
import { type Resolution, SyncScheduler, type SyncSchedulerOptions } from './syncScheduler.js';

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
  readonly #registry: PeerRegistry;
  readonly #sync: SyncScheduler;
  readonly #gossip: Gossip | undefined;
  #publicUrl: string | null;

  constructor(host: NetworkHost, options: NetworkOptions) {
    this.#publicUrl = options.publicUrl ?? null;
    const publicUrl = () => this.#publicUrl;
    const contacts = new PeerContacts(host, options.connectPeer);
    this.peers = contacts.peers;
    this.#registry = new PeerRegistry(contacts, host, options, publicUrl);
    this.#sync = new SyncScheduler(contacts, host, options);
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
    this.#sync.start();
  }

  /** Stops gossip and the timer. */
  stop(): void {
    this.#gossip?.stop();
    this.#sync.stop();
  }

  /** Registers peers (see PeerRegistry.register). @throws {PeerUrlError} naming the offending field. */
  registerNodes(urls: readonly string[]): Promise<{ added: PeerRecord[]; peers: PeerRecord[] }> {
    return this.#registry.register(urls);
  }

  /** Forgets peers (see PeerRegistry.remove). @throws {PeerUrlError} naming a malformed URL. */
  removeNodes(urls: readonly string[]): { removed: string[]; peers: PeerRecord[] } {
    return this.#registry.remove(urls);
  }

  /** Syncs from every peer, keeping the valid chain with the most work (see SyncScheduler.resolve). Never throws. */
  resolve(options: { automatic?: boolean } = {}): Promise<Resolution> {
    return this.#sync.resolve(options);
  }

  /** Syncs from one registered peer (one sync per peer at a time; a concurrent call shares the running one). */
  syncFrom(url: string): Promise<SyncOutcome> {
    return this.#sync.syncFrom(url);
  }

  /** A gossiped block's parent was unknown: sync from its sender if the sender is a registered peer. */
  onOrphan(from: string | undefined): void {
    this.#sync.onOrphan(from);
  }
}
