import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNodeClient } from '../../src/client/createNodeClient.js';
import {
  isNodeClientError,
  NodeClientError,
  NodeGraphQLError,
  NodePayloadTooLargeError,
  NodeResponseError,
  NodeUnreachableError,
} from '../../src/client/errors.js';
import { deadPort } from '../api/apiTestKit.js';
import { startTestServer, type TestServer } from './clientTestKit.js';

let served: TestServer;
/** An HTTP server on 127.0.0.1 that accepts requests and never answers. */
let silent: Server;
/** An HTTP server on 127.0.0.1 that answers every request with an HTML page. */
let html: Server;

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
}

beforeAll(async () => {
  served = await startTestServer({ limits: { maxBodyBytes: 1_024 } });
  silent = createServer(() => {});
  html = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html>\n<html><body>not a node</body></html>');
  });
});

afterAll(async () => {
  silent.closeAllConnections();
  await Promise.all([
    served.close(),
    new Promise((resolve) => silent.close(resolve)),
    new Promise((resolve) => html.close(resolve)),
  ]);
});

describe('errors of the typed client', () => {
  it('throws NodeUnreachableError (reason connect) when nothing listens on the port', async () => {
    const client = createNodeClient(`http://127.0.0.1:${await deadPort()}/graphql`);
    const error = await client.node().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NodeUnreachableError);
    expect(error).toBeInstanceOf(NodeClientError);
    expect(isNodeClientError(error)).toBe(true);
    expect((error as NodeUnreachableError).reason).toBe('connect');
    expect((error as NodeUnreachableError).message).toMatch(/unreachable: ECONNREFUSED/);
    expect((error as NodeUnreachableError).name).toBe('NodeUnreachableError');
  });

  it('throws NodeUnreachableError (reason timeout) when the answer does not come within timeoutMs', async () => {
    const client = createNodeClient(await listen(silent), { timeoutMs: 300 });
    const started = Date.now();
    const error = await client.chain().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NodeUnreachableError);
    expect((error as NodeUnreachableError).reason).toBe('timeout');
    expect((error as Error).message).toMatch(/no answer within 300 ms/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('throws NodePayloadTooLargeError for HTTP 413 when the body is over the node limit', async () => {
    const client = createNodeClient(served.url);
    const urls = Array.from({ length: 60 }, (_, i) => `http://127.0.0.1:${10_000 + i}/graphql`);
    const error = await client.registerNodes(urls).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NodePayloadTooLargeError);
    expect(error).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    expect(await client.peers()).toEqual([]);
  });

  it('throws NodeGraphQLError with extensions.code for a malformed request (a page over 100)', async () => {
    const client = createNodeClient(served.url);
    const error = await client.chain({ first: 101 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NodeGraphQLError);
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', status: 200 });
    expect((error as NodeGraphQLError).messages).toHaveLength(1);
  });

  it('throws NodeResponseError when something that is not GraphQL answers', async () => {
    const client = createNodeClient(await listen(html));
    const error = await client.node().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NodeResponseError);
    expect((error as Error).message).not.toContain('\n');
    const subscription = client.subscribeNewBlocks();
    await expect(subscription.next()).rejects.toBeInstanceOf(NodeResponseError);
  });

  it('refuses a URL that is not http(s) and a timeout that is not a positive integer', () => {
    expect(() => createNodeClient('ftp://127.0.0.1:4000/graphql')).toThrow(TypeError);
    expect(() => createNodeClient('127.0.0.1:4000')).toThrow(TypeError);
    expect(() => createNodeClient(served.url, { timeoutMs: 0 })).toThrow(TypeError);
    expect(() => createNodeClient(served.url, { timeoutMs: 1.5 })).toThrow(TypeError);
  });
});
