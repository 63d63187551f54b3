import { describe, expect, it } from 'vitest';
import {
  GuardError,
  isDecimal,
  isHexOfBytes,
  isHostPort,
  parseAddress,
  parseHex,
  parseInteger,
  withGuard,
} from '../../src/guards/guards.js';

const ADDRESS = 'ab'.repeat(32);

/** The GuardError `read` throws (fails the test when it throws none or another error). */
function guardErrorOf(read: () => unknown): GuardError {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(GuardError);
    return error as GuardError;
  }
  throw new Error('expected a GuardError');
}

describe('guards: pure checks of user input', () => {
  describe('parseInteger', () => {
    it('reads decimal digits inside the range, bounds included', () => {
      expect(parseInteger('--port', '0', 0, 65_535)).toBe(0);
      expect(parseInteger('--port', '65535', 0, 65_535)).toBe(65_535);
      expect(parseInteger('n', '007', 1, 10)).toBe(7);
      expect(parseInteger('n', String(Number.MAX_SAFE_INTEGER), 1, Number.MAX_SAFE_INTEGER)).toBe(
        Number.MAX_SAFE_INTEGER,
      );
    });

    it.each(['', 'abc', '-1', '+1', '1.5', '1e3', ' 1', '1 ', '0x10', '١٢'])(
      'refuses %j as a format failure',
      (text) => {
        const error = guardErrorOf(() => parseInteger('--port', text, 0, 65_535));
        expect(error).toMatchObject({
          field: '--port',
          rule: 'must be an integer from 0 to 65535',
          text,
          failure: 'format',
        });
        expect(error.message).toBe(`--port must be an integer from 0 to 65535, got "${text}"`);
      },
    );

    it.each(['70000', '0', '9007199254740993', '1'.repeat(400)])('refuses %j as a range failure', (text) => {
      const error = guardErrorOf(() => parseInteger('<amount>', text, 1, 65_535));
      expect(error).toMatchObject({ field: '<amount>', text, failure: 'range' });
      expect(error.message).toBe(`<amount> must be an integer from 1 to 65535, got "${text}"`);
    });

    it('knows decimal digits', () => {
      expect(isDecimal('0123456789')).toBe(true);
      expect(isDecimal('')).toBe(false);
      expect(isDecimal('12a')).toBe(false);
    });
  });

  describe('hex and addresses', () => {
    it('reads hex of an exact byte length in either case, in lower case', () => {
      expect(parseHex('hash', 'AbCd', 2)).toBe('abcd');
      expect(parseHex('input.signature', 'F'.repeat(128), 64)).toBe('f'.repeat(128));
      expect(isHexOfBytes('', 0)).toBe(true);
      expect(isHexOfBytes('abc', 2)).toBe(false);
      expect(isHexOfBytes('abcg', 2)).toBe(false);
    });

    it('names the field and the length in hex characters', () => {
      const error = guardErrorOf(() => parseHex('hash', 'abc', 32));
      expect(error).toMatchObject({ field: 'hash', rule: 'must be 64 hex characters', text: 'abc', failure: 'format' });
    });

    it('reads an address: 64 hex characters in either case, in lower case', () => {
      expect(parseAddress('address', ADDRESS.toUpperCase())).toBe(ADDRESS);
      expect(parseAddress('address', ADDRESS)).toBe(ADDRESS);
    });

    it.each(['bob', '', ADDRESS.slice(1), `${ADDRESS}0`, ` ${ADDRESS}`, `${ADDRESS.slice(2)}zz`])(
      'refuses address %j',
      (text) => {
        const error = guardErrorOf(() => parseAddress('<recipient>', text));
        expect(error.message).toBe(`<recipient> must be an address: 64 hex characters, got "${text}"`);
      },
    );
  });

  describe('isHostPort', () => {
    it.each(['localhost:4000', '127.0.0.1:1', 'node-1.example.org:65535', '[::1]:4000', '[2001:db8::1]:80'])(
      'accepts %j',
      (text) => expect(isHostPort(text)).toBe(true),
    );

    it.each([
      'localhost',
      ':4000',
      'http://localhost:4000',
      'a b:1',
      'host:123456',
      'host:',
      '::1:4000',
      'host:4000/x',
    ])('refuses %j', (text) => expect(isHostPort(text)).toBe(false));
  });

  describe('withGuard', () => {
    class CallerError extends Error {}

    it('returns what the read returns', () => {
      expect(
        withGuard(
          () => parseInteger('n', '5', 0, 9),
          () => new CallerError(),
        ),
      ).toBe(5);
    });

    it("turns a GuardError into the caller's error", () => {
      const read = () =>
        withGuard(
          () => parseInteger('n', 'x', 0, 9),
          (error) => new CallerError(`wrapped: ${error.message}`),
        );
      expect(read).toThrow(CallerError);
      expect(read).toThrow('wrapped: n must be an integer from 0 to 9, got "x"');
    });

    it('lets other errors through', () => {
      const boom = new RangeError('boom');
      expect(() =>
        withGuard(
          () => {
            throw boom;
          },
          () => new CallerError(),
        ),
      ).toThrow(boom);
    });
  });
});
