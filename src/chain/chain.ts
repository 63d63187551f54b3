import { expectedDifficulty, minimumChildTimestamp, retargetWindowStart } from './difficulty.js';
import { blockHash, blockSize } from './block.js';
import { createGenesisBlock } from './genesis.js';
import { EMPTY_ACCOUNT, LedgerOverlay, type AccountState, type LedgerReader } from './ledger.js';
import { locatorIndexes } from './locator.js';
import type { ChainParams } from './params.js';
import { blockWork } from './pow.js';
import { reject, type BlockRejection } from './rejections.js';
import { MemoryChainStore, type ChainStore, type StoredBlock } from './store.js';
import type { Block, Transaction } from './types.js';
import { checkHeaderContext, checkHeaderIntrinsic, validateBlockContext, validateBlockIntrinsic } from './validateBlock.js';

/** What adding one block (or a linked run of blocks) did. */
export type AddBlockResult =
  /** The blocks extend the best chain. */
  | { readonly status: 'extended'; readonly tip: StoredBlock; readonly connected: readonly StoredBlock[] }
  /** The blocks complete a branch with more work: the best chain switched to it. */
  | {
      readonly status: 'reorg';
      readonly tip: StoredBlock;
      readonly connected: readonly StoredBlock[];
      /** Blocks that left the best chain, old tip first. */
      readonly disconnected: readonly StoredBlock[];
      readonly oldTip: StoredBlock;
    }
  /** Valid, stored, but on a branch with no more work than the best chain (on a tie we keep ours). */
  | { readonly status: 'side'; readonly added: readonly StoredBlock[] }
  /** Every block was already known. */
  | { readonly status: 'duplicate'; readonly hash: string }
  /** The first block's parent is unknown: the sender should be synced from. */
  | { readonly status: 'orphan'; readonly hash: string; readonly missingParent: string }
  /** A rule failed; nothing was stored. `position` is the failing block's place in the input. */
  | { readonly status: 'invalid'; readonly position: number; readonly hash?: string; readonly rejection: BlockRejection };

/** A best-chain transaction with its block. */
export interface LocatedTransaction {
  readonly transaction: Transaction;
  readonly id: string;
  readonly block: StoredBlock;
  readonly position: number;
}

/** Options of a chain. */
export interface ChainOptions {
  readonly params: ChainParams;
  /** The node's clock in ms; injected so that validation is deterministic in tests. */
  readonly clock: () => number;
  readonly store?: ChainStore;
}

/** Thrown when a store holds a chain of another network. */
export class GenesisMismatchError extends Error {
  override readonly name = 'GenesisMismatchError';
  constructor(
    readonly expected: string,
    readonly found: string,
  ) {
    super(`the store's genesis block ${found} is not this network's genesis ${expected}`);
  }
}

/** Thrown when a store's own records contradict each other (the node then refuses to start). */
export class StoreInconsistentError extends Error {
  override readonly name = 'StoreInconsistentError';
}

const INVALID_CACHE_SIZE = 1024;

/**
 * The chain engine: validates blocks (intrinsic, then contextual against the parent's ledger state), keeps every
 * valid block, and follows the branch with the most cumulative work. Each change is one atomic store batch.
 */
export class Chain {
  readonly params: ChainParams;
  readonly genesis: StoredBlock;
  readonly #store: ChainStore;
  readonly #clock: () => number;
  /** Hashes known to break an intrinsic or permanent contextual rule, so they are refused without re-validation. */
  readonly #invalid = new Map<string, BlockRejection>();
  /** The ledger after the newest side block, while the tip it was built on stays the tip (see #takeSideLedger). */
  #sideLedger: { readonly hash: string; readonly tipHash: string; readonly ledger: LedgerOverlay } | undefined;

  constructor(options: ChainOptions) {
    this.params = options.params;
    this.#clock = options.clock;
    this.#store = options.store ?? new MemoryChainStore();
    const block = createGenesisBlock(this.params);
    this.genesis = {
      block,
      hash: blockHash(block.header),
      transactionIds: [],
      size: blockSize(block),
      totalWork: blockWork(block.header.difficulty),
      undo: [],
    };
    const storedGenesis = this.#store.getBestHash(1);
    if (storedGenesis === undefined) {
      this.#store.write({
        newBlocks: [this.genesis],
        disconnected: [],
        connected: [this.genesis],
        accounts: new Map(),
        tipHash: this.genesis.hash,
      });
    } else if (storedGenesis !== this.genesis.hash) {
      throw new GenesisMismatchError(this.genesis.hash, storedGenesis);
    } else {
      // Fast start: the stored tip must exist and be the best block at its own index. A full re-validation is
      // verifyChain (the node's --verify).
      const tipHash = this.#store.getTipHash();
      const tip = tipHash === undefined ? undefined : this.#store.getBlock(tipHash);
      if (tip === undefined || this.#store.getBestHash(tip.block.header.index) !== tip.hash) {
        throw new StoreInconsistentError(`the stored tip ${tipHash ?? '(none)'} is not the best block at its index`);
      }
    }
  }

  /** The best chain's last block. */
  get tip(): StoredBlock {
    return this.#store.getBlock(this.#store.getTipHash()!)!;
  }

  /** Number of blocks in the best chain (the tip's index). */
  get height(): number {
    return this.tip.block.header.index;
  }

  /** A stored block by hash, on any branch. */
  getBlock(hash: string): StoredBlock | undefined {
    return this.#store.getBlock(hash);
  }

  /** The best-chain block at `index`. */
  getBlockAt(index: number): StoredBlock | undefined {
    const hash = this.#store.getBestHash(index);
    return hash === undefined ? undefined : this.#store.getBlock(hash);
  }

  /** True when `hash` is on the best chain. */
  isBest(hash: string): boolean {
    const stored = this.#store.getBlock(hash);
    return stored !== undefined && this.#store.getBestHash(stored.block.header.index) === hash;
  }

  /** Best-chain hashes at `locatorIndexes(height)`: what this node sends a peer to find their newest shared block. */
  locator(): string[] {
    return locatorIndexes(this.height).map((index) => this.#store.getBestHash(index)!);
  }

  /** The first hash of a peer's locator that is on this node's best chain: the newest block both chains share. */
  findLocatorMatch(locator: readonly string[]): StoredBlock | undefined {
    for (const hash of locator) {
      if (this.isBest(hash)) return this.#store.getBlock(hash);
    }
    return undefined;
  }

  /** An account's state at the tip. */
  getAccount(address: string): AccountState {
    return this.#store.getAccount(address) ?? EMPTY_ACCOUNT;
  }

  /** Read access to the tip's ledger. */
  ledger(): LedgerReader {
    return { getAccount: (address) => this.getAccount(address) };
  }

  /** A best-chain transaction by id. */
  getTransaction(id: string): LocatedTransaction | undefined {
    const location = this.#store.getTransactionLocation(id);
    if (location === undefined) return undefined;
    const block = this.#store.getBlock(location.blockHash)!;
    return { transaction: block.block.transactions[location.position]!, id, block, position: location.position };
  }

  /** Ids of best-chain transactions to or from `address`, oldest first. */
  getAccountTransactionIds(address: string): readonly string[] {
    return this.#store.getAccountHistory(address, 0, this.#store.getAccountHistoryLength(address));
  }

  /** Number of best-chain transactions to or from `address`. */
  getAccountHistoryLength(address: string): number {
    return this.#store.getAccountHistoryLength(address);
  }

  /** Ids at history positions [from, to) of `address` (0 = its oldest transaction). */
  getAccountHistory(address: string, from: number, to: number): string[] {
    return this.#store.getAccountHistory(address, from, to);
  }

  /** The store behind the chain (the node keeps the mempool's durable copy there). */
  get store(): ChainStore {
    return this.#store;
  }

  /** The fields a new block on the tip must carry; its timestamp is the clock, raised to satisfy median time past. */
  nextBlockContext(): { index: number; previousHash: string; difficulty: number; timestamp: number } {
    const tip = this.tip;
    const minimum = minimumChildTimestamp(this.#recentTimestamps(tip));
    return {
      index: tip.block.header.index + 1,
      previousHash: tip.hash,
      difficulty: expectedDifficulty(this.params, tip.block.header, this.#retargetWindowStart(tip, [])?.block.header),
      timestamp: Math.max(this.#clock(), minimum),
    };
  }

  /** Validates and adds one block. `claimedHash`, when the sender stated one, must match the header. */
  addBlock(block: Block, claimedHash?: string): AddBlockResult {
    return this.addBlocks([block], claimedHash === undefined ? [] : [claimedHash]);
  }

  /**
   * Validates and adds a linked run of blocks (each the parent of the next) all or nothing: when any block breaks a
   * rule nothing is stored. Already-known leading blocks are skipped. The best chain then switches at once if the
   * run's last block has more cumulative work than the tip.
   */
  addBlocks(blocks: readonly Block[], claimedHashes: readonly (string | undefined)[] = []): AddBlockResult {
    if (blocks.length === 0) {
      return { status: 'invalid', position: 0, rejection: reject('MALFORMED_BLOCK', 'no blocks were given') };
    }
    // Validation runs cheapest first, so a block that fails a header rule costs a hash, never a signature check:
    // (1) each header alone, (2) each header against its parent, for the whole run, (3) bodies and the ledger.
    const hashes: string[] = [];
    for (let i = 0; i < blocks.length; i++) {
      const block = blocks[i]!;
      if (block.header.index === 1) {
        // Genesis rule: block 1 is derived from the parameters, never validated; any other block 1 is another network.
        if (!this.#isGenesis(block) || (claimedHashes[i] ?? this.genesis.hash) !== this.genesis.hash) {
          return {
            status: 'invalid',
            position: i,
            rejection: reject('GENESIS_MISMATCH', `block 1 must be this network's genesis ${this.genesis.hash}`),
          };
        }
        hashes.push(this.genesis.hash);
        continue;
      }
      const header = checkHeaderIntrinsic(block, this.params, claimedHashes[i]);
      if (!header.ok) {
        // Proof of work and the difficulty floor are decided by the header alone: cache those by hash. The header
        // does not commit to signatures, and a malformed or mismatched copy says nothing about the real block with
        // that hash, so nothing else is cached (a peer cannot poison the cache with a tampered copy of a good block).
        const byHash = header.rejection.code === 'INSUFFICIENT_PROOF_OF_WORK' || header.rejection.code === 'DIFFICULTY_MISMATCH';
        return this.#refuse(i, byHash ? blockHash(block.header) : undefined, header.rejection, byHash);
      }
      const hash = header.value;
      const previous = hashes[i - 1];
      if (previous !== undefined && block.header.previousHash !== previous) {
        return this.#refuse(i, hash, reject('BROKEN_LINK', `block ${i} does not link to block ${i - 1}`), false);
      }
      const cachedInvalid = this.#invalid.get(hash);
      if (cachedInvalid !== undefined) return { status: 'invalid', position: i, hash, rejection: cachedInvalid };
      hashes.push(hash);
    }

    let start = 0;
    while (start < blocks.length && this.#store.getBlock(hashes[start]!) !== undefined) start++;
    if (start === blocks.length) return { status: 'duplicate', hash: hashes[hashes.length - 1]! };
    const parent = this.#store.getBlock(blocks[start]!.header.previousHash);
    if (parent === undefined) {
      return { status: 'orphan', hash: hashes[start]!, missingParent: blocks[start]!.header.previousHash };
    }

    const now = this.#clock();
    const parentTimestamps = this.#recentTimestamps(parent);
    {
      // (2) Headers against their parents, for the whole run, before any body is looked at.
      let timestamps = parentTimestamps;
      let previousHeader = parent.block.header;
      let previousHash = parent.hash;
      for (let i = start; i < blocks.length; i++) {
        const { header } = blocks[i]!;
        const windowStart = retargetWindowStart(this.params, header.index);
        const problem = checkHeaderContext(
          header,
          {
            header: previousHeader,
            hash: previousHash,
            recentTimestamps: timestamps,
            retargetWindowStart:
              windowStart === undefined
                ? undefined
                : windowStart >= blocks[start]!.header.index
                  ? blocks[start + windowStart - blocks[start]!.header.index]!.header
                  : this.#retargetWindowStart(parent, [], windowStart)?.block.header,
          },
          this.params,
          now,
        );
        if (problem !== undefined) return this.#refuse(i, hashes[i], problem, problem.code !== 'TIMESTAMP_TOO_FAR_IN_FUTURE');
        timestamps = [header.timestamp, ...timestamps].slice(0, this.params.medianTimeSpan);
        previousHeader = header;
        previousHash = hashes[i]!;
      }
    }

    // (3) Bodies (merkle root, reward, signatures) and the ledger.
    const ledger = this.#takeSideLedger(parent) ?? this.#ledgerAt(parent);
    let timestamps = parentTimestamps;
    const added: StoredBlock[] = [];
    let previous = parent;
    for (let i = start; i < blocks.length; i++) {
      const block = blocks[i]!;
      const intrinsic = validateBlockIntrinsic(block, this.params, hashes[i]);
      if (!intrinsic.ok) return this.#refuse(i, undefined, intrinsic.rejection, false);
      const context = validateBlockContext(
        block,
        {
          header: previous.block.header,
          hash: previous.hash,
          recentTimestamps: timestamps,
          retargetWindowStart: this.#retargetWindowStart(previous, added)?.block.header,
        },
        ledger,
        this.params,
        now,
      );
      if (!context.ok) {
        // A block from the future may become valid later; every other contextual failure is permanent.
        const permanent = context.rejection.code !== 'TIMESTAMP_TOO_FAR_IN_FUTURE';
        return this.#refuse(i, hashes[i], context.rejection, permanent);
      }
      const stored: StoredBlock = {
        block,
        hash: hashes[i]!,
        transactionIds: intrinsic.value.transactionIds,
        size: intrinsic.value.size,
        totalWork: previous.totalWork + blockWork(block.header.difficulty),
        undo: context.value,
      };
      added.push(stored);
      timestamps = [block.header.timestamp, ...timestamps].slice(0, this.params.medianTimeSpan);
      previous = stored;
    }

    const oldTip = this.tip;
    // Fork choice: most cumulative work wins; on a tie the chain we already follow stays.
    if (previous.totalWork <= oldTip.totalWork) {
      this.#store.write({ newBlocks: added, disconnected: [], connected: [], accounts: new Map(), tipHash: oldTip.hash });
      this.#sideLedger = { hash: previous.hash, tipHash: oldTip.hash, ledger };
      return { status: 'side', added };
    }
    const { ancestor, branch } = this.#branchFromBestChain(parent);
    const connected = [...branch, ...added];
    const disconnected: StoredBlock[] = [];
    for (let index = oldTip.block.header.index; index > ancestor.block.header.index; index--) {
      disconnected.push(this.getBlockAt(index)!);
    }
    this.#store.write({
      newBlocks: added,
      disconnected,
      connected,
      accounts: ledger.changes(),
      tipHash: previous.hash,
    });
    if (disconnected.length === 0) return { status: 'extended', tip: previous, connected };
    return { status: 'reorg', tip: previous, connected, disconnected, oldTip };
  }

  /**
   * The ancestor of `parent` (inclusive) that opens the retarget window of its child, or undefined when the child
   * is no retarget block. `pending` are blocks of the run being validated (not stored yet), lowest first.
   */
  #retargetWindowStart(
    parent: StoredBlock,
    pending: readonly StoredBlock[],
    start: number | undefined = retargetWindowStart(this.params, parent.block.header.index + 1),
  ): StoredBlock | undefined {
    if (start === undefined) return undefined;
    // The run being validated is contiguous, so a pending ancestor is found by its index.
    const firstPending = pending[0]?.block.header.index;
    if (firstPending !== undefined && start >= firstPending) return pending[start - firstPending];
    let current: StoredBlock | undefined = firstPending === undefined ? parent : this.#store.getBlock(pending[0]!.block.header.previousHash);
    if (current !== undefined && this.isBest(current.hash)) return this.getBlockAt(start);
    while (current !== undefined && current.block.header.index > start) {
      current = this.#store.getBlock(current.block.header.previousHash);
    }
    return current;
  }

  /** Timestamps of `block` and its ancestors, newest first, as many as the median-time-past rule looks at. */
  #recentTimestamps(block: StoredBlock): number[] {
    const timestamps: number[] = [];
    let current: StoredBlock | undefined = block;
    while (current !== undefined && timestamps.length < this.params.medianTimeSpan) {
      timestamps.push(current.block.header.timestamp);
      current = current.block.header.index === 1 ? undefined : this.#store.getBlock(current.block.header.previousHash);
    }
    return timestamps;
  }

  /** The side-branch blocks from the best chain up to `block` (lowest first) and the best-chain block they fork from. */
  #branchFromBestChain(block: StoredBlock): { ancestor: StoredBlock; branch: StoredBlock[] } {
    const branch: StoredBlock[] = [];
    let current = block;
    while (!this.isBest(current.hash)) {
      branch.push(current);
      current = this.#store.getBlock(current.block.header.previousHash)!;
    }
    return { ancestor: current, branch: branch.reverse() };
  }

  /**
   * The ledger after the last side block added, when `parent` is that block and the best chain has not changed since
   * (its view reads through to the tip's accounts, so it is exact only while the tip stays). A branch that arrives
   * block by block, or a long sync added in chunks, then costs one block's work per block instead of a replay from
   * the fork point each time. Taken once: a run that fails part-way leaves it half-applied, so it is never reused.
   */
  #takeSideLedger(parent: StoredBlock): LedgerOverlay | undefined {
    const cached = this.#sideLedger;
    this.#sideLedger = undefined;
    if (cached === undefined || cached.hash !== parent.hash || cached.tipHash !== this.tip.hash) return undefined;
    return cached.ledger;
  }

  /** A writable view of the ledger as it is after `block`, built from the tip by undoing and re-applying blocks. */
  #ledgerAt(block: StoredBlock): LedgerOverlay {
    const ledger = new LedgerOverlay(this.ledger());
    if (block.hash === this.tip.hash) return ledger;
    const { ancestor, branch } = this.#branchFromBestChain(block);
    for (let index = this.height; index > ancestor.block.header.index; index--) {
      ledger.undoBlock(this.getBlockAt(index)!.undo);
    }
    for (const stored of branch) {
      for (const tx of stored.block.transactions) {
        const problem = ledger.applyTransaction(tx);
        // Stored blocks were validated against exactly this state; a failure means the store is corrupt.
        if (problem !== undefined) throw new Error(`stored block ${stored.hash} no longer applies: ${problem.message}`);
      }
    }
    return ledger;
  }

  #isGenesis(block: Block): boolean {
    try {
      return block.transactions.length === 0 && blockHash(block.header) === this.genesis.hash;
    } catch {
      return false;
    }
  }

  #refuse(position: number, hash: string | undefined, rejection: BlockRejection, permanent: boolean): AddBlockResult {
    if (permanent && hash !== undefined) {
      if (this.#invalid.size >= INVALID_CACHE_SIZE) this.#invalid.delete(this.#invalid.keys().next().value!);
      this.#invalid.set(hash, rejection);
    }
    return hash === undefined
      ? { status: 'invalid', position, rejection }
      : { status: 'invalid', position, hash, rejection };
  }
}
