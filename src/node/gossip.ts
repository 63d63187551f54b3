import { returnedTransfers, type StoredBlock } from '../chain/db/model.js';
import type { Transaction } from '../chain/types.js';
import { RELAY_BATCH } from '../peer/peerApi.js';
import type { NetworkHost } from './networkHost.js';
import type { PeerContacts } from './peerContacts.js';

/**
 * What the node pushes to its due peers: each new tip, and accepted transactions (batched, RELAY_BATCH a request),
 * including the transfers a reorganization returned to the mempool.
 */
export class Gossip {
  readonly #contacts: PeerContacts;
  readonly #host: Pick<NetworkHost, 'events' | 'isPending' | 'log'>;
  readonly #publicUrl: () => string | null;
  readonly #unsubscribe: Array<() => void> = [];
  /**
   * Transactions waiting to be relayed, per peer URL. Each peer has at most one relay request in flight: requests sent
   * side by side may arrive in any order, and a peer refuses a transfer whose nonce comes before its predecessor's.
   * What is accepted while a request is in flight goes in the next one (RELAY_BATCH at most).
   */
  readonly #relays = new Map<string, { queue: Transaction[]; sending: boolean }>();

  constructor(
    contacts: PeerContacts,
    host: Pick<NetworkHost, 'events' | 'isPending' | 'log'>,
    publicUrl: () => string | null,
  ) {
    this.#contacts = contacts;
    this.#host = host;
    this.#publicUrl = publicUrl;
  }

  /** Listens to the node: new tips, accepted transactions, reorganizations. */
  start(): void {
    this.#unsubscribe.push(
      this.#host.events.on('tipChanged', ({ tip }) => this.#broadcastBlock(tip)),
      this.#host.events.on('transactionAccepted', ({ transaction }) => this.#relayTransaction(transaction)),
      // Transfers of blocks that left the best chain went back to our mempool; peers that followed the other
      // branch may never have seen them, so offer them again (peers that have them answer ALREADY_KNOWN).
      this.#host.events.on('chainReorganized', ({ disconnected }) => {
        for (const { id, transaction } of returnedTransfers(disconnected)) {
          if (this.#host.isPending(id)) this.#relayTransaction(transaction);
        }
      }),
    );
  }

  /** Stops listening and drops what waits for the next relay flush: a stopped node sends nothing more. */
  stop(): void {
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    this.#relays.clear();
  }

  #broadcastBlock(tip: StoredBlock): void {
    const contacts = this.#contacts;
    for (const peer of contacts.due()) {
      contacts
        .client(peer.url)
        .submitBlock(tip.block, tip.hash, this.#publicUrl())
        .then((answer) => {
          this.#host.log('gossip.block', { url: peer.url, index: tip.block.header.index, answer });
          // The peer took our tip as its own: its height is now ours (without waiting for the next sync to learn it).
          if (answer === 'EXTENDED' || answer === 'REORGANIZED') {
            const { genesisHash, address } = contacts.peers.get(peer.url) ?? {};
            if (genesisHash !== undefined && address !== undefined) {
              contacts.succeeded(peer.url, { height: tip.block.header.index, genesisHash, address });
            }
          }
        })
        .catch((error: unknown) => contacts.failedWith(peer.url, error));
    }
  }

  /**
   * Queues a transaction for every due peer. A peer's first request waits for the end of the event-loop turn, so a
   * burst of transfers costs it a few requests instead of one each; while one is in flight, the next fills up.
   */
  #relayTransaction(tx: Transaction): void {
    for (const peer of this.#contacts.due()) {
      let relay = this.#relays.get(peer.url);
      if (relay === undefined) {
        relay = { queue: [], sending: false };
        this.#relays.set(peer.url, relay);
      }
      relay.queue.push(tx);
      if (!relay.sending) {
        relay.sending = true;
        const url = peer.url;
        setImmediate(() => this.#sendNextRelay(url));
      }
    }
  }

  /** Sends a peer's next batch, then the one after it once that request is answered, until its queue is empty. */
  #sendNextRelay(url: string): void {
    const relay = this.#relays.get(url);
    // After stop() the queues are gone: a request answered since sends nothing more.
    if (relay === undefined) return;
    // A peer removed since the transfer was queued gets nothing.
    if (relay.queue.length === 0 || this.#contacts.peers.get(url) === undefined) {
      this.#relays.delete(url);
      return;
    }
    const batch = relay.queue.splice(0, RELAY_BATCH);
    this.#contacts
      .client(url)
      .submitTransactions(batch)
      .catch((error: unknown) => this.#contacts.failedWith(url, error))
      .finally(() => this.#sendNextRelay(url));
  }
}
