import { Repeater } from 'graphql-yoga';
import type { EventHub } from '../node/events.js';
import type { NodeEvents } from '../node/nodeEvents.js';
import type { ApiContext } from './context.js';

/** Most events a subscriber may fall behind before its stream ends with an error (memory stays bounded). */
export const MAX_EVENT_BACKLOG = 1_000; // below the Repeater's own limit of 1024 pending pushes

/**
 * A node event as a subscription stream: every event from now on, in order, buffered per subscriber up to
 * MAX_EVENT_BACKLOG (a subscriber that lags further gets an error and the stream ends). Unsubscribes on close.
 */
export function eventStream<Events extends Record<string, unknown>, Name extends keyof Events & string>(
  events: EventHub<Events>,
  name: Name,
  maxBacklog: number = MAX_EVENT_BACKLOG,
): Repeater<Events[Name]> {
  return new Repeater<Events[Name]>(async (push, stop) => {
    let pending = 0;
    const unsubscribe = events.on(name, (payload) => {
      if (pending >= Math.min(maxBacklog, MAX_EVENT_BACKLOG)) {
        stop(new Error(`subscriber fell more than ${Math.min(maxBacklog, MAX_EVENT_BACKLOG)} events behind`));
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
export function subscribeToNodeEvent<Name extends keyof NodeEvents & string>(ctx: ApiContext, name: Name): AsyncIterableIterator<NodeEvents[Name]> {
  return ctx.subscriptions.open(ctx.clientId, () => eventStream(ctx.node.events, name, ctx.limits.subscriptionBacklog));
}
