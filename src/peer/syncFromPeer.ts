import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { blockHash } from '../chain/block.js';
import type { AddBlockResult } from '../chain/chain.js';
import type { Block } from '../chain/types.js';
import {
  contactFailure,
  type PeerApi,
  type PeerChainStatus,
  PeerProtocolError,
  PeerUnreachableError,
} from './peerApi.js';
import { type Preverify, SignatureLookahead, type VerifyQueued } from './signatureLookahead.js';

export { PeerUnreachableError };

/** What syncing from one peer did. */
export type SyncOutcomeKind =
  /** Our best chain switched to (or was extended by) the peer's chain. */
  | 'ADOPTED'
  /** The peer's tip is our tip. */
  | 'IN_SYNC'
  /** We already have the peer's tip, or the peer claims no more work than we have. */
  | 'AHEAD'
  /** The peer could not be reached in time. */
  | 'UNREACHABLE'
  /**
   * The peer served something invalid, lied, or is on another network. Nothing of a chain that breaks its claims is
   * kept; of a chain with an invalid block, nothing from that block on (valid chunks before it stay, and the message
   * says when they had already become our best chain, having more work than ours).
   */
  | 'REFUSED';

/** The report of one sync. */
export interface SyncOutcome {
  readonly url: string;
  readonly outcome: SyncOutcomeKind;
  /** A sentence saying what happened, naming the rule when something was refused. */
  readonly message: string;
  readonly blocksFetched: number;
  /** The peer's own report, when it answered. */
  readonly status: PeerChainStatus | null;
}

/** The node as sync sees it. */
export interface SyncTarget {
  readonly genesisHash: string;
  readonly address: string;
  tip(): { readonly index: number; readonly hash: string; readonly totalWork: bigint };
  hasBlock(hash: string): boolean;
  /** Our best-chain locator (see src/chain/locator.ts). */
  locator(): string[];
  /** Validates and adds a linked run of blocks atomically (Chain.addBlocks plus the node's bookkeeping). */
  addBlocks(blocks: readonly Block[]): AddBlockResult;
  /** The header rules a block can be judged on alone (proof of work, difficulty floor, …): a reason, or undefined. */
  checkHeader(block: Block): string | undefined;
  /**
   * Checks the signatures of blocks ahead of `addBlocks` on other threads (the node's SignaturePool), recording only
   * what is valid; `addBlocks` still decides. Without it every signature is checked by `addBlocks` on the event loop.
   */
  readonly preverify?: Preverify;
  /** Checks on this thread one batch of signatures still waiting for a worker, while sync waits (see preverify). */
  readonly verifyQueued?: VerifyQueued;
}

/** Bounds of one sync. */
export interface SyncLimits {
  /** Blocks per request (the server's cap is 1000; it may send fewer to stay under its byte budget). */
  readonly pageSize: number;
  /** Most blocks one sync downloads. */
  readonly maxBlocks: number;
  /** Most transactions validated in one chunk (default MAX_CHUNK_TRANSACTIONS). */
  readonly maxChunkTransactions?: number;
}

export const DEFAULT_SYNC_LIMITS: SyncLimits = { pageSize: 1_000, maxBlocks: 100_000 };

/**
 * Brings our chain up to a peer's if the peer's chain is valid and has more work: reads its status (a few hundred
 * bytes, which is all an in-sync resolve costs), sends our block locator to find the newest shared block in one
 * request, downloads the blocks after it in bounded pages of compact encodings, checks the claims, then adds the run
 * in chunks through `addBlocks` (each validated all or nothing; the best chain switches in one step when the peer's
 * branch overtakes ours). A peer's claimed height and work only decide whether to look; they are never trusted.
 */
export async function syncFromPeer(
  peer: PeerApi,
  target: SyncTarget,
  limits: SyncLimits = DEFAULT_SYNC_LIMITS,
): Promise<SyncOutcome> {
  let status: PeerChainStatus | null = null;
  let fetched = 0;
  const report = (outcome: SyncOutcomeKind, message: string): SyncOutcome => ({
    url: peer.url,
    outcome,
    message,
    blocksFetched: fetched,
    status,
  });
  try {
    status = await peer.status();
    if (status.genesisHash !== target.genesisHash) {
      const mismatch = `the peer's genesis ${status.genesisHash} is not ours (${target.genesisHash})`;
      return report('REFUSED', `GENESIS_MISMATCH: ${mismatch}`);
    }
    if (status.address === target.address) return report('REFUSED', 'SELF: this URL points at this node itself');
    const ours = target.tip();
    if (status.tipHash === ours.hash) return report('IN_SYNC', `both tips are block ${ours.index} ${ours.hash}`);
    if (target.hasBlock(status.tipHash)) return report('AHEAD', `we already have the peer's tip ${status.tipHash}`);
    const claimedWork = BigInt(status.totalWork);
    if (claimedWork <= ours.totalWork) {
      return report('AHEAD', `the peer claims ${status.totalWork} work, not more than our ${ours.totalWork}`);
    }

    const ancestor = await peer.commonAncestor(target.locator());
    if (ancestor === null) throw new PeerProtocolError('the peer shares no block of our locator, not even genesis');
    if (!target.hasBlock(ancestor.hash)) {
      throw new PeerProtocolError(`the peer named ${ancestor.hash}, which is not in our locator`);
    }
    const wanted = status.height - ancestor.index;
    if (wanted > limits.maxBlocks) {
      const limit = limits.maxBlocks;
      return report('REFUSED', `the peer's chain is ${wanted} blocks past our shared block; the limit is ${limit}`);
    }
    const blocks: Block[] = [];
    const maxChunkTransactions = limits.maxChunkTransactions ?? MAX_CHUNK_TRANSACTIONS;
    // Signatures are checked on worker threads as pages arrive and while earlier chunks are validated (pipelining);
    // only blocks whose headers passed are handed over, so a peer cannot make the workers verify without real work.
    const lookahead =
      target.preverify === undefined
        ? undefined
        : new SignatureLookahead(
            target.preverify,
            {
              pieceBlocks: limits.pageSize,
              pieceTransactions: maxChunkTransactions,
              aheadTransactions: LOOKAHEAD_TRANSACTIONS,
            },
            target.verifyQueued,
          );
    let previous = ancestor;
    while (previous.index < status.height) {
      const count = Math.min(limits.pageSize, status.height - previous.index);
      const page = await peer.blocksAfter(previous.index, count);
      if (page.length === 0) break;
      if (page.length > count) throw new PeerProtocolError(`asked for ${count} blocks, got ${page.length}`);
      for (const block of page) {
        const { header } = block;
        if (header.index !== previous.index + 1 || header.previousHash !== previous.hash) {
          throw new PeerProtocolError(`block ${header.index} does not follow block ${previous.index} ${previous.hash}`);
        }
        // Cheap header rules now, page by page: a peer cannot make us buffer (let alone verify) blocks without
        // real proof of work at the network's difficulty floor.
        const problem = target.checkHeader(block);
        if (problem !== undefined) return report('REFUSED', `${problem} (block ${header.index})`);
        blocks.push(block);
        previous = { index: header.index, hash: blockHash(header) };
      }
      fetched = blocks.length;
      // Let queries and gossip through between pages of a long download, and between decoding a page and cutting its
      // signature checks (each is a few ms per 1,000 blocks, and together they were one of a sync's longest turns).
      await yieldToEventLoop();
      lookahead?.add(page);
    }
    if (previous.hash !== status.tipHash || previous.index !== status.height) {
      return report(
        'REFUSED',
        `CLAIM_MISMATCH: the peer claimed tip ${status.height} ${status.tipHash}` +
          ` but served a chain ending at ${previous.index} ${previous.hash}`,
      );
    }

    // The run is added in chunks (at most a page of blocks or MAX_CHUNK_TRANSACTIONS transactions), each validated all
    // or nothing, with a yield between chunks: a long sync never holds the event loop for more than one chunk. Until
    // the peer's branch overtakes ours its chunks are kept as a side branch (the chain carries that branch's ledger
    // from chunk to chunk); the best chain then switches in one step.
    let adopted: string | undefined;
    let sawSide = false;
    let first = true;
    let validated = 0;
    for (const chunk of chunksOf(blocks, limits.pageSize, maxChunkTransactions)) {
      if (!first) await yieldToEventLoop();
      first = false;
      if (lookahead !== undefined) await lookahead.ready(validated + chunk.length);
      const result = target.addBlocks(chunk);
      validated += chunk.length;
      lookahead?.validated(validated);
      switch (result.status) {
        case 'extended':
        case 'reorg':
          adopted = `tip ${result.tip.block.header.index} ${result.tip.hash}`;
          break;
        case 'side':
          sawSide = true;
          break;
        case 'duplicate':
          break;
        case 'orphan':
          return report(
            'REFUSED',
            `the served blocks do not connect to our chain (missing ${result.missingParent})${keptNote(adopted)}`,
          );
        case 'invalid':
          return report(
            'REFUSED',
            `${result.rejection.code}: block ${chunk[result.position]?.header.index ?? '?'} ` +
              `${result.rejection.message}${keptNote(adopted)}`,
          );
      }
    }
    const now = target.tip();
    if (now.hash === previous.hash) {
      return report('ADOPTED', `adopted the peer's chain: ${adopted ?? `tip ${now.index} ${now.hash}`}`);
    }
    if (!sawSide && adopted === undefined) return report('AHEAD', 'we already had every block the peer served');
    if (claimedWork <= now.totalWork) return report('AHEAD', "our chain grew past the peer's while syncing");
    const claim = `the peer claimed ${status.totalWork} work but its chain has less than ours`;
    return report('REFUSED', `CLAIM_MISMATCH: ${claim}`);
  } catch (error) {
    const failure = contactFailure(error);
    return report(failure.status, failure.message);
  }
}

/**
 * Most transactions validated in one go during a sync: their signatures dominate the cost (2,000 held the event loop
 * 115 ms in bench:network), so a chunk is cut at this many transactions or at the page size, whichever comes first.
 * With signatures checked ahead, 500 still held it ~30 ms plus the garbage collector's pauses that land in a chunk:
 * 250 keeps a sync's longest stall well under 50 ms (each chunk remains all or nothing).
 */
export const MAX_CHUNK_TRANSACTIONS = 250;

/** Most transactions whose signatures are checked ahead of validation (a fraction of the 50,000-entry cache). */
export const LOOKAHEAD_TRANSACTIONS = 20_000;

/** Cuts a run into chunks of at most `maxBlocks` blocks and (unless one block alone has more) `maxTransactions`. */
function* chunksOf(blocks: readonly Block[], maxBlocks: number, maxTransactions: number): Generator<readonly Block[]> {
  let start = 0;
  while (start < blocks.length) {
    let end = start;
    let transactions = 0;
    while (end < blocks.length && end - start < maxBlocks) {
      const count = blocks[end]!.transactions.length;
      if (end > start && transactions + count > maxTransactions) break;
      transactions += count;
      end += 1;
    }
    yield blocks.slice(start, end);
    start = end;
  }
}

/** Says that valid blocks adopted before a refusal stay (they are a valid chain with more work than we had). */
function keptNote(adopted: string | undefined): string {
  return adopted === undefined ? '' : `; the valid blocks before it were kept (our ${adopted})`;
}
