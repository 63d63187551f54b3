import type { AddBlockResult, Chain } from '../chain/chain.js';
import { checkHeaderIntrinsic } from '../chain/validateBlock.js';
import type { StoredBlock } from '../chain/store.js';
import type { Block, Transaction } from '../chain/types.js';
import { contactFailure, RELAY_BATCH, type PeerApi } from '../peer/peerApi.js';
import { PeerSet, isBackingOff, MAX_BACKOFF_MS, MAX_PEERS, type PeerFacts, type PeerRecord } from '../peer/peerSet.js';
import { normalizePeerUrl } from '../peer/peerUrl.js';
import { syncFromPeer, type SyncLimits, type SyncOutcome } from '../peer/syncFromPeer.js';
import type { EventHub } from './events.js';
import type { NodeEvents, NodeLogger } from './nodeEvents.js';
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

/** What resolve did, peer by peer. */
export interface Resolution {
  /** True when our best chain changed to a peer's. */
  readonly replaced: boolean;
  readonly outcomes: readonly SyncOutcome[];
}

/** Options of the peer network. */
export interface NetworkOptions {
  /** Opens a GraphQL connection to a peer. */
  readonly connectPeer: (url: string) => PeerApi;
  /** This node's own GraphQL URL as peers reach it; enables symmetric registration and sync-back on gossip. */
  readonly publicUrl?: string | null;
  readonly syncLimits?: SyncLimits;
  /** Most URLs one registerNodes call accepts (default 100). */
  readonly maxUrlsPerRegistration?: number;
  /** Period of the automatic resync in ms (default 15 s; 0 disables the timer). */
  readonly syncIntervalMs?: number;
  /** Push new tips and relay accepted transactions to peers (default true). */
  readonly gossip?: boolean;
  /** Where registered peers are kept across restarts. */
  readonly peerStore: PeerStore;
  /** When set, only these peers may be registered: entries are `host` or `host:port`. */
  readonly peerAllowList?: readonly string[];
}

/** What the network needs from the node that owns it. */
export interface NetworkHost {
  readonly chain: Chain;
  readonly address: string;
  readonly events: EventHub<NodeEvents>;
  now(): number;
  log: NodeLogger;
  /** Validates and adds blocks through the node (mempool and events follow). */
  addBlocks(blocks: readonly Block[], source: string): AddBlockResult;
  /** True when a transaction id is in the mempool. */
  isPending(id: string): boolean;
}

export { MAX_BACKOFF_MS };

/**
 * The node's peers and everything it does with them: registration (checked, probed, symmetric), resolve and
 * automatic resync, block gossip with sync-back on orphans, transaction relay, and per-peer backoff. Every change of
 * chain state goes through the host node.
 */
export class Network {
  readonly peers = new PeerSet();
  readonly #host: NetworkHost;
  readonly #options: NetworkOptions;
  readonly #clients = new Map<string, PeerApi>();
  /** Peers a sync is running for; a request during one makes it run once more afterwards. */
  readonly #syncing = new Map<string, Promise<SyncOutcome>>();
  readonly #rerun = new Set<string>();
  readonly #unsubscribe: Array<() => void> = [];
  #timer: ReturnType<typeof setInterval> | undefined;
  #publicUrl: string | null;
  /** Transactions waiting to be relayed, per peer URL (flushed once per event-loop turn). */
  #relayQueues = new Map<string, Transaction[]>();
  #relayScheduled = false;

  constructor(host: NetworkHost, options: NetworkOptions) {
    this.#host = host;
    this.#options = options;
    this.#publicUrl = options.publicUrl ?? null;
    // Peers registered before a restart come back (status UNKNOWN until the first contact).
    for (const { url, addedAt } of options.peerStore.listPeers()) {
      if (normalizePeerUrl(url).ok && this.peers.size < MAX_PEERS) this.peers.add(url, addedAt);
    }
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
    if (this.#options.gossip !== false) {
      this.#unsubscribe.push(
        this.#host.events.on('tipChanged', ({ tip }) => this.#broadcastBlock(tip)),
        this.#host.events.on('transactionAccepted', ({ transaction }) => this.#relayTransaction(transaction)),
        // Transfers of blocks that left the best chain went back to our mempool; peers that followed the other
        // branch may never have seen them, so offer them again (peers that have them answer ALREADY_KNOWN).
        this.#host.events.on('chainReorganized', ({ disconnected }) => {
          for (const stored of disconnected) {
            stored.block.transactions.forEach((transaction, position) => {
              if (this.#host.isPending(stored.transactionIds[position]!)) this.#relayTransaction(transaction);
            });
          }
        }),
      );
    }
    const interval = this.#options.syncIntervalMs ?? 15_000;
    if (interval > 0) {
      this.#timer = setInterval(() => void this.resolve({ automatic: true }), interval);
      this.#timer.unref();
    }
  }

  /** Stops gossip and the timer. */
  stop(): void {
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    // Transfers queued for the next relay flush are dropped: a stopped node sends nothing more.
    this.#relayQueues.clear();
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /**
   * Registers peers. Every URL is checked first; one bad URL registers nothing. New peers are contacted at once
   * (bounded by the peer timeout): a peer on another network is refused; a peer that is down is kept and reported;
   * a reachable one is asked to register this node back when it has a public URL.
   * @throws {PeerUrlError} naming the offending field.
   */
  async registerNodes(urls: readonly string[]): Promise<{ added: PeerRecord[]; peers: PeerRecord[] }> {
    const max = this.#options.maxUrlsPerRegistration ?? 100;
    if (urls.length === 0) throw new PeerUrlError('urls', 'urls must list at least one peer');
    if (urls.length > max) throw new PeerUrlError('urls', `urls may list at most ${max} peers per call, got ${urls.length}`);
    const normalized: string[] = [];
    urls.forEach((input, i) => {
      const result = normalizePeerUrl(input);
      if (!result.ok) throw new PeerUrlError(`urls[${i}]`, `urls[${i}] ${result.reason}`);
      if (!this.#allowed(result.url)) {
        throw new PeerUrlError(`urls[${i}]`, `urls[${i}] ${new URL(result.url).host} is not in this node's peer allow-list`);
      }
      if (!normalized.includes(result.url)) normalized.push(result.url);
    });
    const own = this.publicUrl === null ? null : normalizePeerUrl(this.publicUrl);
    const fresh = normalized.filter((url) => this.peers.get(url) === undefined && !(own?.ok === true && own.url === url));
    if (this.peers.size + fresh.length > MAX_PEERS) {
      throw new PeerUrlError('urls', `a node keeps at most ${MAX_PEERS} peers; ${this.peers.size} are registered`);
    }
    for (const url of fresh) {
      this.peers.add(url, this.#host.now());
      this.#options.peerStore.putPeer(url, this.#host.now());
      this.#host.log('peer.registered', { url });
      this.#host.events.emit('peerChanged', this.peers.get(url)!);
    }
    await Promise.all(fresh.map((url) => this.#probe(url)));
    return { added: fresh.map((url) => this.peers.get(url)!), peers: this.peers.list() };
  }

  /**
   * Forgets peers (an operator's removePeer): no more gossip, relay or resync with them. Unknown URLs are ignored.
   * @throws {PeerUrlError} naming a malformed URL; nothing is removed then.
   */
  removeNodes(urls: readonly string[]): { removed: string[]; peers: PeerRecord[] } {
    const normalized = urls.map((input, i) => {
      const result = normalizePeerUrl(input);
      if (!result.ok) throw new PeerUrlError(`urls[${i}]`, `urls[${i}] ${result.reason}`);
      return result.url;
    });
    const removed = normalized.filter((url) => this.peers.remove(url));
    for (const url of removed) {
      this.#clients.delete(url);
      this.#options.peerStore.deletePeer(url);
      this.#host.log('peer.removed', { url });
    }
    return { removed, peers: this.peers.list() };
  }

  /**
   * The tutorial's consensus call: syncs from every peer (concurrently, each bounded by its own timeouts) and keeps
   * the valid chain with the most work. Automatic runs skip peers that are backing off. Never throws.
   */
  async resolve(options: { automatic?: boolean } = {}): Promise<Resolution> {
    const before = this.#host.chain.tip.hash;
    const now = this.#host.now();
    const due = this.peers.list().filter((peer) => !options.automatic || !isBackingOff(peer, now));
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
    })().finally(() => this.#syncing.delete(url));
    this.#syncing.set(url, sync);
    return sync;
  }

  /** A gossiped block's parent was unknown: sync from its sender if the sender is a registered peer. */
  onOrphan(from: string | undefined): void {
    if (from === undefined) return;
    const normalized = normalizePeerUrl(from);
    if (!normalized.ok || this.peers.get(normalized.url) === undefined) return;
    void this.syncFrom(normalized.url);
  }

  /** True when the allow-list (if any) names the URL's host, with or without its port. */
  #allowed(url: string): boolean {
    const list = this.#options.peerAllowList;
    if (list === undefined || list.length === 0) return true;
    const { host, hostname } = new URL(url);
    return list.some((entry) => entry === host || entry === hostname);
  }

  async #sync(url: string): Promise<SyncOutcome> {
    const chain = this.#host.chain;
    const outcome = await syncFromPeer(
      this.#client(url),
      {
        genesisHash: chain.genesis.hash,
        address: this.#host.address,
        tip: () => ({ index: chain.height, hash: chain.tip.hash, totalWork: chain.tip.totalWork }),
        hasBlock: (hash) => chain.getBlock(hash) !== undefined,
        locator: () => chain.locator(),
        addBlocks: (blocks) => this.#host.addBlocks(blocks, `peer ${url}`),
        checkHeader: (block) => {
          const result = checkHeaderIntrinsic(block, chain.params);
          return result.ok ? undefined : `${result.rejection.code}: ${result.rejection.message}`;
        },
      },
      this.#options.syncLimits,
    );
    if (outcome.outcome === 'UNREACHABLE') this.#recordFailure(url, 'UNREACHABLE', outcome.message);
    else if (outcome.outcome === 'REFUSED') this.#recordFailure(url, 'REFUSED', outcome.message);
    else {
      this.#recordSuccess(url, {
        height: outcome.status!.height,
        genesisHash: outcome.status!.genesisHash,
        address: outcome.status!.address,
      });
    }
    this.#host.log('peer.sync', { url, outcome: outcome.outcome, message: outcome.message, blocks: outcome.blocksFetched });
    return outcome;
  }

  async #probe(url: string): Promise<void> {
    try {
      const status = await this.#client(url).status();
      const chain = this.#host.chain;
      if (status.genesisHash !== chain.genesis.hash) {
        this.#recordFailure(url, 'REFUSED', `GENESIS_MISMATCH: the peer's genesis ${status.genesisHash} is not ours (${chain.genesis.hash})`, status);
        return;
      }
      if (status.address === this.#host.address) {
        this.#recordFailure(url, 'REFUSED', 'SELF: this URL points at this node itself', status);
        return;
      }
      this.#recordSuccess(url, { height: status.height, genesisHash: status.genesisHash, address: status.address });
      if (this.publicUrl !== null) {
        // Symmetric registration: the tutorial needed both sides registered by hand.
        void this.#client(url)
          .registerNodes([this.publicUrl])
          .catch((error: Error) => this.#host.log('peer.registerBack.failed', { url, error: error.message }));
      }
    } catch (error) {
      this.#pushFailed(url, error);
    }
  }

  #broadcastBlock(tip: StoredBlock): void {
    for (const peer of this.#duePeers()) {
      this.#client(peer.url)
        .submitBlock(tip.block, tip.hash, this.publicUrl)
        .then((answer) => {
          this.#host.log('gossip.block', { url: peer.url, index: tip.block.header.index, answer });
          // The peer took our tip as its own: its height is now ours (without waiting for the next sync to learn it).
          if (answer === 'EXTENDED' || answer === 'REORGANIZED') {
            const { genesisHash, address } = this.peers.get(peer.url) ?? {};
            if (genesisHash !== undefined && address !== undefined) {
              this.#recordSuccess(peer.url, { height: tip.block.header.index, genesisHash, address });
            }
          }
        })
        .catch((error: unknown) => this.#pushFailed(peer.url, error));
    }
  }

  /**
   * Queues a transaction for every due peer; the queues are flushed once per event-loop turn, RELAY_BATCH transfers a
   * request, so a burst of transfers costs each peer a few requests instead of one each.
   */
  #relayTransaction(tx: Transaction): void {
    for (const peer of this.#duePeers()) {
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
      if (this.peers.get(url) === undefined) continue;
      for (let start = 0; start < txs.length; start += RELAY_BATCH) {
        this.#client(url)
          .submitTransactions(txs.slice(start, start + RELAY_BATCH))
          .catch((error: unknown) => this.#pushFailed(url, error));
      }
    }
  }

  /** Peers worth contacting now: not refused, not backing off. */
  #duePeers(): PeerRecord[] {
    return this.peers.due(this.#host.now());
  }

  #pushFailed(url: string, error: unknown): void {
    const { status, message } = contactFailure(error);
    this.#recordFailure(url, status, message);
  }

  #recordSuccess(url: string, facts: PeerFacts): void {
    this.#announce(this.peers.recordSuccess(url, facts, this.#host.now()));
  }

  #recordFailure(url: string, status: 'UNREACHABLE' | 'REFUSED', message: string, facts?: PeerFacts): void {
    this.#announce(this.peers.recordFailure(url, status, message, this.#host.now(), facts));
  }

  #announce(changed: PeerRecord | undefined): void {
    if (changed !== undefined) this.#host.events.emit('peerChanged', changed);
  }

  #client(url: string): PeerApi {
    let client = this.#clients.get(url);
    if (client === undefined) this.#clients.set(url, (client = this.#options.connectPeer(url)));
    return client;
  }
}
