/**
 * The fork tree's state, pure: the blocks of the last N heights (best chain and side branches), merged from blockTree
 * answers and live events, pruned as the tip moves, and laid out in columns by height with the best chain on row 0.
 * No DOM, no timers, no requests: the page reads what `refetch` asks for and dispatches the answers back.
 */

/** How a block reached the node (blockTree's `origin`). */
export type BlockOrigin = 'GENESIS' | 'MINED' | 'SUBMITTED' | 'GOSSIP' | 'SYNC';

/** One block of the tree, as blockTree and the tree's live events give it. */
export interface TreeBlock {
  readonly index: number;
  readonly hash: string;
  readonly previousHash: string;
  readonly timestamp: number;
  readonly transactionCount: number;
  /** Σ 2^difficulty from genesis, as a decimal string (a BigInt on the wire). */
  readonly totalWork: string;
  readonly firstSeenAt: number | null;
  readonly origin: BlockOrigin | null;
  readonly receivedFrom: string | null;
}

/** A block the tree holds: stored by this node, or seen only in a fleet node's blockTree (`seenOn` names it). */
export interface HeldBlock extends TreeBlock {
  readonly seenOn: string | null;
}

/** An inclusive range of heights. */
export interface HeightRange {
  readonly from: number;
  readonly to: number;
}

/** The latest reorganization, kept so the page can mark the blocks that left and the transactions they returned. */
export interface TreeReorganization {
  readonly at: number;
  readonly depth: number;
  readonly oldTip: { readonly index: number; readonly hash: string };
  readonly newTip: { readonly index: number; readonly hash: string };
  /** Hashes of the blocks that left the best chain. */
  readonly disconnected: readonly string[];
  /** Ids of the transactions those blocks sent back to the mempool (not rewards, not re-included by the new branch). */
  readonly returnedTransactions: readonly string[];
}

/**
 * A reorganization as chainReorganized reports it (the fields the tree reads). Transactions are not in it (the
 * subscription's cost estimate allows a page of blocks, not their transactions): the page reads the blocks that left
 * and joined afterwards and reports what went back to the mempool with a `returned` action.
 */
export interface ReorganizationEvent {
  readonly depth: number;
  readonly oldTip: { readonly index: number; readonly hash: string };
  readonly newTip: { readonly index: number; readonly hash: string };
  readonly connected: readonly TreeBlock[];
  readonly disconnected: readonly { readonly index: number; readonly hash: string }[];
}

/** A transaction as a block lists it (the fields `returnedTransactions` reads). */
export interface TransactionRef {
  readonly id: string;
  readonly isReward: boolean;
}

/**
 * The transactions a reorganization sent back to the mempool: those of the blocks that left the best chain, except
 * rewards (they are only valid in their block) and those the new branch includes again.
 */
export function returnedTransactions(
  disconnected: readonly (readonly TransactionRef[])[],
  connected: readonly (readonly TransactionRef[])[],
): readonly string[] {
  const reincluded = new Set(connected.flat().map((transaction) => transaction.id));
  return disconnected
    .flat()
    .filter((transaction) => !transaction.isReward && !reincluded.has(transaction.id))
    .map((transaction) => transaction.id);
}

export interface ForkTreeState {
  /** How many heights the tree shows (N): the tip's and the N - 1 below it. */
  readonly heights: number;
  readonly blocks: ReadonlyMap<string, HeldBlock>;
  readonly tip: { readonly index: number; readonly hash: string } | null;
  readonly reorganization: TreeReorganization | null;
  /** Heights the page should read again with blockTree (a parent is missing, or a reorganization moved them). */
  readonly refetch: HeightRange | null;
}

export type ForkTreeAction =
  /** This node's blockTree answer for `range`: every block it stores there (replaces what the tree held there). */
  | {
      readonly type: 'tree';
      readonly range: HeightRange;
      readonly blocks: readonly (TreeBlock & { isBest: boolean })[];
    }
  /** A fleet node's blockTree answer: its blocks this node does not store are shown as seen on `source`. */
  | { readonly type: 'remoteTree'; readonly source: string; readonly blocks: readonly TreeBlock[] }
  /** newBlock: a new best-chain block. */
  | { readonly type: 'block'; readonly block: TreeBlock }
  | { readonly type: 'reorganization'; readonly reorganization: ReorganizationEvent; readonly at: number }
  /** What the reorganization to `newTip` sent back to the mempool (see `returnedTransactions`). */
  | { readonly type: 'returned'; readonly newTip: string; readonly transactions: readonly string[] };

/** The tree shows at least this many and at most this many heights (`?heights=`). */
export const MIN_TREE_HEIGHTS = 5;
export const MAX_TREE_HEIGHTS = 200;
/** Heights shown when `?heights=` does not say. */
export const DEFAULT_TREE_HEIGHTS = 30;

/** An empty tree showing `heights` heights. @throws {RangeError} outside MIN_TREE_HEIGHTS..MAX_TREE_HEIGHTS. */
export function createForkTree(heights: number): ForkTreeState {
  if (!Number.isInteger(heights) || heights < MIN_TREE_HEIGHTS || heights > MAX_TREE_HEIGHTS) {
    throw new RangeError(`heights must be an integer from ${MIN_TREE_HEIGHTS} to ${MAX_TREE_HEIGHTS}, got ${heights}`);
  }
  return { heights, blocks: new Map(), tip: null, reorganization: null, refetch: null };
}

/**
 * The heights the tree shows: N heights up to the tip, or up to a fleet node's branch that runs ahead of it (at most
 * `treeCeiling`), so a longer branch seen elsewhere is drawn whole. Null before the tip is known.
 */
export function treeWindow(state: ForkTreeState): HeightRange | null {
  if (state.tip === null) return null;
  const ceiling = treeCeiling(state)!;
  let to = state.tip.index;
  for (const block of state.blocks.values()) if (block.index > to && block.index <= ceiling) to = block.index;
  return { from: Math.max(1, to - state.heights + 1), to };
}

/** The highest height the tree draws: a third of its width above the tip (a node further ahead is just "ahead"). */
export function treeCeiling(state: ForkTreeState): number | null {
  return state.tip === null ? null : state.tip.index + Math.floor(state.heights / 3);
}

/** The tree after one blockTree answer or live event, pruned to its window. */
export function reduceForkTree(state: ForkTreeState, action: ForkTreeAction): ForkTreeState {
  switch (action.type) {
    case 'tree':
      return prune(mergeLocalTree(state, action.range, action.blocks));
    case 'remoteTree':
      return prune(mergeRemoteTree(state, action.source, action.blocks));
    case 'block':
      return prune(addBestBlock(state, action.block));
    case 'reorganization':
      return prune(applyReorganization(state, action.reorganization, action.at));
    case 'returned':
      // A later reorganization replaced this one: its list is no longer what the page shows.
      if (state.reorganization?.newTip.hash !== action.newTip) return state;
      return { ...state, reorganization: { ...state.reorganization, returnedTransactions: action.transactions } };
  }
}

function mergeLocalTree(
  state: ForkTreeState,
  range: HeightRange,
  answer: readonly (TreeBlock & { isBest: boolean })[],
): ForkTreeState {
  const blocks = new Map(state.blocks);
  // The answer is everything this node stores in the range: what the tree held there and the node no longer has
  // (cannot happen today, blocks are never deleted) goes, and blocks seen on a fleet node become this node's own.
  for (const [hash, block] of blocks) {
    if (block.seenOn === null && block.index >= range.from && block.index <= range.to) blocks.delete(hash);
  }
  let top: TreeBlock | undefined;
  for (const block of answer) {
    blocks.set(block.hash, { ...toTreeBlock(block), seenOn: null });
    if (block.isBest && (top === undefined || block.index > top.index)) top = block;
  }
  // The answer's highest best block is the tip when it is at least as high as the one the tree knows (one missed
  // while away is caught up), or when the answer reaches the known tip's height (it is authoritative there: a
  // reorganization to a branch of fewer, harder blocks). A newBlock that arrived during the request, above the range,
  // is not undone.
  let tip = state.tip;
  if (top !== undefined && (tip === null || top.index >= tip.index || range.to >= tip.index)) {
    tip = { index: top.index, hash: top.hash };
  }
  const covered =
    state.refetch !== null && range.from <= state.refetch.from && range.to >= state.refetch.to ? null : state.refetch;
  return { ...state, blocks, tip, refetch: covered };
}

function mergeRemoteTree(state: ForkTreeState, source: string, answer: readonly TreeBlock[]): ForkTreeState {
  const blocks = new Map(state.blocks);
  // The source's previous answer is replaced whole: a branch it has since left does not linger.
  for (const [hash, block] of blocks) if (block.seenOn === source) blocks.delete(hash);
  for (const block of answer) {
    if (!blocks.has(block.hash)) blocks.set(block.hash, { ...toTreeBlock(block), seenOn: source });
  }
  return { ...state, blocks };
}

function addBestBlock(state: ForkTreeState, block: TreeBlock): ForkTreeState {
  const blocks = new Map(state.blocks);
  blocks.set(block.hash, { ...toTreeBlock(block), seenOn: null });
  const tip =
    state.tip === null || block.index >= state.tip.index ? { index: block.index, hash: block.hash } : state.tip;
  const next = { ...state, blocks, tip };
  // A parent the tree does not hold (events missed, or a branch synced in one go): read the window again.
  const window = treeWindow(next)!;
  if (block.index > window.from && !blocks.has(block.previousHash)) {
    return { ...next, refetch: widen(state.refetch, { from: window.from, to: block.index }) };
  }
  return next;
}

function applyReorganization(state: ForkTreeState, event: ReorganizationEvent, at: number): ForkTreeState {
  const blocks = new Map(state.blocks);
  for (const block of event.connected) blocks.set(block.hash, { ...toTreeBlock(block), seenOn: null });
  const reorganization: TreeReorganization = {
    at,
    depth: event.depth,
    oldTip: event.oldTip,
    newTip: event.newTip,
    disconnected: event.disconnected.map((block) => block.hash),
    returnedTransactions: [],
  };
  // The heights both branches cover are read again: the blocks that left stay as a side branch, and anything the
  // events did not carry (a branch longer than the event's lists) is filled in.
  const lowest = Math.min(
    event.newTip.index,
    ...event.connected.map((block) => block.index),
    ...event.disconnected.map((block) => block.index),
  );
  const tip = { index: event.newTip.index, hash: event.newTip.hash };
  const from = Math.max(1, tip.index - state.heights + 1, lowest - 1);
  return {
    ...state,
    blocks,
    tip,
    reorganization,
    refetch: widen(state.refetch, { from, to: Math.max(tip.index, event.oldTip.index) }),
  };
}

/** Drops the blocks below the window, the reorganization once its blocks fell off, and refetches of fallen heights. */
function prune(state: ForkTreeState): ForkTreeState {
  const window = treeWindow(state);
  if (window === null) return state;
  let blocks = state.blocks;
  for (const block of state.blocks.values()) {
    if (block.index < window.from || block.index > window.to) {
      if (blocks === state.blocks) blocks = new Map(state.blocks);
      (blocks as Map<string, HeldBlock>).delete(block.hash);
    }
  }
  const reorganization =
    state.reorganization !== null && state.reorganization.newTip.index < window.from ? null : state.reorganization;
  let refetch = state.refetch;
  if (refetch !== null) {
    const from = Math.max(refetch.from, window.from);
    refetch = from > refetch.to ? null : from === refetch.from ? refetch : { from, to: refetch.to };
  }
  if (blocks === state.blocks && reorganization === state.reorganization && refetch === state.refetch) return state;
  return { ...state, blocks, reorganization, refetch };
}

function widen(range: HeightRange | null, more: HeightRange): HeightRange {
  return range === null ? more : { from: Math.min(range.from, more.from), to: Math.max(range.to, more.to) };
}

/** Only the tree's fields: answers carry more (isBest, transactions), which the state must not keep alive. */
function toTreeBlock(block: TreeBlock): TreeBlock {
  return {
    index: block.index,
    hash: block.hash,
    previousHash: block.previousHash,
    timestamp: block.timestamp,
    transactionCount: block.transactionCount,
    totalWork: block.totalWork,
    firstSeenAt: block.firstSeenAt,
    origin: block.origin,
    receivedFrom: block.receivedFrom,
  };
}

/** Hashes of the best chain inside the tree: the tip and its ancestors, as far as the tree holds them. */
export function bestChainHashes(state: ForkTreeState): ReadonlySet<string> {
  const best = new Set<string>();
  let block = state.tip === null ? undefined : state.blocks.get(state.tip.hash);
  while (block !== undefined && !best.has(block.hash)) {
    best.add(block.hash);
    block = state.blocks.get(block.previousHash);
  }
  return best;
}

/** A block placed in the grid: `column` counts heights from the window's lowest, `row` 0 is the best chain. */
export interface PlacedBlock {
  readonly block: HeldBlock;
  readonly column: number;
  readonly row: number;
  readonly isBest: boolean;
  /** It left the best chain in the latest reorganization (its transactions went back to the mempool). */
  readonly disconnected: boolean;
}

/** A line from a parent to its child. */
export interface TreeLink {
  readonly key: string;
  readonly from: { readonly column: number; readonly row: number };
  readonly to: { readonly column: number; readonly row: number };
  readonly isBest: boolean;
}

export interface TreeLayout {
  readonly window: HeightRange;
  /** Rows used: 1 (the best chain) plus one per side branch that needed its own. */
  readonly rows: number;
  readonly blocks: readonly PlacedBlock[];
  readonly links: readonly TreeLink[];
}

/**
 * Places the tree in a grid: one column per height, the best chain on row 0 as a straight line, and each side branch
 * on the lowest row from 1 that is free over its heights (and the column of the block it forks from). A branch that
 * forks again continues along its child with the most work; the other children start branches of their own.
 */
export function layoutForkTree(state: ForkTreeState): TreeLayout | null {
  const window = treeWindow(state);
  if (window === null) return null;
  const best = bestChainHashes(state);
  const disconnected = new Set(state.reorganization?.disconnected ?? []);
  const children = new Map<string, HeldBlock[]>();
  for (const block of state.blocks.values()) {
    const siblings = children.get(block.previousHash);
    if (siblings === undefined) children.set(block.previousHash, [block]);
    else siblings.push(block);
  }
  const rowOf = new Map<string, number>();
  for (const hash of best) rowOf.set(hash, 0);

  // Branch roots: side blocks whose parent is on the best chain or not held. Lowest first, so older forks take the
  // rows nearest the best line.
  const roots = [...state.blocks.values()]
    .filter((block) => !best.has(block.hash) && (best.has(block.previousHash) || !state.blocks.has(block.previousHash)))
    .sort(byIndexThenHash);
  /** Per row from 1: the inclusive column spans taken. */
  const taken: HeightRange[][] = [];
  while (roots.length > 0) {
    const root = roots.shift()!;
    if (rowOf.has(root.hash)) continue;
    const branch = [root];
    for (let block = root; ; ) {
      const next = (children.get(block.hash) ?? []).filter((child) => !rowOf.has(child.hash)).sort(byWorkThenHash);
      if (next.length === 0) break;
      block = next[0]!;
      branch.push(block);
      // The other children fork off this branch: queued in index order behind the roots still waiting.
      for (const other of next.slice(1)) insertSorted(roots, other);
    }
    const span = {
      from: root.index - window.from - (state.blocks.has(root.previousHash) ? 1 : 0),
      to: branch.at(-1)!.index - window.from,
    };
    let row = 1;
    while ((taken[row - 1] ?? []).some((used) => used.from <= span.to && span.from <= used.to)) row += 1;
    if (taken[row - 1] === undefined) taken[row - 1] = [];
    taken[row - 1]!.push(span);
    for (const block of branch) rowOf.set(block.hash, row);
  }

  const placed: PlacedBlock[] = [];
  const links: TreeLink[] = [];
  for (const block of state.blocks.values()) {
    const row = rowOf.get(block.hash) ?? 0;
    const column = block.index - window.from;
    placed.push({ block, column, row, isBest: best.has(block.hash), disconnected: disconnected.has(block.hash) });
    const parent = state.blocks.get(block.previousHash);
    if (parent !== undefined) {
      links.push({
        key: block.hash,
        from: { column: parent.index - window.from, row: rowOf.get(parent.hash) ?? 0 },
        to: { column, row },
        isBest: best.has(block.hash),
      });
    }
  }
  placed.sort((a, b) => byIndexThenHash(a.block, b.block));
  return { window, rows: 1 + taken.length, blocks: placed, links };
}

function byIndexThenHash(a: TreeBlock, b: TreeBlock): number {
  return a.index - b.index || (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0);
}

function byWorkThenHash(a: TreeBlock, b: TreeBlock): number {
  const work = BigInt(b.totalWork) - BigInt(a.totalWork);
  return work > 0n ? 1 : work < 0n ? -1 : a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0;
}

function insertSorted(list: HeldBlock[], block: HeldBlock): void {
  const at = list.findIndex((other) => byIndexThenHash(block, other) < 0);
  if (at === -1) list.push(block);
  else list.splice(at, 0, block);
}
