import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** Request limits of the GraphQL API (the largest honest request this node or a peer sends stays well inside). */
export interface ApiLimits {
  /** Deepest selection nesting (peers need 3, the deepest documented query 6). */
  readonly maxDepth: number;
  /** Most aliases in one operation. */
  readonly maxAliases: number;
  /** Most lexical tokens in one document. */
  readonly maxTokens: number;
  /** Largest request body in bytes (a maximal block as JSON is about 0.5 MB). */
  readonly maxBodyBytes: number;
  /** Longest a query or mutation may run before it is answered with REQUEST_TIMEOUT, in ms. */
  readonly requestTimeoutMs: number;
  /** Most subscriptions one client (remote address) may hold open. */
  readonly maxSubscriptionsPerClient: number;
  /** Most events a subscriber may fall behind before its stream ends with an error. */
  readonly subscriptionBacklog: number;
}

/** Largest page of a list or connection (chain.blocks, account.transactions): an error above it, never truncation. */
export const MAX_PAGE_SIZE = 100;

export const DEFAULT_API_LIMITS: ApiLimits = {
  maxDepth: 12,
  maxAliases: 20,
  maxTokens: 4_000,
  maxBodyBytes: 2 * 1024 * 1024,
  requestTimeoutMs: 30_000,
  maxSubscriptionsPerClient: 20,
  // Below the Repeater's own limit of 1,024 pending pushes.
  subscriptionBacklog: 1_000,
};

/** The yoga plugins that enforce `limits`: graphql-armor for document shape, a body-size check for bytes. */
export function limitPlugins(limits: ApiLimits): Plugin[] {
  return [
    EnvelopArmorPlugin({
      maxDepth: { n: limits.maxDepth, onReject: [coded('MAX_DEPTH_EXCEEDED', 'maxDepth')] },
      maxAliases: { n: limits.maxAliases, onReject: [coded('MAX_ALIASES_EXCEEDED', 'maxAliases')] },
      maxTokens: { n: limits.maxTokens, onReject: [coded('MAX_TOKENS_EXCEEDED', 'maxTokens')] },
      // Cost analysis adds little over depth, alias and token caps for this schema; pages are capped in resolvers.
      costLimit: { enabled: false },
    }) as Plugin,
    bodySizeLimit(limits.maxBodyBytes),
    requestTimeout(limits.requestTimeoutMs),
  ];
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
          timer = setTimeout(
            () =>
              resolve({
                errors: [new GraphQLError(`the request took longer than ${ms} ms`, { extensions: { code: 'REQUEST_TIMEOUT' } })],
              }),
            ms,
          );
        });
        return Promise.race([result as Promise<unknown>, timeout]).finally(() => clearTimeout(timer)) as ReturnType<typeof executeFn>;
      });
    },
  };
}

/** The JSON body of a 413 answer (shared by the yoga plugin and the HTTP layer, so both answer alike). */
export function bodyTooLargeJson(bytes: number, maxBytes: number, declared: boolean): string {
  return JSON.stringify({
    errors: [
      {
        message: `request body of ${declared ? '' : 'at least '}${bytes} bytes is over the limit of ${maxBytes} bytes (maxBodyBytes)`,
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
        endResponse(
          new fetchAPI.Response(bodyTooLargeJson(declared, maxBytes, true), { status: 413, headers: { 'content-type': 'application/json' } }),
        );
      }
    },
  };
}
