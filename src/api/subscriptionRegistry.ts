import { GraphQLError } from 'graphql';

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

  /**
   * Wraps a stream in a slot of `clientId`. The slot is released exactly once, when the stream ends or the consumer
   * calls `return`/`throw` — also when it does so before ever asking for a first event (graphql-ws does that for a
   * subscription completed while it was being set up).
   * @throws {GraphQLError} when the client holds its maximum already.
   */
  open<T>(clientId: string, create: () => AsyncIterable<T>): AsyncIterableIterator<T> {
    const count = this.count(clientId);
    if (count >= this.maxPerClient) {
      throw new GraphQLError(`a client may hold at most ${this.maxPerClient} subscriptions at once`, {
        extensions: { code: 'TOO_MANY_SUBSCRIPTIONS' },
      });
    }
    this.#open.set(clientId, count + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const left = this.count(clientId) - 1;
      if (left <= 0) this.#open.delete(clientId);
      else this.#open.set(clientId, left);
    };
    let source: AsyncIterator<T>;
    try {
      source = create()[Symbol.asyncIterator]();
    } catch (error) {
      release();
      throw error;
    }
    const iterator: AsyncIterableIterator<T> = {
      async next() {
        try {
          const result = await source.next();
          if (result.done === true) release();
          return result;
        } catch (error) {
          release();
          throw error;
        }
      },
      async return(value?: unknown) {
        release();
        await source.return?.(value);
        return { done: true, value: undefined };
      },
      async throw(error?: unknown) {
        release();
        if (source.throw !== undefined) return source.throw(error);
        throw error;
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }
}
