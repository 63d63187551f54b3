/// <reference lib="dom" />
import { h } from 'preact';
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'preact/hooks';
import { BlockList } from './components/BlockList.js';
import { ChartsPanel } from './components/ChartsPanel.js';
import { ConnectionBadge } from './components/ConnectionBadge.js';
import { ForkTreePanel } from './components/ForkTreePanel.js';
import { MempoolPanel } from './components/MempoolPanel.js';
import { PeersPanel } from './components/PeersPanel.js';
import { SearchBox } from './components/SearchBox.js';
import { SearchResult } from './components/SearchResult.js';
import { StatTiles } from './components/StatTiles.js';
import { connectLive, type LiveConnection } from './connectLive.js';
import { INITIAL_DASHBOARD_STATE, reduceDashboard } from './dashboardState.js';
import {
  BLOCK_HOVER_QUERY,
  type BlockHoverResult,
  MEMPOOL_QUERY,
  type MempoolResult,
  PENDING_SHOWN,
  POLL_QUERY,
  type PollResult,
  RECENT_BLOCKS,
  SNAPSHOT_QUERY,
  type SnapshotResult,
} from './documents.js';
import {
  type FleetMember,
  fleetAgreement,
  fleetLabel,
  fleetMembers,
  parseFleetNodes,
  placeFleetMarkers,
} from './fleet.js';
import { DEFAULT_TREE_HEIGHTS, layoutForkTree, MAX_TREE_HEIGHTS, MIN_TREE_HEIGHTS } from './forkTree.js';
import { formatInteger, shortHash } from './format.js';
import type { NodeEndpoint } from './nodeEndpoint.js';
import { requestGraphQL } from './requestGraphQL.js';
import { type SearchOutcome, searchChain } from './searchChain.js';
import { useForkTree } from './useForkTree.js';

/** How often the page re-reads what no subscription reports (mining status, hashrate, peers' heights). */
const POLL_MS = 3_000;
/** After a new block, the head of the mempool is read again this soon (a block takes transactions out of it). */
const MEMPOOL_AFTER_BLOCK_MS = 300;

interface SearchState {
  readonly text: string;
  readonly busy: boolean;
  readonly outcome: SearchOutcome | null;
  readonly error: string | null;
}

/** The dashboard: the tip, live blocks, charts, mempool, peers and search for one node. */
export function App(props: { readonly endpoint: NodeEndpoint }) {
  const { endpoint } = props;
  const [state, dispatch] = useReducer(reduceDashboard, INITIAL_DASHBOARD_STATE);
  const [search, setSearch] = useState<SearchState>({ text: '', busy: false, outcome: null, error: null });
  const now = useNow(1_000);
  const live = useRef<LiveConnection | null>(null);
  /** Polls run only while the socket is live; an offline node shows in the badge, not in a pile of failed polls. */
  const isLive = useRef(false);
  /** Numbers searches, so an answer that arrives after a newer search was started is dropped. */
  const searchSequence = useRef(0);
  const [heights] = useState(() => treeHeightsOf(location.search));
  const [fleet] = useState(() => parseFleetNodes(location.search, endpoint.http));
  const feed = useForkTree(endpoint.http, heights, fleet.urls);
  /** The feed as of the latest render, for the live handlers set up once per endpoint. */
  const feedRef = useRef(feed);
  feedRef.current = feed;

  useEffect(() => {
    const loadSnapshot = async (): Promise<number> => {
      try {
        const snapshot = await requestGraphQL<SnapshotResult>(endpoint.http, SNAPSHOT_QUERY, {
          blocks: RECENT_BLOCKS,
          pending: PENDING_SHOWN,
        });
        dispatch({ type: 'snapshot', snapshot, at: Date.now() });
        return snapshot.node.height;
      } catch (error) {
        dispatch({ type: 'problem', message: (error as Error).message });
        throw error;
      }
    };
    let polling = false;
    const poll = async (): Promise<void> => {
      if (polling) return;
      polling = true;
      try {
        const result = await requestGraphQL<PollResult>(endpoint.http, POLL_QUERY, {});
        dispatch({ type: 'poll', poll: result, at: Date.now() });
      } catch (error) {
        dispatch({ type: 'problem', message: (error as Error).message });
      } finally {
        polling = false;
      }
    };
    const readMempool = async (): Promise<void> => {
      try {
        const mempool = await requestGraphQL<MempoolResult>(endpoint.http, MEMPOOL_QUERY, { pending: PENDING_SHOWN });
        dispatch({ type: 'mempool', mempool });
      } catch (error) {
        dispatch({ type: 'problem', message: (error as Error).message });
      }
    };
    let soon: ReturnType<typeof setTimeout> | undefined;
    const readMempoolSoon = () => {
      clearTimeout(soon);
      soon = setTimeout(() => void readMempool(), MEMPOOL_AFTER_BLOCK_MS);
    };
    const interval = setInterval(() => {
      if (isLive.current && !document.hidden) void poll();
    }, POLL_MS);
    live.current = connectLive(endpoint.ws, {
      state: (connection) => {
        isLive.current = connection.kind === 'live';
        dispatch({ type: 'connection', state: connection });
      },
      connected: async () => {
        const height = await loadSnapshot();
        // A (re)connection reads the whole tree window; a reorganization re-reads only the range it names.
        feedRef.current.reload(height);
        return height;
      },
      block: (block) => {
        dispatch({ type: 'block', block });
        feedRef.current.dispatch({ type: 'block', block });
        readMempoolSoon();
      },
      miningProgress: (progress) => dispatch({ type: 'miningProgress', progress, at: Date.now() }),
      peerChanged: (peer) => dispatch({ type: 'peerChanged', peer }),
      pendingTransaction: (transaction) => dispatch({ type: 'pendingTransaction', transaction }),
      chainReorganized: (reorganization) => {
        dispatch({ type: 'chainReorganized', reorganization, at: Date.now() });
        feedRef.current.reorganized(reorganization, Date.now());
        // The list may hold blocks that left the best chain below the ones newBlock replaced: reload it whole.
        void loadSnapshot().catch(() => undefined);
      },
    });
    const online = () => live.current?.retryNow();
    window.addEventListener('online', online);
    return () => {
      window.removeEventListener('online', online);
      clearInterval(interval);
      clearTimeout(soon);
      live.current?.close();
      live.current = null;
    };
  }, [endpoint]);

  const runSearch = useCallback(
    (text: string) => {
      const query = text.trim();
      const sequence = ++searchSequence.current;
      setSearch({ text: query, busy: true, outcome: null, error: null });
      history.replaceState(null, '', `${location.pathname}${location.search}#q=${encodeURIComponent(query)}`);
      searchChain(endpoint.http, query).then(
        (outcome) => {
          if (sequence === searchSequence.current) setSearch({ text: query, busy: false, outcome, error: null });
        },
        (error: unknown) => {
          if (sequence === searchSequence.current)
            setSearch({ text: query, busy: false, outcome: null, error: (error as Error).message });
        },
      );
      window.scrollTo({ top: 0, behavior: 'smooth' });
    },
    [endpoint],
  );
  const closeSearch = useCallback(() => {
    searchSequence.current += 1;
    setSearch({ text: '', busy: false, outcome: null, error: null });
    history.replaceState(null, '', `${location.pathname}${location.search}`);
  }, []);

  // A link with #q=<index, hash, id or address> opens with that result.
  useEffect(() => {
    const match = /^#q=(.+)$/.exec(location.hash);
    if (match === null) return;
    let query: string;
    try {
      query = decodeURIComponent(match[1]!);
    } catch {
      query = match[1]!; // a malformed %-escape: search for the text as typed
    }
    runSearch(query);
  }, []);

  useEffect(() => {
    document.title =
      state.node === null
        ? 'Node dashboard'
        : `#${formatInteger(state.node.height)} · ${state.node.networkName} · node dashboard`;
  }, [state.node?.height, state.node?.networkName]);

  const { node } = state;
  const problem = endpoint.problem ?? state.problem;
  const { tree } = feed;
  // The page renders every second (the clock) and on every miningProgress: lay the tree out only when it changed.
  const layout = useMemo(() => layoutForkTree(tree), [tree]);
  const members = useMemo(() => {
    const self: FleetMember = {
      key: 'self',
      kind: 'self',
      url: endpoint.http,
      label: fleetLabel(endpoint.http),
      status: 'SELF',
      height: tree.tip?.index ?? null,
      tipHash: tree.tip?.hash ?? null,
      problem: null,
    };
    return fleetMembers(self, feed.nodes, state.peers);
  }, [endpoint.http, tree.tip, feed.nodes, state.peers]);
  const markers = useMemo(() => (layout === null ? [] : placeFleetMarkers(layout, members)), [layout, members]);
  const agreement = useMemo(() => fleetAgreement(members), [members]);
  const loadDetail = (hash: string) =>
    requestGraphQL<BlockHoverResult>(tree.blocks.get(hash)?.seenOn ?? endpoint.http, BLOCK_HOVER_QUERY, { hash }).then(
      (result) => result.block,
    );
  return h(
    'div',
    { class: 'shell' },
    h(
      'header',
      { class: 'topbar' },
      h(
        'div',
        { class: 'brand' },
        h('span', { class: 'logo', 'aria-hidden': 'true' }),
        h(
          'div',
          null,
          h('h1', null, 'Node dashboard'),
          h(
            'div',
            { class: 'brand-sub' },
            node === null ? endpoint.http : `${node.networkName} · v${node.version} · `,
            node === null ? null : h('span', { class: 'mono', title: `genesis ${node.genesisHash}` }, endpoint.http),
          ),
        ),
      ),
      h(SearchBox, { value: search.text, busy: search.busy, onSearch: runSearch }),
      h(ConnectionBadge, { state: state.connection, now, onRetry: () => live.current?.retryNow() }),
    ),
    problem === null
      ? null
      : h(
          'div',
          { class: 'notice error', 'data-testid': 'problem' },
          problem,
          endpoint.sameOrigin
            ? null
            : h(
                'span',
                null,
                ` (a node on another origin answers this page only when started with --cors-origin ${location.origin})`,
              ),
        ),
    search.error === null
      ? null
      : h('div', { class: 'notice error', 'data-testid': 'search-error' }, `Search failed: ${search.error}`),
    search.outcome === null
      ? null
      : h(SearchResult, { outcome: search.outcome, now, onSearch: runSearch, onClose: closeSearch }),
    h(StatTiles, { node, blocks: state.blocks, progress: state.progress, now, onSearch: runSearch }),
    h(ForkTreePanel, {
      layout,
      heights,
      markers,
      members,
      refused: fleet.refused,
      agreement,
      reorganization: tree.reorganization,
      loadDetail,
      onSearch: runSearch,
    }),
    h(
      'main',
      { class: 'grid' },
      h(ChartsPanel, { blocks: state.blocks, hashrate: state.hashrate }),
      h(BlockList, {
        blocks: state.blocks,
        freshHashes: state.freshHashes,
        reorganization: state.lastReorganization,
        now,
        onSearch: runSearch,
      }),
      h(MempoolPanel, {
        pending: state.pending,
        count: node?.pendingTransactionCount ?? null,
        returned: tree.reorganization?.returnedTransactions ?? [],
        onSearch: runSearch,
      }),
      h(PeersPanel, { peers: state.peers, height: node?.height ?? null, now }),
    ),
    h(
      'footer',
      { class: 'footer' },
      h(
        'p',
        null,
        'Reading ',
        h('span', { class: 'mono' }, endpoint.http),
        ' over HTTP and ',
        h('span', { class: 'mono' }, endpoint.ws),
        ' (graphql-ws) for newBlock, miningProgress, peerChanged and chainReorganized. ',
        h('a', { href: endpoint.http, target: '_blank', rel: 'noopener noreferrer' }, 'GraphiQL'),
        '.',
      ),
      h(
        'p',
        null,
        'Watch another node with ',
        h('code', null, '?node=http://host:port/graphql'),
        '. That node must be started with ',
        h('code', null, `--cors-origin ${location.origin}`),
        ' so this page may call its HTTP API (WebSockets are not subject to CORS). ' +
          'The page only reads; it never mines or sends.',
      ),
      node === null
        ? null
        : h(
            'p',
            { class: 'muted' },
            `Node address ${shortHash(node.address, 12, 8)} · genesis ${shortHash(node.genesisHash, 12, 8)}`,
          ),
    ),
  );
}

/** `?heights=N`: how many heights the fork tree shows (DEFAULT_TREE_HEIGHTS when absent or out of range). */
function treeHeightsOf(search: string): number {
  const text = new URLSearchParams(search).get('heights');
  const value = text === null ? Number.NaN : Number(text);
  return Number.isInteger(value) && value >= MIN_TREE_HEIGHTS && value <= MAX_TREE_HEIGHTS
    ? value
    : DEFAULT_TREE_HEIGHTS;
}

/** The current time, refreshed every `intervalMs` so "12 s ago" keeps counting. */
function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
