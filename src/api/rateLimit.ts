import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

import { type RateLimit, trustedProxyProblem } from '../node/config.js';

export type { RateLimit };

/** A request's verdict: admitted, or refused until `retryAfterMs` from now (when the next token is there). */
export type Admission = { readonly ok: true } | { readonly ok: false; readonly retryAfterMs: number };

interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date (the clock's milliseconds). */
  at: number;
}

/**
 * A token bucket per client: each holds up to `burst` tokens, refilled at `perSecond`; a request takes one or is
 * refused. A bucket that has refilled completely is the same as no bucket, so sweeps drop those: memory follows the
 * clients active in the last `burst / perSecond` seconds (or the last second, whichever is longer), not every client
 * ever seen. The clock is injected (milliseconds), so tests decide what time it is.
 */
export class TokenBuckets {
  readonly limit: RateLimit;
  readonly #clock: () => number;
  readonly #buckets = new Map<string, Bucket>();
  readonly #refillPerMs: number;
  readonly #sweepEveryMs: number;
  #lastSweep: number;

  constructor(limit: RateLimit, clock: () => number) {
    if (!(limit.perSecond > 0) || !Number.isFinite(limit.perSecond)) {
      throw new RangeError(`perSecond must be a positive number, got ${limit.perSecond}`);
    }
    if (!Number.isSafeInteger(limit.burst) || limit.burst < 1) {
      throw new RangeError(`burst must be an integer of at least 1, got ${limit.burst}`);
    }
    this.limit = limit;
    this.#clock = clock;
    this.#refillPerMs = limit.perSecond / 1000;
    this.#sweepEveryMs = Math.max(1000, limit.burst / this.#refillPerMs);
    this.#lastSweep = clock();
  }

  /** Clients with a bucket that is not full (the rest need no memory). */
  get trackedClients(): number {
    return this.#buckets.size;
  }

  /** Takes one token of `client`'s bucket, or says how long until there is one. */
  take(client: string): Admission {
    const now = this.#clock();
    if (now - this.#lastSweep >= this.#sweepEveryMs) this.#sweep(now);
    const bucket = this.#buckets.get(client);
    if (bucket === undefined) {
      this.#buckets.set(client, { tokens: this.limit.burst - 1, at: now });
      return ADMITTED;
    }
    // A clock that steps back refills nothing (and takes nothing back).
    const tokens = Math.min(this.limit.burst, bucket.tokens + Math.max(0, now - bucket.at) * this.#refillPerMs);
    bucket.at = Math.max(bucket.at, now);
    if (tokens >= 1) {
      bucket.tokens = tokens - 1;
      return ADMITTED;
    }
    bucket.tokens = tokens;
    return { ok: false, retryAfterMs: Math.ceil((1 - tokens) / this.#refillPerMs) };
  }

  /** Drops the buckets that have refilled: taking from them again starts from a full bucket, as for a new client. */
  #sweep(now: number): void {
    this.#lastSweep = now;
    for (const [client, bucket] of this.#buckets) {
      if (bucket.tokens + Math.max(0, now - bucket.at) * this.#refillPerMs >= this.limit.burst) {
        this.#buckets.delete(client);
      }
    }
  }
}

const ADMITTED: Admission = { ok: true };

/**
 * Which proxies may name the client in `X-Forwarded-For` (`--trusted-proxies`: addresses or CIDR ranges). Empty: none,
 * and the header is ignored (any client could write it).
 */
export class TrustedProxies {
  readonly entries: readonly string[];
  readonly #list = new BlockList();

  /** @throws {RangeError} naming the entry and the rule, for anything that is not an address or a CIDR range. */
  constructor(entries: readonly string[]) {
    this.entries = entries;
    for (const entry of entries) {
      const problem = trustedProxyProblem(entry);
      if (problem !== undefined) throw new RangeError(problem);
      const [address, bits] = entry.split('/') as [string, string | undefined];
      const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (bits === undefined) this.#list.addAddress(address, type);
      else this.#list.addSubnet(address, Number(bits), type);
      // An IPv4 proxy may reach a dual-stack socket as ::ffff:a.b.c.d; addresses are unmapped before the check.
    }
  }

  get isEmpty(): boolean {
    return this.entries.length === 0;
  }

  /** True when `address` (IPv4 or IPv6, unmapped) is one of the trusted proxies. */
  has(address: string): boolean {
    const type = isIP(address);
    if (type === 0) return false;
    return this.#list.check(address, type === 6 ? 'ipv6' : 'ipv4');
  }
}

/**
 * The address a request comes from, as rate limits count it: the socket's peer address, unless that is a trusted
 * proxy, in which case the right-most `X-Forwarded-For` entry that is not a trusted proxy (entries to its right were
 * written by proxies we trust; to its left, by anyone). An IPv4-mapped IPv6 address counts as its IPv4 address.
 * "in-process" when there is no socket (tests calling yoga directly).
 */
export function clientAddress(
  req: Pick<IncomingMessage, 'headers'> & { readonly socket?: { readonly remoteAddress?: string | undefined } },
  proxies: TrustedProxies,
): string {
  const remote = req.socket?.remoteAddress;
  if (remote === undefined) return 'in-process';
  let client = unmapped(remote);
  if (proxies.isEmpty || !proxies.has(client)) return client;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',');
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = unmapped(hops[i]!.trim());
    // A hop that is no address ends the walk: the last trustworthy address is the client.
    if (isIP(hop) === 0) break;
    client = hop;
    if (!proxies.has(hop)) break;
  }
  return client;
}

/**
 * The key a client's bucket is kept under: its IPv4 address, or the /64 network of an IPv6 address (one subscriber
 * line or host usually owns a whole /64, so counting single IPv6 addresses would give one client 2^64 buckets).
 */
export function rateLimitKey(address: string): string {
  if (isIP(address) !== 6) return address;
  const groups = expandIpv6(address);
  return groups === null ? address : `${groups.slice(0, 4).join(':')}::/64`;
}

function unmapped(address: string): string {
  const match = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return match === null ? address : match[1]!;
}

/** The eight groups of an IPv6 address, without leading zeros (null for anything else). */
function expandIpv6(address: string): string[] | null {
  let text = address.toLowerCase().split('%')[0]!;
  // An embedded IPv4 tail (::ffff:1.2.3.4, 64:ff9b::1.2.3.4) becomes two groups.
  const v4 = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4 !== null) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail, extra] = text.split('::');
  if (extra !== undefined) return null;
  const left = head === '' || head === undefined ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return null;
  const groups = [...left, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...right];
  return groups.map((group) => Number.parseInt(group, 16).toString(16));
}

/** The refusal's message: who was refused, the limit, when to come back, and the flag that sets it. */
function rateLimitedMessage(limit: RateLimit, client: string, retryAfterSeconds: number): string {
  return (
    `rate limit exceeded for ${client}: at most ${limit.perSecond} requests per second (bursts of ${limit.burst}); ` +
    `retry after ${retryAfterSeconds} s (the node's --rate-limit and --rate-limit-burst)`
  );
}

/** Whole seconds for `Retry-After` (at least 1: the header has no fractions, and 0 would invite a retry storm). */
export function retryAfterSeconds(retryAfterMs: number): number {
  return Math.max(1, Math.ceil(retryAfterMs / 1000));
}

/** The JSON body of an HTTP 429: a GraphQL-shaped error, code RATE_LIMITED. */
function rateLimitedBody(message: string, retryAfter: number): string {
  return JSON.stringify({
    errors: [
      {
        message,
        extensions: { code: 'RATE_LIMITED', retryAfterSeconds: retryAfter },
      },
    ],
  });
}

/**
 * The node's rate limiter: a verdict per request from its client's bucket. `check` answers undefined for an admitted
 * request, or the refusal (the body and the `Retry-After` seconds) to send.
 */
export interface RateLimiter {
  readonly limit: RateLimit;
  readonly buckets: TokenBuckets;
  readonly proxies: TrustedProxies;
  check(req: Parameters<typeof clientAddress>[0]): RateLimitRefusal | undefined;
}

export interface RateLimitRefusal {
  readonly client: string;
  readonly retryAfterSeconds: number;
  readonly message: string;
  readonly body: string;
}

export function createRateLimiter(limit: RateLimit, proxies: TrustedProxies, clock: () => number): RateLimiter {
  const buckets = new TokenBuckets(limit, clock);
  return {
    limit,
    buckets,
    proxies,
    check(req) {
      const client = clientAddress(req, proxies);
      const admission = buckets.take(rateLimitKey(client));
      if (admission.ok) return undefined;
      const retryAfter = retryAfterSeconds(admission.retryAfterMs);
      const message = rateLimitedMessage(limit, client, retryAfter);
      return { client, retryAfterSeconds: retryAfter, message, body: rateLimitedBody(message, retryAfter) };
    },
  };
}
