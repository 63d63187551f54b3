import { type ExecutionResult, GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Node } from '../node/node.js';

/** The header (or graphql-ws connectionParams / operation extensions key) that asks for a minimum height. */
export const MIN_HEIGHT_HEADER = 'x-min-height';

/** What every response carries in `extensions.chain`: the state it was answered from. */
export interface ChainFreshness {
  readonly height: number;
  readonly tipHash: string;
}

/** The node's height and tip, as `extensions.chain` spells them. */
export function chainFreshness(node: Node): ChainFreshness {
  const tip = node.chain.tip;
  return { height: tip.block.header.index, tipHash: tip.hash };
}

/** A result with `extensions.chain` set to the node's state now. */
export function withChainExtension<T extends ExecutionResult>(node: Node, result: T): T {
  return { ...result, extensions: { ...result.extensions, chain: chainFreshness(node) } };
}

/** What the operation's context offers to read a minimum height from (HTTP header, ws params, extensions). */
interface FreshnessContext {
  readonly request?: { readonly headers: { get(name: string): string | null } };
  readonly connectionParams?: Readonly<Record<string, unknown>>;
  readonly params?: { readonly extensions?: Readonly<Record<string, unknown>> };
}

/** The requested minimum height as given, or undefined when none was asked for. */
function requestedMinHeight(context: FreshnessContext): unknown {
  return (
    context.request?.headers.get(MIN_HEIGHT_HEADER) ??
    context.params?.extensions?.[MIN_HEIGHT_HEADER] ??
    context.connectionParams?.[MIN_HEIGHT_HEADER] ??
    undefined
  );
}

/** Resolves once the node's height is at least `height`, or with false after `waitMs`. */
function waitForHeight(node: Node, height: number, waitMs: number): Promise<boolean> {
  if (node.chain.height >= height) return Promise.resolve(true);
  if (waitMs <= 0) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (reached: boolean) => {
      clearTimeout(timer);
      unsubscribe();
      resolve(reached);
    };
    const unsubscribe = node.events.on('tipChanged', ({ tip }) => {
      if (tip.block.header.index >= height) done(true);
    });
    const timer = setTimeout(() => done(node.chain.height >= height), waitMs);
  });
}

/**
 * The error result of a request the node cannot serve yet: a malformed minimum height (BAD_USER_INPUT, HTTP 400),
 * or one it did not reach within `waitMs` (NODE_BEHIND, HTTP 503 with Retry-After: another replica may be ahead).
 */
async function minHeightRefusal(
  node: Node,
  context: FreshnessContext,
  waitMs: number,
): Promise<ExecutionResult | undefined> {
  const given = requestedMinHeight(context);
  if (given === undefined || given === null) return undefined;
  const text = String(given).trim();
  const wanted = /^\d{1,15}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(wanted)) {
    const message = `${MIN_HEIGHT_HEADER} must be a block height: a non-negative integer, got ${JSON.stringify(given)}`;
    const extensions = { code: 'BAD_USER_INPUT', field: MIN_HEIGHT_HEADER, http: { status: 400 } };
    return withChainExtension(node, { errors: [new GraphQLError(message, { extensions })] });
  }
  if (await waitForHeight(node, wanted, waitMs)) return undefined;
  const height = node.chain.height;
  const message =
    `this node is at height ${height}, below the requested ${MIN_HEIGHT_HEADER} ${wanted} ` +
    `(waited ${waitMs} ms); retry, or ask another node`;
  const extensions = {
    code: 'NODE_BEHIND',
    height,
    minHeight: wanted,
    http: { status: 503, headers: { 'retry-after': '1' } },
  };
  return withChainExtension(node, { errors: [new GraphQLError(message, { extensions })] });
}

/**
 * Freshness for clients behind a load balancer: every response carries `extensions.chain { height tipHash }` (each
 * subscription payload too), and a request with `x-min-height: N` waits up to `waitMs` for the node to reach N
 * before it runs, or is answered NODE_BEHIND with the node's height.
 */
export function freshness(node: Node, waitMs: number): Plugin {
  type Stampable = { result: ExecutionResult; setResult: (result: ExecutionResult) => void };
  const stamp = ({ result, setResult }: Stampable) => setResult(withChainExtension(node, result));
  // A shared stream (subscriptionMultiplexer.ts) hands one result to all its subscribers: it is stamped once, when
  // the first of them gets it, right after its execution, so they all get the same object (serialised once).
  const stamped = new WeakMap<ExecutionResult, ExecutionResult>();
  const stampPayload = ({ result, setResult }: Stampable) => {
    let payload = stamped.get(result);
    if (payload === undefined) {
      payload = withChainExtension(node, result);
      stamped.set(result, payload);
    }
    setResult(payload);
  };
  /** Stamps a result, or each payload of a stream. */
  const stampResult = (payload: { result: unknown }) => {
    if (Symbol.asyncIterator in (payload.result as object)) return { onNext: stampPayload };
    stamp(payload as Stampable);
    return undefined;
  };
  /** Waits for x-min-height; true when the operation was answered with a refusal instead. */
  const refused = async (args: { contextValue: unknown }, stop: (result: ExecutionResult) => void) => {
    const refusal = await minHeightRefusal(node, args.contextValue as FreshnessContext, waitMs);
    if (refusal !== undefined) stop(refusal);
    return refusal !== undefined;
  };
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      if (await refused(args, setResultAndStopExecution)) return;
      return { onExecuteDone: stampResult };
    },
    async onSubscribe({ args, setResultAndStopExecution }) {
      if (await refused(args, setResultAndStopExecution)) return;
      return { onSubscribeResult: stampResult };
    },
    // Errors found before execution (syntax, validation, limits) are answered without it: stamp those too.
    onResultProcess({ result, setResult }) {
      if (Symbol.asyncIterator in result) return;
      const stampOne = (one: ExecutionResult) => (one.extensions?.['chain'] ? one : withChainExtension(node, one));
      setResult(Array.isArray(result) ? result.map(stampOne) : stampOne(result as ExecutionResult));
    },
  };
}
