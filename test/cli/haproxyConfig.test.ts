import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findHaproxy, HAPROXY_STATS_PATH, haproxyConfig } from '../../src/cli/haproxyConfig.js';
import { freePorts } from '../helpers/freePorts.js';
import { waitFor } from '../helpers/waitFor.js';
import { runCli } from './cliTestKit.js';

const NODES = [4000, 4001, 4002].map((port) => ({ host: '127.0.0.1', port }));

/** `npm test` installs haproxy (scripts/ensureHaproxy.ts): a missing one fails these tests, it does not skip them. */
function haproxy(): string {
  const path = findHaproxy();
  if (path === undefined) throw new Error('haproxy is not installed: run `tsx scripts/ensureHaproxy.ts` as root');
  return path;
}

describe('haproxyConfig (the configuration of devnet --balancer)', () => {
  it('balances the nodes round robin on loopback, checking /readyz every 500 ms', () => {
    const config = haproxyConfig({ port: 3999, nodes: NODES });
    const lines = config.split('\n').map((line) => line.trim());
    expect(lines).toContain('bind 127.0.0.1:3999');
    expect(lines).toContain('mode http');
    expect(lines).toContain('balance roundrobin');
    expect(lines).toContain('option httpchk GET /readyz');
    expect(lines).toContain('http-check expect status 200');
    expect(lines).toContain('default-server inter 500 fastinter 500 downinter 500 fall 2 rise 2');
    expect(lines).toContain('option redispatch 1');
    expect(lines).toContain('timeout tunnel 1h');
    expect(lines).toContain(`stats uri ${HAPROXY_STATS_PATH}`);
    expect(lines.filter((line) => line.startsWith('server '))).toEqual([
      'server node1 127.0.0.1:4000 check',
      'server node2 127.0.0.1:4001 check',
      'server node3 127.0.0.1:4002 check',
    ]);
    // Nothing but the one frontend listens.
    expect(lines.filter((line) => line.startsWith('bind '))).toHaveLength(1);
  });

  it('takes the check timing, the stats path and an IPv6 address as given', () => {
    const config = haproxyConfig({
      port: 8080,
      host: '::1',
      nodes: [{ host: '::1', port: 9000 }],
      checkIntervalMs: 2_000,
      fall: 3,
      rise: 1,
      statsPath: '/stats',
    });
    expect(config).toContain('bind [::1]:8080\n');
    expect(config).toContain('server node1 [::1]:9000 check\n');
    expect(config).toContain('default-server inter 2000 fastinter 2000 downinter 2000 fall 3 rise 1\n');
    expect(config).toContain('stats uri /stats\n');
  });

  it('refuses what would write a broken or injected configuration', () => {
    expect(() => haproxyConfig({ port: 0, nodes: NODES })).toThrow('the balancer port must be a port, got 0');
    expect(() => haproxyConfig({ port: 3999, nodes: [] })).toThrow('at least one node');
    expect(() => haproxyConfig({ port: 3999, nodes: [{ host: '127.0.0.1', port: 70_000 }] })).toThrow(
      'a node port must be a port',
    );
    expect(() => haproxyConfig({ port: 3999, nodes: [{ host: '1.2.3.4 check\nserver x', port: 1 }] })).toThrow(
      'a node host must be an address',
    );
    expect(() => haproxyConfig({ port: 3999, host: '0.0.0.0 ssl', nodes: NODES })).toThrow('balancer host');
    expect(() => haproxyConfig({ port: 3999, nodes: NODES, fall: 0 })).toThrow('fall must be a positive integer');
    expect(() => haproxyConfig({ port: 3999, nodes: NODES, statsPath: 'stats' })).toThrow('statsPath');
  });

  it('is a configuration haproxy accepts (haproxy -c)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'haproxy-config-'));
    try {
      const path = join(dir, 'haproxy.cfg');
      writeFileSync(path, haproxyConfig({ port: 3999, nodes: NODES }));
      const result = spawnSync(haproxy(), ['-c', '-f', path], { encoding: 'utf8' });
      expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
      expect(result.stdout + result.stderr).not.toMatch(/WARNING/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds haproxy through HAPROXY_PATH, and nothing when HAPROXY_PATH names no executable', () => {
    const path = haproxy();
    expect(findHaproxy({ HAPROXY_PATH: path, PATH: '' })).toBe(path);
    expect(findHaproxy({ HAPROXY_PATH: '/nonexistent/haproxy', PATH: process.env['PATH'] })).toBeUndefined();
  });
});

describe('the configuration run by haproxy, in front of a node that hangs up', () => {
  /** Requests each fake node received, as `<node>:<operation kind>`. */
  const received: string[] = [];
  let servers: Server[];
  let balancer: ChildProcess;
  let dir: string;
  let port: number;

  /** A fake node: ready, and either answers GraphQL or closes the connection without answering. */
  function fakeNode(name: string, hangUp: boolean): Server {
    return createServer((req, res) => {
      if (req.url === '/readyz') return res.writeHead(200).end('{"status":"ready"}');
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push(`${name}:${body.includes('mutation') ? 'mutation' : 'query'}`);
        if (hangUp) req.socket.destroy();
        else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { name } }));
      });
    });
  }

  /** POSTs `query` on a new connection (so every request is its connection's first); the status, or the error. */
  function post(query: string): Promise<number | string> {
    return new Promise((resolve) => {
      const req = request({ host: '127.0.0.1', port, path: '/graphql', method: 'POST', agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      });
      req.on('error', (error) => resolve(error.message));
      req.setHeader('content-type', 'application/json');
      req.end(JSON.stringify({ query }));
    });
  }

  beforeAll(async () => {
    const base = await freePorts(3);
    port = base;
    servers = [fakeNode('hangs-up', true), fakeNode('answers', false)];
    await Promise.all(
      servers.map((server, i) => new Promise<void>((done) => server.listen(base + 1 + i, '127.0.0.1', done))),
    );
    dir = mkdtempSync(join(tmpdir(), 'haproxy-run-'));
    const config = join(dir, 'haproxy.cfg');
    writeFileSync(config, haproxyConfig({ port, nodes: [1, 2].map((i) => ({ host: '127.0.0.1', port: base + i })) }));
    balancer = spawn(haproxy(), ['-f', config, '-db'], { stdio: 'ignore' });
    await waitFor('haproxy to listen', async () => (await post('{ ready }')) === 200, 10_000);
  });

  afterAll(async () => {
    balancer?.kill('SIGTERM');
    await Promise.all((servers ?? []).map((server) => new Promise((done) => server.close(done))));
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('retries a query the node hung up on, on the other node', async () => {
    received.length = 0;
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push(await post('{ node { height } }'));
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
    expect(received.filter((entry) => entry === 'hangs-up:query').length).toBeGreaterThan(0);
    expect(received.filter((entry) => entry === 'answers:query')).toHaveLength(6);
  });

  it('never sends a mutation twice: one the node hung up on fails (502)', async () => {
    received.length = 0;
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push(await post('mutation { mine { __typename } }'));
    const failed = statuses.filter((status) => status !== 200).length;
    expect(failed).toBeGreaterThan(0);
    expect(statuses.filter((status) => status !== 200 && status !== 502)).toEqual([]);
    // Each mutation reached exactly one node: the one that answered or the one that hung up.
    expect(received).toHaveLength(6);
    expect(received.filter((entry) => entry === 'hangs-up:mutation')).toHaveLength(failed);
  });
});

describe('node-cli devnet --balancer flags', () => {
  it('refuses --balancer-port without --balancer, on a node port, and a base port with no port below', async () => {
    const [alone, clash, lowest] = await Promise.all([
      runCli(['devnet', '--balancer-port', '5000']),
      runCli(['devnet', '--balancer', '--base-port', '5000', '--balancer-port', '5002']),
      runCli(['devnet', '--balancer', '--base-port', '1']),
    ]);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('--balancer-port needs --balancer');
    expect(clash.code).toBe(2);
    expect(clash.stderr).toContain("--balancer-port 5002 is one of the nodes' ports (5000 to 5002)");
    expect(lowest.code).toBe(2);
    expect(lowest.stderr).toContain('give --balancer-port');
  });

  it('exits 1 before starting any node when haproxy is missing, saying how to install it', async () => {
    const run = await runCli(['devnet', '--balancer', '--base-port', '5000'], {
      env: { HAPROXY_PATH: '/nonexistent/haproxy' },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no haproxy was found');
    expect(run.stderr).toContain('apt-get install haproxy');
    expect(run.stdout).not.toContain('GraphiQL');
  });

  it('documents --balancer in devnet --help', async () => {
    const help = await runCli(['devnet', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--balancer-port <port> port of the balancer (default: base port - 1, so 3999)');
  });
});
