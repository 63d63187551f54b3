/**
 * Pure checks of user input shared by the API, the command line and the node's config. A parser returns the value or
 * throws a GuardError naming the field and the rule; each caller wraps it in its own error type (see `withGuard`).
 * Imports nothing: every other folder may use it.
 */

/** Which way a value breaks its rule: not written as the rule expects, or well written but out of range. */
export type GuardFailure = 'format' | 'range';

/** A value that breaks a rule. The message reads `<field> <rule>, got "<text>"`. */
export class GuardError extends Error {
  override readonly name = 'GuardError';

  constructor(
    /** The argument, flag or field, as the user knows it (e.g. `--port`, `input.sender`). */
    readonly field: string,
    /** What the value must be, starting with "must" (e.g. `must be an integer from 0 to 65535`). */
    readonly rule: string,
    /** The value as given. */
    readonly text: string,
    readonly failure: GuardFailure = 'format',
  ) {
    // Always wrapped by the caller, often on a request path: a stack trace would cost more than the check.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(`${field} ${rule}, got "${text}"`);
    Error.stackTraceLimit = limit;
  }
}

/** Runs `read`; a GuardError it throws becomes `wrap(error)`, the caller's own error. Other errors pass through. */
export function withGuard<T>(read: () => T, wrap: (error: GuardError) => Error): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof GuardError) throw wrap(error);
    throw error;
  }
}

const DECIMAL_RE = /^\d+$/;
const HEX_RE = /^[0-9a-fA-F]*$/;
const HOST_PORT_RE = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

/** True when `text` is decimal digits only: no sign, point, exponent or white space. */
export function isDecimal(text: string): boolean {
  return DECIMAL_RE.test(text);
}

/**
 * An integer written in decimal digits, from `min` to `max` (both safe integers).
 * @throws {GuardError} `format` when it is not digits only, `range` when it is outside [min, max].
 */
export function parseInteger(field: string, text: string, min: number, max: number): number {
  const rule = `must be an integer from ${min} to ${max}`;
  if (!isDecimal(text)) throw new GuardError(field, rule, text, 'format');
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new GuardError(field, rule, text, 'range');
  return value;
}

/** True when `text` is hex (either case) of exactly `bytes` bytes. */
export function isHexOfBytes(text: string, bytes: number): boolean {
  return text.length === bytes * 2 && HEX_RE.test(text);
}

/** Hex of exactly `bytes` bytes in either case, returned in lower case. @throws {GuardError} */
export function parseHex(field: string, text: string, bytes: number): string {
  if (!isHexOfBytes(text, bytes)) throw new GuardError(field, `must be ${bytes * 2} hex characters`, text);
  return text.toLowerCase();
}

/**
 * An address (an Ed25519 public key): 64 hex characters in either case, returned in lower case.
 * @throws {GuardError}
 */
export function parseAddress(field: string, text: string): string {
  if (!isHexOfBytes(text, 32)) throw new GuardError(field, 'must be an address: 64 hex characters', text);
  return text.toLowerCase();
}

/** True for `host:port` without a scheme: a name, an IPv4 address or a bracketed IPv6 address, then 1–5 digits. */
export function isHostPort(text: string): boolean {
  return HOST_PORT_RE.test(text);
}
