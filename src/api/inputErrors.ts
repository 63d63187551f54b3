import { GraphQLError } from 'graphql';

/** Throws the standard GraphQL error for a malformed query argument (queries have no typed error results). */
export function badQueryInput(message: string): never {
  throw new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}
