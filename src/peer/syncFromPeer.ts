import type { AddBlockResult } from '../chain/chain.js';
import type { Block } from '../chain/types.js';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { blockHash } from '../chain/block.js';
import { PeerProtocolError, PeerUnreachableError, type PeerApi, type PeerChainStatus } from './peerApi.js';

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
  /** The peer served something invalid, lied, or is on another network; nothing of it was kept. */
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
}

/** Bounds of one sync. */
export interface SyncLimits {
  /** Blocks per request (the server's cap is 1000; it may send fewer to stay under its byte budget). */
  readonly pageSize: number;
  /** Most blocks one sync downloads. */
  readonly maxBlocks: number;
}

export const DEFAULT_SYNC_LIMITS: SyncLimits = { pageSize: 1_000, maxBlocks: 100_000 };

/**
 * Brings our chain up to a peer's if the peer's chain is valid and has more work: reads its status (a few hundred
 * bytes, which is all an in-sync resolve costs), sends our block locator to find the newest shared block in one
 * request, downloads the blocks after it in bounded pages of compact encodings, and hands the whole run to
 * `addBlocks`, which validates it and switches atomically or keeps nothing. A peer's claimed height and work only
 * decide whether to look; they are never trusted.
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
      return report('REFUSED', `GENESIS_MISMATCH: the peer's genesis ${status.genesisHash} is not ours (${target.genesisHash})`);
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
    if (!target.hasBlock(ancestor.hash)) throw new PeerProtocolError(`the peer named ${ancestor.hash}, which is not in our locator`);
    const wanted = status.height - ancestor.index;
    if (wanted > limits.maxBlocks) {
      return report('REFUSED', `the peer's chain is ${wanted} blocks past our shared block; the limit is ${limits.maxBlocks}`);
    }
    const blocks: Block[] = [];
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
      // Let queries and gossip through between pages of a long download.
      await yieldToEventLoop();
    }
    if (previous.hash !== status.tipHash || previous.index !== status.height) {
      return report(
        'REFUSED',
        `CLAIM_MISMATCH: the peer claimed tip ${status.height} ${status.tipHash} but served a chain ending at ${previous.index} ${previous.hash}`,
      );
    }

    const result = target.addBlocks(blocks);
    switch (result.status) {
      case 'extended':
      case 'reorg':
        return report('ADOPTED', `adopted the peer's chain: tip ${result.tip.block.header.index} ${result.tip.hash}`);
      case 'duplicate':
        return report('AHEAD', 'we already had every block the peer served');
      case 'side': {
        const now = target.tip();
        if (claimedWork <= now.totalWork) return report('AHEAD', 'our chain grew past the peer\'s while syncing');
        return report('REFUSED', `CLAIM_MISMATCH: the peer claimed ${status.totalWork} work but its chain has less than ours`);
      }
      case 'orphan':
        return report('REFUSED', `the served blocks do not connect to our chain (missing ${result.missingParent})`);
      case 'invalid':
        return report(
          'REFUSED',
          `${result.rejection.code}: block ${blocks[result.position]?.header.index ?? '?'} ${result.rejection.message}`,
        );
    }
  } catch (error) {
    if (error instanceof PeerUnreachableError) return report('UNREACHABLE', error.message);
    const message = error instanceof Error ? error.message : String(error);
    return report('REFUSED', `PROTOCOL_ERROR: ${message}`);
  }
}
