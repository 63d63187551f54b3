import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RunningServer } from '../../src/api/server.js';
import { createTestNode } from '../helpers/testNode.js';
import { startApiServer } from './apiTestKit.js';

const running: Array<{ server: RunningServer; close: () => void }> = [];
afterEach(async () => {
  for (const { server, close } of running.splice(0)) {
    await server.close();
    close();
  }
});

/** A fresh server: ws and graphql-ws are not loaded until its first upgrade (or 2 s later). */
async function freshServer(label: string): Promise<RunningServer> {
  const testNode = createTestNode({ label });
  const server = await startApiServer(testNode.node);
  running.push({ server, close: () => testNode.node.close() });
  return server;
}

/** Opens a graphql-ws socket and resolves with the first message after connection_init (or the handshake's failure). */
function connectGraphQLWs(url: string): Promise<string> {
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

/** A raw TCP connection that sends a WebSocket upgrade request for `path`; its own side stays open after the server ends. */
function rawUpgrade(server: RunningServer, path: string): Socket {
  const socket = connect({ host: '127.0.0.1', port: server.port, allowHalfOpen: true });
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n',
  );
  return socket;
}

describe('WebSocket upgrades (graphql-ws loaded at the first one)', () => {
  // First: the modules load once per test file, and this must happen while they load.
  it('survives a client that resets its connection while the modules load, and serves the next one', async () => {
    const server = await freshServer('ws-reset');
    const socket = rawUpgrade(server, '/graphql');
    socket.on('error', () => undefined);
    await new Promise((resolve) => socket.once('connect', resolve));
    // Long enough for the server to parse the request and start loading graphql-ws, far shorter than that load.
    await new Promise((resolve) => setTimeout(resolve, 5));
    socket.resetAndDestroy();
    // An unhandled socket error would have crashed this process (the node) here.
    expect(await connectGraphQLWs(server.url.replace('http', 'ws'))).toBe('{"type":"connection_ack"}');
  });

  it('serves several first upgrades that arrive together, while ws and graphql-ws load', async () => {
    const server = await freshServer('ws-together');
    const url = server.url.replace('http', 'ws');
    expect(await Promise.all([connectGraphQLWs(url), connectGraphQLWs(url), connectGraphQLWs(url)])).toEqual(
      Array(3).fill('{"type":"connection_ack"}'),
    );
  });

  it('refuses an upgrade to any other path with 400 and closes the socket even if the client keeps its side open', async () => {
    const server = await freshServer('ws-other-path');
    expect(await connectGraphQLWs(server.url.replace('http', 'ws').replace('/graphql', '/other'))).toBe('HTTP 400');
    const socket = rawUpgrade(server, '/other');
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    await new Promise((resolve) => socket.once('end', resolve));
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    // The server's side is gone, not merely half-closed: what the client still sends is refused with a reset.
    const outcome = new Promise<string>((resolve) => {
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      socket.once('close', () => resolve('closed'));
    });
    const write = () => socket.write('more\r\n');
    write();
    const repeat = setInterval(write, 20);
    const timeout = new Promise<string>((resolve) => setTimeout(() => resolve('still open after 3 s'), 3_000));
    expect(await Promise.race([outcome, timeout])).toMatch(/ECONNRESET|EPIPE/);
    clearInterval(repeat);
    socket.destroy();
  });

  it('stops promptly while a client holds a refused socket open', async () => {
    const server = await freshServer('ws-close');
    const socket = rawUpgrade(server, '/other');
    socket.on('error', () => undefined);
    await new Promise((resolve) => socket.once('data', resolve));
    const closing = running.pop()!;
    await Promise.race([
      closing.server.close(),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error('server.close() hung on the half-open socket')), 3_000),
      ),
    ]);
    closing.close();
    socket.destroy();
  });
});
