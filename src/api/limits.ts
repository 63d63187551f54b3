import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { GraphQLError, NoSchemaIntrospectionCustomRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { MAX_LOCATOR_LENGTH } from '../chain/locator.js';
import type { RateLimit } from './rateLimit.js';

// The one table of the API's limits: resolvers, streams and `query { limits }` read them here.

/** Request limits of the GraphQL API (the largest honest request this node or a peer sends stays well inside). */
export interface ApiLimits {
  /** Deepest selection nesting (peers need 3, the deepest documented query 6). */
  readonly maxDepth: number;
  /** Most aliases in one operation. */
  readonly maxAliases: number;
  /** Most lexical tokens in one document. */
  readonly maxTokens: number;
  /**
   * Largest estimated cost of one operation (the cost model: ./cost.ts): a costlier one is refused with
   * QUERY_TOO_COMPLEX before anything runs.
   */
  readonly maxCost: number;
  /** Largest request body in bytes (a maximal block as JSON is about 0.5 MB). */
  readonly maxBodyBytes: number;
  /** Longest a query or mutation may run before it is answered with REQUEST_TIMEOUT, in ms. */
  readonly requestTimeoutMs: number;
  /** Most subscriptions one client (remote address) may hold open. */
  readonly maxSubscriptionsPerClient: number;
  /** Most events a subscriber may fall behind before its stream ends with an error. */
  readonly subscriptionBacklog: number;
  /** Longest a request with `x-min-height` waits for the node to reach that height before NODE_BEHIND, in ms. */
  readonly minHeightWaitMs: number;
  /**
   * Requests per second (and burst) each client may send, enforced by the HTTP server (server.ts) on requests,
   * WebSocket upgrades and graphql-ws operations; null: no rate limit.
   */
  readonly rateLimit: RateLimit | null;
}

/** Limits no option changes: the schema's descriptions quote them. */
export const FIXED_API_LIMITS = {
  /** Largest page of chain.blocks and account.transactions: an error above it, never truncation. */
  maxPageSize: 100,
  /** Page of chain.blocks when neither `first` nor `last` is given. */
  defaultBlocksPage: 20,
  /** Default `first` of account.transactions. */
  defaultAccountTransactions: 20,
  /** Default `first` of pendingTransactions. */
  defaultPendingTransactions: 100,
  /** Largest `first` of pendingTransactions. */
  maxPendingTransactions: 1_000,
  /** Default `first` of chain.encodedBlocks. */
  defaultEncodedBlocks: 500,
  /** Largest `first` of chain.encodedBlocks. */
  maxEncodedBlocksPage: 1_000,
  /**
   * Most base64 characters one chain.encodedBlocks page carries (it always carries at least one block): about 20 full
   * blocks, so a sync page fits the default cost limit with its answer under 8 MB (test/api/costMeasurement.test.ts).
   */
  maxEncodedPageChars: 4_000_000,
  /**
   * Most heights one blockTree call may span (toIndex - fromIndex + 1): an error above it, never truncation. Its
   * cost (a block read per stored block) is the tighter bound under the default maxCost: about 120 blocks.
   */
  maxBlockTreeRange: 1_000,
  /** Most hashes in a commonAncestor locator (the consensus-side constant). */
  maxLocatorLength: MAX_LOCATOR_LENGTH,
  /** Most confirmations transactionStatus waits for. */
  maxConfirmations: 1_000,
  /** Most events an event stream buffers, whatever subscriptionBacklog says: its Repeater throws past 1,024. */
  eventBacklogCeiling: 1_000,
} as const;

/** The per-node limits' defaults (createYogaApp's `limits` option and the node's flags override them). */
export const DEFAULT_API_LIMITS: ApiLimits = {
  maxDepth: 12,
  maxAliases: 20,
  maxTokens: 4_000,
  /**
   * The measured default (test/api/costMeasurement.test.ts): the costliest operations it allows answer in under 1 s
   * and 5 MB here, and every document of the client, the peer protocol, the dashboard and GraphiQL fits (the largest,
   * a page of 100 block headers, costs 42,119; a peer's sync page 32,252; a pushed full block 30,404).
   */
  maxCost: 50_000,
  maxBodyBytes: 2 * 1024 * 1024,
  requestTimeoutMs: 30_000,
  maxSubscriptionsPerClient: 20,
  /** Within eventBacklogCeiling, so event and block streams end at the same backlog. */
  subscriptionBacklog: FIXED_API_LIMITS.eventBacklogCeiling,
  minHeightWaitMs: 2_000,
  rateLimit: null,
};

/**
 * The yoga plugins that enforce `limits`: graphql-armor for document shape, a body-size check for bytes, a timer.
 * The cost limit (maxCost) is ./cost.ts's plugin, which yoga.ts places after the freshness plugin.
 */
export function limitPlugins(limits: ApiLimits, options: { readonly introspection?: boolean } = {}): Plugin[] {
  const introspection = options.introspection ?? true;
  return [
    ...(introspection ? [] : [withoutIntrospection()]),
    EnvelopArmorPlugin({
      // "Did you mean …?" reveals the schema as introspection does: shown only where introspection is.
      blockFieldSuggestion: { enabled: !introspection },
      maxDepth: { n: limits.maxDepth, onReject: [coded('MAX_DEPTH_EXCEEDED', 'maxDepth')] },
      maxAliases: { n: limits.maxAliases, onReject: [coded('MAX_ALIASES_EXCEEDED', 'maxAliases')] },
      maxTokens: { n: limits.maxTokens, onReject: [coded('MAX_TOKENS_EXCEEDED', 'maxTokens')] },
      // armor's cost limit weighs a document's shape and never multiplies by a list's page argument: ./cost.ts does.
      costLimit: { enabled: false },
    }) as Plugin,
    bodySizeLimit(limits.maxBodyBytes),
    requestTimeout(limits.requestTimeoutMs),
  ];
}

/** Refuses `__schema` and `__type` at validation (graphql's NoSchemaIntrospectionCustomRule); `__typename` stays. */
function withoutIntrospection(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(NoSchemaIntrospectionCustomRule);
    },
  };
}

/**
 * graphql-armor's rejections carry only a message: this gives each a stable `extensions.code` and names the limit
 * (as `query { limits }` spells it), before armor throws the error it was handed.
 */
function coded(code: string, limit: keyof ApiLimits) {
  return (_context: unknown, error: GraphQLError): void => {
    Object.assign(error.extensions as Record<string, unknown>, { code, limit });
  };
}

/**
 * Answers a query or mutation that runs longer than `ms` with a GraphQL error coded REQUEST_TIMEOUT (the socket stays
 * open and gets a proper response). Work already started is not rolled back: a `mine` that times out still adds its
 * block when it finds one; every state change is atomic, so nothing is half-applied either way.
 */
function requestTimeout(ms: number): Plugin {
  return {
    onExecute({ executeFn, setExecuteFn }) {
      setExecuteFn((args) => {
        const result = executeFn(args);
        // Most queries complete synchronously: only an asynchronous execution needs a timer.
        if (typeof (result as { then?: unknown } | null)?.then !== 'function') return result;
        let timer: ReturnType<typeof setTimeout> | undefined;
        const timeout = new Promise((resolve) => {
          timer = setTimeout(() => resolve({ errors: [timeoutError(ms)] }), ms);
        });
        const raced = Promise.race([result as Promise<unknown>, timeout]).finally(() => clearTimeout(timer));
        return raced as ReturnType<typeof executeFn>;
      });
    },
  };
}

function timeoutError(ms: number): GraphQLError {
  return new GraphQLError(`the request took longer than ${ms} ms`, { extensions: { code: 'REQUEST_TIMEOUT' } });
}

/** The JSON body of a 413 answer (shared by the yoga plugin and the HTTP layer, so both answer alike). */
export function bodyTooLargeJson(bytes: number, maxBytes: number, declared: boolean): string {
  return JSON.stringify({
    errors: [
      {
        message:
          `request body of ${declared ? '' : 'at least '}${bytes} bytes is over the limit of ${maxBytes} bytes ` +
          '(maxBodyBytes)',
        extensions: { code: 'PAYLOAD_TOO_LARGE' },
      },
    ],
  });
}

/** Answers 413 before reading a body whose declared Content-Length is over `maxBytes`. */
function bodySizeLimit(maxBytes: number): Plugin {
  return {
    onRequest({ request, endResponse, fetchAPI }) {
      const declared = Number(request.headers.get('content-length') ?? '0');
      if (declared > maxBytes) {
        const headers = { 'content-type': 'application/json' };
        endResponse(new fetchAPI.Response(bodyTooLargeJson(declared, maxBytes, true), { status: 413, headers }));
      }
    },
  };
}
