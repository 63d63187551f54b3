import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** One node behind the balancer. */
export interface BalancedNode {
  readonly host: string;
  readonly port: number;
}

/** What the balancer's configuration is made of (README, "Scaling reads"). */
export interface HaproxyConfigOptions {
  /** Port the balancer listens on. */
  readonly port: number;
  /** Address it binds; 127.0.0.1 unless given (a devnet never exposes more than its nodes do). */
  readonly host?: string;
  /** The nodes' HTTP addresses, in order; named node1, node2, … in the configuration and the stats. */
  readonly nodes: readonly BalancedNode[];
  /** Health-check period in ms (default 500). */
  readonly checkIntervalMs?: number;
  /** Failed checks that take a node out (default 2). */
  readonly fall?: number;
  /** Passed checks that put it back (default 2). */
  readonly rise?: number;
  /** Path of HAProxy's stats page on the balancer's port (`;csv` appended gives CSV); default /haproxy-stats. */
  readonly statsPath?: string;
}

/** The stats page's default path: not a path the node serves, so it never hides a node's route. */
export const HAPROXY_STATS_PATH = '/haproxy-stats';

const ADDRESS = /^[A-Za-z0-9.:[\]-]+$/;
const PATH = /^\/[A-Za-z0-9._~/-]*$/;

function assertPort(what: string, port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new RangeError(`${what} must be a port, got ${port}`);
}

/**
 * The HAProxy (2.6+) configuration of a devnet's balancer, as text: one HTTP frontend on `host:port`, round robin
 * over the nodes, each checked with `GET /readyz` (taken out after `fall` failures `checkIntervalMs` apart, back in
 * after `rise` passes). A request whose connection to a node fails is retried on another node. Timeouts allow
 * long-lived SSE and graphql-ws subscriptions. Pure: throws RangeError for a bad port, address or count.
 */
export function haproxyConfig(options: HaproxyConfigOptions): string {
  const host = options.host ?? '127.0.0.1';
  const inter = options.checkIntervalMs ?? 500;
  const fall = options.fall ?? 2;
  const rise = options.rise ?? 2;
  const statsPath = options.statsPath ?? HAPROXY_STATS_PATH;
  assertPort('the balancer port', options.port);
  if (!ADDRESS.test(host)) throw new RangeError(`the balancer host must be an address, got ${JSON.stringify(host)}`);
  if (options.nodes.length === 0) throw new RangeError('a balancer needs at least one node');
  for (const node of options.nodes) {
    assertPort('a node port', node.port);
    if (!ADDRESS.test(node.host))
      throw new RangeError(`a node host must be an address, got ${JSON.stringify(node.host)}`);
  }
  for (const [name, value] of [
    ['checkIntervalMs', inter],
    ['fall', fall],
    ['rise', rise],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
  if (!PATH.test(statsPath)) throw new RangeError(`statsPath must be a URL path, got ${JSON.stringify(statsPath)}`);
  const bindHost = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const servers = options.nodes.map((node, i) => {
    const address = node.host.includes(':') && !node.host.startsWith('[') ? `[${node.host}]` : node.host;
    return `    server node${i + 1} ${address}:${node.port} check`;
  });
  return [
    '# Written by `node-cli devnet --balancer`; regenerated on every start.',
    'global',
    '    maxconn 4096',
    '',
    'defaults',
    '    mode http',
    // A request a node refused or closed unanswered (it died, before the checks noticed) is retried on another node,
    // unless it may be a mutation: those are never sent twice. The body is buffered to tell (16 kB at most).
    '    retries 2',
    '    option redispatch 1',
    '    retry-on conn-failure empty-response',
    '    option http-buffer-request',
    '    timeout connect 2s',
    // Longer than the node's own limits: --min-height-wait (2 s), a mine, a request timeout (30 s by default).
    '    timeout client 60s',
    '    timeout server 60s',
    '    timeout http-request 10s',
    '    timeout http-keep-alive 10s',
    '    timeout queue 5s',
    // A graphql-ws connection is a tunnel once upgraded; SSE streams stay under client/server, yoga pings every 12 s.
    '    timeout tunnel 1h',
    '    timeout client-fin 5s',
    '    timeout server-fin 5s',
    '',
    'frontend graphql',
    `    bind ${bindHost}:${options.port}`,
    '    stats enable',
    `    stats uri ${statsPath}`,
    '    stats refresh 2s',
    '    default_backend nodes',
    '',
    'backend nodes',
    '    balance roundrobin',
    '    acl maybe_mutation req.body -m sub -i mutation',
    '    http-request disable-l7-retry if METH_POST maybe_mutation',
    '    option httpchk GET /readyz',
    '    http-check expect status 200',
    `    default-server inter ${inter} fastinter ${inter} downinter ${inter} fall ${fall} rise ${rise}`,
    '    timeout check 1s',
    ...servers,
    '',
  ].join('\n');
}

/**
 * The haproxy binary to run: HAPROXY_PATH when set, else /usr/sbin/haproxy (Debian's; not on a user's PATH), else
 * `haproxy` found on PATH. Undefined when none is executable.
 */
export function findHaproxy(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const isExecutable = (path: string): boolean => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  const given = env['HAPROXY_PATH'];
  if (given !== undefined && given !== '') return isExecutable(given) ? given : undefined;
  const candidates = ['/usr/sbin/haproxy', ...(env['PATH'] ?? '').split(delimiter).map((dir) => join(dir, 'haproxy'))];
  return candidates.find((path) => path !== 'haproxy' && isExecutable(path));
}
