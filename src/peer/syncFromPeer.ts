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
  /**
   * The peer could not be reached in time. When it failed part-way through a download of several pages, the valid
   * blocks of the pages before are kept (the message says when they became our best chain).
   */
  | 'UNREACHABLE'
  /**
   * The peer served something invalid, lied, or is on another network. Of a chain with an invalid block, nothing from
   * that block on is kept (valid chunks before it stay, and the message says when they had already become our best
   * chain, having more work than ours). Of a chain that breaks its claims (or breaks off), nothing of its last page:
   * nothing at all when it fits in one page, else only the valid blocks of the pages before.
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
 * request, downloads the blocks after it in bounded pages of compact encodings and, while the next pages download,
 * adds the run in chunks through `addBlocks` (each validated all or nothing; the best chain switches in one step when
 * the peer's branch overtakes ours), then checks the claims. A peer's claimed height and work only decide whether to
 * look; they are never trusted.
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
    const claimed = status;
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

    // Download and validation overlap: the next pages are fetched (and their headers checked) while the chunks of
    // earlier ones are validated, at most PAGES_AHEAD pages ahead. The newest page is held back until the page after
    // it links to it, or until the claimed tip is confirmed: a run that fits in one page is thus never added before
    // the peer's claims are checked (as before the overlap), and a peer whose chain breaks off or ends elsewhere only
    // ever gets the pages before the last one added. What stops the download (a header rule, a broken link or claim,
    // the peer failing) is reported once every released block before it was validated, so the first error in chain
    // order is the one reported, whatever the timing.
    let previous = ancestor;
    let held: readonly Block[] = [];
    /** Released blocks not validated yet, from `released[releasedStart]` on. */
    let released: Block[] = [];
    let releasedStart = 0;
    let validated = 0;
    let downloadEnd: { readonly failure?: SyncOutcome } | undefined;
    /** Set when validation refused a chunk: the download stops and whatever it still receives is dropped. */
    let stopped = false;
    const blocksReleased = new Wakeup();
    const chunkValidated = new Wakeup();
    const release = (blocks: readonly Block[]) => {
      if (blocks.length === 0) return;
      released = released.slice(releasedStart);
      releasedStart = 0;
      released.push(...blocks);
      blocksReleased.notify();
    };
    const endDownload = (failure?: SyncOutcome) => {
      downloadEnd = failure === undefined ? {} : { failure };
      blocksReleased.notify();
    };

    const download = async (): Promise<void> => {
      while (previous.index < claimed.height) {
        // Memory stays bounded: a request starts only while fewer than PAGES_AHEAD pages wait for validation.
        while (!stopped && fetched - validated > (PAGES_AHEAD - 1) * limits.pageSize) await chunkValidated.wait();
        if (stopped) return;
        const count = Math.min(limits.pageSize, claimed.height - previous.index);
        const page = await peer.blocksAfter(previous.index, count);
        if (stopped) return;
        if (page.length === 0) break;
        if (page.length > count) throw new PeerProtocolError(`asked for ${count} blocks, got ${page.length}`);
        let last = previous;
        for (let i = 0; i < page.length; i++) {
          // Let queries and gossip through while a page's headers are checked and its signature checks are cut.
          if (i > 0 && i % HEADER_SLICE === 0) {
            lookahead?.add(page.slice(i - HEADER_SLICE, i));
            await yieldToEventLoop();
            if (stopped) return;
          }
          const { header } = page[i]!;
          if (header.index !== last.index + 1 || header.previousHash !== last.hash) {
            throw new PeerProtocolError(`block ${header.index} does not follow block ${last.index} ${last.hash}`);
          }
          // Cheap header rules now, page by page: a peer cannot make us buffer (let alone verify) blocks without
          // real proof of work at the network's difficulty floor.
          const problem = target.checkHeader(page[i]!);
          if (problem !== undefined) return endDownload(report('REFUSED', `${problem} (block ${header.index})`));
          last = { index: header.index, hash: blockHash(header) };
        }
        lookahead?.add(page.slice(Math.floor((page.length - 1) / HEADER_SLICE) * HEADER_SLICE));
        previous = last;
        fetched += page.length;
        // This page links to the one held back: that one goes to validation, this one waits for the next.
        release(held);
        held = page;
        await yieldToEventLoop();
      }
      if (previous.hash !== claimed.tipHash || previous.index !== claimed.height) {
        return endDownload(
          report(
            'REFUSED',
            `CLAIM_MISMATCH: the peer claimed tip ${claimed.height} ${claimed.tipHash}` +
              ` but served a chain ending at ${previous.index} ${previous.hash}`,
          ),
        );
      }
      release(held);
      held = [];
      endDownload();
    };
    const downloading = download().catch((error: unknown) => {
      const failure = contactFailure(error);
      endDownload(report(failure.status, failure.message));
    });

    // The run is added in chunks (at most a page of blocks or MAX_CHUNK_TRANSACTIONS transactions), each validated all
    // or nothing, with a yield between chunks: a long sync never holds the event loop for more than one chunk. Until
    // the peer's branch overtakes ours its chunks are kept as a side branch (the chain carries that branch's ledger
    // from chunk to chunk); the best chain then switches in one step. Chunks are cut exactly as from the whole run: a
    // chunk that could still grow waits for the next page.
    let adopted: string | undefined;
    let sawSide = false;
    try {
      for (;;) {
        const end = chunkEnd(released, releasedStart, limits.pageSize, maxChunkTransactions, downloadEnd !== undefined);
        if (end === undefined) {
          if (downloadEnd !== undefined) break;
          await blocksReleased.wait();
          continue;
        }
        const chunk = released.slice(releasedStart, end);
        releasedStart = end;
        // Every chunk in a turn of its own, the first too: validation is woken in the turn that decoded a page.
        await yieldToEventLoop();
        if (lookahead !== undefined) await lookahead.ready(validated + chunk.length);
        const result = target.addBlocks(chunk);
        validated += chunk.length;
        lookahead?.validated(validated);
        chunkValidated.notify();
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
    } finally {
      stopped = true;
      chunkValidated.notify();
    }
    await downloading;
    const failure = downloadEnd?.failure;
    if (failure !== undefined) return { ...failure, message: `${failure.message}${keptNote(adopted)}` };
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

/**
 * Most pages downloaded and not yet validated, the one in flight included: the one being validated, the next (held
 * back until the page after it links to it) and the one after, so validation never waits for a page that could have
 * been fetched meanwhile.
 */
export const PAGES_AHEAD = 3;

/** Blocks whose headers are checked in one go before the download yields to the event loop. */
const HEADER_SLICE = 250;

/**
 * Where the chunk starting at `start` ends: at most `maxBlocks` blocks and (unless one block alone has more)
 * `maxTransactions` transactions. Undefined when no block waits, or when the chunk could still grow with blocks not
 * downloaded yet (unless `final`): chunks are then cut exactly as if the whole run were at hand.
 */
function chunkEnd(
  blocks: readonly Block[],
  start: number,
  maxBlocks: number,
  maxTransactions: number,
  final: boolean,
): number | undefined {
  if (start >= blocks.length) return undefined;
  let end = start;
  let transactions = 0;
  while (end - start < maxBlocks) {
    if (end === blocks.length) return final ? end : undefined;
    const count = blocks[end]!.transactions.length;
    if (end > start && transactions + count > maxTransactions) break;
    transactions += count;
    end += 1;
  }
  return end;
}

/** One waiter at a time, woken by the next `notify` (a sync's download and validation wait for each other). */
class Wakeup {
  #waiter: (() => void) | undefined;

  wait(): Promise<void> {
    return new Promise((resolve) => {
      this.#waiter = resolve;
    });
  }

  notify(): void {
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.();
  }
}

/** Says that valid blocks adopted before a refusal stay (they are a valid chain with more work than we had). */
function keptNote(adopted: string | undefined): string {
  return adopted === undefined ? '' : `; the valid blocks before it were kept (our ${adopted})`;
}
