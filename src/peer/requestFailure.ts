import { ClientError } from 'graphql-request';

/** One GraphQL error of an answer without data. */
export interface AnswerError {
  readonly message: string;
  readonly extensions?: Record<string, unknown>;
}

/** Why a graphql-request call to a node failed, whoever asked (a peer of this node, or the typed client). */
export type RequestFailure =
  /** Something answered over HTTP, but without data: GraphQL errors, or an HTTP error status. */
  | { readonly kind: 'answer'; readonly status: number; readonly errors: readonly AnswerError[] }
  /** No answer within the request's timeout (its abort signal fired). */
  | { readonly kind: 'timeout' }
  /** The connection failed or broke; `detail` is the system error's code or message when fetch gave one. */
  | { readonly kind: 'connect'; readonly detail: string | undefined }
  /** Anything else, e.g. a body that is not JSON. */
  | { readonly kind: 'other'; readonly message: string };

/** Sorts what graphql-request or fetch threw; the one place that knows fetch's error shapes. */
export function classifyRequestFailure(error: unknown): RequestFailure {
  if (error instanceof ClientError) {
    return { kind: 'answer', status: error.response.status, errors: error.response.errors ?? [] };
  }
  const failure = error as (Error & { cause?: { name?: string; code?: string; message?: string } }) | undefined;
  // Platform errors (DOMException from AbortSignal.timeout), thrown directly or as the cause of fetch's TypeError.
  const names = [failure?.name, failure?.cause?.name];
  if (names.includes('TimeoutError') || names.includes('AbortError')) return { kind: 'timeout' };
  if (failure instanceof TypeError && failure.cause !== undefined) {
    return { kind: 'connect', detail: failure.cause.code ?? failure.cause.message };
  }
  return { kind: 'other', message: failure?.message ?? String(error) };
}
