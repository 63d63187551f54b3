import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServer, type RunningServer } from '../../src/api/server.js';
import { createTestNode } from '../helpers/testNode.js';

const testNode = createTestNode({ label: 'ws-upgrade' });
let server: RunningServer;

beforeAll(async () => {
  server = await startServer(testNode.node, { host: '127.0.0.1', port: 0, graphiql: false, dashboard: false, metrics: false });
});
afterAll(async () => {
  await server.close();
  testNode.node.close();
});

/** Opens a graphql-ws socket and resolves with the first message after connection_init (or the handshake's failure). */
function connect(url: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, 'graphql-transport-ws');
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
    socket.on('message', (data) => {
      resolve(String(data));
      socket.close();
    });
    socket.on('unexpected-response', (_req, res) => resolve(`HTTP ${res.statusCode}`));
    socket.on('error', (error) => resolve(`error ${error.message}`));
  });
}

describe('WebSocket upgrades (graphql-ws loaded at the first one)', () => {
  it('serves several first upgrades that arrive together, while ws and graphql-ws load', async () => {
    const url = server.url.replace('http', 'ws');
    expect(await Promise.all([connect(url), connect(url), connect(url)])).toEqual(Array(3).fill('{"type":"connection_ack"}'));
  });

  it('refuses an upgrade to any other path with 400', async () => {
    expect(await connect(server.url.replace('http', 'ws').replace('/graphql', '/other'))).toBe('HTTP 400');
  });
});
