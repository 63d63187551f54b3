import { type GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { builder } from './builder.js';
import './scalars.js';
import './errors.js';
import './types/block.js';
import './types/blockTree.js';
import './types/transaction.js';
import './types/lifecycle.js';
import './types/account.js';
import './types/chain.js';
import './types/node.js';
import './types/peer.js';
import './types/sync.js';
import './types/limits.js';

/** The GraphQL schema, built once from the Pothos types. */
export const schema: GraphQLSchema = builder.toSchema({ sortSchema: true });

/** The schema as SDL, sorted so the committed schema.graphql diffs cleanly. */
export function printSortedSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
