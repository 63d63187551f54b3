import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { handleErrorFromRequestHandler, sendNodeResponse } from '@whatwg-node/server';
import { print } from 'graphql';
import type { YogaServerInstance } from 'graphql-yoga';
import { createGraphiQLRoute } from '../dashboard/graphiql.js';
import { createDashboardRoute } from '../dashboard/route.js';
import { requestPath } from '../dashboard/staticAsset.js';
import type { Node } from '../node/node.js';
import { PeerStatusDocument } from '../peer/documents.js';
import type { ApiContext } from './context.js';
import { createHealthRoute } from './health.js';
import { createHostCheck, defaultAllowedHosts, hostRefusalBody } from './hostCheck.js';
import { bodyTooLargeJson, DEFAULT_API_LIMITS, FIXED_API_LIMITS } from './limits.js';
import { loadLater } from './loadLater.js';
import { createNodeMetrics } from './metrics.js';
import { createRateLimiter, type RateLimiter, type RateLimitRefusal, TrustedProxies } from './rateLimit.js';
import { serveSse } from './rawSse.js';
import { sseStreamOf } from './sseFrames.js';
import { sharedSubscriberOf } from './subscriptionMultiplexer.js';
import type { TrustedOperations } from './trustedDocuments.js';
import { createYogaApp, type YogaOptions } from './yoga.js';

/** Admits or refuses one WebSocket operation of the connection opened by `req` (the rate limiter). */
type OperationGate = (req: IncomingMessage) => RateLimitRefusal | undefined;

/**
 * A plain HTTP handler in front of GraphQL (the dashboard, /metrics): it answers and returns true when the request is
 * its own, and returns false otherwise.
 */
export type HttpRoute = (req: IncomingMessage, res: ServerResponse) => boolean;

/** A listening node API. */
export interface RunningServer {
  /** The GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Serves the node's GraphQL API on host:port: HTTP (POST/GET, SSE) through yoga and graphql-ws on the same
 * /graphql path, with yoga's plugins applied to WebSocket operations too (graphqlWebSocket.ts). Port 0 picks a free
 * port.
 */
export async function startServer(
  node: Node,
  options: {
    host: string;
    port: number;
    routes?: readonly HttpRoute[];
    /** Serve Prometheus metrics at /metrics (default true). */
    metrics?: boolean;
    /** Serve the live dashboard at / (default true). */
    dashboard?: boolean;
    /**
     * Host names (Host header, port ignored) the node answers to; `*` allows any. Default: the loopback names and
     * the bound address. Anything else gets 403 HOST_NOT_ALLOWED, over HTTP and WebSocket upgrades alike.
     */
    allowedHosts?: readonly string[];
    /**
     * Write SSE subscriptions' frames straight to the socket (rawSse.ts; default true). False streams them through
     * each response's body, as yoga does, as benchmarks' baseline.
     */
    rawSse?: boolean;
    /**
     * Write each payload of a shared subscription to all its SSE and graphql-ws subscribers in one synchronous loop
     * (subscriptionMultiplexer.ts's sinks; default true). False reads each subscriber's own iterator, as benchmarks'
     * baseline.
     */
    subscriptionSinks?: boolean;
    /**
     * Runs once everything is built, just before the warm-up query and the port opening: the CLI turns on V8's
     * baseline compiler there, for the request path only (see src/cli/main.ts).
     */
    beforeWarmUp?: () => void;
  } & YogaOptions,
): Promise<RunningServer> {
  const proxies = options.trustedProxies ?? new TrustedProxies([]);
  const yoga = createYogaApp(node, { ...options, trustedProxies: proxies, bodiesReadByServer: true });
  const { maxBodyBytes, rateLimit, subscriptionBacklog } = { ...DEFAULT_API_LIMITS, ...options.limits };
  const backlog = Math.min(subscriptionBacklog, FIXED_API_LIMITS.eventBacklogCeiling);
  const sinks = options.subscriptionSinks !== false;
  const graphql = readBodiesFirst(
    yoga,
    options.rawSse === false ? yoga : withRawSse(yoga, backlog, sinks),
    maxBodyBytes,
  );
  const metrics = options.metrics === false ? null : createNodeMetrics(node);
  const limiter = rateLimit === null ? null : createRateLimiter(rateLimit, proxies, Date.now);
  // The probes come first and are never rate limited: a load balancer's health check must not take a node out of
  // rotation because a client behind the same proxy floods it.
  const health = createHealthRoute(node);
  const routes: readonly HttpRoute[] = [
    ...(metrics === null ? [] : [metrics.route]),
    ...(options.routes ?? []),
    // With trusted documents only, the GraphiQL address says why there is no editor, and its files are not served.
    ...(options.graphiql === false || options.trustedDocuments !== undefined ? [] : [createGraphiQLRoute()]),
    ...(options.dashboard === false ? [] : [createDashboardRoute()]),
  ];
  const refuseHost = createHostCheck(options.allowedHosts ?? defaultAllowedHosts(options.host, null));
  const server: Server = createServer((req, res) => {
    const hostProblem = refuseHost(req);
    if (hostProblem !== undefined) {
      res.writeHead(403, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      res.end(hostRefusalBody(hostProblem));
      return;
    }
    if (health(req, res)) return;
    const refusal = limiter?.check(req);
    if (refusal !== undefined) {
      metrics?.countRateLimited();
      res.writeHead(429, rateLimitedHeaders(refusal));
      res.end(refusal.body);
      return;
    }
    for (const route of routes) if (route(req, res)) return;
    metrics?.timeRequest(req, res);
    graphql(req, res);
  });
  // Each graphql-ws operation (subscribe message) takes a token of its connection's client, as a request does.
  const gate = limiter === null ? undefined : countedGate(limiter, () => metrics?.countRateLimited());
  const webSockets = lazyWebSockets(yoga, maxBodyBytes, trustedOperations(options), gate, sinks);
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const hostProblem = refuseHost(req);
    if (hostProblem !== undefined) {
      refuseUpgrade(
        socket,
        '403 Forbidden',
        { 'content-type': 'application/json; charset=utf-8' },
        hostRefusalBody(hostProblem),
      );
      return;
    }
    const refusal = gate?.(req);
    if (refusal !== undefined) {
      refuseUpgrade(socket, '429 Too Many Requests', rateLimitedHeaders(refusal), refusal.body);
      return;
    }
    webSockets.onUpgrade(req, socket, head);
  });
  options.beforeWarmUp?.();
  // One query through the whole pipeline before the port opens: it loads what yoga and its plugins import lazily and
  // fills the parse and validation caches' code paths, so the first clients do not queue behind that work. It is the
  // first question of the peer protocol, a trusted document, so a node with trusted documents only runs it too.
  await (
    await yoga.fetch('http://warm-up/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: print(PeerStatusDocument) }),
    })
  ).text();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}${yoga.graphqlEndpoint}`,
    port,
    close: async () => {
      metrics?.close();
      await webSockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Reads each request body at the HTTP layer, counting bytes as they arrive (declared or chunked), and answers 413
 * as soon as it passes `maxBytes`. A body within the limit is handed to yoga as `req.body`, which @whatwg-node uses
 * directly instead of streaming the socket through web streams again: under load that stream plumbing (a pipeline,
 * an AbortController and a DOMException per request) had cost more CPU than executing the query.
 */
function readBodiesFirst(
  yoga: YogaServerInstance<Record<string, never>, ApiContext>,
  handler: RequestListener,
  maxBytes: number,
): RequestListener {
  return (req, res) => {
    const declared = req.headers['content-length'];
    const hasBody = (declared !== undefined && declared !== '0') || req.headers['transfer-encoding'] !== undefined;
    if (!hasBody || req.method === 'GET' || req.method === 'HEAD') {
      handler(req, res);
      return;
    }
    if (declared !== undefined && Number(declared) > maxBytes) {
      refuseBody(req, res, Number(declared), maxBytes, true);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.off('data', onData);
        req.off('end', onEnd);
        chunks.length = 0;
        refuseBody(req, res, size, maxBytes, false);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
      if (size === 0) {
        // A chunked body with no bytes (rare): @whatwg-node would wait on the ended stream, so the request is replayed
        // in process with an empty body and yoga answers as it does to any empty body.
        answerEmptyBody(yoga, req, res).catch(() => {
          // A request yoga cannot even represent (e.g. a malformed URL): answer it, never leave the promise unhandled.
          if (!res.headersSent)
            res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
          res.end('bad request\n');
        });
        return;
      }
      const text = body.toString('utf8');
      const read = req as IncomingMessage & { body?: unknown; bodyText?: string };
      // The text stays at hand for the response cache's key.
      read.bodyText = text;
      read.body = jsonObjectBody(text, req.headers['content-type']) ?? text;
      handler(req, res);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    // A client that goes away mid-body gets nothing; the socket is already gone.
    req.on('error', () => undefined);
  };
}

/** The media types yoga reads as a JSON request body. */
const JSON_MEDIA_TYPE = /^application\/(?:graphql\+)?json\s*(?:;|$)/i;

/**
 * A JSON request's body as the object yoga's JSON parser makes of it (`request.json()`), when it is an object with at
 * least one key; otherwise undefined, and yoga reads the text and answers as it always does (malformed JSON, other
 * media types, arrays, empty objects). Given the text, @whatwg-node's normalizeNodeRequest runs `Object.keys(body)`
 * over it to see whether it is empty: an array of one index string per character, the largest allocation of a
 * request and a fifth of the event loop under bench:load's writes (a signed transfer is ~500 characters). Given the
 * object, it answers `request.json()` with it.
 */
function jsonObjectBody(text: string, contentType: string | undefined): object | undefined {
  if (contentType === undefined || !JSON_MEDIA_TYPE.test(contentType)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  for (const _key in parsed) return parsed;
  return undefined;
}

/**
 * yoga as a node request listener, as its own `requestListener` is, except for the SSE responses of sseFrames.ts: their
 * frames are written to the response by rawSse.ts instead of streamed through the response's body. Anything else is
 * sent by @whatwg-node's sendNodeResponse, as yoga's listener sends it.
 */
function withRawSse(
  yoga: YogaServerInstance<Record<string, never>, ApiContext>,
  backlog: number,
  sinks: boolean,
): RequestListener {
  return (req, res) => {
    // The server context yoga's own listener gives: the context reads the client's address from req. It is the
    // operation's context too (yoga extends it), by which the subscriber of a shared stream is found.
    const serverContext = { req, res };
    const sent = (async () => {
      let response: Response;
      try {
        response = await yoga.handleNodeRequestAndResponse(req, res, serverContext as never);
      } catch (error) {
        response = handleErrorFromRequestHandler(error, yoga.fetchAPI.Response);
      }
      const stream = sseStreamOf(response);
      if (stream === undefined) await sendNodeResponse(response, res, req, true);
      // A client gone while its subscription was set up: nothing would ever read the stream, so release it now (sent
      // through its body, it was never read either, and held its slot until the server stopped).
      else if (res.destroyed || res.headersSent) void stream.return?.();
      else serveSse(response, stream, res, backlog, sinks ? sharedSubscriberOf(serverContext) : undefined);
    })();
    sent.catch((error: unknown) => {
      process.stderr.write(`Unexpected error while handling request: ${(error as Error)?.message ?? error}\n`);
    });
  };
}

async function answerEmptyBody(
  yoga: YogaServerInstance<Record<string, never>, ApiContext>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && name !== 'transfer-encoding')
      headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  // Not the Host header: a client controls it, and a value that is no host (e.g. with a space) is no URL.
  const response = await yoga.fetch(
    new URL(req.url ?? '/', 'http://node').href,
    { method: req.method ?? 'POST', headers, body: '' },
    { req } as never,
  );
  const text = await response.text();
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(text);
}

/** Answers 413 and closes the connection (the rest of the body is not read). */
function refuseBody(
  req: IncomingMessage,
  res: ServerResponse,
  bytes: number,
  maxBytes: number,
  declared: boolean,
): void {
  const body = bodyTooLargeJson(bytes, maxBytes, declared);
  res.writeHead(413, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    connection: 'close',
  });
  res.end(body, () => req.destroy());
}

/** The headers of a 429: JSON, when to retry, and never cached. */
function rateLimitedHeaders(refusal: RateLimitRefusal): Record<string, string> {
  return {
    'content-type': 'application/json; charset=utf-8',
    'retry-after': String(refusal.retryAfterSeconds),
    'cache-control': 'no-store',
  };
}

/** A limiter check that also counts its refusals (for /metrics). */
function countedGate(limiter: RateLimiter, onRefusal: () => void): OperationGate {
  return (req) => {
    const refusal = limiter.check(req);
    if (refusal !== undefined) onRefusal();
    return refusal;
  };
}

/** Answers an upgrade request with an HTTP error instead of a WebSocket, and closes the socket. */
function refuseUpgrade(socket: Duplex, status: string, headers: Record<string, string>, body: string): void {
  socket.on('error', () => socket.destroy());
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const head = Object.entries({ ...headers, connection: 'close', 'content-length': String(Buffer.byteLength(body)) })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  // The server's sockets stay half-open after end(): destroy once the answer is written, or a client that keeps
  // its side open would hold the socket (and a graceful stop) forever.
  socket.end(`HTTP/1.1 ${status}\r\n${head}\r\n${body}`, () => socket.destroy());
}

function trustedOperations(options: YogaOptions): TrustedOperations | undefined {
  if (options.trustedDocuments === undefined) return undefined;
  return { documents: options.trustedDocuments, maxTokens: { ...DEFAULT_API_LIMITS, ...options.limits }.maxTokens };
}

/** When ws and graphql-ws are loaded if no WebSocket has asked for them yet: after the start, off its path. */
const PRELOAD_WEBSOCKETS_AFTER_MS = 2_000;

/**
 * WebSocket upgrades of the GraphQL path, served by graphql-ws. ws and graphql-ws are loaded at the first upgrade or
 * PRELOAD_WEBSOCKETS_AFTER_MS after the start, whichever comes first (they were ~10 ms of every start); upgrades that
 * arrive meanwhile wait, their sockets guarded against errors (Node removes its own listener before 'upgrade'). A
 * failed load is retried by the next upgrade. Any other path is refused with 400, as `ws` does, and the socket closed.
 */
function lazyWebSockets(
  yoga: YogaServerInstance<Record<string, never>, ApiContext>,
  maxPayloadBytes: number,
  trusted: TrustedOperations | undefined,
  gate: OperationGate | undefined,
  sinks: boolean,
): { onUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void; close: () => Promise<void> } {
  let closed = false;
  const webSockets = loadLater(
    async () =>
      (await import('./graphqlWebSocket.js')).createGraphQLWebSocketServer(yoga, maxPayloadBytes, trusted, gate, sinks),
    PRELOAD_WEBSOCKETS_AFTER_MS,
  );
  const refuse = (socket: Duplex, status: string) => refuseUpgrade(socket, status, {}, '');
  return {
    onUpgrade(req, socket, head) {
      if (closed || requestPath(req.url) !== yoga.graphqlEndpoint) {
        refuse(socket, closed ? '503 Service Unavailable' : '400 Bad Request');
        return;
      }
      // A client may reset the connection while the modules load: without a listener that error would crash the node.
      const onError = () => socket.destroy();
      socket.on('error', onError);
      webSockets.get().then(
        (server) => {
          socket.off('error', onError);
          if (closed || socket.destroyed) socket.destroy();
          else server.handleUpgrade(req, socket, head);
        },
        (error: unknown) => {
          socket.off('error', onError);
          process.stderr.write(`graphql-ws could not be loaded: ${(error as Error).message}\n`);
          refuse(socket, '500 Internal Server Error');
        },
      );
    },
    async close() {
      closed = true;
      webSockets.cancel();
      const current = webSockets.pending;
      if (current === undefined) return;
      try {
        await (await current).close();
      } catch {
        // Never loaded: there is nothing to close.
      }
    },
  };
}
