import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ExecutionArgs } from 'graphql';
import type { ServerOptions } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Node } from '../node/node.js';
import { DEFAULT_API_LIMITS } from './limits.js';
import { createYogaApp, type YogaOptions } from './yoga.js';

interface EnvelopedRoot {
  execute: (args: ExecutionArgs) => OperationResult;
  subscribe: (args: ExecutionArgs) => OperationResult;
}
type OperationResult = ReturnType<NonNullable<ServerOptions['execute']>>;

/** A listening node API. */
export interface RunningServer {
  /** The GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Serves the node's GraphQL API on host:port: HTTP (POST/GET, SSE) through yoga and graphql-ws on the same
 * /graphql path, with yoga's plugins applied to WebSocket operations too. Port 0 picks a free port.
 */
export async function startServer(
  node: Node,
  options: { host: string; port: number } & YogaOptions,
): Promise<RunningServer> {
  const yoga = createYogaApp(node, options);
  const server: Server = createServer(yoga);
  const wss = new WebSocketServer({
    server,
    path: yoga.graphqlEndpoint,
    maxPayload: { ...DEFAULT_API_LIMITS, ...options.limits }.maxBodyBytes,
  });
  const wsServer = useServer(
    {
      // yoga's enveloped execute/subscribe travel in rootValue (set in onSubscribe) so its plugins apply over WS.
      execute: (args) => (args.rootValue as EnvelopedRoot).execute(args),
      subscribe: (args) => (args.rootValue as EnvelopedRoot).subscribe(args),
      onSubscribe: async (context, _id, params) => {
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
    },
    wss,
  );
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
      await wsServer.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
