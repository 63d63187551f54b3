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
  /** Transactions waiting to be relayed, per peer URL (flushed once per event-loop turn). */
  #relayQueues = new Map<string, Transaction[]>();
  #relayScheduled = false;

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
    this.#relayQueues.clear();
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
   * Queues a transaction for every due peer; the queues are flushed once per event-loop turn, RELAY_BATCH transfers a
   * request, so a burst of transfers costs each peer a few requests instead of one each.
   */
  #relayTransaction(tx: Transaction): void {
    for (const peer of this.#contacts.due()) {
      const queue = this.#relayQueues.get(peer.url);
      if (queue === undefined) this.#relayQueues.set(peer.url, [tx]);
      else queue.push(tx);
    }
    if (!this.#relayScheduled && this.#relayQueues.size > 0) {
      this.#relayScheduled = true;
      setImmediate(() => this.#flushRelay());
    }
  }

  #flushRelay(): void {
    this.#relayScheduled = false;
    const queues = this.#relayQueues;
    this.#relayQueues = new Map();
    for (const [url, txs] of queues) {
      // A peer removed since the transfer was queued gets nothing.
      if (this.#contacts.peers.get(url) === undefined) continue;
      for (let start = 0; start < txs.length; start += RELAY_BATCH) {
        this.#contacts
          .client(url)
          .submitTransactions(txs.slice(start, start + RELAY_BATCH))
          .catch((error: unknown) => this.#contacts.failedWith(url, error));
      }
    }
  }
}
