import {
  type ExecutionArgs,
  type ExecutionResult,
  GraphQLInt,
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  parse,
  subscribe,
} from 'graphql';
import { afterEach, describe, expect, it } from 'vitest';
import { eventStream } from '../../src/api/eventStream.js';
import {
  type SubscriberSink,
  SubscriptionMultiplexer,
  sharedStream,
  sharedSubscriberOf,
} from '../../src/api/subscriptionMultiplexer.js';
import { SubscriptionRegistry } from '../../src/api/subscriptionRegistry.js';
import { EventHub } from '../../src/node/events.js';
import { waitUntil } from './apiTestKit.js';

// The multiplexer alone, over a tiny schema whose resolver counts its calls: `tick(room)` streams the hub's ticks.

type Ticks = { tick: number };
let hub: EventHub<Ticks>;
let resolved: number;
let sourcesOpened: number;

function tickSchema(shared: boolean): GraphQLSchema {
  return new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLInt, resolve: () => 1 } } }),
    subscription: new GraphQLObjectType({
      name: 'Subscription',
      fields: {
        tick: {
          type: GraphQLString,
          args: { room: { type: GraphQLString } },
          extensions: shared ? sharedStream((args) => args['room'] !== 'private') : {},
          subscribe: (_root, _args, ctx) => {
            sourcesOpened++;
            return ctx.subscriptions.open(ctx.clientId, () => eventStream(hub, 'tick', 1_000));
          },
          resolve: (tick: number, args) => {
            resolved++;
            return `${args.room ?? 'lobby'}:${tick}`;
          },
        },
      },
    }),
  });
}

const TICK = parse('subscription Tick($room: String) { tick(room: $room) }');

function argsFor(
  schema: GraphQLSchema,
  registry: SubscriptionRegistry,
  options: { room?: string; clientId?: string; backlog?: number } = {},
): ExecutionArgs {
  return {
    schema,
    document: TICK,
    operationName: 'Tick',
    variableValues: options.room === undefined ? {} : { room: options.room },
    contextValue: {
      clientId: options.clientId ?? 'client',
      subscriptions: registry,
      isAdmin: true,
      limits: { subscriptionBacklog: options.backlog ?? 1_000 },
    },
  };
}

async function open(
  multiplexer: SubscriptionMultiplexer,
  args: ExecutionArgs,
): Promise<AsyncIterableIterator<ExecutionResult>> {
  const outcome = await multiplexer.subscribe(args, subscribe as never);
  if (!(Symbol.asyncIterator in outcome)) throw new Error(`not a stream: ${JSON.stringify(outcome)}`);
  return outcome as AsyncIterableIterator<ExecutionResult>;
}

/** Emits a tick and lets the shared streams execute it (on a later turn of the event loop). */
async function emit(tick: number): Promise<void> {
  hub.emit('tick', tick);
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
}

const opened: AsyncIterableIterator<ExecutionResult>[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((stream) => stream.return?.()));
});

function fresh(): void {
  hub = new EventHub<Ticks>();
  resolved = 0;
  sourcesOpened = 0;
}

describe('SubscriptionMultiplexer', () => {
  it('executes a shared operation once per event for all its subscribers, and hands each the same result', async () => {
    fresh();
    const schema = tickSchema(true);
    const registry = new SubscriptionRegistry(100);
    const multiplexer = new SubscriptionMultiplexer();
    for (let i = 0; i < 50; i++) opened.push(await open(multiplexer, argsFor(schema, registry, { clientId: `c${i}` })));
    expect(sourcesOpened).toBe(1);
    expect(hub.listenerCount('tick')).toBe(1);
    expect(multiplexer.groupCount).toBe(1);
    expect(multiplexer.memberCount).toBe(50);
    await emit(1);
    await emit(2);
    expect(resolved).toBe(2);
    const firsts = await Promise.all(opened.map((stream) => stream.next()));
    const seconds = await Promise.all(opened.map((stream) => stream.next()));
    expect(firsts[0]!.value).toEqual({ data: { tick: 'lobby:1' } });
    expect(seconds[0]!.value).toEqual({ data: { tick: 'lobby:2' } });
    // Not equal copies: the one result object, so it is serialised once.
    for (const step of firsts) expect(step.value).toBe(firsts[0]!.value);
    for (const step of seconds) expect(step.value).toBe(seconds[0]!.value);
  });

  it('runs an operation with other variables as a group of its own', async () => {
    fresh();
    const schema = tickSchema(true);
    const registry = new SubscriptionRegistry(100);
    const multiplexer = new SubscriptionMultiplexer();
    const lobby = [
      await open(multiplexer, argsFor(schema, registry)),
      await open(multiplexer, argsFor(schema, registry)),
    ];
    const attic = [
      await open(multiplexer, argsFor(schema, registry, { room: 'attic' })),
      await open(multiplexer, argsFor(schema, registry, { room: 'attic' })),
    ];
    opened.push(...lobby, ...attic);
    expect(multiplexer.groupCount).toBe(2);
    expect(sourcesOpened).toBe(2);
    await emit(7);
    expect(resolved).toBe(2);
    for (const stream of lobby) expect((await stream.next()).value).toEqual({ data: { tick: 'lobby:7' } });
    for (const stream of attic) expect((await stream.next()).value).toEqual({ data: { tick: 'attic:7' } });
  });

  it('runs each subscription on its own when its field does not allow sharing', async () => {
    fresh();
    const registry = new SubscriptionRegistry(100);
    const multiplexer = new SubscriptionMultiplexer();
    opened.push(await open(multiplexer, argsFor(tickSchema(false), registry)));
    opened.push(await open(multiplexer, argsFor(tickSchema(false), registry)));
    // The rule says no for this argument.
    opened.push(await open(multiplexer, argsFor(tickSchema(true), registry, { room: 'private' })));
    opened.push(await open(multiplexer, argsFor(tickSchema(true), registry, { room: 'private' })));
    expect(multiplexer.groupCount).toBe(0);
    expect(sourcesOpened).toBe(4);
    // An unshared stream starts listening at its first pull.
    const pulls = opened.map((stream) => stream.next());
    await waitUntil(() => hub.listenerCount('tick') === 4);
    await emit(1);
    await Promise.all(pulls);
    expect(resolved).toBe(4);
  });

  it('delivers events in order to each subscriber, however far behind it reads', async () => {
    fresh();
    const schema = tickSchema(true);
    const registry = new SubscriptionRegistry(100);
    const multiplexer = new SubscriptionMultiplexer();
    const fast = await open(multiplexer, argsFor(schema, registry));
    const slow = await open(multiplexer, argsFor(schema, registry));
    opened.push(fast, slow);
    const fastSeen: string[] = [];
    for (let tick = 1; tick <= 5; tick++) {
      hub.emit('tick', tick);
      await waitUntil(() => resolved === tick);
      fastSeen.push((await fast.next()).value.data.tick);
    }
    const slowSeen: string[] = [];
    for (let i = 0; i < 5; i++) slowSeen.push((await slow.next()).value.data.tick);
    expect(fastSeen).toEqual(['lobby:1', 'lobby:2', 'lobby:3', 'lobby:4', 'lobby:5']);
    expect(slowSeen).toEqual(fastSeen);
  });

  it('ends a subscriber that falls more than its backlog behind with its own error; the others go on', async () => {
    fresh();
    const schema = tickSchema(true);
    const registry = new SubscriptionRegistry(100);
    const multiplexer = new SubscriptionMultiplexer();
    const reader = await open(multiplexer, argsFor(schema, registry, { clientId: 'reader' }));
    const laggard = await open(multiplexer, argsFor(schema, registry, { clientId: 'laggard', backlog: 2 }));
    opened.push(reader, laggard);
    for (let tick = 1; tick <= 3; tick++) {
      await emit(tick);
      expect((await reader.next()).value.data.tick).toBe(`lobby:${tick}`);
    }
    expect((await laggard.next()).value.data.tick).toBe('lobby:1');
    expect((await laggard.next()).value.data.tick).toBe('lobby:2');
    await expect(laggard.next()).rejects.toThrow(/fell more than 2 events behind/);
    expect(registry.count('laggard')).toBe(0);
    expect(multiplexer.memberCount).toBe(1);
    await emit(4);
    expect((await reader.next()).value.data.tick).toBe('lobby:4');
  });

  it('keeps the group for the others when one leaves, and tears it down when the last one leaves', async () => {
    fresh();
    const schema = tickSchema(true);
    const registry = new SubscriptionRegistry(100);
    const multiplexer = new SubscriptionMultiplexer();
    const first = await open(multiplexer, argsFor(schema, registry));
    const second = await open(multiplexer, argsFor(schema, registry));
    await first.return?.();
    expect(registry.count('client')).toBe(1);
    await emit(1);
    expect((await second.next()).value.data.tick).toBe('lobby:1');
    await second.return?.();
    expect(registry.count('client')).toBe(0);
    expect(multiplexer.groupCount).toBe(0);
    await waitUntil(() => hub.listenerCount('tick') === 0);
    // A later subscriber starts a new group.
    const third = await open(multiplexer, argsFor(schema, registry));
    opened.push(third);
    expect(sourcesOpened).toBe(2);
    await emit(2);
    expect((await third.next()).value.data.tick).toBe('lobby:2');
  });

  it("still counts every subscriber against its client's slots, and refuses one over the limit", async () => {
    fresh();
    const schema = tickSchema(true);
    const registry = new SubscriptionRegistry(2);
    const multiplexer = new SubscriptionMultiplexer();
    opened.push(await open(multiplexer, argsFor(schema, registry)));
    opened.push(await open(multiplexer, argsFor(schema, registry)));
    const refused = (await multiplexer.subscribe(argsFor(schema, registry), subscribe as never)) as ExecutionResult;
    expect(refused.errors?.[0]?.extensions['code']).toBe('TOO_MANY_SUBSCRIPTIONS');
    expect(refused.errors?.[0]?.path).toEqual(['tick']);
    // Another client has slots of its own, in the same group.
    opened.push(await open(multiplexer, argsFor(schema, registry, { clientId: 'other' })));
    expect(multiplexer.memberCount).toBe(3);
    expect(registry.count('client')).toBe(2);
  });

  it('runs neither the execution nor the fan-out inside the turn that emitted the event', async () => {
    fresh();
    const schema = tickSchema(true);
    const registry = new SubscriptionRegistry(100);
    const multiplexer = new SubscriptionMultiplexer();
    const stream = await open(multiplexer, argsFor(schema, registry));
    opened.push(stream);
    hub.emit('tick', 1);
    // Everything queued as microtasks by the emission has run: that is when a mutation's answer is written.
    for (let i = 0; i < 100; i++) await Promise.resolve();
    expect(resolved).toBe(0);
    expect((await stream.next()).value.data.tick).toBe('lobby:1');
    expect(resolved).toBe(1);
  });
});

/**
 * A transport that writes a subscriber's payloads itself: its stream stamps each result as the plugins do (a new object
 * per result it reads), and its sink records what it is given; `keep` says whether the socket keeps up.
 */
async function takeOver(
  multiplexer: SubscriptionMultiplexer,
  args: ExecutionArgs,
  keep: (written: number) => boolean = () => true,
  gate?: () => Promise<void>,
) {
  const inner = await open(multiplexer, args);
  const taken = {
    written: [] as ExecutionResult[],
    resumed: 0,
    stamps: 0,
    stream: {
      async next(): Promise<IteratorResult<ExecutionResult>> {
        const step = await inner.next();
        await gate?.();
        if (step.done === true) return step;
        taken.stamps++;
        return { done: false, value: { ...step.value, extensions: { stamped: true } } };
      },
      return: () => inner.return!(),
    } as AsyncIterator<ExecutionResult>,
    sink: {
      write(result) {
        taken.written.push(result);
        return keep(taken.written.length);
      },
      resume() {
        taken.resumed++;
      },
    } as SubscriberSink,
  };
  opened.push(inner);
  const shared = sharedSubscriberOf(args.contextValue as object);
  expect(shared?.attach(taken.stream, taken.sink)).toBe(true);
  return taken;
}

describe('SubscriptionMultiplexer with sinks', () => {
  it("writes each event to every sink in one loop, stamped once through one subscriber's stream", async () => {
    fresh();
    const schema = tickSchema(true);
    const registry = new SubscriptionRegistry(100);
    const multiplexer = new SubscriptionMultiplexer();
    const taken = [];
    for (let i = 0; i < 5; i++)
      taken.push(await takeOver(multiplexer, argsFor(schema, registry, { clientId: `c${i}` })));
    expect(multiplexer.sinkCount).toBe(5);
    await emit(1);
    await emit(2);
    expect(resolved).toBe(2);
    const stamped = (tick: string) => ({ data: { tick }, extensions: { stamped: true } });
    for (const one of taken) expect(one.written).toEqual([stamped('lobby:1'), stamped('lobby:2')]);
    // One stamp per event, and the one stamped object to all, so it is serialised once.
    expect(taken.reduce((stamps, one) => stamps + one.stamps, 0)).toBe(2);
    for (const one of taken) expect(one.written[1]).toBe(taken[0]!.written[1]);
  });

  it('ends a subscriber whose sink is behind with its own error, through its own stream; the others still get it', async () => {
    fresh();
    const schema = tickSchema(true);
    const registry = new SubscriptionRegistry(100);
    const multiplexer = new SubscriptionMultiplexer();
    const first = await takeOver(multiplexer, argsFor(schema, registry, { clientId: 'first' }));
    const laggard = await takeOver(
      multiplexer,
      argsFor(schema, registry, { clientId: 'laggard', backlog: 2 }),
      (written) => written < 2,
    );
    const last = await takeOver(multiplexer, argsFor(schema, registry, { clientId: 'last' }));
    await emit(1);
    await emit(2);
    // Its transport reads the end from its stream, as one that fell behind its shared stream's queue.
    expect(laggard.resumed).toBe(1);
    await expect(laggard.stream.next()).rejects.toThrow(/fell more than 2 events behind/);
    expect(registry.count('laggard')).toBe(0);
    expect(multiplexer.memberCount).toBe(2);
    await emit(3);
    for (const one of [first, last])
      expect(one.written.map((result) => result.data?.['tick'])).toEqual(['lobby:1', 'lobby:2', 'lobby:3']);
    expect(laggard.written).toHaveLength(2);
  });

  it('hands the stamping of an event to another subscriber when the one stamping it leaves meanwhile', async () => {
    fresh();
    const schema = tickSchema(true);
    const registry = new SubscriptionRegistry(100);
    const multiplexer = new SubscriptionMultiplexer();
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const leaving = await takeOver(
      multiplexer,
      argsFor(schema, registry, { clientId: 'leaving' }),
      undefined,
      () => gate,
    );
    const staying = await takeOver(multiplexer, argsFor(schema, registry, { clientId: 'staying' }));
    hub.emit('tick', 1);
    await waitUntil(() => resolved === 1);
    await leaving.stream.return!();
    open();
    await waitUntil(() => staying.written.length === 1);
    expect(staying.written[0]).toEqual({ data: { tick: 'lobby:1' }, extensions: { stamped: true } });
    expect(leaving.written).toEqual([]);
    expect(registry.count('leaving')).toBe(0);
  });

  it('gives a subscriber that joins between two events only the later one, and keeps their order', async () => {
    fresh();
    const schema = tickSchema(true);
    const registry = new SubscriptionRegistry(100);
    const multiplexer = new SubscriptionMultiplexer();
    const early = await takeOver(multiplexer, argsFor(schema, registry, { clientId: 'early' }));
    await emit(1);
    const late = await takeOver(multiplexer, argsFor(schema, registry, { clientId: 'late' }));
    for (let tick = 2; tick <= 4; tick++) hub.emit('tick', tick);
    await waitUntil(() => early.written.length === 4);
    await waitUntil(() => late.written.length === 3);
    expect(early.written.map((result) => result.data?.['tick'])).toEqual(['lobby:1', 'lobby:2', 'lobby:3', 'lobby:4']);
    expect(late.written.map((result) => result.data?.['tick'])).toEqual(['lobby:2', 'lobby:3', 'lobby:4']);
  });

  it('does not take over a subscriber whose stream has been read: its queued events would be overtaken', async () => {
    fresh();
    const schema = tickSchema(true);
    const registry = new SubscriptionRegistry(100);
    const multiplexer = new SubscriptionMultiplexer();
    const args = argsFor(schema, registry);
    const stream = await open(multiplexer, args);
    opened.push(stream);
    const reading = stream.next();
    const sink: SubscriberSink = { write: () => true, resume: () => {} };
    expect(sharedSubscriberOf(args.contextValue as object)?.attach(stream, sink)).toBe(false);
    await emit(1);
    expect((await reading).value).toEqual({ data: { tick: 'lobby:1' } });
    expect(multiplexer.sinkCount).toBe(0);
  });

  it('leaves a subscription that runs alone to its own stream', async () => {
    fresh();
    const registry = new SubscriptionRegistry(100);
    const multiplexer = new SubscriptionMultiplexer();
    const args = argsFor(tickSchema(false), registry);
    opened.push(await open(multiplexer, args));
    expect(sharedSubscriberOf(args.contextValue as object)).toBeUndefined();
  });
});
