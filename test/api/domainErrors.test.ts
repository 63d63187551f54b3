import { describe, expect, it } from 'vitest';
import { InvalidInputError, TransactionRejectedError } from '../../src/api/errors.js';

describe('domain errors', () => {
  it('carry no stack trace (they are answers, and capturing one is costly) and leave the global limit as it was', () => {
    const before = Error.stackTraceLimit;
    const errors = [
      new InvalidInputError('amount', 'amount must be positive'),
      new TransactionRejectedError('INSUFFICIENT_BALANCE', 'not enough coins'),
    ];
    for (const error of errors) expect(error.stack ?? '').not.toMatch(/\n\s+at /);
    expect(Error.stackTraceLimit).toBe(before);
    expect(new Error('a bug').stack).toMatch(/\n\s+at /);
    expect(errors.map((error) => [error.code, error.message])).toEqual([
      ['INVALID_INPUT', 'amount must be positive'],
      ['INSUFFICIENT_BALANCE', 'not enough coins'],
    ]);
  });
});
