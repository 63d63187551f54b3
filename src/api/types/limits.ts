import { builder } from '../builder.js';
import type { ApiContext } from '../context.js';
import { FIXED_API_LIMITS } from '../limits.js';

const LimitsRef = builder.objectRef<ApiContext>('Limits');
LimitsRef.implement({
  description: 'The limits this node enforces on requests, so clients can stay inside them.',
  fields: (t) => ({
    maxDepth: t.int({
      description: 'Deepest selection nesting of an operation.',
      resolve: (ctx) => ctx.limits.maxDepth,
    }),
    maxAliases: t.int({ description: 'Most aliases in one operation.', resolve: (ctx) => ctx.limits.maxAliases }),
    maxTokens: t.int({ description: 'Most lexical tokens in one document.', resolve: (ctx) => ctx.limits.maxTokens }),
    maxCost: t.int({
      description:
        'Largest estimated cost of one operation: a costlier one is refused with QUERY_TOO_COMPLEX before anything ' +
        'runs. A field costs 1, and a list multiplies the cost of its selection by the most items it can return ' +
        '(its first/last, or its maximum). Every answer carries its estimate as extensions.cost { estimated limit }.',
      resolve: (ctx) => ctx.limits.maxCost,
    }),
    maxBodyBytes: t.int({
      description: 'Largest request body; larger ones get HTTP 413.',
      resolve: (ctx) => ctx.limits.maxBodyBytes,
    }),
    requestTimeoutMs: t.int({
      description: 'Longest a query or mutation runs before it is answered with REQUEST_TIMEOUT.',
      resolve: (ctx) => ctx.limits.requestTimeoutMs,
    }),
    maxSubscriptionsPerClient: t.int({
      description: 'Most subscriptions one client may hold open (TOO_MANY_SUBSCRIPTIONS above it).',
      resolve: (ctx) => ctx.limits.maxSubscriptionsPerClient,
    }),
    subscriptionBacklog: t.int({
      description: 'Most events a subscriber may fall behind before its stream ends with an error.',
      resolve: (ctx) => ctx.limits.subscriptionBacklog,
    }),
    minHeightWaitMs: t.int({
      description: 'Longest a request with an x-min-height header waits for this node to reach it (then NODE_BEHIND).',
      resolve: (ctx) => ctx.limits.minHeightWaitMs,
    }),
    rateLimitPerSecond: t.float({
      nullable: true,
      description:
        'Requests per second each client (remote address, an IPv6 /64, or the client a trusted proxy names in ' +
        'X-Forwarded-For) may send on average: requests, WebSocket upgrades and graphql-ws operations each take one. ' +
        'Over it: HTTP 429 with Retry-After, or the error code RATE_LIMITED. Null when this node has no rate limit ' +
        '(the default on loopback binds).',
      resolve: (ctx) => ctx.limits.rateLimit?.perSecond ?? null,
    }),
    rateLimitBurst: t.int({
      nullable: true,
      description: 'Most requests a client may send at once before rateLimitPerSecond applies; null without a limit.',
      resolve: (ctx) => ctx.limits.rateLimit?.burst ?? null,
    }),
    maxPageSize: t.int({
      description: 'Largest page of chain.blocks and account.transactions (an error above it, never truncation).',
      resolve: () => FIXED_API_LIMITS.maxPageSize,
    }),
    maxEncodedBlocksPage: t.int({
      description: 'Largest page of chain.encodedBlocks.',
      resolve: () => FIXED_API_LIMITS.maxEncodedBlocksPage,
    }),
    maxBlockTreeRange: t.int({
      description:
        'Most heights one blockTree call may span (toIndex - fromIndex + 1); a wider range is an error, never ' +
        'truncated. Each block it returns also costs a block read against maxCost.',
      resolve: () => FIXED_API_LIMITS.maxBlockTreeRange,
    }),
    maxLocatorLength: t.int({
      description: 'Most hashes in a commonAncestor locator.',
      resolve: () => FIXED_API_LIMITS.maxLocatorLength,
    }),
    adminTokenRequired: t.boolean({
      description:
        'True when admin mutations (mine, startMining, stopMining, send, registerNodes, removeNodes, resolve) ' +
        'need a bearer token.',
      resolve: (ctx) => ctx.adminTokenRequired,
    }),
    trustedDocumentsOnly: t.boolean({
      description:
        'True when this node runs only its trusted documents (started with --trusted-documents): operations whose ' +
        'document is in its manifests (the typed client, the peer protocol and the dashboard), sent whole (white ' +
        'space and field order do not matter) or by id (documentId "sha256:<hex>", or ' +
        'extensions.persistedQuery.sha256Hash). Any other operation is refused before it runs with the code ' +
        'PERSISTED_QUERY_ONLY, and GraphiQL is off.',
      resolve: (ctx) => ctx.trustedDocumentsOnly,
    }),
  }),
});

builder.queryField('limits', (t) =>
  t.field({ type: LimitsRef, description: 'The request limits of this node.', resolve: (_root, _args, ctx) => ctx }),
);
