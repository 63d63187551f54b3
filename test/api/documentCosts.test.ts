import {
  type DocumentNode,
  type GraphQLInputType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  Kind,
  type OperationDefinitionNode,
  parse,
  typeFromAST,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { estimateCost } from '../../src/api/cost.js';
import { DEFAULT_API_LIMITS } from '../../src/api/limits.js';
import { schema } from '../../src/api/schema.js';
import { DEFAULT_QUERY } from '../../src/api/yoga.js';
import { defaultChainParams } from '../../src/chain/params.js';
import * as clientDocuments from '../../src/client/documents.js';
import {
  ALL_DOCUMENTS as DASHBOARD_DOCUMENTS,
  PENDING_SHOWN,
  RECENT_BLOCKS,
} from '../../src/dashboard/app/documents.js';
import * as peerDocuments from '../../src/peer/documents.js';
import { RELAY_BATCH } from '../../src/peer/peerApi.js';
import { relayTransactionsDocument } from '../../src/peer/relayDocuments.js';

/**
 * Every operation this project sends to a node (the typed client, the peer protocol, the dashboard, GraphiQL's
 * starting operations) must fit the default cost limit with the costliest variables it may be given (the dashboard:
 * the page sizes it sends): a document change that would make nodes refuse their peers' sync, or the dashboard, fails
 * here.
 */

/**
 * The field costs read the chain parameters from the context: the default network's. blockTree's cost counts the
 * blocks its range holds: here one per height, as on a chain without side branches.
 */
const CONTEXT = {
  node: {
    chain: {
      params: defaultChainParams,
      getBlockTreeHashes: (from: number, to: number) => Array.from({ length: to - from + 1 }, () => ''),
    },
  },
};

/** The page sizes the dashboard always sends (App.ts): its other variables are ids and hashes. */
const DASHBOARD_VARIABLES = { blocks: RECENT_BLOCKS, pending: PENDING_SHOWN };

/**
 * The costliest value a variable of `type` can take: every Int 1,000,000 (page arguments are costed at their maximum
 * above it), every list 1,000 items (locators, block transactions, URLs: more than any resolver accepts).
 */
function costliestValue(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return costliestValue(type.ofType);
  if (isListType(type)) return Array.from({ length: 1_000 }, () => costliestValue(type.ofType));
  if (isInputObjectType(type)) {
    return Object.fromEntries(Object.values(type.getFields()).map((field) => [field.name, costliestValue(field.type)]));
  }
  if (isEnumType(type)) return type.getValues()[0]!.value;
  switch (type.name) {
    case 'Int':
      return 1_000_000;
    case 'Boolean':
      return true;
    case 'SafeInt':
      return 1;
    case 'BigInt':
      return '1';
    default:
      return 'x';
  }
}

function costliestVariables(
  operation: OperationDefinitionNode,
  fixed: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  return Object.fromEntries(
    (operation.variableDefinitions ?? []).map(({ variable, type }) => [
      variable.name.value,
      fixed[variable.name.value] ?? costliestValue(typeFromAST(schema, type as never) as GraphQLInputType),
    ]),
  );
}

/** Each operation of a set of documents, named `<source> <operation>`, with the variables to cost it with. */
function operationsOf(
  source: string,
  documents: readonly (DocumentNode | string)[],
  fixed: Readonly<Record<string, unknown>> = {},
) {
  return documents.flatMap((document) => {
    const parsed = typeof document === 'string' ? parse(document) : document;
    return parsed.definitions
      .filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION)
      .map((operation) => ({
        name: `${source} ${operation.name?.value ?? '(anonymous)'}`,
        parsed,
        operation,
        variables: costliestVariables(operation, fixed),
      }));
  });
}

const isDocument = (value: unknown): value is DocumentNode =>
  typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === Kind.DOCUMENT;

const OPERATIONS = [
  ...operationsOf('client', Object.values(clientDocuments).filter(isDocument)),
  ...operationsOf('peer', [...Object.values(peerDocuments).filter(isDocument), relayTransactionsDocument(RELAY_BATCH)]),
  ...operationsOf('dashboard', DASHBOARD_DOCUMENTS, DASHBOARD_VARIABLES),
  ...operationsOf('graphiql', [DEFAULT_QUERY]),
];

const costs = new Map(
  OPERATIONS.map(({ name, parsed, operation, variables }) => [
    name,
    estimateCost(schema, parsed, operation.name?.value, variables, CONTEXT),
  ]),
);

describe('the cost of the documents nodes, clients, the dashboard and GraphiQL send', () => {
  it('covers every operation of each source', () => {
    const count = (source: string) => OPERATIONS.filter(({ name }) => name.startsWith(`${source} `)).length;
    expect(count('client')).toBeGreaterThanOrEqual(30);
    expect(count('peer')).toBe(7);
    expect(count('dashboard')).toBe(DASHBOARD_DOCUMENTS.length);
    expect(count('graphiql')).toBe(3);
  });

  it.each([...costs.keys()])('%s fits the default maxCost', (name) => {
    const cost = costs.get(name);
    expect(cost, `${name} could not be estimated`).toBeTypeOf('number');
    expect(cost, `${name} costs ${cost}, over the default maxCost ${DEFAULT_API_LIMITS.maxCost}`).toBeLessThanOrEqual(
      DEFAULT_API_LIMITS.maxCost,
    );
  });

  it('is largest for a page of 100 block headers; a peer sync page and a pushed full block fit with room', () => {
    expect(Math.max(...[...costs.values()].map(Number))).toBe(costs.get('client ClientChain'));
    expect(costs.get('client ClientChain')).toBeLessThan(45_000);
    expect(costs.get('peer PeerEncodedBlocks')).toBe(32_252);
    expect(costs.get('peer PeerSubmitBlock')).toBe(30_404);
    expect(costs.get('client ClientBlockByIndex')).toBeLessThan(12_000);
  });
});
// SHOW_COSTS=1 npx vitest run test/api/documentCosts.test.ts prints every operation's cost, costliest first.
if (process.env['SHOW_COSTS'] !== undefined) {
  const rows = [...costs.entries()].sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0));
  console.log(rows.map(([name, cost]) => `${cost}\t${name}`).join('\n'));
}
