import { UsageError } from './cliErrors.js';

/**
 * The rules command-line arguments are checked against before anything is sent; each failure is a UsageError that
 * names the argument and the rule.
 */

const ADDRESS_RE = /^[0-9a-fA-F]{64}$/;
const HOST_PORT_RE = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

/** The node's GraphQL endpoint from `--node`: `http(s)://host[:port][/path]` (no path: /graphql) or `host:port`. */
export function readNodeUrl(text: string): string {
  const trimmed = text.trim();
  if (HOST_PORT_RE.test(trimmed)) return `http://${trimmed}/graphql`;
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
  if (!ADDRESS_RE.test(text)) throw new UsageError(`${name} must be an address: 64 hex characters, got "${text}"`);
  return text.toLowerCase();
}

/** An integer written in decimal digits, from `min` to `max`. */
export function readInteger(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`${name} must be an integer from ${min} to ${max}, got "${text}"`);
  }
  return value;
}
