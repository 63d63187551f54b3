import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { expect } from 'vitest';
import { type RunningServer, startServer } from '../../src/api/server.js';
import type { Node } from '../../src/node/node.js';
import type { Wallet } from '../../src/wallet/wallet.js';
import { type createTestNode, postGraphQL } from '../helpers/testNode.js';

/**
 * Shared pieces of the API tests: GraphQL requests through `yoga.fetch`, mining through the API, snapshots of
 * observable state (to prove a refusal changed nothing), SSE stream reading, a dead port and polling.
 */

export type TestNode = ReturnType<typeof createTestNode>;
export type Yoga = TestNode['yoga'];

/** A GraphQL error as yoga serializes it. */
export interface GraphQLErrorBody {
  readonly message: string;
  readonly extensions?: Record<string, unknown>;
  readonly path?: readonly (string | number)[];
}

/** Posts an operation and returns status and body (`data` typed loosely: tests assert on it). */
export async function gql(
  yoga: Yoga,
  query: string,
  variables?: Record<string, unknown>,
): Promise<{ status: number; data: any; errors: GraphQLErrorBody[] | undefined }> {
  const { status, body } = await postGraphQL(yoga, query, variables);
  return { status, data: body.data, errors: body.errors };
}

/** Posts an operation that must succeed and returns its data. */
export async function gqlData(yoga: Yoga, query: string, variables?: Record<string, unknown>): Promise<any> {
  const result = await gql(yoga, query, variables);
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  return result.data;
}

/** Posts an operation that must fail with exactly one GraphQL error and returns that error. */
export async function gqlError(
  yoga: Yoga,
  query: string,
  variables?: Record<string, unknown>,
): Promise<GraphQLErrorBody & { status: number; data: any }> {
  const result = await gql(yoga, query, variables);
  expect(result.errors, `expected one error, got data ${JSON.stringify(result.data)}`).toHaveLength(1);
  return { ...result.errors![0]!, status: result.status, data: result.data };
}

export const BLOCK_FIELDS = `
  index hash previousHash timestamp merkleRoot difficulty proof size totalWork isBest confirmations transactionCount
  transactions { id sender recipient amount nonce signature isReward status blockIndex position }
`;

export const MINE = `mutation Mine {
  mine {
    __typename
    ... on MineSuccess { block { ${BLOCK_FIELDS} } }
    ... on Error { code message }
  }
}`;

/** Mines one block through the `mine` mutation (10 s of node clock after the previous one) and returns it. */
export async function mineViaApi(testNode: TestNode): Promise<any> {
  testNode.advance(10_000);
  const data = await gqlData(testNode.yoga, MINE);
  expect(data.mine.__typename).toBe('MineSuccess');
  return data.mine.block;
}

/** Mines `count` blocks directly on the node (faster than the API), 10 s of node clock apart. */
export async function mineBlocks(testNode: TestNode, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    testNode.advance(10_000);
    await testNode.node.mine();
  }
}

export const SEND = `mutation Send($recipient: String!, $amount: SafeInt!) {
  send(recipient: $recipient, amount: $amount) {
    __typename
    ... on TransactionAccepted { expectedBlockIndex transaction { id sender recipient amount nonce status blockIndex } }
    ... on Error { code message }
    ... on InvalidInputError { field }
  }
}`;

export const SUBMIT_TRANSACTION = `mutation Submit($input: TransactionInput!) {
  submitTransaction(input: $input) {
    __typename
    ... on TransactionAccepted { expectedBlockIndex transaction { id sender recipient amount nonce signature status blockIndex } }
    ... on Error { code message }
    ... on InvalidInputError { field }
  }
}`;

/**
 * Gives `wallet` `amount` coins from the node wallet: mines until the node can pay, sends, and mines the transfer.
 * The node's wallet earns 1 coin per block (the test network's reward).
 */
export async function fund(testNode: TestNode, wallet: Wallet, amount: number): Promise<void> {
  await mineBlocks(testNode, amount);
  const data = await gqlData(testNode.yoga, SEND, { recipient: wallet.address, amount });
  expect(data.send.__typename).toBe('TransactionAccepted');
  await mineBlocks(testNode, 1);
  expect(testNode.node.chain.getAccount(wallet.address).balance).toBe(amount);
}

/** What a refused request must leave untouched: the chain tip, the mempool, and the accounts of `addresses`. */
export async function observableState(yoga: Yoga, addresses: readonly string[]): Promise<unknown> {
  const accounts = addresses
    .map((address, i) => `a${i}: account(address: "${address}") { balance nonce pendingBalance pendingNonce }`)
    .join('\n');
  return gqlData(
    yoga,
    `{ node { height pendingTransactionCount tip { hash } } pendingTransactions { id } chain { length totalWork } ${accounts} }`,
  );
}

/** Waits, turn by turn of the event loop, until `condition` holds (at most `maxTurns` turns). */
export async function waitUntil(condition: () => boolean, maxTurns = 10_000): Promise<void> {
  for (let turn = 0; turn < maxTurns; turn++) {
    if (condition()) return;
    await nextTurn();
  }
  throw new Error(`condition not met after ${maxTurns} event-loop turns`);
}

/** A TCP port on 127.0.0.1 that nothing listens on: bound on port 0, then released. */
export async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Reads the `data:` payloads of a server-sent-events body as parsed JSON. It reads the body from the start (so the
 * server starts the subscription at once) and queues events until `next()` takes them.
 */
export class SseReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #events: unknown[] = [];
  #ended: Error | undefined;
  #wake: () => void = () => {};

  constructor(response: Response) {
    if (response.body === null) throw new Error('the SSE response has no body');
    this.#reader = response.body.getReader();
    void this.#pump();
  }

  /** The next event's data, parsed. @throws {Error} when the stream ends first. */
  async next(): Promise<any> {
    for (;;) {
      if (this.#events.length > 0) return this.#events.shift();
      if (this.#ended !== undefined) throw this.#ended;
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  /** Stops reading and releases the stream (the server's subscription ends). */
  async cancel(): Promise<void> {
    await this.#reader.cancel();
  }

  async #pump(): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { done, value } = await this.#reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        for (let boundary = buffer.indexOf('\n\n'); boundary >= 0; boundary = buffer.indexOf('\n\n')) {
          const data = buffer
            .slice(0, boundary)
            .split('\n')
            .filter((line) => line.startsWith('data:'))
            .map((line) => line.slice('data:'.length).trimStart())
            .join('\n');
          buffer = buffer.slice(boundary + 2);
          // Keep-alive comments and events without data (such as `event: complete`) carry nothing to return.
          if (data !== '') this.#events.push(JSON.parse(data));
        }
        this.#wake();
      }
      this.#ended = new Error('the SSE stream ended');
    } catch (error) {
      this.#ended = error as Error;
    }
    this.#wake();
  }
}

/** Opens a subscription over SSE (POST with `accept: text/event-stream`). */
export async function subscribeSse(yoga: Yoga, query: string, variables?: Record<string, unknown>): Promise<SseReader> {
  const response = await yoga.fetch('http://yoga/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ query, variables }),
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  return new SseReader(response);
}

/** A real HTTP server on loopback serving only the API (no GraphiQL, dashboard or metrics). */
export function startApiServer(node: Node): Promise<RunningServer> {
  return startServer(node, { host: '127.0.0.1', port: 0, graphiql: false, dashboard: false, metrics: false });
}
