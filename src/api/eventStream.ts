import { Repeater } from 'graphql-yoga';
import type { EventSource } from '../node/events.js';
import type { NodeEvents } from '../node/nodeEvents.js';
import type { ApiContext } from './context.js';
import { DEFAULT_API_LIMITS, FIXED_API_LIMITS } from './limits.js';

/**
 * A node event as a subscription stream: every event from now on, in order, buffered per subscriber up to
 * `maxBacklog` (at most the limits' eventBacklogCeiling); a subscriber that lags further gets an error and the stream
 * ends. Unsubscribes on close.
 */
export function eventStream<Events extends Record<string, unknown>, Name extends keyof Events & string>(
  events: EventSource<Events>,
  name: Name,
  maxBacklog: number = DEFAULT_API_LIMITS.subscriptionBacklog,
): Repeater<Events[Name]> {
  const backlog = Math.min(maxBacklog, FIXED_API_LIMITS.eventBacklogCeiling);
  return new Repeater<Events[Name]>(async (push, stop) => {
    let pending = 0;
    const unsubscribe = events.on(name, (payload) => {
      if (pending >= backlog) {
        stop(new Error(`subscriber fell more than ${backlog} events behind`));
        return;
      }
      pending++;
      void push(payload).then(() => pending--);
    });
    await stop;
    unsubscribe();
  });
}

/** A node event as a subscription of the requesting client: counted against its slots, bounded by its backlog. */
export function subscribeToNodeEvent<Name extends keyof NodeEvents & string>(
  ctx: ApiContext,
  name: Name,
): AsyncIterableIterator<NodeEvents[Name]> {
  return ctx.subscriptions.open(ctx.clientId, () => eventStream(ctx.node.events, name, ctx.limits.subscriptionBacklog));
}
