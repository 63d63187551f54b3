import { checkHeader } from '../chain/validateBlock.js';
import { isBackingOff } from '../peer/peerSet.js';
import { normalizePeerUrl } from '../peer/peerUrl.js';
import { type SyncLimits, type SyncOutcome, syncFromPeer } from '../peer/syncFromPeer.js';
import type { NetworkHost } from './networkHost.js';
import type { PeerContacts } from './peerContacts.js';

/** What resolve did, peer by peer. */
export interface Resolution {
  /** True when our best chain changed to a peer's. */
  readonly replaced: boolean;
  readonly outcomes: readonly SyncOutcome[];
}

/** Options of syncing from peers. */
export interface SyncSchedulerOptions {
  readonly syncLimits?: SyncLimits;
  /** Period of the automatic resync in ms (default 15 s; 0 disables the timer). */
  readonly syncIntervalMs?: number;
}

/**
 * When the node syncs from which peer: resolve over all peers (by hand or on the resync timer, which skips peers that
 * back off), one sync per peer at a time, and a sync from the sender of an orphan block.
 */
export class SyncScheduler {
  readonly #contacts: PeerContacts;
  readonly #host: Pick<
    NetworkHost,
    'chain' | 'address' | 'now' | 'log' | 'addBlocks' | 'preverify' | 'verifyQueued' | 'syncingChanged'
  >;
  readonly #options: SyncSchedulerOptions;
  /** Peers a sync is running for; a request during one makes it run once more afterwards. */
  readonly #syncing = new Map<string, Promise<SyncOutcome>>();
  readonly #rerun = new Set<string>();
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    contacts: PeerContacts,
    host: Pick<
      NetworkHost,
      'chain' | 'address' | 'now' | 'log' | 'addBlocks' | 'preverify' | 'verifyQueued' | 'syncingChanged'
    >,
    options: SyncSchedulerOptions,
  ) {
    this.#contacts = contacts;
    this.#host = host;
    this.#options = options;
  }

  /** True while a sync from at least one peer runs. */
  get syncing(): boolean {
    return this.#syncing.size > 0;
  }

  /** Starts the automatic resync timer (unless its period is 0). */
  start(): void {
    const interval = this.#options.syncIntervalMs ?? 15_000;
    if (interval > 0) {
      this.#timer = setInterval(() => void this.resolve({ automatic: true }), interval);
      this.#timer.unref();
    }
  }

  /** Stops the timer (a running sync finishes). */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /**
   * The tutorial's consensus call: syncs from every peer (concurrently, each bounded by its own timeouts) and keeps
   * the valid chain with the most work. Automatic runs skip peers that are backing off. Never throws.
   */
  async resolve(options: { automatic?: boolean } = {}): Promise<Resolution> {
    const before = this.#host.chain.tip.hash;
    const now = this.#host.now();
    const due = this.#contacts.peers.list().filter((peer) => !options.automatic || !isBackingOff(peer, now));
    const outcomes = await Promise.all(due.map((peer) => this.syncFrom(peer.url)));
    return { replaced: this.#host.chain.tip.hash !== before, outcomes };
  }

  /** Syncs from one registered peer (one sync per peer at a time; a concurrent call shares the running one). */
  syncFrom(url: string): Promise<SyncOutcome> {
    const running = this.#syncing.get(url);
    if (running !== undefined) {
      // The running sync read the peer's status before this request: run once more when it is done.
      this.#rerun.add(url);
      return running;
    }
    const sync = (async () => {
      let outcome: SyncOutcome;
      do {
        this.#rerun.delete(url);
        outcome = await this.#sync(url);
      } while (this.#rerun.has(url));
      return outcome;
    })().finally(() => {
      this.#syncing.delete(url);
      if (this.#syncing.size === 0) this.#host.syncingChanged();
    });
    this.#syncing.set(url, sync);
    if (this.#syncing.size === 1) this.#host.syncingChanged();
    return sync;
  }

  /** A gossiped block's parent was unknown: sync from its sender if the sender is a registered peer. */
  onOrphan(from: string | undefined): void {
    if (from === undefined) return;
    const normalized = normalizePeerUrl(from);
    if (!normalized.ok || this.#contacts.peers.get(normalized.url) === undefined) return;
    void this.syncFrom(normalized.url);
  }

  async #sync(url: string): Promise<SyncOutcome> {
    const chain = this.#host.chain;
    const outcome = await syncFromPeer(
      this.#contacts.client(url),
      {
        genesisHash: chain.genesis.hash,
        address: this.#host.address,
        tip: () => ({ index: chain.height, hash: chain.tip.hash, totalWork: chain.tip.totalWork }),
        hasBlock: (hash) => chain.getBlock(hash) !== undefined,
        locator: () => chain.locator(),
        addBlocks: (blocks) => this.#host.addBlocks(blocks, { source: 'sync', peer: url }),
        preverify: (blocks) => this.#host.preverify(blocks),
        verifyQueued: () => this.#host.verifyQueued(),
        checkHeader: (block) => {
          const result = checkHeader(block, chain.params);
          return result.ok ? undefined : `${result.rejection.code}: ${result.rejection.message}`;
        },
      },
      this.#options.syncLimits,
    );
    if (outcome.outcome === 'UNREACHABLE' || outcome.outcome === 'REFUSED') {
      this.#contacts.failed(url, outcome.outcome, outcome.message);
    } else {
      const { height, genesisHash, address } = outcome.status!;
      this.#contacts.succeeded(url, { height, genesisHash, address });
    }
    const { message, blocksFetched: blocks } = outcome;
    this.#host.log('peer.sync', { url, outcome: outcome.outcome, message, blocks });
    return outcome;
  }
}
