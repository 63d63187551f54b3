import {
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type FieldNode,
  getArgumentValues,
  getOperationAST,
  getVariableValues,
  Kind,
  locatedError,
  print,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { ApiContext } from './context.js';
import { FIXED_API_LIMITS } from './limits.js';
import { sseResponse } from './sseFrames.js';

/**
 * The field extension that marks a subscription whose stream may be shared: a function of the field's arguments that
 * is true when every subscriber with those arguments gets the same events from the moment it joins (no replay, no
 * state of its own first). newBlock without afterIndex is; newBlock with it, syncStatus and transactionStatus are not.
 */
export const SHARED_STREAM_EXTENSION = 'sharedStream';

/** What a field's `sharedStream` extension is. */
export type SharedStreamRule = (args: Readonly<Record<string, unknown>>) => boolean;

/** The `extensions` of a subscription field whose stream may be shared when `rule` holds for its arguments. */
export function sharedStream(rule: SharedStreamRule = () => true): Readonly<Record<string, unknown>> {
  return { [SHARED_STREAM_EXTENSION]: rule };
}

type SubscribeResult = AsyncIterable<ExecutionResult> | ExecutionResult;
type SubscribeFn = (args: ExecutionArgs) => SubscribeResult | Promise<SubscribeResult>;

/** Waits for the check phase of the event loop: after the I/O (a mutation's answer) the current turn writes. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Subscription fan-out in the manner of Hasura's multiplexed subscriptions: the subscribers of one operation (the
 * same printed document, operation name, variables and admin standing) share ONE source stream and ONE execution per
 * event, and each result object goes to every one of them (the plugin below then serialises it once). Only operations
 * whose root field allows it (SHARED_STREAM_EXTENSION) are shared; any other runs on its own as before.
 *
 * Each subscriber still takes its slot of its client (SubscriptionRegistry) and has its own backlog: one that falls
 * more than the backlog behind gets its own error and leaves, and the others go on. The last one to leave tears the
 * shared stream down. Each source event is executed on a later turn of the event loop (setImmediate), so neither the
 * execution nor the fan-out runs inside the mutation that connected the block; events stay in order.
 */
export class SubscriptionMultiplexer {
  readonly #groups = new Map<string, SharedStream>();
  readonly #printed = new WeakMap<DocumentNode, string>();

  /** Shared streams running now. */
  get groupCount(): number {
    return this.#groups.size;
  }

  /** Subscribers of all shared streams. */
  get memberCount(): number {
    let count = 0;
    for (const group of this.#groups.values()) count += group.size;
    return count;
  }

  /**
   * Subscribes as `subscribeFn` would, joining the shared stream of the operation when it may be shared. A refused
   * slot (TOO_MANY_SUBSCRIPTIONS) is answered as the field's resolver would: an error located at the root field.
   */
  subscribe(args: ExecutionArgs, subscribeFn: SubscribeFn): SubscribeResult | Promise<SubscribeResult> {
    const shared = this.#sharedKey(args);
    if (shared === undefined) return subscribeFn(args);
    const { key, field } = shared;
    const context = args.contextValue as ApiContext;
    const backlog = Math.min(context.limits.subscriptionBacklog, FIXED_API_LIMITS.eventBacklogCeiling);
    let group: SharedStream | undefined;
    let member: AsyncIterableIterator<ExecutionResult>;
    try {
      member = context.subscriptions.open(context.clientId, () => {
        group = this.#groups.get(key);
        if (group === undefined) {
          const created = new SharedStream(() => {
            if (this.#groups.get(key) === created) this.#groups.delete(key);
          });
          this.#groups.set(key, created);
          created.start(subscribeFn, sourceArgs(args));
          group = created;
        }
        return group.join(backlog);
      });
    } catch (error) {
      return { errors: [locatedError(error, [field], [field.alias?.value ?? field.name.value])] };
    }
    return group!.ready.then((outcome) => {
      if (outcome === 'stream') return member;
      void member.return?.();
      return outcome;
    });
  }

  /** The sharing key of an operation whose root field allows sharing; undefined when it runs on its own. */
  #sharedKey(args: ExecutionArgs): { key: string; field: FieldNode } | undefined {
    const operation = getOperationAST(args.document, args.operationName ?? undefined);
    const selections = operation?.selectionSet.selections;
    if (operation?.operation !== 'subscription' || selections?.length !== 1) return undefined;
    const field = selections[0]!;
    if (field.kind !== Kind.FIELD || field.directives?.length) return undefined;
    const definition = args.schema.getSubscriptionType()?.getFields()[field.name.value];
    const rule = definition?.extensions?.[SHARED_STREAM_EXTENSION] as SharedStreamRule | undefined;
    if (definition === undefined || rule === undefined) return undefined;
    const variables = getVariableValues(args.schema, operation.variableDefinitions ?? [], {
      ...args.variableValues,
    });
    if (variables.errors !== undefined) return undefined;
    let fieldArgs: Record<string, unknown>;
    try {
      fieldArgs = getArgumentValues(definition, field, variables.coerced);
    } catch {
      return undefined; // execution reports it
    }
    if (!rule(fieldArgs)) return undefined;
    let printed = this.#printed.get(args.document);
    if (printed === undefined) {
      printed = print(args.document);
      this.#printed.set(args.document, printed);
    }
    const context = args.contextValue as ApiContext;
    const key = JSON.stringify([printed, args.operationName ?? null, variables.coerced, context.isAdmin]);
    return { key, field };
  }
}

/**
 * The arguments the shared source runs with: the first subscriber's, but its resolvers' streams take no client's slot
 * (each member took its own) and deliver each event on a later turn of the event loop.
 */
function sourceArgs(args: ExecutionArgs): ExecutionArgs {
  const context = args.contextValue as ApiContext;
  const slots: ApiContext['subscriptions'] = {
    open: <T>(_clientId: string, create: () => AsyncIterable<T>) => deferEach(create()),
  };
  return { ...args, contextValue: { ...context, clientId: 'shared', subscriptions: slots } };
}

/** `source`, each value handed on at the next turn of the event loop (in order: one is pulled at a time). */
function deferEach<T>(source: AsyncIterable<T>): AsyncIterableIterator<T> {
  const iterator = source[Symbol.asyncIterator]();
  const deferred: AsyncIterableIterator<T> = {
    async next() {
      const step = await iterator.next();
      if (step.done !== true) await nextTurn();
      return step;
    },
    async return(value?: unknown) {
      await iterator.return?.(value);
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return deferred;
    },
  };
  return deferred;
}

/** One source stream and its execution, and the subscribers it feeds. */
class SharedStream {
  readonly #members = new Set<Member>();
  readonly #onClosed: () => void;
  #iterator: AsyncIterator<ExecutionResult> | undefined;
  #closed = false;
  ready: Promise<'stream' | ExecutionResult> = Promise.resolve('stream');

  constructor(onClosed: () => void) {
    this.#onClosed = onClosed;
  }

  get size(): number {
    return this.#members.size;
  }

  /** Runs the subscription once; `ready` tells whether it is a stream or an answer (errors) for every member. */
  start(subscribeFn: SubscribeFn, args: ExecutionArgs): void {
    this.ready = (async () => {
      let outcome: SubscribeResult;
      try {
        outcome = await subscribeFn(args);
      } catch (error) {
        this.#close();
        throw error;
      }
      if (!(Symbol.asyncIterator in outcome)) {
        this.#close();
        return outcome;
      }
      this.#iterator = outcome[Symbol.asyncIterator]();
      if (this.#closed) void this.#iterator.return?.();
      else void this.#pump(this.#iterator);
      return 'stream' as const;
    })();
  }

  /** A new subscriber: it gets every result executed from now on. */
  join(backlog: number): Member {
    const member = new Member(backlog, () => this.#leave(member));
    this.#members.add(member);
    return member;
  }

  #leave(member: Member): void {
    this.#members.delete(member);
    if (this.#members.size === 0 && !this.#closed) {
      this.#close();
      void this.#iterator?.return?.();
    }
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#onClosed();
  }

  async #pump(iterator: AsyncIterator<ExecutionResult>): Promise<void> {
    try {
      for (;;) {
        const step = await iterator.next();
        if (step.done === true || this.#closed) break;
        for (const member of this.#members) member.push(step.value);
      }
      this.#close();
      for (const member of this.#members) member.finish();
    } catch (error) {
      this.#close();
      for (const member of this.#members) member.fail(error);
    }
  }
}

/** A subscriber of a shared stream: its own queue of results, bounded by its backlog. */
class Member implements AsyncIterableIterator<ExecutionResult> {
  readonly #queue: ExecutionResult[] = [];
  readonly #backlog: number;
  readonly #leave: () => void;
  #waiting: { resolve: (step: IteratorResult<ExecutionResult>) => void; reject: (error: unknown) => void } | undefined;
  #end: { error?: unknown } | undefined;

  constructor(backlog: number, leave: () => void) {
    this.#backlog = backlog;
    this.#leave = leave;
  }

  push(result: ExecutionResult): void {
    if (this.#end !== undefined) return;
    if (this.#waiting !== undefined) {
      const waiting = this.#waiting;
      this.#waiting = undefined;
      waiting.resolve({ done: false, value: result });
      return;
    }
    if (this.#queue.length >= this.#backlog) {
      this.fail(new Error(`subscriber fell more than ${this.#backlog} events behind; resubscribe`));
      this.#leave();
      return;
    }
    this.#queue.push(result);
  }

  finish(): void {
    this.#stop({});
  }

  fail(error: unknown): void {
    this.#stop({ error });
  }

  #stop(end: { error?: unknown }): void {
    if (this.#end !== undefined) return;
    this.#end = end;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    if (waiting === undefined) return;
    if ('error' in end) waiting.reject(end.error);
    else waiting.resolve({ done: true, value: undefined });
  }

  next(): Promise<IteratorResult<ExecutionResult>> {
    const queued = this.#queue.shift();
    if (queued !== undefined) return Promise.resolve({ done: false, value: queued });
    if (this.#end !== undefined) {
      if ('error' in this.#end) {
        const { error } = this.#end;
        this.#end = {};
        return Promise.reject(error);
      }
      return Promise.resolve({ done: true, value: undefined });
    }
    return new Promise((resolve, reject) => (this.#waiting = { resolve, reject }));
  }

  return(): Promise<IteratorResult<ExecutionResult>> {
    this.#queue.length = 0;
    this.#stop({});
    this.#leave();
    return Promise.resolve({ done: true, value: undefined });
  }

  throw(error?: unknown): Promise<IteratorResult<ExecutionResult>> {
    this.#queue.length = 0;
    this.#stop({});
    this.#leave();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<ExecutionResult> {
    return this;
  }
}

/**
 * The yoga plugin: shares subscriptions through `multiplexer`, and frames streams over SSE with sseFrames.ts (each
 * shared payload framed and encoded once). Place it after the plugins that stamp payloads (freshness, cost), which
 * reuse one stamped object per shared result, so the frame cache sees one object per event.
 */
export function multiplexedSubscriptions(multiplexer: SubscriptionMultiplexer): Plugin {
  return {
    onSubscribe({ subscribeFn, setSubscribeFn }) {
      setSubscribeFn((args) => multiplexer.subscribe(args, subscribeFn as SubscribeFn) as never);
    },
    // A subscription's stream over SSE: framed by sseFrames.ts (each shared payload encoded once, one write per
    // subscriber) instead of yoga's processor, which a stream would otherwise get (its name is its identity here).
    onResultProcess({ result, resultProcessor, setResultProcessor }) {
      if (resultProcessor?.name !== 'processSSEResult' || !(Symbol.asyncIterator in result)) return;
      setResultProcessor(
        (stream, fetchAPI) => sseResponse(stream as AsyncIterable<ExecutionResult>, fetchAPI),
        'text/event-stream',
      );
    },
  };
}
