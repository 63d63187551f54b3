import type { ErrorCode } from './gql/graphql.js';

/**
 * What the typed client throws. A node's *refusal* of a mutation (a typed `Error` result such as
 * INSUFFICIENT_BALANCE) is not thrown: it comes back as `{ ok: false, code, message }`. These classes are for requests
 * that did not get a GraphQL answer to act on: the node is down or slow, the request lacks the admin token, the body
 * is too large, the node answered with GraphQL errors (a malformed request), or something that is not GraphQL
 * answered at all.
 */

/** Base class of every error the client throws; `url` is the node's endpoint. */
export abstract class NodeClientError extends Error {
  abstract override readonly name: string;
  /** The endpoint that was asked. */
  readonly url: string;

  constructor(url: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.url = url;
  }
}

/** No answer: nothing listens at the URL, the connection broke, or no answer came within the timeout. */
export class NodeUnreachableError extends NodeClientError {
  override readonly name = 'NodeUnreachableError';
  /** `connect` when the connection failed or broke, `timeout` when the answer did not come in time. */
  readonly reason: 'connect' | 'timeout';

  constructor(url: string, reason: 'connect' | 'timeout', detail: string, options?: { cause?: unknown }) {
    super(url, `node ${url} is unreachable: ${detail}`, options);
    this.reason = reason;
  }
}

/** HTTP 401 (`UNAUTHORIZED`): an admin operation without the node's admin token, or with a wrong one. */
export class NodeUnauthorizedError extends NodeClientError {
  override readonly name = 'NodeUnauthorizedError';
  readonly status = 401;
  readonly code = 'UNAUTHORIZED';
}

/** HTTP 413 (`PAYLOAD_TOO_LARGE`): the request body is over the node's `limits { maxBodyBytes }`. */
export class NodePayloadTooLargeError extends NodeClientError {
  override readonly name = 'NodePayloadTooLargeError';
  readonly status = 413;
  readonly code = 'PAYLOAD_TOO_LARGE';
}

/**
 * HTTP 429 (`RATE_LIMITED`): this client sent more requests than the node's `limits { rateLimitPerSecond
 * rateLimitBurst }` allow. `retryAfterSeconds` is the node's `Retry-After` (undefined when it did not say).
 */
export class NodeRateLimitedError extends NodeClientError {
  override readonly name = 'NodeRateLimitedError';
  readonly status = 429;
  readonly code = 'RATE_LIMITED';

  constructor(
    url: string,
    message: string,
    readonly retryAfterSeconds: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(url, message, options);
  }
}

/** The error for GraphQL errors in an answer: a rate limit when the node says so, else NodeGraphQLError. */
export function graphQLErrorsError(
  url: string,
  status: number,
  errors: readonly { message: string; extensions?: Record<string, unknown> }[],
): NodeClientError {
  const first = errors[0];
  if (status === 429 || first?.extensions?.['code'] === 'RATE_LIMITED') {
    const seconds = first?.extensions?.['retryAfterSeconds'];
    return new NodeRateLimitedError(
      url,
      first?.message ?? 'HTTP 429: too many requests',
      typeof seconds === 'number' ? seconds : undefined,
    );
  }
  return new NodeGraphQLError(url, status, errors);
}

/**
 * The node answered with GraphQL errors instead of data (e.g. `BAD_USER_INPUT` for a page over 100,
 * `REQUEST_TIMEOUT`, `GRAPHQL_VALIDATION_FAILED`). `code` is the first error's `extensions.code`.
 */
export class NodeGraphQLError extends NodeClientError {
  override readonly name = 'NodeGraphQLError';
  /** `extensions.code` of the first error (`GRAPHQL_ERROR` when it has none). */
  readonly code: string;
  /** HTTP status of the answer (200 for errors over graphql-ws). */
  readonly status: number;
  /** Every error message, in order. */
  readonly messages: readonly string[];

  constructor(
    url: string,
    status: number,
    errors: readonly { message: string; extensions?: Record<string, unknown> }[],
  ) {
    const code = errors[0]?.extensions?.['code'];
    const messages = errors.map((error) => error.message);
    super(url, messages.join('; ') || `HTTP ${status}`);
    this.code = typeof code === 'string' ? code : 'GRAPHQL_ERROR';
    this.status = status;
    this.messages = messages;
  }
}

/** Something answered that is not this node's GraphQL API (wrong URL, a proxy's error page, a malformed result). */
/** A subscription's consumer fell behind: more events were waiting than the client buffers, so the stream ended. */
export class SubscriptionOverflowError extends NodeClientError {
  override readonly name = 'SubscriptionOverflowError';
  constructor(
    url: string,
    readonly limit: number,
  ) {
    super(
      url,
      `the subscription to ${url} ended: more than ${limit} events were waiting to be read (read them faster)`,
    );
  }
}

export class NodeResponseError extends NodeClientError {
  override readonly name = 'NodeResponseError';
  /** HTTP status of the answer, when there was one. */
  readonly status: number | undefined;

  constructor(url: string, detail: string, status?: number, options?: { cause?: unknown }) {
    // The detail may quote a whole HTML page: keep its first line, shortened.
    const firstLine = detail.split('\n', 1)[0]!.trim();
    const shown = firstLine.length > 200 ? `${firstLine.slice(0, 200)}…` : firstLine;
    super(url, `node ${url} answered something unexpected: ${shown}`, options);
    this.status = status;
  }
}

/** A refusal turned into an exception by `assertOk`: the node's typed error result. */
export class NodeRefusalError extends Error {
  override readonly name = 'NodeRefusalError';
  readonly code: ErrorCode;
  /** The offending argument of an `InvalidInputError`. */
  readonly field: string | undefined;

  constructor(refusal: { readonly code: ErrorCode; readonly message: string; readonly field?: string }) {
    super(`${refusal.code}: ${refusal.message}`);
    this.code = refusal.code;
    this.field = refusal.field;
  }
}

/** submitAndWait / sendAndWait: the node accepted the transfer, then dropped it without a block. */
export class TransactionDroppedError extends Error {
  override readonly name = 'TransactionDroppedError';

  constructor(
    /** The transaction id. */
    readonly id: string,
    /** Why the node dropped it (the rule it no longer meets). */
    readonly reason: string,
  ) {
    super(`transaction ${id} was dropped: ${reason}`);
  }
}

/** True for every error the client throws for a failed request. */
export function isNodeClientError(error: unknown): error is NodeClientError {
  return error instanceof NodeClientError;
}
