import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/api/server.js';
import { createYogaApp } from '../../src/api/yoga.js';
import { createTestNode } from '../helpers/testNode.js';

/**
 * The HTTP layer reads and caps request bodies before yoga sees them (src/api/server.ts). These cases drive it with raw
 * chunked requests, which fetch cannot shape exactly.
 */
const testNode = createTestNode();
let server: RunningServer;
beforeAll(async () => {
  await testNode.node.mine(); // coins for the node wallet, so that a `send` that ran would show in the mempool
  server = await startServer(testNode.node, {
    host: '127.0.0.1',
    port: 0,
    graphiql: false,
    limits: { maxBodyBytes: 64 * 1024 },
    // Any Host: these tests send odd ones to reach the body paths (the Host check has its own tests).
    allowedHosts: ['*'],
  });
});
/** The chain extension every answer carries once the node has mined its one block. */
const CHAIN_AT_2 = () => ({ height: 2, tipHash: testNode.node.chain.tip.hash });
/** extensions.cost of `{ node { height } }`: two fields. */
const COST_OF_HEIGHT = { estimated: 2, limit: 50_000 };

afterAll(async () => {
  await server.close();
  testNode.node.close();
});

/** Sends `chunks` with chunked transfer encoding and resolves with the status and body (or rejects after 5 s). */
function sendChunked(chunks: readonly string[]): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(
      server.url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
        timeout: 5_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer within 5 s')));
    req.on('error', (error) =>
      (error as NodeJS.ErrnoException).code === 'EPIPE' || (error as NodeJS.ErrnoException).code === 'ECONNRESET'
        ? undefined
        : reject(error),
    );
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe('request bodies at the HTTP layer', () => {
  // The server hands yoga a JSON object body already parsed (server.ts, jsonObjectBody); every other body as text.
  it.each([
    ['a JSON object', 'application/json', '{"query":"{ node { height } }"}'],
    ['a JSON object with a charset', 'application/json; charset=utf-8', '{"query":"{ node { height } }"}'],
    ['a JSON object as application/graphql+json', 'application/graphql+json', '{"query":"{ node { height } }"}'],
    ['malformed JSON', 'application/json', '{"query":'],
    ['a JSON array', 'application/json', '[{"query":"{ node { height } }"}]'],
    ['an empty JSON object', 'application/json', '{}'],
    ['JSON null', 'application/json', 'null'],
    ['a JSON string', 'application/json', '"{ node { height } }"'],
    ['a JSON object sent as text/plain', 'text/plain', '{"query":"{ node { height } }"}'],
    ['a query as application/graphql', 'application/graphql', '{ node { height } }'],
  ])('answers %s exactly as yoga does in process', async (_name, contentType, body) => {
    const init = { method: 'POST', headers: { 'content-type': contentType }, body };
    const overHttp = await fetch(server.url, init);
    const inProcess = await createYogaApp(testNode.node, { graphiql: false }).fetch('http://yoga/graphql', init);
    expect(overHttp.status).toBe(inProcess.status);
    expect(await overHttp.text()).toBe(await inProcess.text());
  });

  it('executes a body sent in several chunks', async () => {
    const { status, body } = await sendChunked(['{"query":', '"{ node { ', 'height } }"}']);
    expect(status).toBe(200);
    expect(body).toEqual({ data: { node: { height: 2 } }, extensions: { chain: CHAIN_AT_2(), cost: COST_OF_HEIGHT } });
  });

  it('answers an empty chunked body with 400 BAD_REQUEST instead of waiting for bytes that never come', async () => {
    const { status, body } = await sendChunked([]);
    expect(status).toBe(400);
    expect(body.errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  it('answers an empty chunked body whose Host header is no host name, and keeps serving (no unhandled rejection)', async () => {
    // The empty-body path replays the request in process; a Host header that makes no URL must not crash the node.
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(server.port, '127.0.0.1', () =>
        socket.write(
          'POST /graphql HTTP/1.1\r\nHost: a b\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n0\r\n\r\n',
        ),
      );
      let text = '';
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`no answer within 5 s: ${JSON.stringify(text)}`));
      }, 5_000);
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (text += chunk));
      socket.on('error', reject);
      socket.on('close', () => {
        clearTimeout(timer);
        resolve(text);
      });
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    expect(reply).toContain('BAD_REQUEST');
  });

  it('refuses a chunked body once it passes maxBodyBytes: 413 naming the limit, nothing executed', async () => {
    const padding = 'x'.repeat(16 * 1024);
    const send = (pieces: number) =>
      sendChunked([
        '{"query":"mutation { send(recipient: \\"' +
          'ab'.repeat(32) +
          '\\", amount: 1) { __typename } }","variables":{"p":"',
        ...Array(pieces).fill(padding),
        '"}}',
      ]);
    // Control: the same transfer in 3 chunks of padding (under the limit) is executed.
    const control = await send(3);
    expect(control.body.data.send.__typename).toBe('TransactionAccepted');
    const before = testNode.node.mempool.size;
    expect(before).toBe(1);
    const { status, body } = await send(8);
    expect(status).toBe(413);
    expect(body.errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    expect(body.errors[0].message).toMatch(/over the limit of 65536 bytes \(maxBodyBytes\)/);
    expect(testNode.node.mempool.size).toBe(before);
  });

  it('refuses a declared Content-Length over the limit before reading the body', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ node { height } }', variables: { p: 'x'.repeat(70_000) } }),
    });
    expect(response.status).toBe(413);
    expect((await response.json()).errors[0].message).toMatch(
      /^request body of \d+ bytes is over the limit of 65536 bytes \(maxBodyBytes\)$/,
    );
  });

  it('still serves the next request after refusals', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ node { height } }' }),
    });
    expect(await response.json()).toEqual({
      data: { node: { height: 2 } },
      extensions: { chain: CHAIN_AT_2(), cost: COST_OF_HEIGHT },
    });
  });
});
