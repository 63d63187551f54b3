import { complexityFromQuery } from '@pothos/plugin-complexity';
import {
  type DocumentNode,
  type ExecutionResult,
  GraphQLError,
  type GraphQLSchema,
  getOperationAST,
  Kind,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * Cost analysis before execution: every field the schema declares carries a cost (its `complexity` option, recorded
 * by @pothos/plugin-complexity), and a list field multiplies the cost of its selection by the most items it can
 * return. `costLimit` estimates each operation with those costs before anything resolves, refuses one over the limit
 * with QUERY_TOO_COMPLEX, and reports the estimate on every answer as `extensions.cost`.
 *
 * One unit stands for at most about 20 µs of work and 160 bytes of answer on a 2-core machine, so the default limit
 * of 50,000 keeps any allowed operation under 1 s and 8 MB (test/api/costMeasurement.test.ts measures the costliest):
 * - a field (a scalar, an object, a list) costs 1, and each item of a list 1 more;
 * - reading a block from storage costs BLOCK_READ;
 * - checking a transfer (its signature first) costs SIGNATURE_CHECK;
 * - base64 block encodings cost 1 per ENCODED_CHARS_PER_UNIT characters they can carry.
 */

/**
 * Cost of reading one block from storage: a block the cache does not hold is decoded whole, up to 1,000 transactions,
 * whatever the query selects (1.5–3 ms here, up to 5 ms when other processes share the two cores).
 */
export const BLOCK_READ = 400;
/**
 * Cost of checking one transfer: its Ed25519 signature (100–150 µs here) and the rest of its handling, e.g. in a
 * pushed block (submitBlock of 1,000 transfers took about 330 ms here: reading the input, signatures, validation).
 */
export const SIGNATURE_CHECK = 30;
/** Characters of base64 block encoding (chain.encodedBlocks) that cost one unit. */
export const ENCODED_CHARS_PER_UNIT = 128;
/**
 * Blocks that chainReorganized's `connected` and `disconnected` are costed at: one sync page (1,000 blocks). The only
 * estimate that is not a hard bound: a deeper reorganization takes more proof of work than a query can buy.
 */
export const REORGANIZATION_BLOCKS = 1_000;

/** What a field's `complexity` option returns: its own cost and the multiplier of its selection's cost. */
export interface FieldCost {
  readonly field: number;
  readonly multiplier: number;
}

/**
 * The cost of a list field of at most `items` items: 1 for the list, 1 per item plus `perItem` (work its resolver
 * does per item, e.g. BLOCK_READ), and its selection once per item.
 */
export function listCost(items: number, perItem = 0): FieldCost {
  return { field: 1 + items * (1 + perItem), multiplier: items };
}

/**
 * The number of items a page argument asks for, as the resolver reads it: absent or null takes `fallback`, and the
 * result is clamped to 0…`max` (a larger page is refused by the resolver, so it never returns more than `max`).
 */
export function pageItems(value: number | null | undefined, fallback: number, max: number): number {
  const asked = value ?? fallback;
  return Math.min(max, Math.max(0, Math.trunc(asked)));
}

/** What `extensions.cost` carries on every answer. */
export interface CostExtension {
  /** The operation's estimated cost; null when it was answered before an estimate (syntax, validation, limits). */
  readonly estimated: number | null;
  /** The node's limit (`limits { maxCost }`). */
  readonly limit: number;
}

/**
 * The estimated cost of the operation of `document` that `operationName` selects, with `variables` and `context` as
 * the field costs read them. Null when no operation is selected or the variables do not coerce: execution then
 * answers with that error, and nothing runs.
 */
export function estimateCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Readonly<Record<string, unknown>> | null | undefined,
  context: object,
): number | null {
  const operation = getOperationAST(document, operationName ?? undefined);
  if (operation === null || operation === undefined) return null;
  // complexityFromQuery measures a document's first operation: hand it the selected one with the fragments.
  const fragments = document.definitions.filter((definition) => definition.kind === Kind.FRAGMENT_DEFINITION);
  try {
    return complexityFromQuery(
      { kind: Kind.DOCUMENT, definitions: [operation, ...fragments] },
      { schema, ctx: context, variables: { ...variables } },
    ).complexity;
  } catch (error) {
    // Variables that do not coerce (a GraphQLError): execution reports them. Anything else is a bug: fail closed.
    if (error instanceof GraphQLError) return null;
    throw error;
  }
}

/** The refusal of an operation whose estimate is over the limit. */
export function queryTooComplex(estimated: number, limit: number): GraphQLError {
  return new GraphQLError(
    `the query's estimated cost of ${estimated} is over the limit of ${limit} (maxCost): ask for smaller pages ` +
      '(first/last), fewer aliases or fewer fields, or split it (the cost model: README, "Limits and admin access")',
    { extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'maxCost', http: { status: 400 } } },
  );
}

/** A result with `extensions.cost` set. */
export function withCostExtension<T extends ExecutionResult>(result: T, cost: CostExtension): T {
  return { ...result, extensions: { ...result.extensions, cost } };
}

/**
 * Estimates every query, mutation and subscription before it runs: one over `maxCost` is answered QUERY_TOO_COMPLEX
 * (HTTP 400) without resolving anything. Every answer carries `extensions.cost { estimated limit }` (each payload of
 * a stream too; `estimated` is null on answers refused before an estimate, such as syntax or validation errors).
 */
export function costLimit(maxCost: number): Plugin {
  type Stampable = { result: ExecutionResult; setResult: (result: ExecutionResult) => void };
  /** Estimates the operation; refuses it when over the limit. Returns the hook that stamps its answers. */
  const check = (
    args: {
      schema: GraphQLSchema;
      document: DocumentNode;
      operationName?: string | null;
      variableValues?: Readonly<Record<string, unknown>> | null;
      contextValue: unknown;
    },
    stop: (result: ExecutionResult) => void,
  ) => {
    const estimated = estimateCost(
      args.schema,
      args.document,
      args.operationName,
      args.variableValues,
      args.contextValue as object,
    );
    const cost: CostExtension = { estimated, limit: maxCost };
    if (estimated !== null && estimated > maxCost) {
      stop(withCostExtension({ errors: [queryTooComplex(estimated, maxCost)] }, cost));
    }
    const stamp = ({ result, setResult }: Stampable) => setResult(withCostExtension(result, cost));
    /** Stamps a result, or each payload of a stream. */
    return (payload: { result: unknown }) => {
      if (Symbol.asyncIterator in (payload.result as object)) return { onNext: stampPayload(cost) };
      stamp(payload as Stampable);
      return undefined;
    };
  };
  // A shared stream (subscriptionMultiplexer.ts) hands one result to all its subscribers, whose operations are the
  // same and so cost the same: each result is stamped once, so they all get the same object (serialised once).
  const stamped = new WeakMap<ExecutionResult, { readonly cost: CostExtension; readonly payload: ExecutionResult }>();
  const stampPayload =
    (cost: CostExtension) =>
    ({ result, setResult }: Stampable) => {
      let entry = stamped.get(result);
      if (entry === undefined || entry.cost.estimated !== cost.estimated) {
        entry = { cost, payload: withCostExtension(result, cost) };
        stamped.set(result, entry);
      }
      setResult(entry.payload);
    };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      return { onExecuteDone: check(args, setResultAndStopExecution) };
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      return { onSubscribeResult: check(args, setResultAndStopExecution) };
    },
    // Answers that never reached execution (syntax, validation, other limits) carry the limit and no estimate.
    onResultProcess({ result, setResult }) {
      if (Symbol.asyncIterator in result) return;
      const stampOne = (one: ExecutionResult) =>
        one.extensions?.['cost'] ? one : withCostExtension(one, { estimated: null, limit: maxCost });
      setResult(Array.isArray(result) ? result.map(stampOne) : stampOne(result as ExecutionResult));
    },
  };
}
