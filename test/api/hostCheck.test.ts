import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHostCheck, defaultAllowedHosts, hostName } from '../../src/api/hostCheck.js';
import { type RunningServer, startServer } from '../../src/api/server.js';
import { bob } from '../helpers/keys.js';
import { rawRequest } from '../helpers/nodeHttp.js';
import { createTestNode } from '../helpers/testNode.js';

// DNS rebinding: a page at attacker.example whose name is re-pointed at 127.0.0.1 is same-origin with the node, so
// CORS does not stop it; its requests carry Host: attacker.example, which the node refuses.

const running: Array<{ server: RunningServer; close: () => void }> = [];
afterEach(async () => {
  for (const { server, close } of running.splice(0)) {
    await server.close();
    close();
  }
});

async function serve(allowedHosts?: readonly string[]) {
  const testNode = createTestNode({ label: 'host-check' });
  await testNode.node.mine();
  const server = await startServer(testNode.node, {
    host: '127.0.0.1',
    port: 0,
    ...(allowedHosts === undefined ? {} : { allowedHosts }),
  });
  running.push({ server, close: () => testNode.node.close() });
  return { node: testNode.node, server, port: server.port };
}

/** A request through node:http with the Host header given (fetch would replace it); null sends none (HTTP/1.0). */
function send(
  port: number,
  host: string | null,
  options: { method?: string; path?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    if (host === null) {
      const socket = connect(port, '127.0.0.1', () => socket.write('GET /healthz HTTP/1.0\r\n\r\n'));
      let text = '';
      socket.on('data', (chunk) => (text += chunk));
      socket.on('end', () =>
        resolve({ status: Number(text.split(' ')[1]), body: text.split('\r\n\r\n')[1]!, headers: {} }),
      );
      socket.on('error', reject);
      return;
    }
    rawRequest(`http://127.0.0.1:${port}${options.path ?? '/graphql'}`, {
      method: options.method ?? 'POST',
      headers: { host, 'content-type': 'application/json', ...options.headers },
      ...(options.body === undefined ? {} : { body: options.body }),
    }).then(resolve, reject);
  });
}

const SEND = JSON.stringify({ query: `mutation { send(recipient: "${bob.address}", amount: 1) { __typename } }` });

describe('the Host allow-list', () => {
  it('refuses a mutation from a rebound name with 403 HOST_NOT_ALLOWED naming the flag, and runs nothing', async () => {
    const { node, port } = await serve();
    const refused = await send(port, 'attacker.example:4750', {
      body: SEND,
      headers: { origin: 'http://attacker.example:4750' },
    });
    expect(refused.status).toBe(403);
    const error = JSON.parse(refused.body).errors[0];
    expect(error.extensions.code).toBe('HOST_NOT_ALLOWED');
    expect(error.message).toMatch(/"attacker\.example" is not allowed.*--allowed-hosts .*attacker\.example/);
    expect(node.mempool.size).toBe(0);
    const allowed = await send(port, `127.0.0.1:${port}`, { body: SEND });
    expect(JSON.parse(allowed.body).data.send.__typename).toBe('TransactionAccepted');
    expect(node.mempool.size).toBe(1);
  });

  it('guards the dashboard, GraphiQL, SSE and the health probes alike; localhost and no Host header pass', async () => {
    const { port } = await serve();
    for (const [method, path, headers] of [
      ['GET', '/', {}],
      ['GET', '/graphql', { accept: 'text/html' }],
      ['GET', '/graphql?query=subscription%7BnewBlock%7Bindex%7D%7D', { accept: 'text/event-stream' }],
      ['GET', '/readyz', {}],
    ] as const) {
      expect((await send(port, 'evil.example', { method, path, headers })).status, path).toBe(403);
    }
    expect((await send(port, `localhost:${port}`, { method: 'GET', path: '/healthz' })).status).toBe(200);
    expect((await send(port, '[::1]', { method: 'GET', path: '/healthz' })).status).toBe(200);
    expect((await send(port, null)).status).toBe(200);
  });

  it('refuses a WebSocket upgrade from a rebound name before the handshake', async () => {
    const { port } = await serve();
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () =>
        socket.write(
          'GET /graphql HTTP/1.1\r\nHost: attacker.example\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
            'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n' +
            'Sec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n',
        ),
      );
      let text = '';
      socket.on('data', (chunk) => (text += chunk));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 403 Forbidden');
    expect(answer).toContain('HOST_NOT_ALLOWED');
  });

  it('answers any host with *, and only the listed ones otherwise', async () => {
    const open = await serve(['*']);
    expect((await send(open.port, 'anything.example', { method: 'GET', path: '/healthz' })).status).toBe(200);
    const listed = await serve(['node.example']);
    expect((await send(listed.port, 'NODE.example:1234', { method: 'GET', path: '/healthz' })).status).toBe(200);
    expect((await send(listed.port, `127.0.0.1:${listed.port}`, { method: 'GET', path: '/healthz' })).status).toBe(403);
  });
});

describe('host names', () => {
  it('compares names without their port, case-insensitively, IPv6 in brackets', () => {
    expect(hostName('Node.Example:4000')).toBe('node.example');
    expect(hostName('[::1]:4000')).toBe('[::1]');
    expect(hostName('127.0.0.1')).toBe('127.0.0.1');
    const check = createHostCheck(['localhost']);
    const request = (host: string | undefined) => ({ headers: { host } }) as never;
    expect(check(request('LOCALHOST:80'))).toBeUndefined();
    expect(check(request('localhost.attacker.example'))).toMatch(/not allowed/);
  });

  it('allows by default the loopback names, the bound address and the public URL host', () => {
    expect(defaultAllowedHosts('127.0.0.1', null)).toEqual(['localhost', '127.0.0.1', '[::1]']);
    expect(defaultAllowedHosts('0.0.0.0', 'https://node.example:8443/graphql')).toEqual([
      'localhost',
      '127.0.0.1',
      '[::1]',
      'node.example',
    ]);
    expect(defaultAllowedHosts('::1', null)).toContain('[::1]');
    expect(defaultAllowedHosts('10.1.2.3', null)).toContain('10.1.2.3');
  });
});
