import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type ExecutionArgs, type ExecutionResult, GraphQLError } from 'graphql';
import type { ServerOptions } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import type { YogaServerInstance } from 'graphql-yoga';
import { type WebSocket, WebSocketServer } from 'ws';
import type { ApiContext } from './context.js';
import type { RateLimitRefusal } from './rateLimit.js';
import { type SharedSubscriber, sharedSubscriberOf } from './subscriptionMultiplexer.js';
import type { TrustedOperations } from './trustedDocuments.js';

interface EnvelopedRoot {
  execute: (args: ExecutionArgs) => OperationResult;
  subscribe: (args: ExecutionArgs) => OperationResult;
}
type OperationResult = ReturnType<NonNullable<ServerOptions['execute']>>;

/** graphql-ws on the GraphQL path: takes over upgraded sockets, and stops. */
export interface GraphQLWebSocketServer {
  /** Completes the WebSocket handshake of an `upgrade` request for the GraphQL path and serves graphql-ws on it. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Closes every socket and stops accepting new ones. */
  close(): Promise<void>;
}

/**
 * graphql-ws over `ws`, with yoga's plugins (limits, auth, hygiene) applied to every operation: yoga's enveloped
 * execute/subscribe travel in rootValue, set in onSubscribe. The HTTP server loads this module at the first WebSocket
 * upgrade (server.ts), so a node that never serves one never loads ws or graphql-ws. With `trusted` (a node started
 * with `--trusted-documents`), each operation is admitted or refused as over HTTP before it is parsed: a refusal is
 * the error message of that operation (PERSISTED_QUERY_ONLY), and the socket stays open. An operation named by its id
 * alone sends `query: ""` (graphql-ws needs a string) with `documentId` or `extensions.persistedQuery.sha256Hash`.
 * With `gate` (the rate limiter), every operation first takes a token of its connection's client: a refused one is
 * answered with RATE_LIMITED, before anything else reads it, and the socket stays open. With `sinks`, each payload of
 * a shared subscription is written to every subscriber's socket by the shared stream's loop (writtenBySink).
 */
export function createGraphQLWebSocketServer(
  yoga: YogaServerInstance<Record<string, never>, ApiContext>,
  maxPayloadBytes: number,
  trusted?: TrustedOperations,
  gate?: (req: IncomingMessage) => RateLimitRefusal | undefined,
  sinks = true,
): GraphQLWebSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxPayloadBytes });
  const graphqlWs = useServer(
    {
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args),
      subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args),
      onSubscribe: async (context, _id, given) => {
        const refusal = gate?.(context.extra.request);
        if (refusal !== undefined) {
          const extensions = { code: 'RATE_LIMITED', retryAfterSeconds: refusal.retryAfterSeconds };
          return [new GraphQLError(refusal.message, { extensions })];
        }
        let params = given;
        if (trusted !== undefined) {
          const admission = trusted.documents.admit(given, trusted.maxTokens);
          if (!admission.ok) return [admission.error];
          params = { ...given, ...admission.params, query: admission.params.query as string };
        }
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...context,
          req: context.extra.request,
          socket: context.extra.socket,
          params,
        });
        const args = {
          schema,
          operationName: params.operationName,
          document: parse(params.query),
          variableValues: params.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
        const errors = validate(args.schema, args.document);
        if (errors.length > 0) return errors;
        return args;
      },
      onOperation: (context, id, _payload, args, result) => {
        if (!sinks || typeof result !== 'object' || result === null || !(Symbol.asyncIterator in result)) return;
        const shared = sharedSubscriberOf(args.contextValue as object);
        if (shared === undefined) return;
        return writtenBySink(result as AsyncIterable<ExecutionResult>, shared, context.extra.socket, id);
      },
    },
    wss,
  );
  return {
    handleUpgrade(req, socket, head) {
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    },
    async close() {
      await graphqlWs.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** Each payload's `next` message after its id (`,"type":"next","payload":…}`), encoded once for all subscribers. */
const nextTails = new WeakMap<ExecutionResult, Buffer>();

function nextTailOf(result: ExecutionResult): Buffer {
  let tail = nextTails.get(result);
  if (tail === undefined) {
    // The payload as graphql-ws's own `next` makes it: errors last, as their JSON.
    const { errors, ...withoutErrors } = result;
    const payload = { ...withoutErrors, ...(errors ? { errors: errors.map((error) => error.toJSON()) } : {}) };
    tail = Buffer.from(`,"type":"next","payload":${JSON.stringify(payload)}}`);
    nextTails.set(result, tail);
  }
  return tail;
}

/**
 * The stream graphql-ws iterates for a subscriber of a shared stream whose payloads the shared stream's loop writes
 * (SharedSubscriber): each `next` message goes straight to the socket, the same bytes graphql-ws would send, and
 * graphql-ws's own read waits until the stream ends, then reads its end (`complete`, or the error message) as before.
 * A socket holding more than the backlog of unsent messages ends the subscription with the error of one that falls
 * behind its shared stream, as graphql-ws's read (which waits for each send) did. Anything else: `result` as it is.
 */
function writtenBySink(
  result: AsyncIterable<ExecutionResult>,
  shared: SharedSubscriber,
  socket: WebSocket,
  id: string,
): AsyncIterable<ExecutionResult> {
  const stream = result[Symbol.asyncIterator]();
  const head = Buffer.from(`{"id":${JSON.stringify(id)}`);
  let resume: () => void = () => {};
  let held: Promise<void> | undefined = new Promise((resolve) => (resume = resolve));
  const attached = shared.attach(stream, {
    write(payload) {
      if (socket.readyState !== socket.OPEN) return true;
      const tail = nextTailOf(payload);
      const message = Buffer.concat([head, tail], head.length + tail.length);
      socket.send(message, { binary: false });
      return socket.bufferedAmount <= shared.backlog * message.length;
    },
    resume: () => resume(),
  });
  if (!attached) return result;
  const iterator: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      if (held !== undefined) {
        await held;
        held = undefined;
      }
      return stream.next();
    },
    async return(value?: unknown) {
      resume();
      return (await stream.return?.(value)) ?? { done: true, value: undefined };
    },
    async throw(error?: unknown) {
      resume();
      if (stream.throw !== undefined) return stream.throw(error);
      throw error;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
