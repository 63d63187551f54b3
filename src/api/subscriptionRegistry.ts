import { GraphQLError } from 'graphql';
import { Repeater } from 'graphql-yoga';

/**
 * Counts open subscriptions per client and refuses more than `maxPerClient` (code TOO_MANY_SUBSCRIPTIONS). A stream
 * gives its slot back when it ends, however it ends (client gone, error, server closing).
 */
export class SubscriptionRegistry {
  readonly maxPerClient: number;
  readonly #open = new Map<string, number>();

  constructor(maxPerClient: number) {
    this.maxPerClient = maxPerClient;
  }

  /** Open subscriptions of a client. */
  count(clientId: string): number {
    return this.#open.get(clientId) ?? 0;
  }

  /** Wraps a stream in a slot of `clientId`. @throws {GraphQLError} when the client holds its maximum already. */
  open<T>(clientId: string, create: () => AsyncIterable<T>): Repeater<T> {
    const count = this.count(clientId);
    if (count >= this.maxPerClient) {
      throw new GraphQLError(`a client may hold at most ${this.maxPerClient} subscriptions at once`, {
        extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' },
      });
    }
    this.#open.set(clientId, count + 1);
    const source = create()[Symbol.asyncIterator]();
    return new Repeater<T>(async (push, stop) => {
      void stop.then(() => source.return?.());
      try {
        for (;;) {
          const next = await Promise.race([source.next(), stop.then(() => ({ done: true, value: undefined }) as const)]);
          if (next.done === true) break;
          await push(next.value as T);
        }
        stop();
      } catch (error) {
        stop(error);
      } finally {
        const left = this.count(clientId) - 1;
        if (left <= 0) this.#open.delete(clientId);
        else this.#open.set(clientId, left);
      }
    });
  }
}
