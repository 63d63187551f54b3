import { describe, expect, it } from 'vitest';
import {
  bestChainHashes,
  createForkTree,
  type ForkTreeState,
  layoutForkTree,
  reduceForkTree,
  returnedTransactions,
  type TreeBlock,
  treeWindow,
} from '../../src/dashboard/app/forkTree.js';

/** A block named `name` at `index` on `parent` (hashes are the names, padded: the tree never reads them as hex). */
function block(index: number, name: string, parent: string, transactionCount = 1): TreeBlock {
  return {
    index,
    hash: name,
    previousHash: parent,
    timestamp: 1_700_000_000_000 + index * 1000,
    transactionCount,
    totalWork: String(index * 256 + (name.endsWith('x') ? 1 : 0)),
    firstSeenAt: null,
    origin: 'MINED',
    receivedFrom: null,
  };
}

/** A straight chain named `${prefix}${index}` from `from` to `to`, the first on `parent`. */
function chain(prefix: string, from: number, to: number, parent: string): TreeBlock[] {
  const blocks: TreeBlock[] = [];
  for (let index = from; index <= to; index++) {
    blocks.push(block(index, `${prefix}${index}`, index === from ? parent : `${prefix}${index - 1}`));
  }
  return blocks;
}

function withTree(state: ForkTreeState, from: number, to: number, best: TreeBlock[], side: TreeBlock[] = []) {
  const blocks = [...best.map((b) => ({ ...b, isBest: true })), ...side.map((b) => ({ ...b, isBest: false }))];
  return reduceForkTree(state, { type: 'tree', range: { from, to }, blocks });
}

function rowsByHash(state: ForkTreeState): Record<string, [number, number]> {
  const layout = layoutForkTree(state)!;
  return Object.fromEntries(layout.blocks.map((placed) => [placed.block.hash, [placed.column, placed.row]]));
}

describe('the fork tree state', () => {
  it('refuses a width outside 5 to 200 heights', () => {
    expect(() => createForkTree(4)).toThrow(RangeError);
    expect(() => createForkTree(201)).toThrow(/heights must be an integer from 5 to 200, got 201/);
    expect(createForkTree(5).heights).toBe(5);
  });

  it('draws the best chain as a straight line on row 0, one column per height', () => {
    const state = withTree(createForkTree(10), 1, 4, chain('a', 1, 4, 'genesis-parent'));
    expect(state.tip).toEqual({ index: 4, hash: 'a4' });
    expect(rowsByHash(state)).toEqual({ a1: [0, 0], a2: [1, 0], a3: [2, 0], a4: [3, 0] });
    const layout = layoutForkTree(state)!;
    expect(layout.rows).toBe(1);
    expect(layout.links.map((link) => [link.key, link.from, link.to, link.isBest])).toEqual([
      ['a2', { column: 0, row: 0 }, { column: 1, row: 0 }, true],
      ['a3', { column: 1, row: 0 }, { column: 2, row: 0 }, true],
      ['a4', { column: 2, row: 0 }, { column: 3, row: 0 }, true],
    ]);
  });

  it('draws side branches off the best line, each on the lowest free row over its heights', () => {
    const best = chain('a', 1, 8, 'g');
    // b forks off a2 (heights 3-4), c off a3 (4-5, overlapping b: a row of its own), d off a6 (7: row 1 is free again).
    const side = [...chain('b', 3, 4, 'a2'), ...chain('c', 4, 5, 'a3'), block(7, 'd7', 'a6')];
    const rows = rowsByHash(withTree(createForkTree(10), 1, 8, best, side));
    expect([rows['b3'], rows['b4'], rows['c4'], rows['c5'], rows['d7']]).toEqual([
      [2, 1],
      [3, 1],
      [3, 2],
      [4, 2],
      [6, 1],
    ]);
    expect(layoutForkTree(withTree(createForkTree(10), 1, 8, best, side))!.rows).toBe(3);
  });

  it('continues a forking side branch along its child with the most work and gives the other its own row', () => {
    const best = chain('a', 1, 6, 'g');
    const side = [block(3, 'b3', 'a2'), block(4, 'b4', 'b3'), block(4, 'b4x', 'b3'), block(5, 'b5x', 'b4x')];
    const rows = rowsByHash(withTree(createForkTree(10), 1, 6, best, side));
    expect(rows['b4x']).toEqual([3, 1]);
    expect(rows['b5x']).toEqual([4, 1]);
    expect(rows['b4']).toEqual([3, 2]);
  });

  it('extends the tip with newBlock and asks to read the window again when a parent is missing', () => {
    let state = withTree(createForkTree(10), 1, 3, chain('a', 1, 3, 'g'));
    state = reduceForkTree(state, { type: 'block', block: block(4, 'a4', 'a3') });
    expect(state.tip).toEqual({ index: 4, hash: 'a4' });
    expect(state.refetch).toBeNull();
    state = reduceForkTree(state, { type: 'block', block: block(6, 'a6', 'a5') });
    expect(state.tip).toEqual({ index: 6, hash: 'a6' });
    expect(state.refetch).toEqual({ from: 1, to: 6 });
    state = withTree(state, 1, 6, chain('a', 1, 6, 'g'));
    expect(state.refetch).toBeNull();
    expect([...bestChainHashes(state)]).toEqual(['a6', 'a5', 'a4', 'a3', 'a2', 'a1']);
  });

  it('keeps only the last N heights however many blocks arrive', () => {
    let state = withTree(createForkTree(5), 1, 1, [block(1, 'a1', 'g')]);
    for (let index = 2; index <= 1_000; index++) {
      state = reduceForkTree(state, { type: 'block', block: block(index, `a${index}`, `a${index - 1}`) });
      // a side block at every height, as a busy network would leave
      state = withTree(
        state,
        index,
        index,
        [block(index, `a${index}`, `a${index - 1}`)],
        [block(index, `s${index}`, `a${index - 1}`)],
      );
      expect(state.blocks.size).toBeLessThanOrEqual(10);
    }
    expect(treeWindow(state)).toEqual({ from: 996, to: 1_000 });
    expect(Math.min(...[...state.blocks.values()].map((held) => held.index))).toBe(996);
    // Forks at consecutive heights alternate between two side rows (a branch also takes its parent's column).
    expect(layoutForkTree(state)!.rows).toBe(3);
  });

  it('moves the best line on a reorganization and marks the blocks that left the best chain', () => {
    let state = withTree(createForkTree(10), 1, 5, chain('a', 1, 5, 'g'));
    const reorganization = {
      depth: 2,
      oldTip: { index: 5, hash: 'a5' },
      newTip: { index: 6, hash: 'b6' },
      connected: chain('b', 4, 6, 'a3'),
      disconnected: [
        { index: 5, hash: 'a5' },
        { index: 4, hash: 'a4' },
      ],
    };
    state = reduceForkTree(state, { type: 'reorganization', at: 42, reorganization });
    expect(state.tip).toEqual({ index: 6, hash: 'b6' });
    expect(state.reorganization).toMatchObject({ at: 42, depth: 2, disconnected: ['a5', 'a4'] });
    expect(state.refetch).toEqual({ from: 3, to: 6 });
    const rows = rowsByHash(state);
    expect([rows['b4'], rows['b6'], rows['a4'], rows['a5'], rows['a3']]).toEqual([
      [3, 0],
      [5, 0],
      [3, 1],
      [4, 1],
      [2, 0],
    ]);
    const layout = layoutForkTree(state)!;
    expect(layout.blocks.filter((placed) => placed.disconnected).map((placed) => placed.block.hash)).toEqual([
      'a4',
      'a5',
    ]);
    // The transactions read afterwards: kept for this reorganization, ignored for one that was replaced.
    state = reduceForkTree(state, { type: 'returned', newTip: 'b6', transactions: ['tx-returned'] });
    expect(state.reorganization!.returnedTransactions).toEqual(['tx-returned']);
    expect(reduceForkTree(state, { type: 'returned', newTip: 'a5', transactions: ['x'] })).toBe(state);
  });

  it('counts as returned to the mempool the transfers of the blocks that left, not rewards or re-included ones', () => {
    const left = [
      [
        { id: 'reward-a5', isReward: true },
        { id: 'tx-returned', isReward: false },
      ],
      [
        { id: 'reward-a4', isReward: true },
        { id: 'tx-kept', isReward: false },
      ],
    ];
    const joined = [
      [
        { id: 'reward-b4', isReward: true },
        { id: 'tx-kept', isReward: false },
      ],
    ];
    expect(returnedTransactions(left, joined)).toEqual(['tx-returned']);
  });

  it('shows a branch seen only on a fleet node, ahead of the tip by at most a third of the width, until it is stored here', () => {
    let state = withTree(createForkTree(9), 1, 4, chain('a', 1, 4, 'g'));
    // The other node's branch forks at a2 and runs to height 10; the tree draws up to 4 + 3 = 7.
    state = reduceForkTree(state, { type: 'remoteTree', source: 'http://b/graphql', blocks: chain('b', 3, 10, 'a2') });
    expect(treeWindow(state)).toEqual({ from: 1, to: 7 });
    expect(
      [...state.blocks.values()].filter((held) => held.seenOn === 'http://b/graphql').map((held) => held.hash),
    ).toEqual(['b3', 'b4', 'b5', 'b6', 'b7']);
    expect(rowsByHash(state)['b5']).toEqual([4, 1]);
    // The next answer from that node replaces its previous one.
    state = reduceForkTree(state, { type: 'remoteTree', source: 'http://b/graphql', blocks: chain('b', 3, 4, 'a2') });
    expect([...state.blocks.keys()].filter((hash) => hash.startsWith('b'))).toEqual(['b3', 'b4']);
    // Once this node stores the branch (its own blockTree answer), the blocks are its own.
    state = withTree(state, 1, 5, [...chain('a', 1, 2, 'g'), ...chain('b', 3, 5, 'a2')], chain('a', 3, 4, 'a2'));
    expect(state.tip).toEqual({ index: 5, hash: 'b5' });
    expect([...state.blocks.values()].every((held) => held.seenOn === null)).toBe(true);
    expect(rowsByHash(state)['a4']).toEqual([3, 1]);
  });

  it("takes the tip from a blockTree answer that reaches the known tip's height, even when the new tip is lower", () => {
    let state = withTree(createForkTree(10), 1, 5, chain('a', 1, 5, 'g'));
    // Meanwhile the node switched to a branch of fewer, harder blocks (b4 has more work than a5).
    state = withTree(state, 1, 5, [...chain('a', 1, 3, 'g'), block(4, 'b4', 'a3')], chain('a', 4, 5, 'a3'));
    expect(state.tip).toEqual({ index: 4, hash: 'b4' });
    // An answer below the tip (a newBlock came in during the request) does not move it back.
    state = reduceForkTree(state, { type: 'block', block: block(5, 'b5', 'b4') });
    state = withTree(state, 1, 4, [...chain('a', 1, 3, 'g'), block(4, 'b4', 'a3')], [block(4, 'a4', 'a3')]);
    expect(state.tip).toEqual({ index: 5, hash: 'b5' });
  });

  it('has no layout before the tip is known', () => {
    expect(layoutForkTree(createForkTree(10))).toBeNull();
    expect(treeWindow(createForkTree(10))).toBeNull();
  });
});
