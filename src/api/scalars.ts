import { GraphQLError, Kind } from 'graphql';
import { builder } from './builder.js';

const SAFE_INT_RULE = 'SafeInt must be an integer from -(2^53-1) to 2^53-1';

// graphql-js prefixes these messages with what they belong to: `Variable "$amount" got invalid value 1.5; ...` for
// variables, `Expected value of type "SafeInt!", found 1.5; ...` for literals. Variable errors must be GraphQLErrors,
// or yoga would mask them as unexpected; literal errors must not be, or graphql-js would drop the prefix.
function isSafeInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

/** Integers beyond GraphQL's 32-bit Int: amounts, balances, nonces, proofs and millisecond timestamps. */
export const SafeIntScalar = builder.scalarType('SafeInt', {
  description:
    "An integer from -(2^53-1) to 2^53-1 (JavaScript's safe integers), sent as a JSON number. Used for amounts, " +
    'balances, nonces, proofs and millisecond timestamps, which outgrow the 32-bit Int.',
  serialize: (value) => {
    if (!isSafeInt(value)) throw new TypeError(`${SAFE_INT_RULE}, got ${String(value)}`);
    return value;
  },
  parseValue: (value) => {
    if (!isSafeInt(value)) {
      throw new GraphQLError(`${SAFE_INT_RULE}, sent as a JSON number`, { extensions: { code: 'BAD_USER_INPUT' } });
    }
    return value;
  },
  parseLiteral: (ast) => {
    const value = ast.kind === Kind.INT ? Number(ast.value) : Number.NaN;
    if (!isSafeInt(value)) throw new TypeError(`${SAFE_INT_RULE}, written without quotes or a fraction`);
    return value;
  },
});

/** Arbitrary-size non-negative integers as decimal strings (cumulative work). */
export const BigIntScalar = builder.scalarType('BigInt', {
  description: 'An arbitrary-size integer sent as a decimal string, e.g. "65536". Used for cumulative work.',
  serialize: (value) => value.toString(),
  parseValue: (value) => {
    if (typeof value !== 'string' || !/^-?\d{1,1000}$/.test(value)) {
      throw new GraphQLError('BigInt must be a string of decimal digits', { extensions: { code: 'BAD_USER_INPUT' } });
    }
    return BigInt(value);
  },
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING || !/^-?\d{1,1000}$/.test(ast.value)) {
      throw new TypeError('BigInt must be a string of decimal digits');
    }
    return BigInt(ast.value);
  },
});
