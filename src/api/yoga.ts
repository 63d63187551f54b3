import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { GRAPHIQL_HEADERS, renderGraphiQLPage, renderTrustedDocumentsOnlyPage } from '../dashboard/graphiql.js';
import type { Node } from '../node/node.js';
import { type ApiContext, bearerToken, type InitialContext, tokenMatches } from './context.js';
import { costLimit } from './cost.js';
import { freshness } from './freshness.js';
import { type ApiLimits, DEFAULT_API_LIMITS, limitPlugins } from './limits.js';
import { clientAddress, TrustedProxies } from './rateLimit.js';
import { requestHygiene } from './requestHygiene.js';
import { createResponseCache, type ResponseCache, type ResponseCacheOptions } from './responseCache.js';
import { schema } from './schema.js';
import { multiplexedSubscriptions, SubscriptionMultiplexer } from './subscriptionMultiplexer.js';
import { SubscriptionRegistry } from './subscriptionRegistry.js';
import { type TrustedDocuments, trustedDocumentsOnly } from './trustedDocuments.js';

/** Options of the GraphQL app. */
export interface YogaOptions {
  /** Show GraphiQL at the endpoint (default true). */
  readonly graphiql?: boolean;
  /** Answer introspection (`__schema`, `__type`) and suggest field names in errors (default true). */
  readonly introspection?: boolean;
  /** Request limits (default DEFAULT_API_LIMITS). */
  readonly limits?: Partial<ApiLimits>;
  /** When set, admin mutations need `Authorization: Bearer <adminToken>`; without it everything is open. */
  readonly adminToken?: string;
  /** Origins allowed to call the API from a browser (CORS); none by default. */
  readonly corsOrigins?: readonly string[];
  /**
   * The HTTP server has already read (and capped) each request body and hands it over as `req.body` (see
   * server.ts): yoga then skips its own streamed byte counting. In-process `yoga.fetch` callers leave this unset.
   */
  readonly bodiesReadByServer?: boolean;
  /**
   * Run only these trusted documents (`--trusted-documents`, loaded with loadTrustedDocuments): any other operation
   * is refused with PERSISTED_QUERY_ONLY before it runs, and the GraphiQL address serves a page that says why
   * instead of the editor.
   */
  readonly trustedDocuments?: TrustedDocuments;
  /**
   * Proxies whose `X-Forwarded-For` names the client (`--trusted-proxies`): per-client limits (subscriptions, and the
   * server's rate limit) then count the client behind the proxy. None by default.
   */
  readonly trustedProxies?: TrustedProxies;
  /**
   * The cache of tip-and-mempool queries (./responseCache.ts): its bounds, a cache made by the caller (tests read its
   * stats), or null for none. Default: one with the default bounds.
   */
  readonly responseCache?: ResponseCacheOptions | ResponseCache | null;
  /**
   * Share one source stream and one execution per event among the subscribers of the same operation
   * (subscriptionMultiplexer.ts; default true). False runs every subscription on its own, as benchmarks' baseline.
   * A multiplexer given here is the one used (tests read its counts).
   */
  readonly multiplexSubscriptions?: boolean | SubscriptionMultiplexer;
}

/**
 * Builds the GraphQL app around a node: POST/GET queries and mutations, SSE subscriptions (graphql-ws is attached
 * by the HTTP server on the same path), GraphiQL at /graphql. It does not listen; tests call `yoga.fetch` directly.
 */
export function createYogaApp(
  node: Node,
  options: YogaOptions = {},
): YogaServerInstance<Record<string, never>, ApiContext> {
  const limits: ApiLimits = { ...DEFAULT_API_LIMITS, ...options.limits };
  const subscriptions = new SubscriptionRegistry(limits.maxSubscriptionsPerClient);
  const proxies = options.trustedProxies ?? new TrustedProxies([]);
  return createYoga<Record<string, never>, ApiContext>({
    schema,
    graphqlEndpoint: '/graphql',
    context: (initial: InitialContext): ApiContext => ({
      node,
      limits,
      isAdmin: options.adminToken === undefined || tokenMatches(options.adminToken, bearerToken(initial)),
      adminTokenRequired: options.adminToken !== undefined,
      trustedDocumentsOnly: options.trustedDocuments !== undefined,
      // Not a spread of req: Node's IncomingMessage keeps `headers` behind a getter of its prototype.
      clientId:
        initial.req === undefined
          ? 'in-process'
          : clientAddress({ headers: initial.req.headers ?? {}, socket: initial.req.socket }, proxies),
      subscriptions,
    }),
    plugins: [
      requestHygiene(),
      graphiqlPageHeaders(),
      // Before the limits: an operation that is not trusted is refused before anything else reads it.
      ...(options.trustedDocuments === undefined
        ? []
        : [trustedDocumentsOnly(options.trustedDocuments, limits.maxTokens)]),
      ...limitPlugins(limits, { introspection: options.introspection ?? true }),
      freshness(node, limits.minHeightWaitMs),
      // After freshness, so a cost refusal is stamped with extensions.chain over graphql-ws too (HTTP answers are
      // stamped either way); an x-min-height wait therefore comes first. Nothing resolves before the estimate.
      costLimit(limits.maxCost),
      // After the stamps: it frames the stamped payloads of shared streams for SSE, once per event.
      ...(options.multiplexSubscriptions === false
        ? []
        : [
            multiplexedSubscriptions(
              options.multiplexSubscriptions instanceof SubscriptionMultiplexer
                ? options.multiplexSubscriptions
                : new SubscriptionMultiplexer(),
            ),
          ]),
      // Last: it serves stored bytes before anything else runs, and stores what every plugin above has stamped.
      ...(options.responseCache === null ? [] : [responseCachePlugin(node, options.responseCache)]),
    ],
    // No CORS by default: browsers then refuse cross-origin reads and JSON posts (their preflight fails), so a web
    // page cannot drive a local node. `corsOrigins` opens it to named origins, without credentials.
    cors:
      options.corsOrigins === undefined || options.corsOrigins.length === 0
        ? false
        : { origin: [...options.corsOrigins], credentials: false },
    // Counts streamed bytes too (a chunked body declares no length); the plugin answers 413 early for declared ones.
    maxRequestBodySize: options.bodiesReadByServer === true ? false : limits.maxBodyBytes,
    // Unexpected errors are masked (yoga's default); domain failures are typed results in the schema.
    maskedErrors: true,
    // GraphiQL from this node's own files (src/dashboard/graphiql.ts), never from a CDN; the HTTP server serves them.
    // With trusted documents only, an editor that runs whatever is typed has nothing to offer: a page says why.
    renderGraphiQL: options.trustedDocuments === undefined ? renderGraphiQLPage : renderTrustedDocumentsOnlyPage,
    graphiql:
      options.graphiql === false
        ? false
        : {
            title: 'GraphQL blockchain node',
            subscriptionsProtocol: 'WS',
            defaultQuery: DEFAULT_QUERY,
          },
    landingPage: false,
    logging: false,
  });
}

/** The response cache's plugin: the given cache's, or a new cache's with the given bounds. */
function responseCachePlugin(node: Node, cache: ResponseCacheOptions | ResponseCache | undefined): Plugin {
  return cache !== undefined && 'plugin' in cache ? cache.plugin : createResponseCache(node.events, cache).plugin;
}

/** The GraphiQL page's security headers (its Content-Security-Policy and friends); yoga sends it as bare text/html. */
function graphiqlPageHeaders(): Plugin {
  return {
    onResponse({ response, setResponse, fetchAPI }) {
      if (!response.headers.get('content-type')?.startsWith('text/html')) return;
      // A new response rather than headers.set: @whatwg-node keeps the original `Content-Type` key next to a set one.
      setResponse(
        new fetchAPI.Response(response.body, {
          status: response.status,
          headers: { ...GRAPHIQL_HEADERS, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' },
        }),
      );
    },
  };
}

/** GraphiQL's starting operations (test/api/documentCosts.test.ts keeps them within the default cost limit). */
export const DEFAULT_QUERY = `# The tutorial, as GraphQL. Run one operation at a time (▶ lets you pick).

query Node {
  node { address height genesisHash difficulty mining peerCount pendingTransactionCount }
}

mutation Mine {
  mine {
    ... on MineSuccess { block { index hash proof transactions { sender recipient amount } } }
    ... on Error { code message }
  }
}

query Chain {
  chain { length totalWork blocks(last: 5) { edges { node { index hash previousHash proof transactionCount } } } }
}
`;
