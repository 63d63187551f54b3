import SchemaBuilder from '@pothos/core';
import ComplexityPlugin from '@pothos/plugin-complexity';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin from '@pothos/plugin-relay';
import SimpleObjectsPlugin from '@pothos/plugin-simple-objects';
import type { ApiContext } from './context.js';
import { FIXED_API_LIMITS } from './limits.js';

const MAX_PAGE_SIZE = FIXED_API_LIMITS.maxPageSize;

/** The Pothos builder: plugins and scalar types only; every GraphQL type lives in ./types/<area>.ts. */
export const builder = new SchemaBuilder<{
  Context: ApiContext;
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
  Scalars: {
    SafeInt: { Input: number; Output: number };
    BigInt: { Input: bigint; Output: bigint };
  };
}>({
  // Order as verified in STACK.md: errors before relay and simple-objects. Complexity only records each field's cost
  // (its `complexity` option) in the schema: the cost plugin of ./cost.ts checks operations before they run.
  plugins: [ErrorsPlugin, RelayPlugin, SimpleObjectsPlugin, ComplexityPlugin],
  defaultFieldNullability: false,
  // A field costs 1 unless it says otherwise. Every list field declares its own bound (test/api/cost.test.ts checks).
  complexity: { defaultComplexity: 1, disabled: true },
  errors: { defaultTypes: [] },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    // `node` is this API's own query (the node's status), so Relay's global `node`/`nodes` fields are left out.
    nodeQueryOptions: false,
    nodesQueryOptions: false,
    edgesFieldOptions: {
      nullable: false,
      description: 'The items of this page, each with its cursor.',
      // The connection field multiplies its whole selection by the page size (see Chain.blocks): edges count once.
      complexity: { field: 1, multiplier: 1 },
    },
    nodeFieldOptions: { nullable: false, description: 'The item.' },
    cursorFieldOptions: { description: 'Opaque position of this item; pass it as `after` or `before`.' },
    pageInfoFieldOptions: { description: 'Where this page sits, for fetching the next or previous one.' },
    hasNextPageFieldOptions: { description: 'True when items follow this page.' },
    hasPreviousPageFieldOptions: { description: 'True when items precede this page.' },
    startCursorFieldOptions: { description: 'Cursor of the first item of the page (null when empty).' },
    endCursorFieldOptions: { description: 'Cursor of the last item of the page (null when empty).' },
    pageInfoTypeOptions: { description: 'Relay pagination state of a connection page.' },
    defaultConnectionTypeOptions: { description: 'One page of a Relay connection.' },
    defaultEdgeTypeOptions: { description: 'An item of a Relay connection page with its cursor.' },
    firstArgOptions: { description: `Take the first n items (after \`after\`), at most ${MAX_PAGE_SIZE}.` },
    lastArgOptions: { description: `Take the last n items (before \`before\`), at most ${MAX_PAGE_SIZE}.` },
    afterArgOptions: { description: 'Start after this cursor.' },
    beforeArgOptions: { description: 'End before this cursor.' },
  },
});

builder.queryType({ description: 'Read the chain, its blocks and transactions, accounts, the node and its peers.' });
builder.mutationType({ description: 'Change the node: transactions, mining, peers and consensus.' });
builder.subscriptionType({ description: 'Live updates, over SSE or graphql-ws on /graphql.' });
