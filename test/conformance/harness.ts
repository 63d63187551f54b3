import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, parse } from 'graphql';
import { blockHash } from '../../src/chain/block.js';
import type { StoredBlock } from '../../src/chain/db/model.js';
import { expectedDifficulty } from '../../src/chain/difficulty.js';
import { meetsDifficulty } from '../../src/chain/pow.js';
import { createRewardTransaction, transactionId } from '../../src/chain/transaction.js';
import type { Block, Transaction } from '../../src/chain/types.js';
import { sealBlock, transfer } from '../helpers/chainBuilder.js';
import { type TestWallet, testWallet } from '../helpers/keys.js';
import { createTestNode } from '../helpers/testNode.js';

/**
 * The conformance harness (see README.md in this folder): the case format, the fixed chain every case runs
 * against, placeholder and generator expansion, the HTTP exchange through `yoga.fetch`, and the checks with a
 * readable diff. conformance.test.ts only wires these into vitest.
 */

// ---------------------------------------------------------------------------------------------------------------
// Case format

/** How the request is made. */
export interface CaseRequest {
  /** HTTP method (default POST). */
  readonly method?: string;
  /** Path and query string (default /graphql). */
  readonly path?: string;
  /**
   * Request headers (default for a request with a body: content-type application/json). `{}` sends none of its own,
   * but fetch then labels a text body text/plain;charset=UTF-8.
   */
  readonly headers?: Record<string, string>;
  /** A JSON value sent serialized (placeholders and generators expanded first). */
  readonly body?: unknown;
  /** A body sent exactly as written (placeholders are expanded in it like everywhere else). */
  readonly rawBody?: string;
  /** Send the body as a stream without content-length (as a chunked HTTP/1.1 upload arrives). */
  readonly stream?: boolean;
  /** How much of a text/event-stream response to read: stop after `events` events or `timeoutMs` (default 1, 300). */
  readonly sse?: { readonly events?: number; readonly timeoutMs?: number };
}

/** One conformance case: one JSON file. */
export interface ConformanceCase {
  readonly description: string;
  /**
   * Requests sent first, in order, each expanded just before it is sent (so `$mineBlock` can build on a block an
   * earlier step stored). Each must answer 200 without top-level errors; their bodies are not checked further.
   */
  readonly setup?: readonly CaseRequest[];
  readonly request: CaseRequest;
  /** Expected HTTP status, or the acceptable ones. */
  readonly status: number | readonly number[];
  /** Expected response headers (lowercase names); a name ending in `~` holds a regular expression. */
  readonly headers?: Record<string, string>;
  /** Acceptable exact response bodies: the body must deep-equal one of them. */
  readonly responses?: readonly unknown[];
  /** JSON-path expectations on the body: `path` (equality), `path~` (regex), `path#` (length), `path?` (present). */
  readonly match?: Record<string, unknown>;
  /** The case states the correct behaviour but the node does not meet it yet: run and printed, not asserted. */
  readonly knownBug?: string;
  /** Free text: what the node was seen doing when the case was recorded, where the behaviour is yoga's choice. */
  readonly observed?: string;
  /**
   * Why the request is refused at the HTTP layer, before it is read as GraphQL (unsupported media type, a body over
   * the limit, unreadable GET parameters): such an answer carries no `extensions.chain` or `extensions.cost`. Every
   * other GraphQL answer must carry both.
   */
  readonly refusedBeforeGraphQL?: string;
  /** Why the case needs the real HTTP server (e.g. its Host check): it is run over HTTP only, not in process. */
  readonly onlyOverHttp?: string;
  /** How the node serves this case, when not as every other: e.g. `{"trustedDocuments": true}`. */
  readonly node?: CaseNode;
  /**
   * What the request left behind: a request sent after it straight to the case's node in process (past the HTTP
   * server, so neither its Host check nor its rate limit applies), which must answer 200 and meet `match`. For a
   * refusal whose answer cannot say that nothing ran (e.g. an HTTP 429).
   */
  readonly readback?: CaseReadback;
}

/** A case's readback: a request and path expectations on its answer (as the case's `match`). */
export interface CaseReadback {
  readonly request: CaseRequest;
  readonly match: Record<string, unknown>;
}

/** A case's own node options (the default node has none of them). */
export interface CaseNode {
  /** Start it with `--trusted-documents`: it runs only the documents of its manifests. */
  readonly trustedDocuments?: boolean;
  /** Serve GraphiQL's address (off by default in this suite). */
  readonly graphiql?: boolean;
  /**
   * Start it with `--rate-limit <n>`: requests per second per client, a positive number (the default node has no rate
   * limit). The HTTP server enforces it, so only cases run over HTTP can be refused.
   */
  readonly rateLimit?: number;
  /** With `rateLimit`: `--rate-limit-burst <n>`, a positive integer (default, as the flag's: twice the rate, at least 1). */
  readonly rateLimitBurst?: number;
}
const NODE_KEYS = new Set(['trustedDocuments', 'graphiql', 'rateLimit', 'rateLimitBurst']);
const BOOLEAN_NODE_KEYS = new Set(['trustedDocuments', 'graphiql']);

/** The rate limit a case's node runs with (`perSecond` and `burst`), or null for none. */
export function caseRateLimit(node: CaseNode | undefined): { perSecond: number; burst: number } | null {
  if (node?.rateLimit === undefined) return null;
  return { perSecond: node.rateLimit, burst: node.rateLimitBurst ?? Math.max(1, Math.ceil(node.rateLimit * 2)) };
}

const CASE_KEYS = new Set([
  'description',
  'setup',
  'request',
  'status',
  'headers',
  'responses',
  'match',
  'knownBug',
  'observed',
  'refusedBeforeGraphQL',
  'onlyOverHttp',
  'node',
  'readback',
]);
const READBACK_KEYS = new Set(['request', 'match']);
const REQUEST_KEYS = new Set(['method', 'path', 'headers', 'body', 'rawBody', 'stream', 'sse']);

/** Reads and checks the shape of every `*.json` case in `dir`, sorted by file name. */
export function loadCases(dir: string): { file: string; testCase: ConformanceCase }[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((file) => {
      const text = readFileSync(join(dir, file), 'utf8');
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (error) {
        throw new Error(`${file}: not JSON: ${(error as Error).message}`);
      }
      return { file, testCase: checkCase(file, parsed) };
    });
}

function checkCase(file: string, value: unknown): ConformanceCase {
  const fail = (why: string): never => {
    throw new Error(`${file}: ${why}`);
  };
  if (!isObject(value)) fail('a case is a JSON object');
  const c = value as Record<string, unknown>;
  for (const key of Object.keys(c)) if (!CASE_KEYS.has(key)) fail(`unknown key "${key}"`);
  if (typeof c.description !== 'string' || c.description.trim() === '')
    fail('"description" must be a non-empty string');
  const statuses = Array.isArray(c.status) ? c.status : [c.status];
  if (
    statuses.length === 0 ||
    !statuses.every((s) => typeof s === 'number' && Number.isInteger(s) && s >= 100 && s <= 599)
  ) {
    fail('"status" must be an HTTP status code or a non-empty list of them');
  }
  if ('setup' in c && (!Array.isArray(c.setup) || c.setup.length === 0))
    fail('"setup" must be a non-empty array of requests');
  if ('readback' in c) {
    if (!isObject(c.readback)) fail('"readback" must be an object');
    const readback = c.readback as Record<string, unknown>;
    for (const key of Object.keys(readback)) if (!READBACK_KEYS.has(key)) fail(`unknown readback key "${key}"`);
    if (!isObject(readback.match) || Object.keys(readback.match as object).length === 0)
      fail('readback.match must be a non-empty object');
  }
  const setup = (c.setup as unknown[] | undefined) ?? [];
  const requests = [...setup, c.request, ...('readback' in c ? [(c.readback as Record<string, unknown>).request] : [])];
  requests.forEach((value, i) => {
    const where = i < setup.length ? `setup[${i}]` : i === setup.length ? 'request' : 'readback.request';
    if (!isObject(value)) fail(`${where} must be an object`);
    const request = value as Record<string, unknown>;
    for (const key of Object.keys(request)) if (!REQUEST_KEYS.has(key)) fail(`unknown ${where} key "${key}"`);
    if ('body' in request && 'rawBody' in request) fail(`give ${where}.body or ${where}.rawBody, not both`);
    if ('rawBody' in request && typeof request.rawBody !== 'string') fail(`${where}.rawBody must be a string`);
  });
  const hasResponses = 'responses' in c;
  const hasMatch = 'match' in c;
  if (hasResponses === hasMatch) fail('give exactly one of "responses" (exact bodies) or "match" (path expectations)');
  if (hasResponses && (!Array.isArray(c.responses) || c.responses.length === 0))
    fail('"responses" must be a non-empty array');
  if (hasMatch && (!isObject(c.match) || Object.keys(c.match as object).length === 0))
    fail('"match" must be a non-empty object');
  if ('knownBug' in c && (typeof c.knownBug !== 'string' || c.knownBug.trim() === ''))
    fail('"knownBug" must say what is wrong');
  if ('headers' in c && !isObject(c.headers)) fail('"headers" must be an object');
  if ('node' in c) {
    if (!isObject(c.node)) fail('"node" must be an object');
    const node = c.node as Record<string, unknown>;
    for (const [key, option] of Object.entries(node)) {
      if (!NODE_KEYS.has(key)) fail(`unknown node option "${key}"`);
      if (BOOLEAN_NODE_KEYS.has(key) && typeof option !== 'boolean') fail(`node.${key} must be true or false`);
    }
    if (
      'rateLimit' in node &&
      (typeof node.rateLimit !== 'number' || !Number.isFinite(node.rateLimit) || node.rateLimit <= 0)
    ) {
      fail('node.rateLimit must be a positive number of requests per second (leave it out for no rate limit)');
    }
    if (
      'rateLimitBurst' in node &&
      (typeof node.rateLimitBurst !== 'number' || !Number.isSafeInteger(node.rateLimitBurst) || node.rateLimitBurst < 1)
    ) {
      fail('node.rateLimitBurst must be an integer of at least 1');
    }
    if ('rateLimitBurst' in node && !('rateLimit' in node)) fail('node.rateLimitBurst needs node.rateLimit');
  }
  return value as ConformanceCase;
}

// ---------------------------------------------------------------------------------------------------------------
// The fixed chain

/** A node on the fixed chain, and the values the placeholders stand for. */
export interface Fixture {
  readonly testNode: ReturnType<typeof createTestNode>;
  readonly values: Readonly<Record<string, unknown>>;
  /** Wallets the `$signTransfer` generator can sign with, by label. */
  readonly wallets: Readonly<Record<string, TestWallet>>;
}

/** Labels of the test wallets; the node's own wallet is `testWallet('node')` (createTestNode's default). */
const WALLET_LABELS = ['node', 'alice', 'bob', 'carol', 'miner'] as const;

/**
 * Builds the fixed chain, the same on every call: a test node (difficulty 8, its injected clock moved 10 s before each
 * block) mines blocks 2–6; sends 4 coins to alice (block 7); alice's transfer of 1 to bob (nonce 0) is confirmed in
 * block 8; her second transfer of 1 to bob (nonce 1) stays pending. Height 8.
 */
export async function buildFixture(): Promise<Fixture> {
  const testNode = createTestNode();
  const { node } = testNode;
  const wallets = Object.fromEntries(WALLET_LABELS.map((label) => [label, testWallet(label)])) as Record<
    string,
    TestWallet
  >;
  const alice = wallets.alice!;
  const bob = wallets.bob!;
  const carol = wallets.carol!;
  const mineOne = async () => {
    testNode.advance(10_000);
    await node.mine();
  };
  for (let i = 0; i < 5; i++) await mineOne();
  const sent = node.send(alice.address, 4);
  if (!sent.ok) throw new Error(`fixture: send refused: ${sent.rejection.message}`);
  await mineOne();
  const confirmed = transfer(alice, bob, 1, 0);
  const confirmedResult = node.submitTransaction(confirmed);
  if (!confirmedResult.ok) throw new Error(`fixture: transfer refused: ${confirmedResult.rejection.message}`);
  await mineOne();
  const pending = transfer(alice, bob, 1, 1);
  const pendingResult = node.submitTransaction(pending);
  if (!pendingResult.ok) throw new Error(`fixture: transfer refused: ${pendingResult.rejection.message}`);

  const chain = node.chain;
  const tip = chain.tip;
  const signed = transfer(alice, carol, 1, 2);
  const nodeWallet = wallets.node!;
  const values: Record<string, unknown> = {
    GENESIS_HASH: chain.genesis.hash,
    GENESIS_TIMESTAMP: chain.genesis.block.header.timestamp,
    TIP_HASH: tip.hash,
    TIP_HASH_UPPER: tip.hash.toUpperCase(),
    TIP_INDEX: tip.block.header.index,
    TIP_TIMESTAMP: tip.block.header.timestamp,
    TIP_BLOCK: toBlockInput(tip.block),
    TOTAL_WORK: tip.totalWork.toString(),
    NOW: node.now(),
    HOUR_FROM_NOW: node.now() + 3_600_000,
    NODE_ADDRESS: node.wallet.address,
    ALICE: alice.address,
    ALICE_UPPER: alice.address.toUpperCase(),
    BOB: bob.address,
    CAROL: carol.address,
    MINER: wallets.miner!.address,
    /** A well-formed address one byte short (62 hex characters). */
    SHORT_ADDRESS: alice.address.slice(2),
    ZERO_HASH: '0'.repeat(64),
    /** A well-formed hash of no block. */
    UNKNOWN_HASH: '11'.repeat(32),
    ZERO_SIGNATURE: '0'.repeat(128),
    SEND_TX: sent.pending.id,
    CONFIRMED_TX: confirmedResult.pending.id,
    CONFIRMED_TX_SIGNATURE: confirmed.signature,
    PENDING_TX: pendingResult.pending.id,
    PENDING_TRANSFER: toTransferInput(pending),
    SIGNED_TRANSFER: toTransferInput(signed),
    SIGNED_TRANSFER_ID: transactionId(signed),
    /** What `send(recipient: $BOB, amount: 1)` queues: the node's transfer with its next nonce, 1. */
    NODE_SEND_TX: transactionId({ sender: nodeWallet.address, recipient: bob.address, amount: 1, nonce: 1 }),
    /** Ids of the rewards of block 8 (stored) and of the block 9 the node mines next. */
    BLOCK_8_REWARD_TX: transactionId(createRewardTransaction(8, nodeWallet.address, chain.params.reward)),
    BLOCK_9_REWARD_TX: transactionId(createRewardTransaction(9, nodeWallet.address, chain.params.reward)),
  };
  for (let index = 1; index <= tip.block.header.index; index++) {
    values[`BLOCK_${index}_HASH`] = chain.getBlockAt(index)!.hash;
  }
  const next = mineBlockInput({}, { testNode, wallets, values });
  values.NEXT_BLOCK = next.block;
  values.NEXT_BLOCK_HASH = next.hash;
  values.NEXT_BLOCK_BAD_PROOF = badProof(next.block);
  return { testNode, values, wallets };
}

/** The smallest proof above the block's own for which its header misses the difficulty. */
function badProof(input: Record<string, unknown>): number {
  const header = { ...(input as unknown as Block['header']) };
  for (let proof = header.proof + 1; ; proof++) {
    if (!meetsDifficulty(blockHash({ ...header, proof }), header.difficulty)) return proof;
  }
}

function toTransferInput(tx: Transaction): Record<string, unknown> {
  return { sender: tx.sender, recipient: tx.recipient, amount: tx.amount, nonce: tx.nonce, signature: tx.signature };
}

function toBlockInput(block: Block): Record<string, unknown> {
  const { header } = block;
  return {
    index: header.index,
    timestamp: header.timestamp,
    previousHash: header.previousHash,
    merkleRoot: header.merkleRoot,
    difficulty: header.difficulty,
    proof: header.proof,
    transactions: block.transactions.map(toTransferInput),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Placeholders and generators

const PLACEHOLDER = /\$([A-Z][A-Z0-9_]*)/g;

/**
 * Expands a case value: a string that is exactly `$NAME` becomes the placeholder's value (of any JSON type), `$NAME`
 * inside a longer string is replaced by its text; an object with a `$generator` key is replaced by what the
 * generator makes (see README.md). Unknown ALL-CAPS placeholders are an error (GraphQL variables are lowercase here).
 */
export function expand(value: unknown, fixture: Fixture): unknown {
  if (typeof value === 'string') return expandString(value, fixture.values);
  if (Array.isArray(value)) return value.map((item) => expand(item, fixture));
  if (!isObject(value)) return value;
  const object = value as Record<string, unknown>;
  const generator = Object.keys(object).find((key) => key.startsWith('$'));
  if (generator === undefined)
    return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, expand(v, fixture)]));
  const args = Object.fromEntries(Object.entries(object).map(([k, v]) => [k, expand(v, fixture)]));
  switch (generator) {
    case '$repeat':
      return repeat(args);
    case '$array':
      return Array.from({ length: asCount(args.times, '$array.times') }, () => structuredClone(args.$array));
    case '$with':
      return deepMerge(args.$with, args.set);
    case '$signTransfer':
      return signTransferInput(args.$signTransfer, fixture);
    case '$mineBlock':
      return mineBlockInput(args.$mineBlock, fixture).block;
    case '$blockHash':
      return mineBlockInput(args.$blockHash, fixture).hash;
    case '$document':
      return trustedDocument(args.$document).text;
    case '$documentId':
      return trustedDocument(args.$documentId).id;
    case '$documentHash':
      return trustedDocument(args.$documentHash).id.slice('sha256:'.length);
    default:
      throw new Error(`unknown generator ${generator}`);
  }
}

function expandString(text: string, values: Readonly<Record<string, unknown>>): unknown {
  const whole = /^\$([A-Z][A-Z0-9_]*)$/.exec(text);
  if (whole !== null) return lookup(whole[1]!, values);
  return text.replace(PLACEHOLDER, (_match, name: string) => {
    const value = lookup(name, values);
    if (isObject(value) || Array.isArray(value))
      throw new Error(`placeholder $${name} is an object; use it as a whole value`);
    return String(value);
  });
}

function lookup(name: string, values: Readonly<Record<string, unknown>>): unknown {
  if (!(name in values)) throw new Error(`unknown placeholder $${name} (known: ${Object.keys(values).join(', ')})`);
  return structuredClone(values[name]);
}

/** `{"$repeat": "a{i}: node { height } ", "times": 21, "prefix": "{ ", "suffix": "}", "separator": ""}` */
function repeat(args: Record<string, unknown>): string {
  if (typeof args.$repeat !== 'string') throw new Error('$repeat needs a string');
  const times = asCount(args.times, '$repeat.times');
  const parts = Array.from({ length: times }, (_, i) => (args.$repeat as string).replaceAll('{i}', String(i)));
  return `${(args.prefix as string | undefined) ?? ''}${parts.join((args.separator as string | undefined) ?? '')}${(args.suffix as string | undefined) ?? ''}`;
}

/** The manifests of trusted documents the node ships (src/api/trustedDocuments.ts), read once. */
const MANIFESTS = [
  'src/client/gql/persisted-documents.json',
  'src/peer/gql/persisted-documents.json',
  'src/peer/relay-persisted-documents.json',
  'src/dashboard/app/persisted-documents.json',
];
let trustedByOperation: ReadonlyMap<string, { id: string; text: string }> | undefined;

/** `{"$document": "ClientNode"}` and friends: the trusted document of that operation, its id and its text. */
function trustedDocument(operationName: unknown): { id: string; text: string } {
  trustedByOperation ??= new Map(
    MANIFESTS.flatMap((path) =>
      Object.entries(
        JSON.parse(readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8')) as Record<string, string>,
      ).map(([id, text]) => {
        const operation = parse(text).definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION);
        return [operation?.name?.value ?? '', { id, text }] as const;
      }),
    ),
  );
  const found = typeof operationName === 'string' ? trustedByOperation.get(operationName) : undefined;
  if (found === undefined) throw new Error(`no trusted document has the operation ${JSON.stringify(operationName)}`);
  return found;
}

function asCount(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new Error(`${what} must be a count`);
  return value;
}

function deepMerge(base: unknown, patch: unknown): unknown {
  if (!isObject(base) || !isObject(patch)) return structuredClone(patch);
  const merged: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(patch as Record<string, unknown>))
    merged[key] = deepMerge(merged[key], value);
  return merged;
}

function wallet(label: unknown, fixture: Pick<Fixture, 'wallets'>): TestWallet {
  const found = typeof label === 'string' ? fixture.wallets[label] : undefined;
  if (found === undefined)
    throw new Error(`unknown wallet ${String(label)} (known: ${Object.keys(fixture.wallets).join(', ')})`);
  return found;
}

/**
 * `{"$signTransfer": {"from": "alice", "recipient": "$CAROL", "amount": 1, "nonce": 2, "set": {...}}}`: a transfer
 * signed by the test wallet `from`, as a TransactionInput; `set` overwrites fields after signing (to tamper).
 */
function signTransferInput(spec: unknown, fixture: Pick<Fixture, 'wallets'>): Record<string, unknown> {
  if (!isObject(spec)) throw new Error('$signTransfer needs an object');
  const s = spec as Record<string, unknown>;
  const tx = transfer(wallet(s.from, fixture), String(s.recipient), Number(s.amount), Number(s.nonce));
  return { ...toTransferInput(tx), ...((s.set as Record<string, unknown> | undefined) ?? {}) };
}

/**
 * `{"$mineBlock": {...}}`: a block with a valid proof of work for its header, as a BlockInput. Fields (all optional):
 * `parent` (a hash; default the tip; when not stored, give `index`), `index`, `timestamp` (default
 * parent + 1 s), `difficulty` (default the expected one), `miner` (address, default $MINER), `rewardAmount`,
 * `rewardNonce`, `noReward`, `transactions` (TransactionInputs placed after the reward), `merkleRoot` (overrides the
 * computed root before the proof is searched).
 */
function mineBlockInput(
  spec: unknown,
  fixture: Pick<Fixture, 'testNode' | 'wallets' | 'values'>,
): { block: Record<string, unknown>; hash: string } {
  if (!isObject(spec)) throw new Error('$mineBlock needs an object');
  const s = spec as Record<string, unknown>;
  const chain = fixture.testNode.node.chain;
  const params = chain.params;
  const parentHash = typeof s.parent === 'string' ? s.parent : chain.tip.hash;
  const parent: StoredBlock | undefined = chain.getBlock(parentHash);
  const number = (key: string, fallback: (() => number) | undefined): number => {
    if (typeof s[key] === 'number') return s[key] as number;
    if (fallback === undefined) throw new Error(`$mineBlock: ${key} is needed when the parent is not stored`);
    return fallback();
  };
  const index = number('index', parent && (() => parent.block.header.index + 1));
  // An unknown parent (an orphan) takes the tip's next timestamp and the network's starting difficulty.
  const timestamp = number('timestamp', () => (parent ?? chain.tip).block.header.timestamp + 1_000);
  const difficulty = number('difficulty', () =>
    parent ? expectedDifficulty(params, parent.block.header) : params.initialDifficulty,
  );
  const miner = typeof s.miner === 'string' ? s.miner : fixture.wallets.miner!.address;
  const reward = createRewardTransaction(
    typeof s.rewardNonce === 'number' ? s.rewardNonce : index,
    miner,
    typeof s.rewardAmount === 'number' ? s.rewardAmount : params.reward,
  );
  const transfers = ((s.transactions as Record<string, unknown>[] | undefined) ?? []).map(
    (t): Transaction => ({
      sender: String(t.sender),
      recipient: String(t.recipient),
      amount: Number(t.amount),
      nonce: Number(t.nonce),
      signature: t.signature === undefined || t.signature === null ? null : String(t.signature),
    }),
  );
  const block = sealBlock({
    index,
    timestamp,
    previousHash: parentHash,
    difficulty,
    transactions: s.noReward === true ? transfers : [reward, ...transfers],
    ...(typeof s.merkleRoot === 'string' ? { merkleRoot: s.merkleRoot } : {}),
  });
  return { block: toBlockInput(block), hash: blockHash(block.header) };
}

// ---------------------------------------------------------------------------------------------------------------
// The exchange

/** What came back: status, headers and the body (parsed JSON, `{events}` for an event stream, else text or null). */
export interface Exchange {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

/** Sends a case's request (already expanded) to the app and reads the response. */
export async function send(
  fetchApp: (url: string, init: RequestInit) => Promise<Response>,
  request: CaseRequest,
): Promise<Exchange> {
  const method = request.method ?? 'POST';
  const text = request.rawBody ?? ('body' in request ? JSON.stringify(request.body) : undefined);
  const headers = request.headers ?? (text === undefined ? {} : { 'content-type': 'application/json' });
  const init: RequestInit & { duplex?: 'half' } = { method, headers: { ...headers } };
  if (text !== undefined) {
    if (request.stream === true) {
      const bytes = new TextEncoder().encode(text);
      const chunk = 64 * 1024;
      let offset = 0;
      init.body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (offset >= bytes.length) controller.close();
          else {
            controller.enqueue(bytes.subarray(offset, offset + chunk));
            offset += chunk;
          }
        },
      });
      init.duplex = 'half';
    } else {
      init.body = text;
    }
  }
  const response = await fetchApp(`http://conformance${request.path ?? '/graphql'}`, init);
  const responseHeaders = Object.fromEntries([...response.headers].map(([name, value]) => [name.toLowerCase(), value]));
  const contentType = responseHeaders['content-type'] ?? '';
  let body: unknown;
  if (contentType.includes('text/event-stream')) {
    body = { events: await readEvents(response, request.sse?.events ?? 1, request.sse?.timeoutMs ?? 300) };
  } else {
    const raw = await response.text();
    if (raw === '') body = null;
    else if (/json/.test(contentType)) {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
    } else body = raw;
  }
  return { status: response.status, headers: responseHeaders, body };
}

/** Reads `data:` payloads (parsed JSON) of an event stream until `count` events, the end, or `timeoutMs`; then cancels. */
async function readEvents(response: Response, count: number, timeoutMs: number): Promise<unknown[]> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const events: unknown[] = [];
  let buffer = '';
  const deadline = Date.now() + timeoutMs;
  try {
    while (events.length < count) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), remaining)));
      const read = await Promise.race([reader.read(), timeout]);
      clearTimeout(timer);
      if (read === 'timeout' || read.done) break;
      buffer += decoder.decode(read.value, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const lines = buffer.slice(0, end).split('\n');
        buffer = buffer.slice(end + 2);
        const data = lines
          .filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(5).trimStart())
          .join('\n');
        if (data !== '' && events.length < count) events.push(JSON.parse(data));
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return events;
}

// ---------------------------------------------------------------------------------------------------------------
// Checks

/** The extensions every GraphQL answer carries, which exact `responses` are compared without. */
const STAMPED_EXTENSIONS = ['chain', 'cost'] as const;

/**
 * Checks that every GraphQL result in a body (a result, a batch, the events of a stream) carries
 * `extensions.chain { height tipHash }` and `extensions.cost { estimated limit }` (estimated null when the answer came
 * before an estimate), and returns the body without them (an `extensions` left empty goes too).
 */
export function takeStampedExtensions(body: unknown, path: string): { body: unknown; problems: string[] } {
  const problems: string[] = [];
  const strip = (value: unknown, at: string): unknown => {
    if (Array.isArray(value)) return value.map((item, i) => strip(item, `${at}[${i}]`));
    if (typeof value !== 'object' || value === null) return value;
    const record = value as Record<string, unknown>;
    if ('events' in record && Array.isArray(record['events']))
      return { ...record, events: strip(record['events'], `${at}.events`) };
    if (!('data' in record) && !('errors' in record)) return value;
    const extensions = (record['extensions'] ?? {}) as Record<string, unknown>;
    const chain = extensions['chain'] as { height?: unknown; tipHash?: unknown } | undefined;
    if (
      !Number.isInteger(chain?.height) ||
      typeof chain?.tipHash !== 'string' ||
      !/^[0-9a-f]{64}$/.test(chain.tipHash)
    ) {
      problems.push(`${at}.extensions.chain: expected { height, tipHash }, got ${JSON.stringify(chain)}`);
    }
    const cost = extensions['cost'] as { estimated?: unknown; limit?: unknown } | undefined;
    if (
      !(cost?.estimated === null || (Number.isInteger(cost?.estimated) && (cost?.estimated as number) > 0)) ||
      !Number.isInteger(cost?.limit) ||
      Object.keys(cost ?? {}).length !== 2
    ) {
      problems.push(`${at}.extensions.cost: expected { estimated, limit }, got ${JSON.stringify(cost)}`);
    }
    const rest = Object.fromEntries(
      Object.entries(extensions).filter(([key]) => !(STAMPED_EXTENSIONS as readonly string[]).includes(key)),
    );
    const { extensions: _extensions, ...others } = record;
    return Object.keys(rest).length === 0 ? others : { ...others, extensions: rest };
  };
  return { body: strip(body, path), problems };
}

/**
 * Checks an exchange against a case (its expectations already expanded). Returns the failures, each a line of a
 * readable diff; empty when the case holds.
 */
export function check(testCase: ConformanceCase, exchange: Exchange): string[] {
  const failures: string[] = [];
  const statuses: readonly number[] = Array.isArray(testCase.status) ? testCase.status : [testCase.status as number];
  if (!statuses.includes(exchange.status))
    failures.push(`status: expected ${statuses.join(' or ')}, got ${exchange.status}`);
  for (const [rawName, expected] of Object.entries(testCase.headers ?? {})) {
    const isRegex = rawName.endsWith('~');
    const name = (isRegex ? rawName.slice(0, -1) : rawName).toLowerCase();
    const actual = exchange.headers[name];
    const ok = actual !== undefined && (isRegex ? new RegExp(String(expected)).test(actual) : actual === expected);
    if (!ok)
      failures.push(
        `header ${name}: expected ${isRegex ? `/${String(expected)}/` : JSON.stringify(expected)}, got ${JSON.stringify(actual)}`,
      );
  }
  // Every GraphQL response carries extensions.chain (the node's height and tip) and extensions.cost (the estimate and
  // the limit); exact bodies are compared without them.
  const { body: withoutStamps, problems } = takeStampedExtensions(exchange.body, '$');
  if (testCase.refusedBeforeGraphQL === undefined) failures.push(...problems);
  if (testCase.responses !== undefined) {
    const diffs = testCase.responses.map((candidate) => jsonDiff(candidate, withoutStamps, '$'));
    if (diffs.every((d) => d.length > 0)) {
      diffs.forEach((d, i) => {
        failures.push(
          testCase.responses!.length > 1
            ? `body differs from responses[${i}]:`
            : 'body differs from the expected response:',
        );
        failures.push(...d.map((line) => `  ${line}`));
      });
    }
  }
  for (const [key, expected] of Object.entries(testCase.match ?? {})) {
    const op = /[~#?]$/.test(key) ? key.slice(-1) : '=';
    const path = op === '=' ? key : key.slice(0, -1);
    // Paths into extensions.chain or extensions.cost read the whole body; every other path reads it without them.
    const stamped = STAMPED_EXTENSIONS.some((name) => path.includes(`extensions.${name}`));
    const found = getPath(stamped ? exchange.body : withoutStamps, path);
    const actual = found.present ? found.value : undefined;
    const shown = found.present ? JSON.stringify(actual) : '(absent)';
    switch (op) {
      case '~': {
        const text = typeof actual === 'string' ? actual : JSON.stringify(actual);
        if (!found.present || !new RegExp(String(expected)).test(text))
          failures.push(`${path}: expected to match /${String(expected)}/, got ${shown}`);
        break;
      }
      case '#': {
        const length = Array.isArray(actual) || typeof actual === 'string' ? actual.length : undefined;
        if (length !== expected)
          failures.push(
            `${path}: expected length ${JSON.stringify(expected)}, got ${length === undefined ? shown : length}`,
          );
        break;
      }
      case '?':
        if (found.present !== expected)
          failures.push(`${path}: expected ${expected ? 'present' : 'absent'}, got ${shown}`);
        break;
      default: {
        if (!found.present) {
          failures.push(`${path}: expected ${JSON.stringify(expected)}, got (absent)`);
          break;
        }
        const d = jsonDiff(expected, actual, path);
        if (d.length > 0) failures.push(...d);
      }
    }
  }
  return failures;
}

/** Reads `a.b[0].c` (or `a.b.0.c`; `$` alone is the whole body). */
export function getPath(root: unknown, path: string): { present: boolean; value?: unknown } {
  if (path === '$' || path === '') return { present: true, value: root };
  const steps = path
    .replace(/\[(\d+)\]/g, '.$1')
    .replace(/^\./, '')
    .split('.');
  let current: unknown = root;
  for (const step of steps) {
    if (Array.isArray(current) && /^\d+$/.test(step) && Number(step) < current.length) current = current[Number(step)];
    else if (isObject(current) && Object.hasOwn(current as object, step))
      current = (current as Record<string, unknown>)[step];
    else return { present: false };
  }
  return { present: true, value: current };
}

/** Structural differences between two JSON values, one line per differing path (empty when equal). */
export function jsonDiff(expected: unknown, actual: unknown, path: string): string[] {
  if (Array.isArray(expected) && Array.isArray(actual)) {
    const lines: string[] = [];
    if (expected.length !== actual.length)
      lines.push(`${path}: expected ${expected.length} items, got ${actual.length}`);
    for (let i = 0; i < Math.min(expected.length, actual.length); i++)
      lines.push(...jsonDiff(expected[i], actual[i], `${path}[${i}]`));
    for (let i = expected.length; i < actual.length; i++) lines.push(`${path}[${i}]: unexpected ${brief(actual[i])}`);
    for (let i = actual.length; i < expected.length; i++) lines.push(`${path}[${i}]: missing ${brief(expected[i])}`);
    return lines;
  }
  if (isObject(expected) && isObject(actual)) {
    const e = expected as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    const lines: string[] = [];
    for (const key of Object.keys(e)) {
      if (!Object.hasOwn(a, key)) lines.push(`${path}.${key}: missing (expected ${brief(e[key])})`);
      else lines.push(...jsonDiff(e[key], a[key], `${path}.${key}`));
    }
    for (const key of Object.keys(a))
      if (!Object.hasOwn(e, key)) lines.push(`${path}.${key}: unexpected ${brief(a[key])}`);
    return lines;
  }
  if (Object.is(expected, actual)) return [];
  return [`${path}: expected ${brief(expected)}, got ${brief(actual)}`];
}

function brief(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 200 ? `${text.slice(0, 200)}… (${text.length} chars)` : text;
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The exchange as printed under a failing case: status, headers and the body (long strings shortened). */
export function describeExchange(exchange: Exchange): string {
  const body = JSON.stringify(
    exchange.body,
    (_k, v: unknown) => (typeof v === 'string' && v.length > 300 ? `${v.slice(0, 300)}…(${v.length} chars)` : v),
    2,
  );
  const shown = body !== undefined && body.length > 6_000 ? `${body.slice(0, 6_000)}\n… (${body.length} chars)` : body;
  const headers = Object.entries(exchange.headers)
    .filter(([name]) => name !== 'content-length')
    .map(([name, value]) => `${name}: ${value}`)
    .join('\n');
  return `HTTP ${exchange.status}\n${headers}${headers === '' ? '' : '\n'}\n${shown}`;
}
