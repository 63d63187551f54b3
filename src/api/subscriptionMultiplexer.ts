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

/**
 * How a transport writes a shared stream's payloads itself once it has taken a subscriber over (SharedSubscriber):
 * `write` is called synchronously for every subscriber in one loop per event, with the one payload every plugin has
 * stamped, and answers false when the subscriber is too far behind to keep. `resume` hands the end of the stream back:
 * the transport reads what is left (its completion, or its error) from its own stream, as before it took over.
 */
export interface SubscriberSink {
  write(result: ExecutionResult): boolean;
  resume(): void;
}

/** A subscriber of a shared stream, as a transport that writes its payloads itself (rawSse.ts, graphql-ws) sees it. */
export interface SharedSubscriber {
  /** The events it may fall behind by: what its socket may hold unsent before it is ended. */
  readonly backlog: number;
  /**
   * Delivers its payloads through `sink` from now on, instead of through `stream`, the iterator yoga (or graphql-ws)
   * made of it: the transport then neither reads `stream` until `resume` nor awaits anything per event, and still calls
   * `stream.return()` when its client goes away. False (nothing changes) when `stream` has been read or has events
   * waiting: those would overtake them.
   */
  attach(stream: AsyncIterator<ExecutionResult>, sink: SubscriberSink): boolean;
}

/** The subscriber of a shared stream by the context of its operation (set when its stream is returned). */
const subscribersByContext = new WeakMap<object, SharedSubscriber>();

/** The shared-stream subscriber of the operation run with `context`; undefined when its subscription runs alone. */
export function sharedSubscriberOf(context: object): SharedSubscriber | undefined {
  return subscribersByContext.get(context);
}

/** One event's fan-out to the sinks of a shared stream, as SubscriptionMultiplexer's `onFanOut` is told of it. */
export interface FanOut {
  /** Subscribers written to. */
  readonly subscribers: number;
  /** From the event taken from the source (executed) to its payload stamped by the pilot's stream. */
  readonly stampMs: number;
  /** The write loop: from the first subscriber's socket write to the last one's. */
  readonly writeMs: number;
  /** The process's CPU time (user and system) during the write loop: below writeMs when other processes ran. */
  readonly writeCpuMs: number;
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
 * execution nor the fan-out runs inside the mutation that connected the block; events stay in order. A transport that
 * writes to its sockets itself (rawSse.ts, graphql-ws) takes its subscribers over (sharedSubscriberOf): each event is
 * then written to all of them in one synchronous loop, without a promise per subscriber (see SharedStream).
 */
export class SubscriptionMultiplexer {
  readonly #groups = new Map<string, SharedStream>();
  readonly #printed = new WeakMap<DocumentNode, string>();
  readonly #onFanOut: ((fanOut: FanOut) => void) | undefined;

  /** `onFanOut` is told of each event's write loop over the sinks of a shared stream (a benchmark's figure). */
  constructor(options: { onFanOut?: (fanOut: FanOut) => void } = {}) {
    this.#onFanOut = options.onFanOut;
  }

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

  /** Subscribers of all shared streams whose transport writes their payloads itself (SharedSubscriber.attach). */
  get sinkCount(): number {
    let count = 0;
    for (const group of this.#groups.values()) count += group.sinkCount;
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
    let joined: Member | undefined;
    let member: AsyncIterableIterator<ExecutionResult>;
    try {
      member = context.subscriptions.open(context.clientId, () => {
        group = this.#groups.get(key);
        if (group === undefined) {
          const created = new SharedStream(() => {
            if (this.#groups.get(key) === created) this.#groups.delete(key);
          }, this.#onFanOut);
          this.#groups.set(key, created);
          created.start(subscribeFn, sourceArgs(args));
          group = created;
        }
        joined = group.join(backlog);
        return joined;
      });
    } catch (error) {
      return { errors: [locatedError(error, [field], [field.alias?.value ?? field.name.value])] };
    }
    return group!.ready.then((outcome) => {
      if (outcome !== 'stream') {
        void member.return?.();
        return outcome;
      }
      // A transport that writes payloads itself finds it by the operation's context (the one envelop runs it with).
      if (typeof args.contextValue === 'object' && args.contextValue !== null)
        subscribersByContext.set(args.contextValue, joined!);
      return member;
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

/**
 * One source stream and its execution, and the subscribers it feeds. A subscriber is read through its own iterator
 * (each gets the executed result in its queue, and the plugins' per-subscriber stamps run on it when it is read), or,
 * once its transport has taken it over (SharedSubscriber.attach), written by the transport's sink: then one of those
 * subscribers' iterators, the pilot's, runs the plugins' stamps once per event, and its payload goes to every sink in
 * one synchronous loop, with no promise per subscriber. Every subscriber's iterator would make the same payload (the
 * subscribers of one stream run one document with the same variables and standing, and the stamps are made once per
 * result), so the pilot's stands for all.
 */
class SharedStream {
  readonly #members = new Set<Member>();
  readonly #onClosed: () => void;
  #iterator: AsyncIterator<ExecutionResult> | undefined;
  #closed = false;
  /** Events taken from the source so far: a subscriber gets those taken after it joined. */
  #taken = 0;
  /** Subscribers written by a sink. */
  #sinks = 0;
  #pilot: Member | undefined;
  readonly #onFanOut: ((fanOut: FanOut) => void) | undefined;
  ready: Promise<'stream' | ExecutionResult> = Promise.resolve('stream');

  constructor(onClosed: () => void, onFanOut?: (fanOut: FanOut) => void) {
    this.#onClosed = onClosed;
    this.#onFanOut = onFanOut;
  }

  get size(): number {
    return this.#members.size;
  }

  get sinkCount(): number {
    return this.#sinks;
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
    const member = new Member(backlog, this.#taken, {
      leave: () => this.#leave(member),
      sinkAttached: () => this.#sinks++,
      sinkDetached: () => {
        this.#sinks--;
        if (this.#pilot === member) this.#pilot = undefined;
      },
    });
    this.#members.add(member);
    return member;
  }

  #leave(member: Member): void {
    if (!this.#members.delete(member)) return;
    member.detach();
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
        const taken = ++this.#taken;
        for (const member of this.#members) if (member.sink === undefined) member.push(step.value);
        if (this.#sinks > 0) await this.#fanOut(step.value, taken);
      }
      this.#close();
      for (const member of this.#members) member.finish();
    } catch (error) {
      this.#close();
      for (const member of this.#members) member.fail(error);
    }
  }

  /**
   * Stamps event number `taken` once, through the pilot's iterator, and writes the payload to every sink that joined
   * before it was taken, in one loop. A pilot that leaves meanwhile hands the event to the next one.
   */
  async #fanOut(result: ExecutionResult, taken: number): Promise<void> {
    const started = this.#onFanOut === undefined ? 0 : performance.now();
    for (;;) {
      const pilot = this.#choosePilot();
      if (pilot === undefined) return;
      let step: IteratorResult<ExecutionResult>;
      try {
        step = await pilot.stamp(result);
      } catch (error) {
        if (pilot.sink === undefined) continue;
        // The stamps failed (its stream would have failed the same way): every sink's stream ends with it.
        for (const member of this.#members) if (member.sink !== undefined) member.fail(error);
        return;
      }
      if (step.done === true || pilot.sink === undefined) {
        if (pilot.sink !== undefined) pilot.fail(new Error('shared subscription stream ended early'));
        continue;
      }
      if (this.#onFanOut === undefined) {
        this.#write(step.value, taken);
        return;
      }
      const stamped = performance.now();
      const cpu = process.cpuUsage();
      const subscribers = this.#write(step.value, taken);
      const written = performance.now();
      const { user, system } = process.cpuUsage(cpu);
      this.#onFanOut({
        subscribers,
        stampMs: stamped - started,
        writeMs: written - stamped,
        writeCpuMs: (user + system) / 1000,
      });
      return;
    }
  }

  #choosePilot(): Member | undefined {
    if (this.#pilot?.sink !== undefined) return this.#pilot;
    this.#pilot = undefined;
    for (const member of this.#members) {
      if (member.sink !== undefined) {
        this.#pilot = member;
        break;
      }
    }
    return this.#pilot;
  }

  /** The hot path: one synchronous loop over every sink, no allocation per subscriber. Returns the sinks written. */
  #write(payload: ExecutionResult, taken: number): number {
    let written = 0;
    for (const member of this.#members) {
      const sink = member.sink;
      if (sink === undefined || member.joinedAt >= taken) continue;
      written++;
      let kept: boolean;
      try {
        kept = sink.write(payload);
      } catch {
        kept = false;
      }
      // A transport that ends a subscriber itself (rawSse.ts) has left already; any other gets its stream's error.
      if (!kept && this.#members.has(member)) member.overflow();
    }
    return written;
  }
}

/** What a member tells its shared stream. */
interface MemberHooks {
  readonly leave: () => void;
  readonly sinkAttached: () => void;
  readonly sinkDetached: () => void;
}

/**
 * A subscriber of a shared stream: its own queue of results, bounded by its backlog, read through its iterator; or,
 * once its transport attached a sink, written by the sink (the queue then only carries what the pilot stamps).
 */
class Member implements AsyncIterableIterator<ExecutionResult>, SharedSubscriber {
  readonly #queue: ExecutionResult[] = [];
  readonly backlog: number;
  /** The shared stream's count of events taken when it joined: it gets the later ones. */
  readonly joinedAt: number;
  readonly #hooks: MemberHooks;
  #waiting: { resolve: (step: IteratorResult<ExecutionResult>) => void; reject: (error: unknown) => void } | undefined;
  #end: { error?: unknown } | undefined;
  #read = false;
  sink: SubscriberSink | undefined;
  /** The iterator its transport was given (the plugins' stamps wrapped around this member), while a sink is set. */
  #stream: AsyncIterator<ExecutionResult> | undefined;

  constructor(backlog: number, joinedAt: number, hooks: MemberHooks) {
    this.backlog = backlog;
    this.joinedAt = joinedAt;
    this.#hooks = hooks;
  }

  attach(stream: AsyncIterator<ExecutionResult>, sink: SubscriberSink): boolean {
    if (this.sink !== undefined || this.#read || this.#end !== undefined || this.#queue.length > 0) return false;
    this.sink = sink;
    this.#stream = stream;
    this.#hooks.sinkAttached();
    return true;
  }

  /** Back to its iterator: its transport reads the rest (the end of its stream) from there. */
  detach(): SubscriberSink | undefined {
    const sink = this.sink;
    if (sink === undefined) return undefined;
    this.sink = undefined;
    this.#stream = undefined;
    this.#hooks.sinkDetached();
    return sink;
  }

  /** Runs `result` through the plugins' stamps of its own stream: the payload every sink of the stream gets. */
  stamp(result: ExecutionResult): Promise<IteratorResult<ExecutionResult>> {
    const stream = this.#stream!;
    this.push(result);
    return stream.next();
  }

  push(result: ExecutionResult): void {
    if (this.#end !== undefined) return;
    if (this.#waiting !== undefined) {
      const waiting = this.#waiting;
      this.#waiting = undefined;
      waiting.resolve({ done: false, value: result });
      return;
    }
    if (this.#queue.length >= this.backlog) {
      this.overflow();
      return;
    }
    this.#queue.push(result);
  }

  /** Ends it with its own error as one that fell more than its backlog behind, and takes it out of the stream. */
  overflow(): void {
    this.fail(new Error(`subscriber fell more than ${this.backlog} events behind; resubscribe`));
    this.#hooks.leave();
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
    // A sink hands the end back to its transport, which reads it from its stream.
    const sink = this.detach();
    const waiting = this.#waiting;
    this.#waiting = undefined;
    if (waiting !== undefined) {
      if ('error' in end) waiting.reject(end.error);
      else waiting.resolve({ done: true, value: undefined });
    }
    sink?.resume();
  }

  next(): Promise<IteratorResult<ExecutionResult>> {
    if (this.sink === undefined) this.#read = true;
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
    this.#hooks.leave();
    return Promise.resolve({ done: true, value: undefined });
  }

  throw(error?: unknown): Promise<IteratorResult<ExecutionResult>> {
    this.#queue.length = 0;
    this.#stop({});
    this.#hooks.leave();
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
