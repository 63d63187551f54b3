/// <reference lib="dom" />
import { useCallback, useEffect, useReducer, useRef, useState } from 'preact/hooks';
import { BLOCK_HOVER_QUERY, type BlockHoverResult, FLEET_NODE_QUERY, type FleetNodeResult } from './documents.js';
import { type FleetMember, fleetLabel } from './fleet.js';
import {
  createForkTree,
  type ForkTreeAction,
  type ForkTreeState,
  type HeightRange,
  type ReorganizationEvent,
  reduceForkTree,
  returnedTransactions,
  treeCeiling,
  treeWindow,
} from './forkTree.js';
import { createBlockTreeReader } from './readBlockTree.js';
import { requestGraphQL } from './requestGraphQL.js';

/** How often the page reads each `?nodes=` node's tip. */
const FLEET_POLL_MS = 2_000;
/** Blocks read on each side of a reorganization for the transactions it returned (deeper ones are rare). */
const REORGANIZATION_BLOCKS_READ = 20;

/** The fork tree and the `?nodes=` nodes, kept by the page. */
export interface ForkTreeFeed {
  readonly tree: ForkTreeState;
  readonly nodes: readonly FleetMember[];
  /** Reads the tree's window again up to `height` (after the snapshot: on load and every reconnection). */
  reload(height: number): void;
  /** Passes a live event (newBlock) to the tree. */
  dispatch(action: ForkTreeAction): void;
  /** Passes chainReorganized to the tree, then reads which transactions it sent back to the mempool. */
  reorganized(event: ReorganizationEvent, at: number): void;
}

/**
 * Keeps the fork tree of `http`'s node for the last `heights` heights: read with blockTree on reload and wherever the
 * tree asks (`refetch`), fed by live events in between; and reads each `?nodes=` URL's tip every FLEET_POLL_MS,
 * with that node's blockTree when its tip is a block this node does not store (a branch only it has).
 */
export function useForkTree(http: string, heights: number, fleetUrls: readonly string[]): ForkTreeFeed {
  const [tree, dispatch] = useReducer(reduceForkTree, heights, createForkTree);
  const current = useRef(tree);
  current.current = tree;
  const [nodes, setNodes] = useState<readonly FleetMember[]>(() => fleetUrls.map(checking));
  const [reader] = useState(createBlockTreeReader);
  /** One local read at a time; a range asked for meanwhile waits here (widened) and runs next. */
  const reading = useRef<{ busy: boolean; next: HeightRange | null }>({ busy: false, next: null });

  const read = useCallback(
    (range: HeightRange): void => {
      const queue = reading.current;
      if (queue.busy) {
        queue.next =
          queue.next === null
            ? range
            : { from: Math.min(queue.next.from, range.from), to: Math.max(queue.next.to, range.to) };
        return;
      }
      queue.busy = true;
      reader
        .read(http, range)
        .then(
          (blocks) => dispatch({ type: 'tree', range, blocks }),
          () => undefined, // the connection badge and the snapshot's problem line already say the node is away
        )
        .finally(() => {
          queue.busy = false;
          const next = queue.next;
          queue.next = null;
          if (next !== null) read(next);
        });
    },
    [http, reader],
  );

  const reload = useCallback(
    (height: number) => read({ from: Math.max(1, height - heights + 1), to: height }),
    [read, heights],
  );

  // A range asked for is read at once, and again with each new tip while it is still wanted (a read that failed).
  useEffect(() => {
    if (tree.refetch !== null) read(tree.refetch);
  }, [tree.refetch, tree.tip?.hash, read]);

  useEffect(() => {
    if (fleetUrls.length === 0) return;
    let stopped = false;
    let polling = false;
    /** Per node, the remote tip whose blockTree was last merged, so a node parked on its own branch is read once. */
    const mergedTip = new Map<string, string>();
    /** Per node, its last answer: an unreachable node keeps its marker where it was last seen. */
    const lastSeen = new Map<string, FleetMember>();
    const readNode = async (url: string): Promise<FleetMember> => {
      let answer: FleetNodeResult;
      try {
        answer = await requestGraphQL<FleetNodeResult>(url, FLEET_NODE_QUERY);
      } catch (error) {
        return { ...(lastSeen.get(url) ?? checking(url)), status: 'UNREACHABLE', problem: (error as Error).message };
      }
      const { height, tip } = answer.node;
      const state = current.current;
      const window = treeWindow(state);
      if (state.blocks.has(tip.hash) && state.blocks.get(tip.hash)!.seenOn === null) {
        if (mergedTip.has(url)) {
          mergedTip.delete(url);
          dispatch({ type: 'remoteTree', source: url, blocks: [] });
        }
      } else if (window !== null && mergedTip.get(url) !== tip.hash) {
        const to = Math.min(height, treeCeiling(state)!);
        const from = Math.max(window.from, to - heights + 1);
        if (from <= to) {
          try {
            const blocks = await reader.read(url, { from, to });
            mergedTip.set(url, tip.hash);
            if (!stopped) dispatch({ type: 'remoteTree', source: url, blocks });
          } catch {
            // Its tip still shows; the branch is read again at the next poll.
          }
        }
      }
      const member: FleetMember = { ...checking(url), status: 'REACHABLE', height, tipHash: tip.hash };
      lastSeen.set(url, member);
      return member;
    };
    const poll = async (): Promise<void> => {
      if (polling || document.hidden) return;
      polling = true;
      try {
        const members = await Promise.all(fleetUrls.map(readNode));
        if (!stopped) setNodes(members);
      } finally {
        polling = false;
      }
    };
    void poll();
    const timer = setInterval(() => void poll(), FLEET_POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [http, fleetUrls, heights, reader]);

  const reorganized = useCallback(
    (event: ReorganizationEvent, at: number) => {
      dispatch({ type: 'reorganization', reorganization: event, at });
      const transactionsOf = (blocks: readonly { readonly hash: string }[]) =>
        Promise.all(
          blocks.slice(0, REORGANIZATION_BLOCKS_READ).map(async (block) => {
            const { block: read } = await requestGraphQL<BlockHoverResult>(http, BLOCK_HOVER_QUERY, {
              hash: block.hash,
            });
            return read?.transactions ?? [];
          }),
        );
      Promise.all([transactionsOf(event.disconnected), transactionsOf(event.connected)]).then(
        ([left, joined]) =>
          dispatch({ type: 'returned', newTip: event.newTip.hash, transactions: returnedTransactions(left, joined) }),
        () => undefined, // the tree still shows the reorganization; only the list of returned transactions is missing
      );
    },
    [http],
  );

  return { tree, nodes, reload, dispatch, reorganized };
}

function checking(url: string): FleetMember {
  return {
    key: `node ${url}`,
    kind: 'node',
    url,
    label: fleetLabel(url),
    status: 'CHECKING',
    height: null,
    tipHash: null,
    problem: null,
  };
}
