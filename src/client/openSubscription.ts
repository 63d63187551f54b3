import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { type Client, createClient, type ExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';
import {
  graphQLErrorsError,
  NodeClientError,
  NodeRateLimitedError,
  NodeResponseError,
  NodeUnauthorizedError,
  NodeUnreachableError,
  SubscriptionOverflowError,
} from './errors.js';

/**
 * A live GraphQL subscription over graphql-ws: an async iterator of events (`for await (const block of sub)`), or a
 * callback with `listen`. Each subscription has its own WebSocket, closed by `close()`, by `return()` (a `break` out
 * of `for await`) or when the node ends the stream.
 */
export interface NodeSubscription<T> extends AsyncIterableIterator<T> {
  /**
   * Resolves once the node has accepted the connection (the operation is sent right after it). Rejects with
   * NodeUnreachableError when the socket cannot be opened.
   */
  readonly connected: Promise<void>;
  /** Calls `onEvent` for each event until closed; `onError` gets the error that ends the stream. Returns `close`. */
  listen(onEvent: (event: T) => void, onError?: (error: NodeClientError) => void): () => void;
  /** Ends the subscription and closes its socket. */
  close(): Promise<void>;
}

/** How to open a subscription. */
export interface SubscriptionRequest<Result, Variables> {
  /** The HTTP GraphQL endpoint; the socket goes to the same path over ws(s). */
  readonly url: string;
  readonly document: TypedDocumentNode<Result, Variables>;
  readonly variables: Variables;
  /** Admin token, sent as `connectionParams.authorization` ("Bearer …"). */
  readonly adminToken?: string;
  /** A WebSocket class (default: the `ws` package's, for Node). */
  readonly webSocketImpl?: unknown;
  /** Longest wait for the connection to be accepted, in ms. */
  readonly connectTimeoutMs: number;
  /** Most events waiting to be read before the stream ends with SubscriptionOverflowError (default 10,000). */
  readonly maxBufferedEvents?: number;
}

/** Opens a subscription and yields the value of its root field for each event. */
export function openSubscription<Result, Variables, Field extends keyof Result>(
  request: SubscriptionRequest<Result, Variables>,
  field: Field,
): NodeSubscription<Result[Field]> {
  const url = request.url;
  const queue: Result[Field][] = [];
  let failure: NodeClientError | undefined;
  let finished = false;
  const maxBuffered = request.maxBufferedEvents ?? 10_000;
  // Everyone waiting in next(): overlapping calls each get woken (a single resolver would strand all but the last).
  const waiters: Array<() => void> = [];
  const wake = () => {
    for (const resolve of waiters.splice(0)) resolve();
  };

  let settleConnected: (error?: NodeClientError) => void = () => {};
  const connected = new Promise<void>((resolve, reject) => {
    settleConnected = (error) => (error === undefined ? resolve() : reject(error));
  });
  // Callers that never look at `connected` must not see an unhandled rejection: the iterator reports it as well.
  connected.catch(() => {});

  const end = (error?: NodeClientError) => {
    if (finished) return;
    finished = true;
    failure = error;
    settleConnected(
      error ?? new NodeUnreachableError(url, 'connect', 'the subscription was closed before it connected'),
    );
    wake();
  };

  const client: Client = createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: request.webSocketImpl ?? WebSocket,
    retryAttempts: 0,
    connectionAckWaitTimeout: request.connectTimeoutMs,
    ...(request.adminToken === undefined
      ? {}
      : { connectionParams: { authorization: `Bearer ${request.adminToken}` } }),
    on: { connected: () => settleConnected() },
  });
  const unsubscribe = client.subscribe<Result>(
    { query: print(request.document), variables: request.variables as Record<string, unknown> },
    {
      next: (result: ExecutionResult<Result>) => {
        // Messages already on the wire may still arrive after the stream ended (an overflow, a close): drop them.
        if (finished) return;
        if (result.errors !== undefined && result.errors.length > 0) {
          end(
            graphQLErrorsError(
              url,
              200,
              result.errors as readonly { message: string; extensions?: Record<string, unknown> }[],
            ),
          );
          return;
        }
        const data = result.data as Result | null | undefined;
        if (data === null || data === undefined || !(field in (data as object))) {
          end(new NodeResponseError(url, `a subscription event without data.${String(field)}`));
          return;
        }
        if (queue.length >= maxBuffered) {
          queue.length = 0;
          end(new SubscriptionOverflowError(url, maxBuffered));
          unsubscribe();
          return;
        }
        queue.push(data[field]);
        wake();
      },
      error: (error: unknown) => end(classifySocketError(url, error)),
      complete: () => end(),
    },
  );

  const close = async (): Promise<void> => {
    end();
    unsubscribe();
    await client.dispose();
  };

  const subscription: NodeSubscription<Result[Field]> = {
    connected,
    async next(): Promise<IteratorResult<Result[Field]>> {
      for (;;) {
        if (queue.length > 0) return { done: false, value: queue.shift()! };
        if (finished) {
          if (failure !== undefined) {
            const error = failure;
            failure = undefined;
            await close();
            throw error;
          }
          await close();
          return { done: true, value: undefined };
        }
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
    async return(): Promise<IteratorResult<Result[Field]>> {
      queue.length = 0;
      await close();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
    listen(onEvent, onError) {
      void (async () => {
        try {
          for await (const event of subscription) onEvent(event);
        } catch (error) {
          onError?.(error as NodeClientError);
        }
      })();
      return () => void close();
    },
    close,
  };
  return subscription;
}

/** What ended a socket: GraphQL errors (validation, limits) or a connection that failed or closed. */
function classifySocketError(url: string, error: unknown): NodeClientError {
  if (Array.isArray(error)) {
    return graphQLErrorsError(url, 200, error as readonly { message: string; extensions?: Record<string, unknown> }[]);
  }
  if (error instanceof NodeClientError) return error;
  const event = error as { code?: unknown; reason?: unknown; message?: unknown; error?: unknown } | null;
  if (typeof event?.code === 'number') {
    const said = typeof event.reason === 'string' && event.reason !== '' ? `: ${event.reason}` : '';
    const detail = `code ${event.code}${said}`;
    // 4401/4403: graphql-ws's Unauthorized / Forbidden, the server refused the connection's parameters (the token).
    if (event.code === 4401 || event.code === 4403)
      return new NodeUnauthorizedError(url, `the node refused the connection (${detail})`);
    // 4504: graphql-ws's "Connection acknowledgement timeout"; 1006: an abnormal closure (refused or broken).
    const reason = event.code === 4504 ? 'timeout' : 'connect';
    return new NodeUnreachableError(url, reason, `the socket closed with ${detail}`, { cause: error });
  }
  const inner = event?.error instanceof Error ? event.error : error instanceof Error ? error : undefined;
  const detail =
    (inner as (Error & { code?: string }) | undefined)?.code ?? inner?.message ?? String(event?.message ?? error);
  // ws reports an HTTP answer that is not a WebSocket upgrade this way: something listens, but not this API.
  const status = /^Unexpected server response: (\d+)/.exec(detail);
  if (status?.[1] === '429') {
    return new NodeRateLimitedError(url, 'HTTP 429 instead of a WebSocket upgrade: too many requests', undefined, {
      cause: error,
    });
  }
  if (status !== null) {
    return new NodeResponseError(url, `HTTP ${status[1]} instead of a WebSocket upgrade`, Number(status[1]), {
      cause: error,
    });
  }
  return new NodeUnreachableError(url, 'connect', `cannot open the socket: ${detail}`, { cause: error });
}
