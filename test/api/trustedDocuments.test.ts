import { readFileSync } from 'node:fs';
import { type DocumentNode, Kind, print } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type RunningServer, startServer } from '../../src/api/server.js';
import {
  documentId,
  loadTrustedDocuments,
  manifestOf,
  PERSISTED_QUERY_ONLY,
  TrustedDocuments,
} from '../../src/api/trustedDocuments.js';
import { createYogaApp } from '../../src/api/yoga.js';
import * as clientDocuments from '../../src/client/documents.js';
import {
  ALL_DOCUMENTS,
  NEW_BLOCK_SUBSCRIPTION,
  POLL_QUERY,
  SEARCH_INDEX_QUERY,
} from '../../src/dashboard/app/documents.js';
import * as peerDocuments from '../../src/peer/documents.js';
import { RELAY_BATCH } from '../../src/peer/peerApi.js';
import { relayTransactionsDocument } from '../../src/peer/relayDocuments.js';
import { createTestNode } from '../helpers/testNode.js';
import { SseReader, type TestNode, waitUntil } from './apiTestKit.js';

/**
 * `--trusted-documents` (src/api/trustedDocuments.ts): the manifests cover every document the typed client, the peer
 * protocol and the dashboard send, and a node in that mode runs those (whole or by id) and refuses anything else with
 * PERSISTED_QUERY_ONLY before it runs, over HTTP (POST, GET, batches, SSE) and graphql-ws; GraphiQL is off.
 */

/** The operations (not the lone fragments) among a module's exported typed documents. */
function operationsOf(module: Record<string, unknown>): [string, DocumentNode & { __meta__?: { hash?: string } }][] {
  return Object.entries(module).filter(
    (entry): entry is [string, DocumentNode] =>
      typeof entry[1] === 'object' &&
      entry[1] !== null &&
      (entry[1] as DocumentNode).kind === Kind.DOCUMENT &&
      (entry[1] as DocumentNode).definitions.some((definition) => definition.kind === Kind.OPERATION_DEFINITION),
  );
}

const CLIENT_OPERATIONS = operationsOf(clientDocuments);
const PEER_OPERATIONS = operationsOf(peerDocuments);
const RELAY_DOCUMENTS = Array.from({ length: RELAY_BATCH - 1 }, (_, i) => relayTransactionsDocument(i + 2));
const manifest = (path: string): Record<string, string> =>
  JSON.parse(readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')) as Record<string, string>;

let trusted: TrustedDocuments;

beforeAll(async () => {
  trusted = await loadTrustedDocuments();
});

describe('the manifests', () => {
  it('hold every operation of the typed client and the peer protocol, as graphql-request sends it (printed)', () => {
    expect(CLIENT_OPERATIONS.length).toBeGreaterThan(25);
    expect(PEER_OPERATIONS).toHaveLength(6);
    for (const [name, document] of [...CLIENT_OPERATIONS, ...PEER_OPERATIONS]) {
      const id = documentId(print(document));
      // codegen's id (embedded in the generated document) is the id of the text the client sends.
      expect(document.__meta__?.hash, name).toBe(id);
      expect(trusted.textOf(id), name).toBeDefined();
    }
  });

  it("hold the peers' relay batches of 2 to RELAY_BATCH transfers and every dashboard operation", () => {
    for (const text of [...RELAY_DOCUMENTS, ...ALL_DOCUMENTS]) expect(trusted.textOf(documentId(text))).toBeDefined();
  });

  it('are the four committed files, nothing else', () => {
    const files = [
      'src/client/gql/persisted-documents.json',
      'src/peer/gql/persisted-documents.json',
      'src/peer/relay-persisted-documents.json',
      'src/dashboard/app/persisted-documents.json',
    ].map(manifest);
    expect(Object.keys(files[0]!)).toHaveLength(CLIENT_OPERATIONS.length);
    expect(Object.keys(files[2]!)).toHaveLength(RELAY_DOCUMENTS.length);
    expect(Object.keys(files[3]!)).toHaveLength(ALL_DOCUMENTS.length);
    expect(trusted.size).toBe(files.reduce((sum, file) => sum + Object.keys(file).length, 0));
    // Each id is the id of its text (the node does not recompute them when it loads them).
    expect(new TrustedDocuments(files).size).toBe(trusted.size);
    expect(trusted.ids().every((id) => /^sha256:[0-9a-f]{64}$/.test(id))).toBe(true);
  });

  it("written by scripts/persistedDocuments.ts are what the dashboard's and the relay's documents make now", () => {
    // What `npm run check:documents` checks: a document changed without its manifest fails here too.
    expect(manifest('src/dashboard/app/persisted-documents.json')).toEqual(manifestOf(ALL_DOCUMENTS));
    expect(manifest('src/peer/relay-persisted-documents.json')).toEqual(manifestOf(RELAY_DOCUMENTS));
    const changed = ALL_DOCUMENTS.map((text, i) => (i === 0 ? text.replace('height', 'height version') : text));
    expect(manifestOf(changed)).not.toEqual(manifest('src/dashboard/app/persisted-documents.json'));
  });

  it('refuses a manifest whose id is not the id of its text', () => {
    const text = 'query A { node { height } }';
    expect(() => new TrustedDocuments([{ [documentId('query B { node { height } }')]: text }])).toThrow(
      /is the text of sha256:/,
    );
  });

  it('ids ignore white space, comments and the order of fields, not what is selected', () => {
    const id = documentId('query Q { node { height address } }');
    expect(documentId('# a comment\nquery Q {\n  node {\n    address\n    height\n  }\n}\n')).toBe(id);
    expect(documentId('query Q { node { height } }')).not.toBe(id);
    expect(documentId('query Q { node { height address version } }')).not.toBe(id);
  });
});

describe('a node with trusted documents only, over HTTP (in process)', () => {
  let testNode: TestNode;
  let yoga: ReturnType<typeof createYogaApp>;

  beforeAll(() => {
    testNode = createTestNode();
    yoga = createYogaApp(testNode.node, { graphiql: true, trustedDocuments: trusted });
  });
  afterAll(() => testNode.node.close());

  const post = async (body: unknown, headers: Record<string, string> = {}) => {
    const response = await yoga.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  const expectRefused = (answer: { status: number; body: any }, why: RegExp) => {
    expect(answer.status).toBe(400);
    expect(answer.body.data).toBeUndefined();
    expect(answer.body.errors).toHaveLength(1);
    expect(answer.body.errors[0].extensions).toEqual({ code: PERSISTED_QUERY_ONLY });
    expect(answer.body.errors[0].message).toMatch(why);
    expect(answer.body.errors[0].message).toContain('--trusted-documents');
    // Refusals are GraphQL answers: they say which chain state they were read from, like every other.
    expect(answer.body.extensions.chain).toEqual({ height: 1, tipHash: testNode.node.chain.tip.hash });
  };
  const nodeDocument = print(clientDocuments.ClientNodeDocument);
  const nodeId = documentId(nodeDocument);

  it('runs a trusted document sent whole, as the typed client sends it', async () => {
    const answer = await post({ query: nodeDocument });
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data.node.height).toBe(1);
  });

  it('runs it reformatted: other white space, a comment, fields in another order', async () => {
    const answer = await post({
      query: `# the dashboard's poll, laid out by hand\n${POLL_QUERY.replaceAll(' ', '\n   ')}`,
    });
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data.node.height).toBe(1);
    const reordered = SEARCH_INDEX_QUERY.replace(
      /block\(index: \$index\) \{[\s\S]*\}\n\}$/,
      'block(index: $index) { transactions { status isReward blockIndex nonce amount recipient sender id } totalWork ' +
        'isBest confirmations proof merkleRoot previousHash size transactionCount difficulty timestamp hash index } }',
    );
    expect(reordered).not.toBe(SEARCH_INDEX_QUERY);
    const found = await post({ query: reordered, variables: { index: 1 } });
    expect(found.body.errors).toBeUndefined();
    expect(found.body.data.block.index).toBe(1);
  });

  it('runs a trusted document named by its id alone: documentId, the bare hex, or Apollo persistedQuery', async () => {
    const hex = nodeId.slice('sha256:'.length);
    for (const body of [
      { documentId: nodeId },
      { documentId: hex },
      { extensions: { persistedQuery: { version: 1, sha256Hash: hex } } },
      { query: '', documentId: nodeId },
    ]) {
      const answer = await post(body);
      expect(answer.body.errors, JSON.stringify(body)).toBeUndefined();
      expect(answer.body.data.node.address).toBe(testNode.node.wallet.address);
    }
  });

  it('runs one named by its id over GET (documentId in the query string), and says the mode is on', async () => {
    const id = documentId(print(clientDocuments.ClientLimitsDocument));
    const response = await yoga.fetch(`http://yoga/graphql?documentId=${encodeURIComponent(id)}`, {
      headers: { accept: 'application/json' },
    });
    const body = (await response.json()) as any;
    expect(body.errors).toBeUndefined();
    expect(body.data.limits).toMatchObject({ trustedDocumentsOnly: true, adminTokenRequired: false });
  });

  it('refuses any other document before it runs, with PERSISTED_QUERY_ONLY naming the flag', async () => {
    expectRefused(await post({ query: '{ node { height } }' }), /the document \(id sha256:[0-9a-f]{64}\) is not one/);
    // A mutation that would mine: refused before it runs, so the chain does not move.
    expectRefused(
      await post({ query: 'mutation { mine { __typename } }' }),
      /is not one of the trusted documents of this node/,
    );
    expect(testNode.node.chain.height).toBe(1);
    // A trusted document with one more field is another document.
    expectRefused(
      await post({ query: nodeDocument.replace('address', 'address __typename') }),
      /is not one of the trusted/,
    );
    // Over GET too.
    const response = await yoga.fetch('http://yoga/graphql?query=%7Bnode%7Bheight%7D%7D', {
      headers: { accept: 'application/json' },
    });
    expectRefused({ status: response.status, body: await response.json() }, /is not one of the trusted/);
  });

  it('refuses unknown or malformed ids, texts that do not parse, and requests that name nothing', async () => {
    const unknown = `sha256:${'0'.repeat(64)}`;
    expectRefused(
      await post({ documentId: unknown }),
      new RegExp(`no trusted document of this node has the id "${unknown}"`),
    );
    expectRefused(await post({ documentId: 'md5:1234' }), /has the id "md5:1234"/);
    expectRefused(await post({ extensions: { persistedQuery: { version: 1, sha256Hash: 42 } } }), /has the id 42/);
    expectRefused(await post({ query: '{ node { height ' }), /does not parse/);
    expectRefused(await post({ variables: {} }), /neither a document nor a document id/);
  });

  it('leaves malformed parameters to yoga, which refuses them as on any node', async () => {
    const answer = await post({ query: 42 });
    expect(answer.status).toBe(400);
    expect(answer.body.errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  it('streams a trusted subscription over SSE and refuses another one', async () => {
    const sse = (query: string) =>
      yoga.fetch(
        `http://yoga/graphql?query=${encodeURIComponent(query)}&variables=${encodeURIComponent('{"afterIndex":0}')}`,
        {
          headers: { accept: 'text/event-stream' },
        },
      );
    const stream = new SseReader(await sse(NEW_BLOCK_SUBSCRIPTION));
    try {
      expect(((await stream.next()) as any).data.newBlock.index).toBe(1);
    } finally {
      await stream.cancel();
    }
    const refused = new SseReader(await sse('subscription { newBlock { index } }'));
    try {
      expect(((await refused.next()) as any).errors[0].extensions.code).toBe(PERSISTED_QUERY_ONLY);
    } finally {
      await refused.cancel();
    }
  });

  it('serves a page that says why at the GraphiQL address, instead of the editor', async () => {
    const response = await yoga.fetch('http://yoga/graphql', { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    const page = await response.text();
    expect(page).toContain('GraphiQL is off: this node runs trusted documents only');
    expect(page).toContain('--trusted-documents');
    expect(page).not.toMatch(/<script/);
  });
});

describe('a node with trusted documents only, over a real server and graphql-ws', () => {
  let testNode: TestNode;
  let server: RunningServer;
  let client: Client;

  beforeAll(async () => {
    testNode = createTestNode();
    server = await startServer(testNode.node, { host: '127.0.0.1', port: 0, trustedDocuments: trusted });
  });
  afterEach(async () => {
    await client?.dispose();
  });
  afterAll(async () => {
    await server.close();
    testNode.node.close();
  });
  const connect = () => {
    client = createClient({ url: server.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
    return client;
  };

  it('streams a trusted subscription (the dashboard sends it whole)', async () => {
    const subscription = connect().iterate({ query: NEW_BLOCK_SUBSCRIPTION, variables: { afterIndex: 0 } });
    const first = await subscription.next();
    expect((first.value as any).data.newBlock.index).toBe(1);
    await subscription.return?.();
  });

  it('runs one named by its id alone (query "" and documentId, or persistedQuery)', async () => {
    const id = documentId(print(peerDocuments.PeerStatusDocument));
    for (const payload of [
      { query: '', documentId: id },
      { query: '', extensions: { persistedQuery: { version: 1, sha256Hash: id.slice(7) } } },
    ]) {
      const query = connect().iterate(payload as { query: string });
      const result = await query.next();
      expect((result.value as any).data.node.height).toBe(1);
      await query.return?.();
      await client.dispose();
    }
  });

  it('refuses another operation with PERSISTED_QUERY_ONLY and keeps the socket for trusted ones', async () => {
    connect();
    const refused = client.iterate({ query: 'subscription { newBlock { index hash } }' });
    const error = await refused.next().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('--trusted-documents'),
        extensions: { code: PERSISTED_QUERY_ONLY },
      }),
    ]);
    const query = client.iterate({ query: print(clientDocuments.ClientNodeDocument) });
    expect(((await query.next()).value as any).data.node.height).toBe(1);
    await query.return?.();
  });

  it('serves neither the editor nor its files', async () => {
    const page = await fetch(server.url, { headers: { accept: 'text/html' } });
    expect(await page.text()).toContain('trusted documents only');
    expect((await fetch(server.url.replace('/graphql', '/graphiql/graphiql.js'))).status).toBe(404);
  });

  it('still mines through a trusted mutation (the typed client sends it whole)', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: print(clientDocuments.ClientMineDocument) }),
    });
    const body = (await response.json()) as any;
    expect(body.data.mine.__typename).toBe('MineSuccess');
    await waitUntil(() => testNode.node.chain.height === 2);
  });
});
