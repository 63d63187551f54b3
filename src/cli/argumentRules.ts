import { isHostPort, parseAddress, parseInteger, withGuard } from '../guards/guards.js';
import { UsageError } from './cliErrors.js';

/**
 * The rules command-line arguments are checked against before anything is sent (src/guards); each failure is a
 * UsageError that names the argument and the rule.
 */

/** A broken rule as the CLI reports it (exit code 2). */
const toUsageError = (error: Error) => new UsageError(error.message);

/** The node's GraphQL endpoint from `--node`: `http(s)://host[:port][/path]` (no path: /graphql) or `host:port`. */
export function readNodeUrl(text: string): string {
  const trimmed = text.trim();
  if (isHostPort(trimmed)) return `http://${trimmed}/graphql`;
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new UsageError(`--node must be http(s)://host:port/graphql or host:port, got "${text}"`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    throw new UsageError(`--node must be an http(s) URL or host:port, got "${text}"`);
  }
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/graphql';
  return url.href;
}

/** An address: 64 hex characters (an Ed25519 public key), returned in lower case. */
export function readAddress(name: string, text: string): string {
  return withGuard(() => parseAddress(name, text), toUsageError);
}

/** An integer written in decimal digits, from `min` to `max`. */
export function readInteger(name: string, text: string, min: number, max: number): number {
  return withGuard(() => parseInteger(name, text, min, max), toUsageError);
}
