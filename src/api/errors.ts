import { BLOCK_REJECTION_CODES, TRANSACTION_REJECTION_CODES } from '../chain/rejections.js';
import { builder } from './builder.js';

/** Every stable error code a mutation can answer with. */
export const ERROR_CODES = [
  ...new Set([
    'INVALID_INPUT',
    'MINING_FAILED',
    'NOT_STORED',
    ...TRANSACTION_REJECTION_CODES,
    ...BLOCK_REJECTION_CODES,
  ]),
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * Base of the domain failures that mutations return as typed results (never thrown to the client). They are answers,
 * not bugs, so they carry no stack trace: capturing one (with source maps) cost more than the rest of a refused
 * `send` under load.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
  }
}

/** An argument breaks a rule: `field` names it, `message` states the rule. */
export class InvalidInputError extends DomainError {
  override readonly name = 'InvalidInputError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super('INVALID_INPUT', message);
  }
}

/** The mempool refused a transaction (signature, nonce, balance, …). */
export class TransactionRejectedError extends DomainError {
  override readonly name = 'TransactionRejectedError';
}

/** The chain refused a block; `code` names the consensus rule. */
export class BlockRejectedError extends DomainError {
  override readonly name = 'BlockRejectedError';
}

/** Mining could not finish (e.g. the node is shutting down). */
export class MiningFailedError extends DomainError {
  override readonly name = 'MiningFailedError';
}

export const ErrorCodeEnum = builder.enumType('ErrorCode', {
  description:
    'Stable machine-readable failure codes. Block and transaction codes are named after the consensus rule ' +
    'that failed (see docs/PROTOCOL.md); INVALID_INPUT means an argument is malformed; NOT_STORED means the node ' +
    'could not write an accepted transaction to its store, so it was not queued.',
  values: ERROR_CODES,
});

export const ErrorInterface = builder.interfaceRef<DomainError>('Error').implement({
  description: 'A domain failure of a mutation, returned as data: a stable `code` and a human-readable `message`.',
  fields: (t) => ({
    message: t.exposeString('message', { description: 'What went wrong, naming the field and the rule.' }),
    code: t.field({ type: ErrorCodeEnum, description: 'Stable code to match on.', resolve: (error) => error.code }),
  }),
});

builder.objectType(InvalidInputError, {
  name: 'InvalidInputError',
  description: 'An argument is malformed or out of range; nothing was changed.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    field: t.exposeString('field', {
      description: 'Path of the offending argument, e.g. `input.amount` or `urls[2]`.',
    }),
  }),
});

builder.objectType(TransactionRejectedError, {
  name: 'TransactionRejectedError',
  description: 'The transaction breaks a rule (signature, amount, nonce, balance, …); it was not queued.',
  interfaces: [ErrorInterface],
});

builder.objectType(BlockRejectedError, {
  name: 'BlockRejectedError',
  description: 'The block breaks a consensus rule, named by `code`; nothing was stored.',
  interfaces: [ErrorInterface],
});

builder.objectType(MiningFailedError, {
  name: 'MiningFailedError',
  description: 'Mining stopped before a block was found (for example because the node is shutting down).',
  interfaces: [ErrorInterface],
});
