import {
  type DocumentNode,
  type GraphQLSchema,
  getOperationAST,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { EventSource } from '../node/events.js';
import type { NodeEvents } from '../node/nodeEvents.js';

/**
 * The fields whose answer depends only on the best chain (its tip), the mempool and the node's fixed configuration
 * (schema coordinates `Type.field`). A query made only of these (and `__typename`) gives the same answer until the
 * next tip change or mempool change, so its serialized HTTP answer can be served again until then.
 *
 * Not listed, so never cached: anything that reads peers, mining, hashrate, sync status or the clock
 * (NodeInfo.mining, .hashrate, .peerCount, Query.peers, .syncStatus, .simulateTransaction, whose receivedAt is the
 * node's clock), `block`, whose `hash` argument finds side-branch blocks that are stored without a tip change, and
 * introspection. A field added to the schema is uncacheable until it is listed here.
 */
export const TIP_AND_MEMPOOL_FIELDS: ReadonlySet<string> = new Set([
  'Query.chain',
  'Query.account',
  'Query.pendingTransactions',
  'Query.transaction',
  'Query.commonAncestor',
  'Query.node',
  'Query.limits',
  ...['length', 'tip', 'genesis', 'totalWork', 'blocks', 'encodedBlocks'].map((field) => `Chain.${field}`),
  'ChainBlocksConnection.edges',
  'ChainBlocksConnection.pageInfo',
  'ChainBlocksConnectionEdge.cursor',
  'ChainBlocksConnectionEdge.node',
  ...['startCursor', 'endCursor', 'hasNextPage', 'hasPreviousPage'].map((field) => `PageInfo.${field}`),
  // Every Block a listed field returns is on the best chain, so its parent, confirmations and isBest follow the tip.
  ...[
    'confirmations',
    'difficulty',
    'hash',
    'id',
    'index',
    'isBest',
    'merkleRoot',
    'parent',
    'previousHash',
    'proof',
    'size',
    'timestamp',
    'totalWork',
    'transactionCount',
    'transactions',
  ].map((field) => `Block.${field}`),
  ...[
    'amount',
    'block',
    'blockIndex',
    'id',
    'isReward',
    'nonce',
    'position',
    'recipient',
    'sender',
    'signature',
    'status',
  ].map((field) => `Transaction.${field}`),
  ...['address', 'balance', 'id', 'nonce', 'pendingBalance', 'pendingNonce', 'transactionCount', 'transactions'].map(
    (field) => `Account.${field}`,
  ),
  ...[
    'address',
    'version',
    'networkName',
    'genesisHash',
    'height',
    'tip',
    'totalWork',
    'difficulty',
    'reward',
    'pendingTransactionCount',
  ].map((field) => `NodeInfo.${field}`),
  // The node's configured limits: the same for every client of this app.
  ...[
    'maxDepth',
    'maxAliases',
    'maxTokens',
    'maxCost',
    'maxBodyBytes',
    'requestTimeoutMs',
    'maxSubscriptionsPerClient',
    'subscriptionBacklog',
    'minHeightWaitMs',
    'rateLimitPerSecond',
    'rateLimitBurst',
    'maxPageSize',
    'maxEncodedBlocksPage',
    'maxLocatorLength',
    'adminTokenRequired',
    'trustedDocumentsOnly',
  ].map((field) => `Limits.${field}`),
]);

/**
 * The node events after which a cached answer may be wrong: every change of the tip (a reorganization's too) and of
 * the mempool. blockConnected and chainReorganized are not needed: the node emits them in the same synchronous step
 * as the tipChanged that follows them, so no request is answered in between.
 */
export const INVALIDATING_EVENTS = [
  'tipChanged',
  // Not transactionAccepted: a transfer changes the mempool (mempoolChanged) before its write is durable and it is
  // announced; nothing changes at the announcement.
  'mempoolChanged',
  'transactionDropped',
] as const satisfies readonly (keyof NodeEvents)[];

/**
 * Request headers that can change a GraphQL answer over HTTP, so they are part of the key: the media type asked for
 * (JSON or graphql-response+json, an event stream), the body's type, the bearer token, the CORS origin, and a minimum
 * height (an answer was only stored once the node had reached it).
 */
const KEYED_HEADERS = ['accept', 'content-type', 'authorization', 'origin', 'x-min-height'] as const;

/** Bounds of a response cache. */
export interface ResponseCacheOptions {
  /** Most answers kept (default 1,000). */
  readonly maxEntries?: number;
  /** Most bytes of keys and bodies kept (default 16 MB). */
  readonly maxBytes?: number;
}

/** What a response cache has done, for tests and metrics. */
export interface ResponseCacheStats {
  readonly hits: number;
  readonly misses: number;
  readonly stores: number;
  readonly entries: number;
  readonly bytes: number;
  /** Tip and mempool changes seen (each empties the cache). */
  readonly generation: number;
}

/** One stored answer: what the HTTP response carried, byte for byte. */
interface CachedAnswer {
  readonly status: number;
  readonly headers: readonly [string, string][];
  readonly body: string;
  readonly bytes: number;
}

/** A request that missed: whether it may be stored, and the body it was answered with. */
interface Ticket {
  readonly key: string;
  readonly generation: number;
  cacheable: boolean;
  body: string | undefined;
}

/** A yoga plugin that answers repeated tip-and-mempool queries from memory, with its counters. */
export interface ResponseCache {
  readonly plugin: Plugin;
  stats(): ResponseCacheStats;
}

/**
 * A response cache for queries whose answer depends only on the tip, the mempool and fixed configuration
 * (TIP_AND_MEMPOOL_FIELDS): the first answer of a request is stored as the bytes, status and headers yoga sent, and
 * an identical request (method, URL, body and KEYED_HEADERS) gets those bytes back before anything is parsed or run.
 * Every tip change and mempool change (INVALIDATING_EVENTS, emitted synchronously with the change) empties it, and an
 * answer computed across a change is not stored, so nothing is ever served past a change. Only answers without errors
 * are stored (never a refusal, a timeout or NODE_BEHIND), and only queries: never mutations or subscriptions.
 * Bounded as an LRU by count and bytes. POST bodies are keyed only when the HTTP server has read them (`req.bodyText`
 * or `req.body`, server.ts); an in-process POST is answered normally.
 */
export function createResponseCache(
  events: EventSource<NodeEvents>,
  options: ResponseCacheOptions = {},
): ResponseCache {
  const maxEntries = options.maxEntries ?? 1_000;
  const maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
  const entries = new Map<string, CachedAnswer>();
  const tickets = new WeakMap<Request, Ticket>();
  const verdicts = new WeakMap<DocumentNode, boolean>();
  let bytes = 0;
  let generation = 0;
  let hits = 0;
  let misses = 0;
  let stores = 0;
  const invalidate = () => {
    generation++;
    entries.clear();
    bytes = 0;
  };
  for (const event of INVALIDATING_EVENTS) events.on(event, invalidate);

  const store = (key: string, answer: CachedAnswer) => {
    if (answer.bytes > maxBytes) return;
    const previous = entries.get(key);
    if (previous !== undefined) {
      entries.delete(key);
      bytes -= previous.bytes;
    }
    entries.set(key, answer);
    bytes += answer.bytes;
    stores++;
    // The oldest-used entries go first (a Map iterates in insertion order; a hit re-inserts).
    for (const [oldKey, old] of entries) {
      if (entries.size <= maxEntries && bytes <= maxBytes) break;
      entries.delete(oldKey);
      bytes -= old.bytes;
    }
  };

  const plugin: Plugin = {
    onRequest({ request, serverContext, endResponse, fetchAPI }) {
      const key = requestKey(request, serverContext);
      if (key === undefined) return;
      const answer = entries.get(key);
      if (answer === undefined) {
        misses++;
        tickets.set(request, { key, generation, cacheable: false, body: undefined });
        return;
      }
      hits++;
      entries.delete(key);
      entries.set(key, answer);
      endResponse(
        new fetchAPI.Response(answer.body, {
          status: answer.status,
          headers: answer.headers.map(([name, value]) => [name, value]),
        }),
      );
    },
    onExecute({ args }) {
      const ticket = tickets.get((args.contextValue as { request?: Request }).request as Request);
      if (ticket === undefined) return;
      const operation = getOperationAST(args.document, args.operationName ?? undefined);
      ticket.cacheable = operation?.operation === 'query' && isTipAndMempoolDocument(args.schema, args.document);
    },
    onResultProcess({ request, result, setResult }) {
      const ticket = tickets.get(request);
      if (ticket === undefined || !ticket.cacheable) return;
      if (Array.isArray(result) || Symbol.asyncIterator in result || (result.errors?.length ?? 0) > 0) return;
      // yoga serializes with `stringify` when a result has one: the same JSON.stringify, and the bytes are kept.
      setResult({
        ...result,
        stringify: (value: unknown) => {
          const text = JSON.stringify(value);
          ticket.body = text;
          return text;
        },
      } as typeof result);
    },
    onResponse({ request, response }) {
      const ticket = tickets.get(request);
      if (ticket === undefined) return;
      tickets.delete(request);
      if (ticket.body === undefined || response.status !== 200 || ticket.generation !== generation) return;
      const type = response.headers.get('content-type') ?? '';
      if (!/^application\/(graphql-response\+)?json\b/.test(type)) return;
      const headers = [...response.headers].map(([name, value]): [string, string] => [name, value]);
      store(ticket.key, {
        status: 200,
        headers,
        body: ticket.body,
        bytes: 2 * (ticket.key.length + ticket.body.length),
      });
    },
  };

  /** True when every field of the document is a listed tip-and-mempool field (or __typename). */
  function isTipAndMempoolDocument(schema: GraphQLSchema, document: DocumentNode): boolean {
    const known = verdicts.get(document);
    if (known !== undefined) return known;
    const typeInfo = new TypeInfo(schema);
    let cacheable = true;
    visit(
      document,
      visitWithTypeInfo(typeInfo, {
        [Kind.FIELD](node) {
          const name = node.name.value;
          if (name === '__typename') return undefined;
          const parent = typeInfo.getParentType();
          if (parent === null || parent === undefined || !TIP_AND_MEMPOOL_FIELDS.has(`${parent.name}.${name}`)) {
            cacheable = false;
            return false;
          }
          return undefined;
        },
      }),
    );
    verdicts.set(document, cacheable);
    return cacheable;
  }

  return {
    plugin,
    stats: () => ({ hits, misses, stores, entries: entries.size, bytes, generation }),
  };
}

/**
 * The cache key of an HTTP request: method, URL, the headers that can change the answer and, for a POST, the body
 * the HTTP server read. Undefined for anything else (other methods, an in-process POST whose body is a stream).
 */
function requestKey(request: Request, serverContext: unknown): string | undefined {
  let body = '';
  if (request.method === 'POST') {
    // The text as read (server.ts keeps it as `bodyText` when it hands yoga the parsed JSON as `body`).
    const req = (serverContext as { req?: { body?: unknown; bodyText?: unknown } } | undefined)?.req;
    const read = typeof req?.bodyText === 'string' ? req.bodyText : req?.body;
    if (typeof read !== 'string') return undefined;
    body = read;
  } else if (request.method !== 'GET') {
    return undefined;
  }
  let key = `${request.method} ${request.url}`;
  for (const name of KEYED_HEADERS) key += `\n${request.headers.get(name) ?? ''}`;
  return `${key}\n${body}`;
}
