import { contactFailure, type PeerApi } from '../peer/peerApi.js';
import { type PeerFacts, type PeerRecord, PeerSet } from '../peer/peerSet.js';
import type { NetworkHost } from './networkHost.js';

/**
 * The peer set, one connection per peer, and the bookkeeping of every contact: registry, sync and gossip all record
 * through here, so each visible change of a peer is announced once as `peerChanged`.
 */
export class PeerContacts {
  readonly peers = new PeerSet();
  readonly #host: Pick<NetworkHost, 'events' | 'now'>;
  readonly #connect: (url: string) => PeerApi;
  readonly #clients = new Map<string, PeerApi>();

  constructor(host: Pick<NetworkHost, 'events' | 'now'>, connect: (url: string) => PeerApi) {
    this.#host = host;
    this.#connect = connect;
  }

  /** The connection to a peer, opened on first use. */
  client(url: string): PeerApi {
    let client = this.#clients.get(url);
    if (client === undefined) {
      client = this.#connect(url);
      this.#clients.set(url, client);
    }
    return client;
  }

  /** Forgets a peer and its connection; returns whether it was known. */
  forget(url: string): boolean {
    if (!this.peers.remove(url)) return false;
    this.#clients.delete(url);
    return true;
  }

  /** Peers worth contacting now (see PeerSet.due). */
  due(): PeerRecord[] {
    return this.peers.due(this.#host.now());
  }

  /** Records a good answer. */
  succeeded(url: string, facts: PeerFacts): void {
    this.#announce(this.peers.recordSuccess(url, facts, this.#host.now()));
  }

  /** Records a failed or refused contact (the peer backs off). */
  failed(url: string, status: 'UNREACHABLE' | 'REFUSED', message: string, facts?: PeerFacts): void {
    this.#announce(this.peers.recordFailure(url, status, message, this.#host.now(), facts));
  }

  /** Records a contact that threw: unreachable, or a protocol error (see contactFailure). */
  failedWith(url: string, error: unknown): void {
    const { status, message } = contactFailure(error);
    this.failed(url, status, message);
  }

  #announce(changed: PeerRecord | undefined): void {
    if (changed !== undefined) this.#host.events.emit('peerChanged', changed);
  }
}
