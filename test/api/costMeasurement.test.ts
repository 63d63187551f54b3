import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimateCost } from '../../src/api/cost.js';
import { DEFAULT_API_LIMITS } from '../../src/api/limits.js';
import { schema } from '../../src/api/schema.js';
import { type RunningServer, startServer } from '../../src/api/server.js';
import { ChainDb } from '../../src/chain/db/chainDb.js';
import type { StoredBlock } from '../../src/chain/db/model.js';
import { clearSignatureCache } from '../../src/chain/transaction.js';
import type { Block } from '../../src/chain/types.js';
import { createTestChain, extendChain, mineBlock, transfer } from '../helpers/chainBuilder.js';
import { alice, testWallet } from '../helpers/keys.js';
import { createEasyParams } from '../helpers/params.js';
import { createTestNode } from '../helpers/testNode.js';

/**
 * Why the default maxCost is 50,000: on a chain of full blocks (1,000 transactions each, signed transfers), the
 * costliest operations of each kind the default allows answer in under 1 s and under 8 MB here. Each candidate fills
 * the budget (one more alias, block or page item would be refused), and runs over HTTP against a node that keeps no
 * block in memory (every block read decodes it from the store: the worst case of a long chain), except the pushed
 * blocks, whose validation reads the tip's recent blocks as any node keeps them: in its block cache.
 *
 * The chain: genesis, a reward of 1,000,000 to alice, FULL_BLOCKS blocks of 999 transfers from alice to ten
 * recipients (and the reward), then an empty tip. Building it takes about 4 s (a signature check per transfer).
 * A sync page holds 20 full blocks (4,000,000 characters), hence 21 full blocks; every other candidate needs fewer.
 * `npx vitest run test/api/costMeasurement.test.ts` prints the table the README quotes.
 */

const LIMIT = DEFAULT_API_LIMITS.maxCost;
const FULL_BLOCKS = 21;
/** Index of the first full block (1 is genesis, 2 funds alice). */
const FIRST_FULL = 3;
const LAST_FULL = FIRST_FULL + FULL_BLOCKS - 1;
const TIME_BUDGET_MS = 1_000;
const SIZE_BUDGET_BYTES = 8_000_000;
/** Each candidate runs this many times; the fastest run counts (the machine is shared). */
const RUNS = 3;

const params = createEasyParams({ networkName: 'cost-measurement', reward: 1_000_000 });
const recipients = Array.from({ length: 10 }, (_, i) => testWallet(`cost-recipient-${i}`).address);
const CONTEXT = { node: { chain: { params } } };

const BLOCK_SCALARS =
  'id index hash previousHash timestamp merkleRoot difficulty proof size totalWork isBest confirmations transactionCount';
const TRANSACTION_SCALARS = 'id sender recipient amount nonce signature isReward status blockIndex position';

interface Candidate {
  readonly name: string;
  /** The node that answers: `cold` caches no block, `warm` is a node as it runs (a cache of 2,048 blocks). */
  readonly node: 'cold' | 'warm';
  /** The operation for run `run` (mutations need fresh blocks each time). */
  readonly request: (run: number) => { query: string; variables?: Record<string, unknown> };
  /** The same operation one step costlier (one more alias, block or item): over the limit, or over another one. */
  readonly oneMore: () => { query: string; variables?: Record<string, unknown> };
}

const aliases = (count: number, unit: (i: number) => string) =>
  Array.from({ length: count }, (_, i) => unit(i)).join(' ');
const fullBlockIndex = (i: number) => FIRST_FULL + (i % FULL_BLOCKS);
const signatures = (i: number) => `s${i}: block(index: ${fullBlockIndex(i)}) { transactions { signature } }`;
const everyField = (i: number) =>
  `b${i}: block(index: ${fullBlockIndex(i)}) { ${BLOCK_SCALARS} transactions { ${TRANSACTION_SCALARS} } }`;
const parents = (depth: number) => `${'parent { '.repeat(depth)}index${' }'.repeat(depth)}`;
const ancestors = (i: number, depth = 10) => `r${i}: block(index: ${LAST_FULL}) { ${parents(depth)} }`;
const history = (i: number, first = 100) =>
  `h${i}: account(address: "${recipients[0]}") { transactions(first: ${first}) { id amount block { index } } }`;
const submitBlocks = (count: number) =>
  `mutation(${Array.from({ length: count }, (_, i) => `$b${i}: BlockInput!`).join(', ')}) { ${aliases(
    count,
    (i) =>
      `m${i}: submitBlock(block: $b${i}) { __typename ... on SubmitBlockSuccess { status } ... on Error { code } }`,
  )} }`;

/**
 * Sibling blocks on the tip for the submitBlock candidate, two per run with their own transfers: a full one, and one
 * of SECOND_BLOCK_TRANSACTIONS (the reward included) that fills the rest of the budget.
 */
const SECOND_BLOCK_TRANSACTIONS = 639;
let siblings: Block[] = [];
const asInput = (block: Block) => ({ ...block.header, transactions: block.transactions });

const CANDIDATES: readonly Candidate[] = [
  {
    name: 'every field of full blocks (4 aliases)',
    node: 'cold',
    request: () => ({ query: `{ ${aliases(4, everyField)} }` }),
    oneMore: () => ({ query: `{ ${aliases(5, everyField)} }` }),
  },
  {
    name: 'signatures of a page of full blocks (chain.blocks, first: 20)',
    node: 'cold',
    request: () => ({
      query: `{ chain { blocks(first: 20, after: "2") { edges { node { transactions { signature } } } } } }`,
    }),
    oneMore: () => ({
      query: `{ chain { blocks(first: 21, after: "2") { edges { node { transactions { signature } } } } } }`,
    }),
  },
  {
    name: 'a sync page (encodedBlocks, first: 1,000) and 7 blocks of signatures',
    node: 'cold',
    request: () => ({
      query: `{ chain { encodedBlocks(afterIndex: ${FIRST_FULL - 1}, first: 1000) } ${aliases(7, signatures)} }`,
    }),
    oneMore: () => ({
      query: `{ chain { encodedBlocks(afterIndex: ${FIRST_FULL - 1}, first: 1000) } ${aliases(8, signatures)} }`,
    }),
  },
  {
    // Blocks with their parents to the depth limit: 11 reads each, and a last one of 3 (124 reads of full blocks).
    name: '124 cold block reads (block and parents)',
    node: 'cold',
    request: () => ({ query: `{ ${aliases(11, ancestors)} ${ancestors(11, 2)} }` }),
    oneMore: () => ({ query: `{ ${aliases(11, ancestors)} ${ancestors(11, 3)} }` }),
  },
  {
    name: '123 transactions of an account history, each read with its block',
    node: 'cold',
    request: () => ({ query: `{ ${history(0)} ${history(1, 23)} }` }),
    oneMore: () => ({ query: `{ ${history(0)} ${history(1, 24)} }` }),
  },
  {
    name: `2 blocks submitted (${(1_000 + SECOND_BLOCK_TRANSACTIONS).toLocaleString('en-US')} transactions to check, signature cache cleared)`,
    node: 'warm',
    request: (run) => ({
      query: submitBlocks(2),
      variables: { b0: asInput(siblings[2 * run]!), b1: asInput(siblings[2 * run + 1]!) },
    }),
    oneMore: () => ({
      query: submitBlocks(2),
      variables: {
        b0: asInput(siblings[0]!),
        b1: { ...asInput(siblings[1]!), transactions: [...siblings[1]!.transactions, siblings[0]!.transactions[1]!] },
      },
    }),
  },
];

const servers: Partial<Record<Candidate['node'], RunningServer>> = {};
const nodes: ReturnType<typeof createTestNode>[] = [];
const results: { name: string; cost: number; ms: number; bytes: number }[] = [];

beforeAll(async () => {
  const store = new ChainDb();
  const { chain, clock } = createTestChain({ params, db: store });
  extendChain(chain, { miner: alice });
  let nonce = 0;
  for (let b = 0; b < FULL_BLOCKS; b++) {
    const transfers = Array.from({ length: 999 }, (_, i) => transfer(alice, recipients[i % 10]!, 1, nonce++));
    extendChain(chain, { miner: alice, transactions: transfers });
  }
  const tip: StoredBlock = extendChain(chain, { miner: alice });
  // Siblings on the tip for the submitBlock candidate: the same nonces, different amounts (so new signatures).
  siblings = Array.from({ length: 2 * RUNS }, (_, s) =>
    mineBlock({
      parent: tip,
      params,
      miner: alice,
      timestamp: tip.block.header.timestamp + 1_000,
      transactions: Array.from({ length: s % 2 === 0 ? 999 : SECOND_BLOCK_TRANSACTIONS - 1 }, (_, i) =>
        transfer(alice, recipients[i % 10]!, 2 + s, nonce + i),
      ),
    }),
  );
  // Two nodes serve the same store: one through a ChainDb that caches no block (every read decodes), one as usual.
  for (const kind of ['cold', 'warm'] as const) {
    const db = new ChainDb(store.kv, kind === 'cold' ? { blockCacheSize: 0 } : {});
    const testNode = createTestNode({ label: `cost-measurement-${kind}`, params, db, clock: clock.now });
    nodes.push(testNode);
    servers[kind] = await startServer(testNode.node, { host: '127.0.0.1', port: 0, graphiql: false });
  }
}, 120_000);

afterAll(async () => {
  for (const server of Object.values(servers)) await server.close();
  for (const testNode of nodes) testNode.node.close();
  if (results.length > 0) {
    const rows = results.map(
      ({ name, cost, ms, bytes }) =>
        `| ${name} | ${cost.toLocaleString('en-US')} | ${Math.round(ms)} ms | ${
          bytes < 100_000 ? `${(bytes / 1e3).toFixed(1)} kB` : `${(bytes / 1e6).toFixed(2)} MB`
        } |`,
    );
    console.log(['', '| operation | cost | time (best of 3) | answer |', '|---|---|---|---|', ...rows].join('\n'));
  }
});

describe(`the costliest operations the default maxCost (${LIMIT.toLocaleString('en-US')}) allows`, () => {
  it.each(CANDIDATES.map((candidate) => [candidate.name, candidate] as const))(
    '%s: under 1 s and 8 MB',
    async (name, candidate) => {
      const cost = (query: string, variables: Record<string, unknown> = {}) =>
        estimateCost(schema, parse(query), undefined, variables, CONTEXT);
      const first = candidate.request(0);
      const estimated = cost(first.query, first.variables)!;
      expect(estimated).toBeLessThanOrEqual(LIMIT);
      expect(estimated).toBeGreaterThan(LIMIT * 0.8);
      // One step costlier is refused: by the cost limit, or (20 aliases) by the alias limit.
      const url = servers[candidate.node]!.url;
      const more = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(candidate.oneMore()),
      });
      const refusal = (await more.json()) as { errors?: { extensions?: { code?: string } }[] };
      expect(['QUERY_TOO_COMPLEX', 'MAX_ALIASES_EXCEEDED']).toContain(refusal.errors?.[0]?.extensions?.code);

      let best = Number.POSITIVE_INFINITY;
      let bytes = 0;
      for (let run = 0; run < RUNS; run++) {
        const { query, variables } = candidate.request(run);
        const body = JSON.stringify({ query, variables });
        clearSignatureCache();
        const started = performance.now();
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        const text = await response.text();
        const elapsed = performance.now() - started;
        expect(response.status, text.slice(0, 500)).toBe(200);
        const answer = JSON.parse(text) as { errors?: unknown; data: Record<string, unknown> };
        expect(answer.errors, text.slice(0, 500)).toBeUndefined();
        best = Math.min(best, elapsed);
        bytes = Math.max(bytes, Buffer.byteLength(text));
      }
      results.push({ name, cost: estimated, ms: best, bytes });
      expect(best).toBeLessThan(TIME_BUDGET_MS);
      expect(bytes).toBeLessThan(SIZE_BUDGET_BYTES);
    },
    60_000,
  );
});
