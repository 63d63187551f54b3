import { type AddBlockResult, Chain, type ChainReader } from '../chain/chain.js';
import type { ChainDb } from '../chain/db/chainDb.js';
import type { BlockOrigin, StoredBlock } from '../chain/db/model.js';
import { type DroppedTransaction, Mempool, type MempoolReader, type PendingTransaction } from '../chain/mempool.js';
import type { ChainParams } from '../chain/params.js';
import type { TransactionRejection } from '../chain/rejections.js';
import { signTransaction } from '../chain/transaction.js';
import type { Block, Transaction } from '../chain/types.js';
import { checkHeader } from '../chain/validateBlock.js';
import type { Miner } from '../mining/miner.js';
import type { PeerApi } from '../peer/peerApi.js';
import type { PeerRecord, PeerSetReader } from '../peer/peerSet.js';
import { normalizePeerUrl } from '../peer/peerUrl.js';
import type { Wallet } from '../wallet/wallet.js';
import { BlockProducer } from './blockProducer.js';
import { EventHub, type EventSource } from './events.js';
import { Network, type NetworkOptions, type Resolution } from './network.js';
import type { DroppedTransactionEvent, NodeEvents, NodeLogger } from './nodeEvents.js';
import { MemoryPeerStore, type PeerStore } from './peerStore.js';
import { SignaturePool } from './signaturePool.js';
import { computeSyncStatus, type SyncStatus, sameSyncStatus } from './syncStatus.js';

export { NotStoredError } from '../chain/mempool.js';
export { PeerUrlError, type Resolution } from './network.js';
export type { NodeEvents, NodeLogger } from './nodeEvents.js';
export type { SyncStatus } from './syncStatus.js';

/** Everything a node is built from; the composition root (the CLI, a test) supplies it. */
export interface NodeOptions {
  readonly params: ChainParams;
  readonly wallet: Wallet;
  readonly miner: Miner;
  /** The node's clock in ms since the epoch. */
  readonly clock: () => number;
  /** Opens a GraphQL connection to a peer. */
  readonly connectPeer: (url: string) => PeerApi;
  /** Chain database (default in memory); it also keeps the mempool's durable copy. */
  readonly db?: ChainDb;
  /** Where registered peers are kept (default in memory). */
  readonly peerStore?: PeerStore;
  readonly version?: string;
  readonly log?: NodeLogger;
  readonly mempoolSize?: number;
  /** Peer behaviour: public URL, sync limits, resync period, gossip (see NetworkOptions). */
  readonly network?: Omit<NetworkOptions, 'connectPeer' | 'peerStore'>;
  /**
   * Worker threads that check the signatures of synced pages and large submitted blocks ahead of validation (default:
   * every core; 0: validation checks every signature on the event loop). They start with `start` or on first use.
   */
  readonly signatureThreads?: number;
  /** A signature pool the caller owns (shared or started ahead); the node uses it instead of its own, never closes it. */
  readonly signaturePool?: SignaturePool;
}

/** A transfer the mempool accepted, with where it is expected to land. */
export interface AcceptedTransaction {
  readonly pending: PendingTransaction;
  /** Index of the block it will join if blocks are mined from this node's mempool in order. */
  readonly expectedBlockIndex: number;
  /** Settles once the transaction is on disk; answer the client only after it. */
  readonly durable: Promise<void>;
}

/** Whether the node should be sent traffic: what `GET /readyz` answers. */
export type Readiness = { readonly ready: true } | { readonly ready: false; readonly reason: string };

/** What the start-up sync did (Node.start). */
export interface InitialSync {
  /** Peers the start added (the command line's --peers). */
  readonly added: readonly PeerRecord[];
  /** The sync from every known peer; null when there were none. */
  readonly resolution: Resolution | null;
}

/** What the node would answer to a transaction, without queuing it (simulateTransaction). */
export type TransactionSimulation =
  | { readonly ok: true; readonly pending: PendingTransaction; readonly expectedBlockIndex: number }
  | { readonly ok: false; readonly rejection: TransactionRejection };

/** Most recently dropped transactions the node remembers (for transactionStatus). */
const DROPPED_MEMORY = 1_000;

/** The result of offering a transaction. */
export type TransactionSubmission =
  | ({ readonly ok: true } & AcceptedTransaction)
  | { readonly ok: false; readonly rejection: TransactionRejection };

/**
 * The node, the one front door: owns the chain engine, mempool, network, miner and wallet. Queries read through
 * `chain`, `mempool` and `peers` (read-only views); every write is a method here. Block insertion is synchronous
 * (the engine is), so JavaScript's single thread already serializes it.
 */
export class Node {
  readonly #chain: Chain;
  readonly #mempool: Mempool;
  readonly #events = new EventHub<NodeEvents>();
  readonly #network: Network;
  readonly wallet: Wallet;
  readonly version: string;
  readonly #options: NodeOptions;
  readonly #log: NodeLogger;
  readonly #producer: BlockProducer;
  readonly #signatures: SignaturePool;
  /** Settles once the last transfer received over the network was submitted (receiveTransaction keeps their order). */
  #lastReceived: Promise<void> = Promise.resolve();
  readonly #closed = new AbortController();
  #started = false;
  /** Transactions that left the mempool without a block, newest last, with why (bounded). */
  readonly #dropped = new Map<string, DroppedTransactionEvent>();
  /** Peers the start-up sync is talking to, while it runs. */
  #initialSyncPeers: number | null = null;
  /** The sync status last announced as syncStatusChanged. */
  #syncStatus: SyncStatus;

  constructor(options: NodeOptions) {
    this.#options = options;
    this.wallet = options.wallet;
    this.version = options.version ?? '0.0.0';
    this.#log = options.log ?? (() => {});
    this.#chain = new Chain({
      params: options.params,
      clock: options.clock,
      ...(options.db ? { db: options.db } : {}),
    });
    this.#mempool = new Mempool(this.#chain.ledger(), {
      maxSize: options.mempoolSize,
      store: this.#chain.db.pending,
      onDropped: (dropped) => this.#recordDropped(dropped),
    });
    this.#recordDropped(this.#mempool.restore(this.#chain.ledger(), (id) => this.#isConfirmed(id)));
    this.#signatures = options.signaturePool ?? new SignaturePool({ threads: options.signatureThreads });
    this.#network = new Network(
      {
        chain: this.#chain,
        address: this.wallet.address,
        events: this.#events,
        now: () => this.now(),
        log: this.#log,
        addBlocks: (blocks, origin) => this.#addBlocks(blocks, [], origin),
        preverify: (blocks) => this.#signatures.preverify(blocks.flatMap((block) => block.transactions)),
        verifyQueued: () => this.#signatures.verifyQueuedBatch(),
        isPending: (id) => this.#mempool.get(id) !== undefined,
        syncingChanged: () => this.#refreshSyncStatus(),
      },
      { ...options.network, connectPeer: options.connectPeer, peerStore: options.peerStore ?? new MemoryPeerStore() },
    );
    this.#producer = new BlockProducer({
      chain: this.#chain,
      mempool: this.#mempool,
      miner: options.miner,
      address: this.wallet.address,
      events: this.#events,
      log: this.#log,
      now: () => this.now(),
      addMined: (block) => this.#addBlocks([block], [], { source: 'mined', peer: null }),
    });
    this.#syncStatus = this.syncStatus;
    this.#events.on('peerChanged', () => this.#refreshSyncStatus());
  }

  /** What happens to the node (blocks, reorganizations, transfers, peers, mining), to listen to. */
  get events(): EventSource<NodeEvents> {
    return this.#events;
  }

  /** The chain, read-only: every change goes through a Node method. */
  get chain(): ChainReader {
    return this.#chain;
  }

  /** The mempool, read-only. */
  get mempool(): MempoolReader {
    return this.#mempool;
  }

  /** The node's peers, read-only. */
  get peers(): PeerSetReader {
    return this.#network.peers;
  }

  /** This node's GraphQL URL as peers reach it, if it has one. */
  get publicUrl(): string | null {
    return this.#network.publicUrl;
  }

  /** Sets the public URL once it is known (a server on port 0 learns its port only when listening). */
  setPublicUrl(url: string | null): void {
    this.#network.setPublicUrl(url);
  }

  /**
   * Starts the miner's warm-up in the background (its threads and kernels, so the first `mine` is not slow), the
   * network side (gossip, the automatic resync timer) and the initial sync: registers `peers` (the command
   * line's --peers), then syncs once from every known peer, those restored from the store included. While that runs,
   * `readiness` says so. Dead peers do not fail it (they are marked and backed off).
   * @throws {PeerUrlError} when one of `peers` is malformed (none is registered; the sync still runs).
   * @throws {Error} when the node was already started.
   */
  async start(peers: readonly string[] = []): Promise<InitialSync> {
    if (this.#started) throw new Error('the node is already started');
    this.#started = true;
    void this.#warmMiner();
    void this.#signatures.start();
    this.#network.start();
    this.#initialSyncPeers = Math.max(peers.length, this.peers.size);
    try {
      let added: readonly PeerRecord[] = [];
      let refused: unknown;
      try {
        if (peers.length > 0) ({ added } = await this.registerNodes(peers));
      } catch (error) {
        refused = error;
      }
      this.#initialSyncPeers = this.peers.size;
      const resolution = this.peers.size > 0 && !this.#closed.signal.aborted ? await this.resolve() : null;
      if (refused !== undefined) throw refused;
      return { added, resolution };
    } finally {
      this.#initialSyncPeers = null;
    }
  }

  /**
   * Whether the node should be sent traffic: not before `start`, not while the initial sync runs (it would serve an
   * old chain), and not once it is stopping. The store is open and the chain loaded whenever a Node exists.
   */
  get readiness(): Readiness {
    if (this.#closed.signal.aborted) return { ready: false, reason: 'the node is stopping' };
    if (!this.#started) return { ready: false, reason: 'the node has not started' };
    if (this.#initialSyncPeers !== null) {
      const peers = this.#initialSyncPeers;
      return { ready: false, reason: `the initial sync with ${peers} peer${peers === 1 ? '' : 's'} is running` };
    }
    return { ready: true };
  }

  /**
   * How far the node is from its reachable peers (their reported heights) and whether a sync from a peer runs now.
   * Each change is announced once as `syncStatusChanged`.
   */
  get syncStatus(): SyncStatus {
    return computeSyncStatus(this.#chain.height, this.#network.peers.list(), this.#network.sync.syncing);
  }

  /** The node's clock. */
  now(): number {
    return this.#options.clock();
  }

  /** True while a block is being mined. */
  get mining(): boolean {
    return this.#producer.mining;
  }

  /** Current proof-search speed (tries per second, 0 when idle). */
  get hashrate(): number {
    return this.#options.miner.stats().hashrate;
  }

  /**
   * Validates a client-signed transfer and queues it. It is announced (events, relay to peers, log) once its write is
   * durable, in one group commit with the others of its event-loop turn; `durable` rejects with a NotStoredError when
   * that write failed, and the transfer has then left the mempool unannounced.
   */
  submitTransaction(tx: Transaction): TransactionSubmission {
    const result = this.#mempool.add(tx, this.now(), (id) => this.#isConfirmed(id));
    if (!result.ok) return result;
    const { pending } = result;
    this.#events.emit('mempoolChanged', { pending: this.#mempool.size });
    const durable = result.durable.then(
      () => {
        this.#dropped.delete(pending.id);
        this.#events.emit('transactionAccepted', pending);
        this.#log('transaction.accepted', { id: pending.id, amount: tx.amount });
      },
      (error: unknown) => {
        this.#events.emit('mempoolChanged', { pending: this.#mempool.size });
        throw error;
      },
    );
    // The accepted transaction is the queue's newest entry: its position is known without walking the mempool (a walk
    // per submission showed in bench:load's profile once thousands were pending).
    const expectedBlockIndex = this.#blockIndexAt(this.#mempool.size - 1);
    return { ok: true, pending, expectedBlockIndex, durable };
  }

  /**
   * submitTransaction for a transfer that arrives over the network (the API's submitTransaction): its signature is
   * checked on the worker threads first, with the others of its event-loop turn, so that the event loop does not
   * verify every submission itself (~100 µs each). The answer is exactly submitTransaction's.
   *
   * Transfers reach the mempool in the order they arrived, whichever worker answers first: a sender's nonce 1 that
   * overtook its nonce 0 would be refused (NONCE_MISMATCH) although both were sent in order.
   */
  receiveTransaction(tx: Transaction): Promise<TransactionSubmission> {
    const received = Promise.all([this.#signatures.preverifySoon([tx]), this.#lastReceived]).then(() =>
      this.submitTransaction(tx),
    );
    this.#lastReceived = received.then(
      () => undefined,
      () => undefined,
    );
    return received;
  }

  /** What submitTransaction would answer, with nothing queued, relayed or written. */
  simulateTransaction(tx: Transaction): TransactionSimulation {
    const checked = this.#mempool.check(tx, (id) => this.#isConfirmed(id));
    if (!checked.ok) return checked;
    const perBlock = this.#chain.params.maxTransactionsPerBlock - 1;
    return {
      ok: true,
      pending: { id: checked.id, transaction: tx, receivedAt: this.now() },
      expectedBlockIndex: this.#chain.height + 1 + Math.floor(checked.position / perBlock),
    };
  }

  /** Why a transaction left the mempool without a block, if it did recently (the newest 1,000 are kept). */
  droppedTransaction(id: string): DroppedTransactionEvent | undefined {
    return this.#dropped.get(id);
  }

  /** Signs a transfer from the node wallet with its next pending nonce and queues it (the tutorial's one step). */
  send(recipient: string, amount: number): TransactionSubmission {
    const nonce = this.#mempool.pendingAccount(this.wallet.address).nonce;
    const tx = signTransaction({ sender: this.wallet.address, recipient, amount, nonce }, this.wallet.privateKey);
    return this.submitTransaction(tx);
  }

  /** Index of the block a pending transaction will join when blocks are filled from the mempool in order. */
  expectedBlockIndex(id: string): number | undefined {
    const position = this.#mempool.positionOf(id);
    return position < 0 ? undefined : this.#blockIndexAt(position);
  }

  /** Index of the block that the mempool entry at `position` joins when blocks are filled in order. */
  #blockIndexAt(position: number): number {
    const perBlock = this.#chain.params.maxTransactionsPerBlock - 1;
    return this.#chain.height + 1 + Math.floor(position / perBlock);
  }

  /**
   * Mines one block on the current tip with the mempool's transactions (those accepted before the call included, once
   * written) and returns it once it is the tip.
   * Requests are served one at a time; a job whose tip changes under it restarts on the new tip.
   */
  mine(): Promise<StoredBlock> {
    // A block takes only transfers whose write is durable (Mempool.selectForBlock): those accepted before this call but
    // still in their group commit (a relay batch that just arrived, say) are waited for, so the block can take them.
    return this.#mempool.whenStored().then(() => this.#producer.mine());
  }

  /** Starts mining block after block until stopMining or close (one loop, however often it is called). */
  startMining(): void {
    this.#producer.startContinuous();
  }

  /** True while continuous mining is on. */
  get continuousMining(): boolean {
    return this.#producer.continuous;
  }

  /** Stops continuous mining after the current block. */
  stopMining(): void {
    this.#producer.stopContinuous();
  }

  /**
   * Adds a block pushed by a peer or a client. `claimedHash` is checked against the header. When its parent is
   * unknown and `from` is a registered peer's URL, the node syncs from that peer. A new block's arrival records
   * `from` (normalized; null when it is not a peer URL) as the peer that sent it.
   */
  submitBlock(block: Block, claimedHash?: string, from?: string): AddBlockResult {
    const peer = from === undefined ? undefined : normalizePeerUrl(from);
    const origin: BlockOrigin =
      peer === undefined ? { source: 'submitted', peer: null } : { source: 'gossip', peer: peer.ok ? peer.url : null };
    const result = this.#addBlocks([block], claimedHash === undefined ? [] : [claimedHash], origin);
    if (result.status === 'orphan') this.#network.sync.onOrphan(from);
    return result;
  }

  /**
   * submitBlock for a block that arrives over the network (the API's submitBlock): a new block with a known parent
   * whose header passes has its signatures checked on the worker threads first, so a block of 1,000 transfers does not
   * hold the event loop ~100 ms. The answer is exactly submitBlock's.
   */
  async receiveBlock(block: Block, claimedHash?: string, from?: string): Promise<AddBlockResult> {
    const header = checkHeader(block, this.#chain.params, claimedHash);
    if (
      header.ok &&
      this.#chain.getBlock(header.value) === undefined &&
      this.#chain.getBlock(block.header.previousHash) !== undefined
    ) {
      await this.#signatures.preverify(block.transactions);
    }
    return this.submitBlock(block, claimedHash, from);
  }

  /** Registers peers (see PeerRegistry.register). @throws {PeerUrlError} naming the offending field. */
  registerNodes(urls: readonly string[]): Promise<{ added: PeerRecord[]; peers: PeerRecord[] }> {
    return this.#network.registry.register(urls);
  }

  /**
   * Forgets peers (an operator's removePeer): no more gossip, relay or resync with them. Unknown URLs are ignored.
   * @throws {PeerUrlError} naming a malformed URL; nothing is removed then.
   */
  removeNodes(urls: readonly string[]): { removed: string[]; peers: PeerRecord[] } {
    const result = this.#network.registry.remove(urls);
    this.#refreshSyncStatus();
    return result;
  }

  /**
   * The tutorial's consensus call: sync from every peer, keep the valid chain with the most work. An automatic run
   * (the resync timer's) skips peers that are backing off.
   */
  resolve(options: { automatic?: boolean } = {}): Promise<Resolution> {
    return this.#network.sync.resolve(options);
  }

  /** Stops mining and cancels everything in flight. */
  close(): void {
    this.#producer.close();
    this.#network.stop();
    if (this.#options.signaturePool === undefined) void this.#signatures.close();
    this.#closed.abort(new Error('the node is shutting down'));
  }

  /**
   * Gets the miner ready in the background (worker threads started, kernels compiled and hot), so that the first
   * `mine` after start is as fast as the next instead of paying for all that (hundreds of ms). Logs `miner.ready`.
   */
  async #warmMiner(): Promise<void> {
    const { miner } = this.#options;
    if (miner.warm === undefined) return;
    const started = performance.now();
    try {
      await miner.warm();
      if (!this.#closed.signal.aborted) this.#log('miner.ready', { ms: Math.round(performance.now() - started) });
    } catch (error) {
      // Not fatal: a job starts the workers again, and fails with the reason if they still cannot run.
      if (!this.#closed.signal.aborted) this.#log('miner.error', { error: (error as Error).message });
    }
  }

  /** Logs, remembers and announces transactions the mempool let go. */
  #recordDropped(dropped: readonly DroppedTransaction[]): void {
    for (const lost of dropped) {
      const event = { id: lost.id, code: lost.rejection.code, reason: lost.rejection.message };
      this.#log('transaction.dropped', { id: lost.id, reason: lost.rejection.message });
      this.#dropped.delete(lost.id);
      this.#dropped.set(lost.id, event);
      if (this.#dropped.size > DROPPED_MEMORY) this.#dropped.delete(this.#dropped.keys().next().value!);
      this.#events.emit('transactionDropped', event);
    }
  }

  /** Announces the sync status when it differs from the one announced last. */
  #refreshSyncStatus(): void {
    const status = this.syncStatus;
    if (sameSyncStatus(status, this.#syncStatus)) return;
    this.#syncStatus = status;
    this.#events.emit('syncStatusChanged', status);
  }

  #isConfirmed(id: string): boolean {
    return this.#chain.getTransaction(id) !== undefined;
  }

  #addBlocks(blocks: readonly Block[], hashes: readonly (string | undefined)[], origin: BlockOrigin): AddBlockResult {
    const result = this.#chain.addBlocks(blocks, hashes, origin);
    const source = describeOrigin(origin);
    if (result.status === 'extended' || result.status === 'reorg') {
      const isConfirmed = (id: string) => this.#isConfirmed(id);
      this.#recordDropped(this.#mempool.onTipChange(result, this.#chain.ledger(), isConfirmed, this.now()));
      this.#producer.onTipChanged();
      if (result.status === 'reorg') {
        const depth = result.disconnected.length;
        this.#log('chain.reorganized', { depth, oldTip: result.oldTip.hash, newTip: result.tip.hash, source });
        this.#events.emit('chainReorganized', {
          depth,
          oldTip: result.oldTip,
          newTip: result.tip,
          disconnected: result.disconnected,
          connected: result.connected,
        });
      }
      for (const stored of result.connected) {
        this.#log('block.connected', {
          index: stored.block.header.index,
          hash: stored.hash,
          transactions: stored.block.transactions.length,
          source,
        });
        this.#events.emit('blockConnected', stored);
      }
      this.#events.emit('tipChanged', { tip: result.tip, connected: result.connected });
      this.#refreshSyncStatus();
    } else if (result.status === 'invalid') {
      this.#log('block.rejected', { source, code: result.rejection.code, message: result.rejection.message });
    }
    return result;
  }
}

/** How the log names where blocks came from: `mined`, `submitted`, `gossip <url>`, `peer <url>`. */
function describeOrigin(origin: BlockOrigin): string {
  switch (origin.source) {
    case 'gossip':
      return `gossip ${origin.peer ?? '(unnamed)'}`;
    case 'sync':
      return `peer ${origin.peer ?? '(unnamed)'}`;
    default:
      return origin.source;
  }
}
