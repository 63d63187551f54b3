import { describe, expect, it } from 'vitest';
import { blockHash } from '../../src/chain/block.js';
import type { Chain } from '../../src/chain/chain.js';
import type { Block } from '../../src/chain/types.js';
import { PeerUnreachableError } from '../../src/peer/peerApi.js';
import { type SyncOutcome, type SyncTarget, syncFromPeer } from '../../src/peer/syncFromPeer.js';
import { asParent, buildBranch, buildChain, createTestChain, mineBlock, transfer } from '../helpers/chainBuilder.js';
import { chainSyncTarget } from '../helpers/chainSyncTarget.js';
import { createFixedClock } from '../helpers/clock.js';
import { alice, bob } from '../helpers/keys.js';
import { FakePeer, type FakePeerBehaviour } from './fakePeer.js';

// A long sync downloads the next pages while it validates the earlier ones. Whatever the timing, it must report the
// first error in chain order, connect nothing after it, and stop asking the peer for more.

const PEER_URL = 'http://127.0.0.1:9/graphql';
/** Pages of 10 blocks: the peer's 40 blocks after genesis (indexes 2..41) are 4 pages, each one chunk. */
const LIMITS = { pageSize: 10, maxBlocks: 1_000 };

/**
 * A fake peer whose page requests can be held unanswered: `gate(n)` holds the n-th request (1-based) until opened;
 * `failAt(n)` makes the n-th fail as an unreachable peer's.
 */
class GatedPeer extends FakePeer {
  readonly requested: number[] = [];
  readonly #gates = new Map<number, { opened: Promise<void>; open: () => void }>();
  #failAt = 0;

  failAt(request: number): void {
    this.#failAt = request;
  }

  constructor(source: Chain, behaviour: FakePeerBehaviour = {}) {
    super(PEER_URL, source, behaviour);
  }

  gate(request: number): () => void {
    let open = () => {};
    const opened = new Promise<void>((resolve) => {
      open = resolve;
    });
    this.#gates.set(request, { opened, open });
    return open;
  }

  override async blocksAfter(afterIndex: number, count: number): Promise<Block[]> {
    this.requested.push(afterIndex);
    await this.#gates.get(this.requested.length)?.opened;
    if (this.requested.length === this.#failAt) throw new PeerUnreachableError('connection reset');
    return super.blocksAfter(afterIndex, count);
  }
}

/** A sync target over a bare chain that records the first block index of each chunk it was given. */
function targetOf(chain: Chain) {
  const chunks: number[] = [];
  const target = chainSyncTarget(chain, (blocks: readonly Block[]) => {
    chunks.push(blocks[0]!.header.index);
    return chain.addBlocks(blocks);
  });
  return { target, chunks };
}

/** Lets other macrotasks run until `done` holds (a bounded number of turns, no timers). */
async function turnsUntil(done: () => boolean): Promise<void> {
  for (let turn = 0; turn < 1_000 && !done(); turn++) await new Promise((resolve) => setImmediate(resolve));
  expect(done()).toBe(true);
}

/** The peer's chain: 40 blocks after genesis, block 15 (in the second page) spending coins bob does not have. */
function chainWithInvalidBlock15() {
  const clock = createFixedClock();
  const honest = buildChain(40, { clock }).chain;
  const bad = mineBlock({
    parent: asParent(honest.getBlockAt(14)!.block),
    miner: bob,
    transactions: [transfer(bob, alice, 5, 0)],
  });
  const tampered = [bad, ...buildBranch(asParent(bad), 41 - 15)];
  const behaviour: FakePeerBehaviour = {
    status: (s) => ({ ...s, tipHash: blockHash(tampered.at(-1)!.header) }),
    blocks: (page) => page.map((block) => (block.header.index >= 15 ? tampered[block.header.index - 15]! : block)),
  };
  return { clock, honest, tampered, behaviour };
}

describe('a sync downloads ahead while it validates', () => {
  it('validates the first pages while a later page is still on its way', async () => {
    const clock = createFixedClock();
    const source = buildChain(40, { clock }).chain;
    const { chain } = createTestChain({ clock });
    const { target, chunks } = targetOf(chain);
    const peer = new GatedPeer(source);
    const openThird = peer.gate(3);
    const sync = syncFromPeer(peer, target, LIMITS);
    // The third page is held by the peer: the first (released once the second linked to it) is validated meanwhile.
    await turnsUntil(() => chunks.length === 1 && peer.requested.length === 3);
    expect(peer.requested).toEqual([1, 11, 21]);
    expect(chunks).toEqual([2]);
    expect(chain.height).toBe(11);
    openThird();
    const outcome = await sync;
    expect(outcome.outcome).toBe('ADOPTED');
    expect(outcome.blocksFetched).toBe(40);
    expect(chunks).toEqual([2, 12, 22, 32]);
    expect(chain.tip.hash).toBe(source.tip.hash);
  });

  it('never has more than PAGES_AHEAD pages downloaded and not validated', async () => {
    const clock = createFixedClock();
    const source = buildChain(80, { clock }).chain;
    const { chain } = createTestChain({ clock });
    const peer = new GatedPeer(source);
    const requestedWhenValidating: number[] = [];
    const { target } = targetOf(chain);
    const addBlocks = target.addBlocks;
    const counting: SyncTarget = {
      ...target,
      addBlocks: (blocks) => {
        requestedWhenValidating.push(peer.requested.length);
        return addBlocks(blocks);
      },
    };
    const outcome = await syncFromPeer(peer, counting, LIMITS);
    expect(outcome.outcome).toBe('ADOPTED');
    // When chunk k (0-based, one page each) is validated, at most pages k..k+2 were requested.
    for (const [k, requested] of requestedWhenValidating.entries()) expect(requested).toBeLessThanOrEqual(k + 3);
  });
});

describe('an error part-way through an overlapped sync', () => {
  it('reports the invalid block of page 2 while page 4 is in flight, connects nothing after it and does not wait for page 4', async () => {
    const { clock, honest, tampered, behaviour } = chainWithInvalidBlock15();
    const { chain } = createTestChain({ clock });
    const { target, chunks } = targetOf(chain);
    const peer = new GatedPeer(honest, behaviour);
    const openFourth = peer.gate(4);
    const outcome: SyncOutcome = await syncFromPeer(peer, target, LIMITS);
    expect(peer.requested).toEqual([1, 11, 21, 31]);
    expect(outcome.outcome).toBe('REFUSED');
    expect(outcome.message).toMatch(/^INSUFFICIENT_BALANCE: block 15 /);
    expect(outcome.message).toMatch(/; the valid blocks before it were kept \(our tip 11 /);
    expect(chunks).toEqual([2, 12]);
    expect(chain.tip.hash).toBe(honest.getBlockAt(11)!.hash);
    // Page 3 was downloaded (its arrival released page 2) but nothing of it was connected.
    expect(chain.getBlock(blockHash(tampered[22 - 15]!.header))).toBeUndefined();
    // The answer to the request still in flight is dropped.
    openFourth();
    await turnsUntil(() => true);
    expect(chunks).toEqual([2, 12]);
    expect(peer.requested).toHaveLength(4);
  });

  it('reports the same error as a sync that downloads the whole run first', async () => {
    const { clock, honest, behaviour } = chainWithInvalidBlock15();
    const outcomes: SyncOutcome[] = [];
    // Chunks of 10 blocks both ways: one page of 1,000 (nothing to overlap) and pages of 10 (overlapped).
    for (const pageSize of [1_000, 10]) {
      const { chain } = createTestChain({ clock });
      const { target } = targetOf(chain);
      const outcome = await syncFromPeer(new FakePeer(PEER_URL, honest, behaviour), target, {
        pageSize,
        maxBlocks: 1_000,
        maxChunkTransactions: 10,
      });
      outcomes.push({ ...outcome, blocksFetched: 0 });
    }
    expect(outcomes[1]).toEqual(outcomes[0]);
  });

  it('keeps the valid pages before a peer that fails part-way, and nothing of the page it held back', async () => {
    const clock = createFixedClock();
    const source = buildChain(40, { clock }).chain;
    const { chain } = createTestChain({ clock });
    const { target, chunks } = targetOf(chain);
    const peer = new GatedPeer(source);
    peer.failAt(4);
    const outcome = await syncFromPeer(peer, target, LIMITS);
    expect(outcome.outcome).toBe('UNREACHABLE');
    expect(outcome.message).toMatch(/^connection reset; the valid blocks before it were kept \(our tip 21 /);
    expect(chunks).toEqual([2, 12]);
    expect(chain.tip.hash).toBe(source.getBlockAt(21)!.hash);
    expect(chain.getBlock(source.getBlockAt(22)!.hash)).toBeUndefined();
  });

  it('reports an invalid block before a later broken link, and keeps nothing after the invalid block', async () => {
    const { clock, honest, behaviour } = chainWithInvalidBlock15();
    const { chain } = createTestChain({ clock });
    const { target } = targetOf(chain);
    // Page 4 no longer links to page 3.
    const peer = new FakePeer(PEER_URL, honest, {
      ...behaviour,
      blocks: (page) => {
        const served = behaviour.blocks!(page);
        return served.map((block) =>
          block.header.index === 32 ? { ...block, header: { ...block.header, previousHash: '00'.repeat(32) } } : block,
        );
      },
    });
    const outcome = await syncFromPeer(peer, target, LIMITS);
    expect(outcome.outcome).toBe('REFUSED');
    expect(outcome.message).toMatch(/^INSUFFICIENT_BALANCE: block 15 /);
    expect(chain.tip.hash).toBe(honest.getBlockAt(11)!.hash);
  });
});
