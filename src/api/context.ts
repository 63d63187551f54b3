import { timingSafeEqual } from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { Node } from '../node/node.js';
import type { ApiLimits } from './limits.js';
import type { SubscriptionRegistry } from './subscriptionRegistry.js';

/** Per-request context: every resolver reaches the chain only through the node. */
export interface ApiContext {
  readonly node: Node;
  /** True when the request carries the admin token (or the node has none configured). */
  readonly isAdmin: boolean;
  /** True when admin mutations need a token on this node. */
  readonly adminTokenRequired: boolean;
  /** True when the node runs only its trusted documents (`--trusted-documents`). */
  readonly trustedDocumentsOnly: boolean;
  /** Who is asking, for per-client limits: the remote address, or "in-process". */
  readonly clientId: string;
  /** Where a subscription takes its client's slot (the shared streams of the multiplexer take none). */
  readonly subscriptions: Pick<SubscriptionRegistry, 'open'>;
  readonly limits: ApiLimits;
}

/** What yoga (HTTP) or the graphql-ws server hands the context factory. */
export interface InitialContext {
  readonly request?: { readonly headers: { get(name: string): string | null } };
  readonly req?: {
    readonly headers?: Record<string, string | string[] | undefined>;
    readonly socket?: { readonly remoteAddress?: string };
  };
  readonly connectionParams?: Readonly<Record<string, unknown>>;
}

/** The bearer token of a request: the Authorization header, or graphql-ws connectionParams.authorization. */
export function bearerToken(initial: InitialContext): string | undefined {
  const header =
    initial.request?.headers.get('authorization') ??
    (initial.req?.headers?.['authorization'] as string | undefined) ??
    (typeof initial.connectionParams?.['authorization'] === 'string'
      ? (initial.connectionParams['authorization'] as string)
      : undefined);
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** True when `given` equals the configured token (compared in constant time). */
export function tokenMatches(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Refuses an admin operation without the admin token: a standard GraphQL error with code UNAUTHORIZED and HTTP
 * status 401, before anything changes.
 */
export function requireAdmin(context: ApiContext, operation: string): void {
  if (context.isAdmin) return;
  throw new GraphQLError(`${operation} is an admin operation: send "Authorization: Bearer <admin token>"`, {
    extensions: { code: 'UNAUTHORIZED', http: { status: 401 } },
  });
}
