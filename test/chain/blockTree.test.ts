import { describe, expect, it } from 'vitest';
import { blockHash } from '../../src/chain/block.js';
import { backfillBlockIndex } from '../../src/chain/db/backfillBlockIndex.js';
import { ChainDb } from '../../src/chain/db/chainDb.js';
import { del, MemoryKeyValueStore } from '../../src/chain/db/keyValue.js';
import { Keys, prefixEnd, Table } from '../../src/chain/db/records.js';
import type { Block } from '../../src/chain/types.js';
import { addBlockOrThrow, asParent, buildBranch, createTestChain } from '../helpers/chainBuilder.js';
import { createFixedClock, DEFAULT_CLOCK_START } from '../helpers/clock.js';
import { alice, bob, carol } from '../helpers/keys.js';

// The block tree (Chain.getBlockTreeHashes, the blockTree query's engine) lists every stored block of an index range,
// side branches included, best block first at each index; each block carries its arrival when the node knew it.

const hashOf = (block: Block): string => blockHash(block.header);

/** G, then A2–A4 (best, by alice) and B3–B4 off A2 (by bob, one block short of winning); C4 off A3 (by carol). */
function forkedChain() {
  const { chain, clock } = createTestChain();
  const trunk = buildBranch(chain.genesis, 3, { miner: alice });
  const side = buildBranch(asParent(trunk[0]!), 2, { miner: bob });
  const [c4] = buildBranch(asParent(trunk[1]!), 1, { miner: carol });
  for (const block of [...trunk, ...side, c4!]) addBlockOrThrow(chain, block);
  return { chain, clock, trunk, side, c4: c4! };
}

/** The expected order at one index: the best hash, then the others sorted. */
const atIndex = (best: string, ...others: string[]) => [best, ...others.sort()];

describe('the block tree', () => {
  it('lists every stored block of the range, side branches included, best first at each index then by hash', () => {
    const { chain, trunk, side, c4 } = forkedChain();
    const [a2, a3, a4] = trunk.map(hashOf);
    const [b3, b4] = side.map(hashOf);
    expect(chain.getBlockTreeHashes(1, 10)).toEqual([
      chain.genesis.hash,
      a2,
      ...atIndex(a3!, b3!),
      ...atIndex(a4!, b4!, hashOf(c4)),
    ]);
    expect(chain.getBlockTreeHashes(3, 3)).toEqual(atIndex(a3!, b3!));
    expect(chain.getBlockTreeHashes(4, 4).filter((hash) => chain.isBest(hash))).toEqual([a4]);
  });

  it('answers an empty list for a range past the tip, a reversed range, or one below genesis', () => {
    const { chain } = forkedChain();
    expect(chain.getBlockTreeHashes(5, 100)).toEqual([]);
    expect(chain.getBlockTreeHashes(4, 3)).toEqual([]);
    expect(chain.getBlockTreeHashes(-5, 0)).toEqual([]);
    expect(chain.getBlockTreeHashes(0, 1)).toEqual([chain.genesis.hash]);
    expect(chain.getBlockTreeHashes(4, 2 ** 32 - 1)).toHaveLength(3);
  });

  it('keeps both branches through a reorganization, and the new best block comes first at its index', () => {
    const { chain, trunk, side } = forkedChain();
    const b5 = buildBranch(asParent(side[1]!), 2, { miner: bob });
    expect(chain.addBlocks(b5).status).toBe('reorg');
    const tree = chain.getBlockTreeHashes(3, 6);
    expect(tree).toHaveLength(7);
    for (const block of [...trunk.slice(1), ...side, ...b5]) expect(tree).toContain(hashOf(block));
    expect(tree[0]).toBe(hashOf(side[0]!));
    expect(tree.filter((hash) => chain.isBest(hash))).toEqual([...side, ...b5].map(hashOf));
  });

  it('records when and from where each block arrived, and nothing when the caller does not say', () => {
    const clock = createFixedClock();
    const { chain } = createTestChain({ clock });
    expect(chain.getArrival(chain.genesis.hash)).toEqual({
      source: 'genesis',
      peer: null,
      seenAt: DEFAULT_CLOCK_START,
    });
    const [a2, a3, a4] = buildBranch(chain.genesis, 3, { miner: alice });
    clock.advance(5_000);
    expect(chain.addBlock(a2!, undefined, { source: 'mined', peer: null }).status).toBe('extended');
    clock.advance(5_000);
    const from = 'http://127.0.0.1:4001/graphql';
    expect(chain.addBlocks([a3!, a4!], [], { source: 'sync', peer: from }).status).toBe('extended');
    expect(chain.getArrival(hashOf(a2!))).toEqual({ source: 'mined', peer: null, seenAt: DEFAULT_CLOCK_START + 5_000 });
    expect(chain.getArrival(hashOf(a4!))).toEqual({ source: 'sync', peer: from, seenAt: DEFAULT_CLOCK_START + 10_000 });
    const [side] = buildBranch(asParent(a2!), 1, { miner: bob });
    expect(chain.addBlock(side!).status).toBe('side');
    expect(chain.getArrival(hashOf(side!))).toBeUndefined();
    expect(chain.getArrival('ab'.repeat(32))).toBeUndefined();
  });

  it('keeps the first arrival: a block that comes again from elsewhere is a duplicate and changes nothing', () => {
    const clock = createFixedClock();
    const { chain } = createTestChain({ clock });
    const [a2] = buildBranch(chain.genesis, 1, { miner: alice });
    chain.addBlock(a2!, undefined, { source: 'gossip', peer: 'http://127.0.0.1:4001/graphql' });
    clock.advance(1_000);
    expect(chain.addBlock(a2!, undefined, { source: 'sync', peer: 'http://127.0.0.1:4002/graphql' }).status).toBe(
      'duplicate',
    );
    expect(chain.getArrival(hashOf(a2!))).toEqual({
      source: 'gossip',
      peer: 'http://127.0.0.1:4001/graphql',
      seenAt: DEFAULT_CLOCK_START,
    });
  });
});

describe('the block index backfill (store format 2 to 3)', () => {
  /** A store holding the forked chain as format 2 wrote it: blocks, but no blockAt entries. */
  function formatTwoStore() {
    const kv = new MemoryKeyValueStore();
    const expected = forkedChainOn(kv).chain.getBlockTreeHashes(1, 10);
    const blockAt = Keys.table(Table.blockAt);
    const keys = [...kv.range(blockAt, prefixEnd(blockAt))].map(([key]) => key);
    kv.batch(keys.map((key) => del(key)));
    return { kv, expected, count: 7 };
  }

  function forkedChainOn(kv: MemoryKeyValueStore) {
    const { chain } = createTestChain({ db: new ChainDb(kv) });
    const trunk = buildBranch(chain.genesis, 3, { miner: alice });
    const side = buildBranch(asParent(trunk[0]!), 2, { miner: bob });
    const [c4] = buildBranch(asParent(trunk[1]!), 1, { miner: carol });
    for (const block of [...trunk, ...side, c4!]) addBlockOrThrow(chain, block);
    return { chain, trunk, side, c4 };
  }

  it('indexes every stored block of a store written without the index, side branches included', () => {
    const { kv, expected, count } = formatTwoStore();
    expect(createTestChain({ db: new ChainDb(kv) }).chain.getBlockTreeHashes(1, 10)).toEqual([]);
    expect(backfillBlockIndex(kv)).toBe(count);
    const { chain } = createTestChain({ db: new ChainDb(kv) });
    expect(chain.getBlockTreeHashes(1, 10)).toEqual(expected);
    expect(expected).toHaveLength(count);
    // Their arrival was never recorded: unknown, not made up.
    for (const hash of expected) expect(chain.getArrival(hash)).toBeUndefined();
  });

  it('reads and writes in batches, resuming after the last block of each', () => {
    const { kv, expected, count } = formatTwoStore();
    expect(backfillBlockIndex(kv, 2)).toBe(count);
    expect(createTestChain({ db: new ChainDb(kv) }).chain.getBlockTreeHashes(1, 10)).toEqual(expected);
  });

  it('is idempotent and leaves recorded arrivals alone (a crash part-way is repaired by running it again)', () => {
    const kv = new MemoryKeyValueStore();
    const { chain } = createTestChain({ db: new ChainDb(kv) });
    const [a2] = buildBranch(chain.genesis, 1, { miner: alice });
    chain.addBlock(a2!, undefined, { source: 'mined', peer: null });
    kv.batch([del(Keys.blockAt(1, chain.genesis.hash))]);
    expect(backfillBlockIndex(kv)).toBe(1);
    expect(backfillBlockIndex(kv)).toBe(0);
    expect(chain.getBlockTreeHashes(1, 2)).toEqual([chain.genesis.hash, hashOf(a2!)]);
    expect(chain.getArrival(hashOf(a2!))?.source).toBe('mined');
    expect(chain.getArrival(chain.genesis.hash)).toBeUndefined();
  });
});
