import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { type ChainParams, createChainParams, MAX_DIFFICULTY_BITS } from '../chain/params.js';
import { parseInteger, withGuard } from '../guards/guards.js';

/** The node's command-line configuration (a public contract: scripts outside the repo pass these flags). */
export interface NodeConfig {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly peers: readonly string[];
  /** The network's starting difficulty in bits; part of the genesis block. */
  readonly difficulty: number;
  /** Mine block after block from the start. */
  readonly mine: boolean;
  /** The URL peers reach this node at (default: http://host:port/graphql unless bound to every interface). */
  readonly publicUrl: string | null;
  /** Period of the automatic resync with peers, in ms (0 disables it). */
  readonly syncIntervalMs: number;
  /** Re-validate the whole stored chain before serving. */
  readonly verify: boolean;
  /** Mining worker threads; 0 mines on the main thread in short slices. */
  readonly minerThreads: number;
  /** Bearer token admin mutations need (from --admin-token or NODE_ADMIN_TOKEN); null leaves them open. */
  readonly adminToken: string | null;
  /** Peers that may be registered (`host` or `host:port`); empty allows every http(s) peer. */
  readonly peerAllowList: readonly string[];
  /** Browser origins allowed to call the API (CORS); empty: none. */
  readonly corsOrigins: readonly string[];
  /** Serve GraphiQL at /graphql (default: on for loopback binds, off otherwise). */
  readonly graphiql: boolean;
  /** Answer introspection and suggest field names (default: on for loopback binds, off otherwise). */
  readonly introspection: boolean;
  /** Host names the node answers to (`*`: any); null: the default (loopback names, bound host, public URL host). */
  readonly allowedHosts: readonly string[] | null;
  /** Run only the trusted documents of the node's manifests (the typed client's, the peers' and the dashboard's). */
  readonly trustedDocuments: boolean;
  /** Proxies (addresses or CIDR ranges) whose X-Forwarded-For names the client, for per-client limits. */
  readonly trustedProxies: readonly string[];
  /** Most answers the response cache of tip-and-mempool queries keeps (src/api/responseCache.ts); 0 turns it off. */
  readonly responseCacheEntries: number;
  /** Most transfers the mempool holds (default 10,000); beyond it submissions are refused MEMPOOL_FULL. */
  readonly mempoolSize: number;
  /** API limits given on the command line (the rest keep their defaults). */
  readonly limits: {
    readonly requestTimeoutMs?: number;
    readonly maxBodyBytes?: number;
    readonly maxDepth?: number;
    readonly maxAliases?: number;
    readonly maxTokens?: number;
    readonly maxCost?: number;
    readonly maxSubscriptionsPerClient?: number;
    readonly minHeightWaitMs?: number;
    /** Always set: off (null) on loopback binds and DEFAULT_PUBLIC_RATE_LIMIT on others, unless the flags say. */
    readonly rateLimit?: RateLimit | null;
  };
}

/** A client's budget: `perSecond` requests a second on average, up to `burst` at once. */
export interface RateLimit {
  readonly perSecond: number;
  readonly burst: number;
}

/**
 * The rate limit of a node bound to an address others can reach, unless `--rate-limit` says otherwise: far above what
 * a person in GraphiQL, the dashboard (a few requests a second) or a peer (a sync page, gossip) sends, far below what
 * one client needs to take the node's CPU (a small query costs ~0.2 ms: 50 a second is ~1 % of a core).
 */
export const DEFAULT_PUBLIC_RATE_LIMIT: RateLimit = { perSecond: 50, burst: 100 };

/** Why an entry of `--trusted-proxies` is not an address or a CIDR range, or undefined when it is one. */
export function trustedProxyProblem(entry: string): string | undefined {
  const [address, bits, extra] = entry.split('/');
  const version = isIP(address ?? '');
  const rule = `--trusted-proxies entries must be IP addresses or CIDR ranges (e.g. 10.0.0.0/8), got "${entry}"`;
  if (version === 0 || extra !== undefined) return rule;
  if (bits === undefined) return undefined;
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > (version === 4 ? 32 : 128)) return rule;
  return undefined;
}

/** Thrown for a bad command line; the message names the flag and the rule. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export const USAGE = `Usage: npm start -- [flags]
  --port <n>           port to listen on (default 4000; 0 picks a free port)
  --host <addr>        address to bind (default 127.0.0.1)
  --data-dir <path>    where the node keeps its chain database, key, mempool and peers (default ./data/<port>)
  --peers <url,url>    peers to register at start (host:port or http(s)://host:port[/graphql])
  --difficulty <bits>  the network's starting difficulty in leading zero bits (default 16; part of genesis)
  --mine               mine continuously
  --miner-threads <n>  mining worker threads (default: one per core; 0 mines on the main thread, time-sliced)
  --public-url <url>   the URL peers reach this node at; sent to peers so they register it back
  --sync-interval <ms> how often to resync with peers automatically (default 15000; 0 turns it off)
  --verify             re-validate every stored block before serving (the default start only checks the tip)
  --admin-token <t>    admin mutations need "Authorization: Bearer <t>" (or set NODE_ADMIN_TOKEN); required when
                       --host is not a loopback address
  --peer-allow <list>  only these peers may be registered: host or host:port, comma-separated
  --cors-origin <list> browser origins allowed to call the API (e.g. http://localhost:5173); none by default
  --graphiql, --no-graphiql  serve GraphiQL at /graphql or not (default: on for a loopback --host, off otherwise)
  --introspection on|off     answer introspection and suggest field names in errors (default as GraphiQL)
  --allowed-hosts <list> host names (Host header) the node answers to, comma-separated, or * for any (default:
                       localhost, 127.0.0.1, [::1], the --host address and the --public-url host)
  --rate-limit <n>     requests per second each client (remote address) may send, 0 for no limit; over it: HTTP
                       429 with Retry-After, RATE_LIMITED (default: none on a loopback --host, 50 otherwise)
  --rate-limit-burst <n>  requests a client may send at once (default: twice --rate-limit, 100 with the default)
  --trusted-proxies <list>  proxies (addresses or CIDR ranges, comma-separated) whose X-Forwarded-For names the
                       client for the rate and subscription limits; none by default
  --trusted-documents  run only the operations of the node's manifests (the typed client and CLI, the peers, the
                       dashboard), sent whole or by id; others get PERSISTED_QUERY_ONLY, and GraphiQL is off
  --response-cache <n> most answers the cache of tip-and-mempool queries keeps, emptied on every new tip and
                       mempool change (default 1000; 0 turns it off)
  --mempool-size <n>   most pending transfers the node holds (default 10000); more are refused MEMPOOL_FULL
  --request-timeout <ms>, --max-body-bytes <n>, --max-depth <n>, --max-aliases <n>, --max-tokens <n>,
  --max-cost <n>, --max-subscriptions <n>, --min-height-wait <ms>   API limits (see the limits query)
  --help               show this text`;

/** The command line as node:util reads it. @throws {ConfigError} for an unknown flag or a missing value. */
function parseFlags(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        peers: { type: 'string' },
        difficulty: { type: 'string' },
        mine: { type: 'boolean' },
        'public-url': { type: 'string' },
        'sync-interval': { type: 'string' },
        verify: { type: 'boolean' },
        'miner-threads': { type: 'string' },
        'admin-token': { type: 'string' },
        'peer-allow': { type: 'string' },
        'cors-origin': { type: 'string' },
        'allowed-hosts': { type: 'string' },
        graphiql: { type: 'boolean' },
        'no-graphiql': { type: 'boolean' },
        introspection: { type: 'string' },
        'trusted-documents': { type: 'boolean' },
        'rate-limit': { type: 'string' },
        'rate-limit-burst': { type: 'string' },
        'trusted-proxies': { type: 'string' },
        'request-timeout': { type: 'string' },
        'max-body-bytes': { type: 'string' },
        'max-depth': { type: 'string' },
        'max-aliases': { type: 'string' },
        'max-tokens': { type: 'string' },
        'max-cost': { type: 'string' },
        'max-subscriptions': { type: 'string' },
        'min-height-wait': { type: 'string' },
        'response-cache': { type: 'string' },
        'mempool-size': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\n${USAGE}`);
  }
}

/** Parses and checks the command line. @throws {ConfigError} naming the flag and the rule. */
export function parseConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): NodeConfig | 'help' {
  const values = parseFlags(argv);
  if (values.help === true) return 'help';
  const port = readInteger('--port', values.port ?? '4000', 0, 65_535);
  const host = values.host ?? '127.0.0.1';
  if (host.trim() === '') throw new ConfigError('--host must not be empty');
  const difficulty = readInteger('--difficulty', values.difficulty ?? '16', 0, MAX_DIFFICULTY_BITS);
  const peers = (values.peers ?? '')
    .split(',')
    .map((peer) => peer.trim())
    .filter((peer) => peer !== '');
  const dataDir = values['data-dir'] ?? `./data/${port}`;
  if (dataDir.trim() === '') throw new ConfigError('--data-dir must not be empty');
  const syncIntervalMs = readInteger('--sync-interval', values['sync-interval'] ?? '15000', 0, 86_400_000);
  const publicUrl = values['public-url'] ?? null;
  if (publicUrl !== null && !/^https?:\/\/[^\s/]+(\/graphql)?\/?$/.test(publicUrl)) {
    throw new ConfigError(`--public-url must be http(s)://host:port[/graphql], got "${publicUrl}"`);
  }
  const adminToken = values['admin-token'] ?? env['NODE_ADMIN_TOKEN'] ?? null;
  if (adminToken !== null && adminToken.length < 16) {
    throw new ConfigError('--admin-token must be at least 16 characters (a guessable token protects nothing)');
  }
  if (adminToken === null && !isLoopback(host)) {
    throw new ConfigError(
      `--host ${host} is not a loopback address: anyone who can reach it could mine, spend the node wallet and ` +
        'change its peers. Give --admin-token <token> (or NODE_ADMIN_TOKEN) to protect the admin mutations.',
    );
  }
  const optional = (flag: string, text: string | undefined, min: number, max: number) =>
    text === undefined ? undefined : readInteger(flag, text, min, max);
  const limits = {
    requestTimeoutMs: optional('--request-timeout', values['request-timeout'], 100, 3_600_000),
    maxBodyBytes: optional('--max-body-bytes', values['max-body-bytes'], 1_024, 64 * 1024 * 1024),
    maxDepth: optional('--max-depth', values['max-depth'], 4, 100),
    maxAliases: optional('--max-aliases', values['max-aliases'], 1, 1_000),
    maxTokens: optional('--max-tokens', values['max-tokens'], 100, 1_000_000),
    maxCost: optional('--max-cost', values['max-cost'], 100, 1_000_000_000),
    maxSubscriptionsPerClient: optional('--max-subscriptions', values['max-subscriptions'], 1, 10_000),
    minHeightWaitMs: optional('--min-height-wait', values['min-height-wait'], 0, 60_000),
    rateLimit: readRateLimit(values['rate-limit'], values['rate-limit-burst'], host),
  };
  const trustedProxies = (values['trusted-proxies'] ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  for (const entry of trustedProxies) {
    const problem = trustedProxyProblem(entry);
    if (problem !== undefined) throw new ConfigError(problem);
  }
  const peerAllowList = (values['peer-allow'] ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const corsOrigins = (values['cors-origin'] ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  for (const origin of corsOrigins) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new ConfigError(`--cors-origin entries must be http(s)://host[:port], got "${origin}"`);
    }
  }
  const allowedHosts =
    values['allowed-hosts'] === undefined
      ? null
      : values['allowed-hosts']
          .split(',')
          .map((entry) => entry.trim().toLowerCase())
          .filter((entry) => entry !== '');
  for (const entry of allowedHosts ?? []) {
    if (entry !== '*' && !/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)$/.test(entry)) {
      throw new ConfigError(`--allowed-hosts entries must be host names or addresses (no port), or *, got "${entry}"`);
    }
  }
  if (allowedHosts !== null && allowedHosts.length === 0) {
    throw new ConfigError('--allowed-hosts must name at least one host (or * for any)');
  }
  if (values.graphiql === true && values['no-graphiql'] === true) {
    throw new ConfigError('--graphiql and --no-graphiql contradict each other: give one');
  }
  const graphiql = values.graphiql === true ? true : values['no-graphiql'] === true ? false : isLoopback(host);
  const introspectionFlag = values.introspection?.trim().toLowerCase();
  if (introspectionFlag !== undefined && introspectionFlag !== 'on' && introspectionFlag !== 'off') {
    throw new ConfigError(`--introspection must be on or off, got "${values.introspection}"`);
  }
  const introspection = introspectionFlag === undefined ? isLoopback(host) : introspectionFlag === 'on';
  return {
    adminToken,
    peerAllowList,
    corsOrigins,
    allowedHosts,
    graphiql,
    introspection,
    trustedDocuments: values['trusted-documents'] === true,
    trustedProxies,
    responseCacheEntries: readInteger('--response-cache', values['response-cache'] ?? '1000', 0, 1_000_000),
    mempoolSize: readInteger('--mempool-size', values['mempool-size'] ?? '10000', 1, 1_000_000),
    limits: Object.fromEntries(Object.entries(limits).filter(([, value]) => value !== undefined)),
    port,
    host,
    dataDir,
    peers,
    difficulty,
    mine: values.mine === true,
    publicUrl,
    syncIntervalMs,
    verify: values.verify === true,
    minerThreads: readInteger('--miner-threads', values['miner-threads'] ?? String(availableParallelism()), 0, 256),
  };
}

/**
 * The rate limit the flags ask for: `--rate-limit 0` turns it off, `--rate-limit-burst` defaults to twice the rate;
 * without flags, none on a loopback bind and DEFAULT_PUBLIC_RATE_LIMIT on any other.
 */
function readRateLimit(rateText: string | undefined, burstText: string | undefined, host: string): RateLimit | null {
  const burst = burstText === undefined ? undefined : readInteger('--rate-limit-burst', burstText, 1, 10_000_000);
  if (rateText === undefined) {
    if (isLoopback(host)) {
      if (burst === undefined) return null;
      throw new ConfigError(
        '--rate-limit-burst needs --rate-limit on a loopback --host (which has no rate limit by default)',
      );
    }
    return burst === undefined ? DEFAULT_PUBLIC_RATE_LIMIT : { perSecond: DEFAULT_PUBLIC_RATE_LIMIT.perSecond, burst };
  }
  const perSecond = Number(rateText.trim());
  if (rateText.trim() === '' || !Number.isFinite(perSecond) || perSecond < 0 || perSecond > 1_000_000) {
    throw new ConfigError(
      `--rate-limit must be a number of requests per second from 0 (no limit) to 1000000, got "${rateText}"`,
    );
  }
  if (perSecond === 0) {
    if (burst === undefined) return null;
    throw new ConfigError('--rate-limit-burst needs a --rate-limit above 0 (--rate-limit 0 turns the limit off)');
  }
  return { perSecond, burst: burst ?? Math.max(1, Math.ceil(perSecond * 2)) };
}

/** A flag's integer (white space around it allowed); the error shows a malformed value as given, others as numbers. */
function readInteger(flag: string, text: string, min: number, max: number): number {
  return withGuard(
    () => parseInteger(flag, text.trim(), min, max),
    (error) =>
      new ConfigError(`${flag} ${error.rule}, got ${error.failure === 'range' ? String(Number(text)) : `"${text}"`}`),
  );
}

/**
 * The chain parameters of the network a `--difficulty` selects: the defaults with that starting difficulty (the
 * retarget floor never above it). Every node started with the same flag derives the same genesis block.
 */
export function networkParams(difficulty: number): ChainParams {
  return createChainParams({ initialDifficulty: difficulty, minDifficulty: Math.min(8, difficulty) });
}

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
