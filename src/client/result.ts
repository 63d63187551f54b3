import { NodeRefusalError, NodeResponseError } from './errors.js';
import type { ErrorCode } from './gql/graphql.js';

/**
 * A mutation's answer as a discriminated union: `{ ok: true, ...fields }` when the node did it, or the node's typed
 * refusal `{ ok: false, code, message, field? }` (the schema's `Error` interface; `field` for InvalidInputError).
 */
export type NodeResult<T> = ({ readonly ok: true } & T) | NodeRefusal;

/** A typed refusal: nothing was changed, and `code` names the rule that failed. */
export interface NodeRefusal {
  readonly ok: false;
  /** The GraphQL error type, e.g. `TransactionRejectedError` or `InvalidInputError`. */
  readonly type: string;
  /** Stable code to match on (e.g. `INSUFFICIENT_BALANCE`, `NONCE_MISMATCH`, `INVALID_INPUT`). */
  readonly code: ErrorCode;
  /** What went wrong, naming the field and the rule. */
  readonly message: string;
  /** Path of the offending argument (InvalidInputError only), e.g. `recipient` or `urls[2]`. */
  readonly field?: string;
}

/** The success member of a result union, without its `__typename`. */
export type SuccessOf<Union, Name> = Omit<Extract<Union, { __typename: Name }>, '__typename'>;

/**
 * Turns a union answer (selected with `__typename` and `... on Error { code message }`) into a NodeResult.
 * @throws {NodeResponseError} when the answer is neither the success type nor an Error.
 */
export function toNodeResult<Union extends { readonly __typename: string }, Name extends Union['__typename']>(
  url: string,
  value: Union,
  success: Name,
): NodeResult<SuccessOf<Union, Name>> {
  if (value.__typename === success) {
    const { __typename: _typename, ...fields } = value;
    return { ok: true, ...(fields as unknown as SuccessOf<Union, Name>) };
  }
  const failure = value as {
    readonly __typename: string;
    readonly code?: unknown;
    readonly message?: unknown;
    readonly field?: unknown;
  };
  if (typeof failure.code !== 'string' || typeof failure.message !== 'string') {
    throw new NodeResponseError(url, `${failure.__typename} is neither ${success} nor an Error`);
  }
  return {
    ok: false,
    type: failure.__typename,
    code: failure.code as ErrorCode,
    message: failure.message,
    ...(typeof failure.field === 'string' ? { field: failure.field } : {}),
  };
}

/** True when the node did what was asked. */
export function isOk<T>(result: NodeResult<T>): result is { readonly ok: true } & T {
  return result.ok;
}

/**
 * Narrows a result to its success, for scripts that treat any refusal as fatal.
 * @throws {NodeRefusalError} with the refusal's code, message and field.
 */
export function assertOk<T>(result: NodeResult<T>): asserts result is { readonly ok: true } & T {
  if (!result.ok) throw new NodeRefusalError(result);
}
