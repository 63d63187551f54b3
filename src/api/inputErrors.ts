import { GraphQLError } from 'graphql';

/**
 * Throws the standard GraphQL error for a malformed query argument (queries have no typed error results). `details`
 * go into `extensions` beside the code, e.g. the argument and the limit it broke.
 */
export function badQueryInput(message: string, details: Readonly<Record<string, string>> = {}): never {
  throw new GraphQLError(message, { extensions: { ...details, code: 'BAD_USER_INPUT' } });
}
