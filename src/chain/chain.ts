import { Ancestry } from './ancestry.js';
import { blockHash, blockSize } from './block.js';
import { ChainDb } from './db/chainDb.js';
import type { BlockArrival, BlockOrigin, StoredBlock } from './db/model.js';
import { expectedDifficulty, minimumChildTimestamp } from './difficulty.js';
import { type ChainChange, chooseFork } from './forkChoice.js';
import { createGenesisBlock } from './genesis.js';
import { type AccountState, EMPTY_ACCOUNT, type LedgerOverlay, type LedgerReader } from './ledger.js';
import { locatorIndexes } from './locator.js';
import type { ChainParams } from './params.js';
import { blockWork } from './pow.js';
import { type BlockRejection, reject } from './rejections.js';
import type { Block, Transaction } from './types.js';
import { checkBody, checkBodyAgainstState, checkHeader, checkHeaderAgainstParent } from './validateBlock.js';

/** What adding one block (or a linked run of blocks) did. */
export type AddBlockResult =
  | ChainChange
  /** Every block was already known. */
  | { readonly status: 'duplicate'; readonly hash: string }
  /** The first block's parent is unknown: the sender should be synced from. */
  | { readonly status: 'orphan'; readonly hash: string; readonly missingParent: string }
  /** A rule failed; nothing was stored. `position` is the failing block's place in the input. */
  | {
      readonly status: 'invalid';
      readonly position: number;
      readonly hash?: string;
      readonly rejection: BlockRejection;
    };

/** The change of the best chain that extended or reorganized it: the one event the mempool and the node follow. */
export type TipChange = Extract<AddBlockResult, { status: 'extended' | 'reorg' }>;

/** What may be read from a chain without changing it: the view queries get (Node.chain). */
export const CHAIN_READS = [
  'params',
  'genesis',
  'tip',
  'height',
  'getBlock',
  'getBlockAt',
  'isBest',
  'getBlockTreeHashes',
  'getArrival',
  'locator',
  'findLocatorMatch',
  'getAccount',
  'ledger',
  'getTransaction',
  'getAccountTransactionIds',
  'getAccountHistoryLength',
  'getAccountHistory',
  'nextBlockContext',
] as const;

/** A chain, read-only. */
export type ChainReader = Readonly<Pick<Chain, (typeof CHAIN_READS)[number]>>;

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
  /** Storage (default: a chain database in memory). */
  readonly db?: ChainDb;
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
 * The chain engine: validates blocks in four steps (validateBlock.ts), keeps every valid block, and follows the
 * branch with the most cumulative work (forkChoice.ts). Each change is one atomic database batch.
 */
export class Chain {
  readonly params: ChainParams;
  readonly genesis: StoredBlock;
  readonly #db: ChainDb;
  readonly #ancestry: Ancestry;
  readonly #clock: () => number;
  /** Hashes known to break an intrinsic or permanent contextual rule, so they are refused without re-validation. */
  readonly #invalid = new Map<string, BlockRejection>();
  /** The ledger after the newest side block, while the tip it was built on stays the tip (see #takeSideLedger). */
  #sideLedger: { readonly hash: string; readonly tipHash: string; readonly ledger: LedgerOverlay } | undefined;

  constructor(options: ChainOptions) {
    this.params = options.params;
    this.#clock = options.clock;
    this.#db = options.db ?? new ChainDb();
    this.#ancestry = new Ancestry(this, this.params);
    const block = createGenesisBlock(this.params);
    this.genesis = {
      block,
      hash: blockHash(block.header),
      transactionIds: [],
      size: blockSize(block),
      totalWork: blockWork(block.header.difficulty),
      undo: [],
    };
    const storedGenesis = this.#db.getBestHash(1);
    if (storedGenesis === undefined) {
      this.#db.write({
        newBlocks: [this.genesis],
        disconnected: [],
        connected: [this.genesis],
        accounts: new Map(),
        tipHash: this.genesis.hash,
        arrival: { source: 'genesis', peer: null, seenAt: this.#clock() },
      });
    } else if (storedGenesis !== this.genesis.hash) {
      throw new GenesisMismatchError(this.genesis.hash, storedGenesis);
    } else {
      // Fast start: the stored tip must exist and be the best block at its own index. A full re-validation is
      // verifyChain (the node's --verify).
      const tipHash = this.#db.getTipHash();
      const tip = tipHash === undefined ? undefined : this.#db.getBlock(tipHash);
      if (tip === undefined || this.#db.getBestHash(tip.block.header.index) !== tip.hash) {
        throw new StoreInconsistentError(`the stored tip ${tipHash ?? '(none)'} is not the best block at its index`);
      }
    }
  }

  /** The best chain's last block. */
  get tip(): StoredBlock {
    return this.#db.getBlock(this.#db.getTipHash()!)!;
  }

  /** Number of blocks in the best chain (the tip's index). */
  get height(): number {
    return this.tip.block.header.index;
  }

  /** A stored block by hash, on any branch. */
  getBlock(hash: string): StoredBlock | undefined {
    return this.#db.getBlock(hash);
  }

  /** The best-chain block at `index`. */
  getBlockAt(index: number): StoredBlock | undefined {
    const hash = this.#db.getBestHash(index);
    return hash === undefined ? undefined : this.#db.getBlock(hash);
  }

  /** True when `hash` is on the best chain. */
  isBest(hash: string): boolean {
    const stored = this.#db.getBlock(hash);
    return stored !== undefined && this.#db.getBestHash(stored.block.header.index) === hash;
  }

  /**
   * Hashes of every stored block, best chain and side branches, with `fromIndex <= index <= toIndex`: by index
   * ascending, and within an index the best-chain block first, then side blocks by hash. Reads keys only (no block is
   * decoded), so its length is a cheap count.
   */
  getBlockTreeHashes(fromIndex: number, toIndex: number): string[] {
    const hashes: string[] = [];
    let side: string[] = [];
    let index = 0;
    let best: string | undefined;
    for (const entry of this.#db.getBlocksBetween(fromIndex, toIndex)) {
      if (entry.index !== index) {
        hashes.push(...side);
        side = [];
        index = entry.index;
        best = this.#db.getBestHash(index);
      }
      if (entry.hash === best) hashes.push(entry.hash);
      else side.push(entry.hash);
    }
    hashes.push(...side);
    return hashes;
  }

  /**
   * When and from where a stored block was first stored here (its arrival); undefined when unknown: blocks stored
   * before the node recorded arrivals (store format 2), and unknown hashes. A caller that holds the block gives its
   * `index`, which saves reading the block to find it.
   */
  getArrival(hash: string, index?: number): BlockArrival | undefined {
    if (index !== undefined) return this.#db.getArrival(index, hash);
    const stored = this.#db.getBlock(hash);
    return stored === undefined ? undefined : this.#db.getArrival(stored.block.header.index, hash);
  }

  /** Best-chain hashes at `locatorIndexes(height)`: what this node sends a peer to find their newest shared block. */
  locator(): string[] {
    return locatorIndexes(this.height).map((index) => this.#db.getBestHash(index)!);
  }

  /** The first hash of a peer's locator that is on this node's best chain: the newest block both chains share. */
  findLocatorMatch(locator: readonly string[]): StoredBlock | undefined {
    for (const hash of locator) {
      if (this.isBest(hash)) return this.#db.getBlock(hash);
    }
    return undefined;
  }

  /** An account's state at the tip. */
  getAccount(address: string): AccountState {
    return this.#db.getAccount(address) ?? EMPTY_ACCOUNT;
  }

  /** Read access to the tip's ledger. */
  ledger(): LedgerReader {
    return { getAccount: (address) => this.getAccount(address) };
  }

  /** A best-chain transaction by id. */
  getTransaction(id: string): LocatedTransaction | undefined {
    const location = this.#db.getTransactionLocation(id);
    if (location === undefined) return undefined;
    const block = this.#db.getBlock(location.blockHash)!;
    return { transaction: block.block.transactions[location.position]!, id, block, position: location.position };
  }

  /** Ids of best-chain transactions to or from `address`, oldest first. */
  getAccountTransactionIds(address: string): readonly string[] {
    return this.#db.getAccountHistory(address, 0, this.#db.getAccountHistoryLength(address));
  }

  /** Number of best-chain transactions to or from `address`. */
  getAccountHistoryLength(address: string): number {
    return this.#db.getAccountHistoryLength(address);
  }

  /** Ids at history positions [from, to) of `address` (0 = its oldest transaction). */
  getAccountHistory(address: string, from: number, to: number): string[] {
    return this.#db.getAccountHistory(address, from, to);
  }

  /** The database behind the chain (it also keeps the mempool's durable copy). */
  get db(): ChainDb {
    return this.#db;
  }

  /** The fields a new block on the tip must carry; its timestamp is the clock, raised to satisfy median time past. */
  nextBlockContext(): { index: number; previousHash: string; difficulty: number; timestamp: number } {
    const parent = this.#ancestry.walkFrom(this.tip).context;
    return {
      index: parent.header.index + 1,
      previousHash: parent.hash,
      difficulty: expectedDifficulty(this.params, parent.header, parent.retargetWindowStart),
      timestamp: Math.max(this.#clock(), minimumChildTimestamp(parent.recentTimestamps)),
    };
  }

  /**
   * Validates and adds one block. `claimedHash`, when the sender stated one, must match the header. `origin` is
   * recorded with the block, with the clock's time, as its arrival (getArrival).
   */
  addBlock(block: Block, claimedHash?: string, origin?: BlockOrigin): AddBlockResult {
    return this.addBlocks([block], claimedHash === undefined ? [] : [claimedHash], origin);
  }

  /**
   * Validates and adds a linked run of blocks (each the parent of the next) all or nothing: when any block breaks a
   * rule nothing is stored. Already-known leading blocks are skipped. The best chain then switches at once if the
   * run's last block has more cumulative work than the tip. `origin` is recorded with each new block, with the
   * clock's time, as its arrival (getArrival); without it the arrival is unknown.
   */
  addBlocks(
    blocks: readonly Block[],
    claimedHashes: readonly (string | undefined)[] = [],
    origin?: BlockOrigin,
  ): AddBlockResult {
    if (blocks.length === 0) {
      return { status: 'invalid', position: 0, rejection: reject('MALFORMED_BLOCK', 'no blocks were given') };
    }
    // Validation runs cheapest first (validateBlock.ts), so a block that fails a header rule costs a hash, never a
    // signature check: step 1 for every header, step 3 for every header, then steps 2 and 4 block by block.
    const hashes: string[] = [];
    for (let i = 0; i < blocks.length; i++) {
      const block = blocks[i]!;
      if (block.header.index === 1) {
        // Genesis rule: block 1 is derived from the parameters, never validated; any other block 1 is another network.
        if (!this.#isGenesis(block) || (claimedHashes[i] ?? this.genesis.hash) !== this.genesis.hash) {
          const message = `block 1 must be this network's genesis ${this.genesis.hash}`;
          return { status: 'invalid', position: i, rejection: reject('GENESIS_MISMATCH', message) };
        }
        hashes.push(this.genesis.hash);
        continue;
      }
      const header = checkHeader(block, this.params, claimedHashes[i]);
      if (!header.ok) {
        // Proof of work and the difficulty floor are decided by the header alone: cache those by hash. The header
        // does not commit to signatures, and a malformed or mismatched copy says nothing about the real block with
        // that hash, so nothing else is cached (a peer cannot poison the cache with a tampered copy of a good block).
        const code = header.rejection.code;
        const byHash = code === 'INSUFFICIENT_PROOF_OF_WORK' || code === 'DIFFICULTY_MISMATCH';
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
    while (start < blocks.length && this.#db.getBlock(hashes[start]!) !== undefined) start++;
    if (start === blocks.length) return { status: 'duplicate', hash: hashes[hashes.length - 1]! };
    const parent = this.#db.getBlock(blocks[start]!.header.previousHash);
    if (parent === undefined) {
      return { status: 'orphan', hash: hashes[start]!, missingParent: blocks[start]!.header.previousHash };
    }

    // Step 3 for the whole run, before any body is looked at.
    const now = this.#clock();
    const walk = this.#ancestry.walkFrom(parent);
    for (let i = start; i < blocks.length; i++) {
      const { header } = blocks[i]!;
      const context = walk.context;
      const checked = checkHeaderAgainstParent(header, context, this.params, now);
      // A block from the future may become valid later; every other failure against the parent is permanent.
      const permanent = (rejection: BlockRejection) => rejection.code !== 'TIMESTAMP_TOO_FAR_IN_FUTURE';
      if (!checked.ok) return this.#refuse(i, hashes[i], checked.rejection, permanent(checked.rejection));
      walk.advance(header, hashes[i]!);
    }

    // Steps 2 and 4: bodies (merkle root, reward, signatures), then each applied to its parent's ledger.
    const ledger = this.#takeSideLedger(parent) ?? this.#ancestry.ledgerAt(parent);
    const added: StoredBlock[] = [];
    let previous = parent;
    for (let i = start; i < blocks.length; i++) {
      const block = blocks[i]!;
      const body = checkBody(block, this.params);
      if (!body.ok) return this.#refuse(i, undefined, body.rejection, false);
      const state = checkBodyAgainstState(block, ledger);
      if (!state.ok) return this.#refuse(i, hashes[i], state.rejection, true);
      const stored: StoredBlock = {
        block,
        hash: hashes[i]!,
        transactionIds: body.value.transactionIds,
        size: body.value.size,
        totalWork: previous.totalWork + blockWork(block.header.difficulty),
        undo: state.value,
      };
      added.push(stored);
      previous = stored;
    }

    const { change, batch } = chooseFork(this.#ancestry, this.tip, (index) => this.getBlockAt(index), {
      parent,
      added,
      ledger,
    });
    this.#db.write(origin === undefined ? batch : { ...batch, arrival: { ...origin, seenAt: now } });
    this.#sideLedger = change.status === 'side' ? { hash: previous.hash, tipHash: batch.tipHash, ledger } : undefined;
    return change;
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
