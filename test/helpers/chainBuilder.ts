import { blockHash, createHeaderTemplate, type HeaderTemplate } from '../../src/chain/block.js';
import { type AddBlockResult, Chain, type ChainReader } from '../../src/chain/chain.js';
import type { ChainDb } from '../../src/chain/db/chainDb.js';
import type { StoredBlock } from '../../src/chain/db/model.js';
import { expectedDifficulty } from '../../src/chain/difficulty.js';
import { addressFromPrivateKey } from '../../src/chain/keys.js';
import { computeMerkleRoot } from '../../src/chain/merkle.js';
import type { ChainParams } from '../../src/chain/params.js';
import { createRewardTransaction, signTransaction, transactionId } from '../../src/chain/transaction.js';
import type { Block, BlockHeader, Transaction } from '../../src/chain/types.js';
import { searchProof } from '../../src/mining/searchProof.js';
import { createFixedClock, type FixedClock } from './clock.js';
import { minerWallet, type TestWallet } from './keys.js';
import { easyParams } from './params.js';

/**
 * Builders of valid (or deliberately invalid) blocks at easy difficulty. Everything is deterministic: fixed keys,
 * fixed clock, proofs searched from 0. A proof at 8 bits takes about 256 tries.
 */

/** Most proofs a builder tries before giving up (at 8 bits a failure is practically impossible). */
export const MAX_PROOF_TRIES = 10_000_000;

/** Time between consecutive blocks that builders put on a parent when no timestamp is given, in ms. */
export const DEFAULT_BLOCK_SPACING_MS = 1_000;

/** A block to build on: a `StoredBlock`, or any block with its hash (see `asParent`). */
export interface ParentRef {
  readonly block: Block;
  readonly hash: string;
}

/** A chain for tests with the clock it was given. */
export interface TestChain {
  readonly chain: Chain;
  readonly clock: FixedClock;
  readonly params: ChainParams;
}

/** Options of `createTestChain`. */
export interface TestChainOptions {
  /** Chain parameters (default `easyParams`). */
  readonly params?: ChainParams;
  /** The chain's clock (default `createFixedClock()`: one day after the genesis). */
  readonly clock?: FixedClock;
  /** Storage (default a fresh in-memory chain database). */
  readonly db?: ChainDb;
}

/** Creates a chain holding only its genesis block, at easy difficulty with a fixed clock unless told otherwise. */
export function createTestChain(options: TestChainOptions = {}): TestChain {
  const params = options.params ?? easyParams;
  const clock = options.clock ?? createFixedClock();
  const chain = new Chain({ params, clock: clock.now, ...(options.db === undefined ? {} : { db: options.db }) });
  return { chain, clock, params };
}

/** Wraps a block that is not (yet) stored as a parent to build on. */
export function asParent(block: Block): ParentRef {
  return { block, hash: blockHash(block.header) };
}

/** The address of a wallet, or the address itself. */
export function addressOf(walletOrAddress: TestWallet | string): string {
  return typeof walletOrAddress === 'string' ? walletOrAddress : walletOrAddress.address;
}

/** A signer: a test wallet, a `Wallet` of src/wallet, or a bare hex private key. */
export type Signer = Pick<TestWallet, 'privateKey' | 'address'> | string;

/** A transfer of `amount` coins from `from` to `to` (wallet or address) with nonce `nonce`, signed by `from`. */
export function transfer(from: Signer, to: TestWallet | string, amount: number, nonce: number): Transaction {
  const privateKey = typeof from === 'string' ? from : from.privateKey;
  const sender = typeof from === 'string' ? addressFromPrivateKey(from) : from.address;
  return signTransaction({ sender, recipient: addressOf(to), amount, nonce }, privateKey);
}

/** The id of a transaction (SHA-256 of its payload). */
export function idOf(tx: Transaction): string {
  return transactionId(tx);
}

/**
 * Finds the first proof (from 0) that meets the template's difficulty.
 * @throws {Error} when none is found within MAX_PROOF_TRIES.
 */
export function sealHeader(template: HeaderTemplate): BlockHeader {
  const header = searchProof(template, 0, MAX_PROOF_TRIES);
  if (header === undefined)
    throw new Error(`no proof within ${MAX_PROOF_TRIES} tries at difficulty ${template.difficulty}`);
  return header;
}

/** Fields of `sealBlock`: a header template's fields with the exact transaction list. */
export interface SealBlockFields {
  readonly index: number;
  readonly timestamp: number;
  readonly previousHash: string;
  readonly difficulty: number;
  /** The block's transactions exactly as given: no reward is added. */
  readonly transactions: readonly Transaction[];
  /** Overrides the merkle root (default: the root of the transactions' ids). */
  readonly merkleRoot?: string;
}

/**
 * Mines a block with exactly the given fields and transactions (no reward added, no rule checked): the tool for
 * building blocks that break one rule on purpose while keeping a valid proof of work.
 */
export function sealBlock(fields: SealBlockFields): Block {
  const template = createHeaderTemplate(fields);
  const merkleRoot = fields.merkleRoot ?? template.merkleRoot;
  return { header: sealHeader({ ...template, merkleRoot }), transactions: [...fields.transactions] };
}

/** Options of `mineBlock`: where to build, who mines, what goes in. */
export interface MineBlockOptions {
  /** The chain whose tip to build on (and whose parameters and clock to use). */
  readonly chain?: ChainReader;
  /** The parent to build on; takes precedence over the chain's tip. */
  readonly parent?: ParentRef;
  /** Receives the reward (default `minerWallet`). Different miners make sibling blocks differ. */
  readonly miner?: TestWallet | string;
  /** Transfers placed after the reward, in order (default none). */
  readonly transactions?: readonly Transaction[];
  /**
   * Block timestamp. Default: with only `chain`, the chain's `nextBlockContext()` timestamp (its clock, raised above
   * the median time past); otherwise the parent's timestamp plus DEFAULT_BLOCK_SPACING_MS.
   */
  readonly timestamp?: number;
  /** Parameters (default the chain's, else `easyParams`): they fix the reward and difficulty. */
  readonly params?: ChainParams;
}

/**
 * Mines a valid child of `parent` (or of the chain's tip): reward first (sender "0", nonce = index, amount =
 * params.reward), then `transactions`; expected difficulty; proof searched from 0. The block is not added.
 * @throws {Error} when neither `chain` nor `parent` is given.
 */
export function mineBlock(options: MineBlockOptions): Block {
  const { chain } = options;
  const params = options.params ?? chain?.params ?? easyParams;
  const parent = options.parent ?? chain?.tip;
  if (parent === undefined) throw new Error('mineBlock needs a chain or a parent');
  const index = parent.block.header.index + 1;
  const defaultTimestamp =
    options.parent === undefined && chain !== undefined
      ? chain.nextBlockContext().timestamp
      : parent.block.header.timestamp + DEFAULT_BLOCK_SPACING_MS;
  const reward = createRewardTransaction(index, addressOf(options.miner ?? minerWallet), params.reward);
  return sealBlock({
    index,
    timestamp: options.timestamp ?? defaultTimestamp,
    previousHash: parent.hash,
    difficulty: expectedDifficulty(params, parent.block.header),
    transactions: [reward, ...(options.transactions ?? [])],
  });
}

/** The stored block an accepting result ends on. @throws {Error} unless the result is extended, reorg or side. */
export function acceptedTip(result: AddBlockResult): StoredBlock {
  switch (result.status) {
    case 'extended':
    case 'reorg':
      return result.tip;
    case 'side': {
      const last = result.added[result.added.length - 1];
      if (last !== undefined) return last;
      break;
    }
    default:
      break;
  }
  throw new Error(`expected the block to be accepted, got ${JSON.stringify(result, bigintReplacer)}`);
}

/** Adds a block and returns it as stored. @throws {Error} when the chain does not accept it. */
export function addBlockOrThrow(chain: Chain, block: Block): StoredBlock {
  return acceptedTip(chain.addBlock(block));
}

/** Mines a block on the chain's tip (or `options.parent`), adds it, and returns it as stored. @throws {Error} when refused. */
export function extendChain(chain: Chain, options: Omit<MineBlockOptions, 'chain'> = {}): StoredBlock {
  return addBlockOrThrow(chain, mineBlock({ ...options, chain }));
}

/** Options of `buildBranch`. */
export interface BuildBranchOptions {
  /** Receives every reward (default `minerWallet`). */
  readonly miner?: TestWallet | string;
  /** Parameters (default `easyParams`). */
  readonly params?: ChainParams;
  /** Transfers of the i-th block of the branch (0-based), after its reward. */
  readonly transactionsAt?: (position: number) => readonly Transaction[];
  /** Time between blocks in ms (default DEFAULT_BLOCK_SPACING_MS). */
  readonly spacingMs?: number;
}

/** Mines `count` linked blocks on top of `parent` without adding them anywhere (for addBlocks and fork tests). */
export function buildBranch(parent: ParentRef, count: number, options: BuildBranchOptions = {}): Block[] {
  const blocks: Block[] = [];
  let current = parent;
  for (let position = 0; position < count; position++) {
    const block = mineBlock({
      parent: current,
      params: options.params ?? easyParams,
      miner: options.miner ?? minerWallet,
      transactions: options.transactionsAt?.(position) ?? [],
      timestamp: current.block.header.timestamp + (options.spacingMs ?? DEFAULT_BLOCK_SPACING_MS),
    });
    blocks.push(block);
    current = asParent(block);
  }
  return blocks;
}

/** Options of `buildChain`: those of `createTestChain` and `buildBranch`. */
export interface BuildChainOptions extends TestChainOptions {
  /** Receives every reward (default `minerWallet`). */
  readonly miner?: TestWallet | string;
  /** Transfers of the i-th mined block (0-based; block index i + 2), after its reward. */
  readonly transactionsAt?: (position: number) => readonly Transaction[];
}

/** A test chain with the blocks mined on it, lowest first (genesis excluded). */
export interface BuiltChain extends TestChain {
  readonly blocks: readonly StoredBlock[];
}

/**
 * Creates a test chain and mines `count` blocks on it, one after the other (so its height is count + 1), each
 * DEFAULT_BLOCK_SPACING_MS after its parent. @throws {Error} when a block is refused.
 */
export function buildChain(count: number, options: BuildChainOptions = {}): BuiltChain {
  const testChain = createTestChain(options);
  const blocks = buildBranch(testChain.chain.tip, count, {
    params: testChain.params,
    ...(options.miner === undefined ? {} : { miner: options.miner }),
    ...(options.transactionsAt === undefined ? {} : { transactionsAt: options.transactionsAt }),
  }).map((block) => addBlockOrThrow(testChain.chain, block));
  return { ...testChain, blocks };
}

/** The merkle root of some transactions (a shortcut for tests that forge headers). */
export function merkleRootOf(transactions: readonly Transaction[]): string {
  return computeMerkleRoot(transactions.map((tx) => transactionId(tx)));
}

/** JSON.stringify replacer that prints bigints (StoredBlock.totalWork) as strings. */
export function bigintReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}
