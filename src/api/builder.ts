import SchemaBuilder from '@pothos/core';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin from '@pothos/plugin-relay';
import SimpleObjectsPlugin from '@pothos/plugin-simple-objects';
import type { ApiContext } from './context.js';

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
  // Order as verified in STACK.md: errors before relay and simple-objects.
  plugins: [ErrorsPlugin, RelayPlugin, SimpleObjectsPlugin],
  defaultFieldNullability: false,
  errors: { defaultTypes: [] },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    // `node` is this API's own query (the node's status), so Relay's global `node`/`nodes` fields are left out.
    nodeQueryOptions: false,
    nodesQueryOptions: false,
    edgesFieldOptions: { nullable: false },
    nodeFieldOptions: { nullable: false },
  },
});

builder.queryType({ description: 'Read the chain, its blocks and transactions, accounts, the node and its peers.' });
builder.mutationType({ description: 'Change the node: transactions, mining, peers and consensus.' });
builder.subscriptionType({ description: 'Live updates, over SSE or graphql-ws on /graphql.' });
