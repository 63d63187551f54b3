import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseInteger, withGuard } from '../guards/guards.js';
import { commandLineEntry } from './commandLineEntry.js';
import { findHaproxy, HAPROXY_STATS_PATH, haproxyConfig } from './haproxyConfig.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The flags of a devnet, for the usage line. */
export const DEVNET_FLAGS =
  '[--nodes 3] [--base-port 4000] [--difficulty 16] [--mine] [--data-dir ./data/devnet] ' +
  '[--balancer [--balancer-port <base-port - 1>]]';

/** How long HAProxy may take to answer through its port once started. */
const BALANCER_START_MS = 10_000;

/** The devnet's flags as node:util reads them (throws for an unknown flag or a missing value). */
function parseDevnetFlags(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    options: {
      nodes: { type: 'string', default: '3' },
      'base-port': { type: 'string', default: '4000' },
      difficulty: { type: 'string', default: '16' },
      mine: { type: 'boolean', default: false },
      'data-dir': { type: 'string', default: './data/devnet' },
      balancer: { type: 'boolean', default: false },
      'balancer-port': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }).values;
}

/** Writes a child's output line by line to our stdout, each line prefixed; calls `onLine` with each line. */
function relayLines(child: ChildProcess, label: string, onLine: (line: string) => void = () => {}): void {
  let buffer = '';
  const onData = (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop()!;
    for (const line of lines) {
      process.stdout.write(`${label}${line}\n`);
      onLine(line);
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
}

/** Resolves once `url` answers 200 (HAProxy is up and routes to a ready node); rejects when `exited` settles first. */
async function waitForBalancer(url: string, exited: Promise<unknown>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + BALANCER_START_MS;
  for (;;) {
    if (gone) throw new Error('haproxy exited while starting');
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the balancer did not answer ${url} within ${BALANCER_START_MS} ms`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

/**
 * Runs a devnet (README, "A devnet in one command"): N node processes on consecutive ports, each registering the ones
 * before it, log lines prefixed with the port, all stopped on SIGINT or SIGTERM. With `--balancer`, an HAProxy child
 * balances the nodes (README, "Scaling reads"), and a node that dies is left out instead of stopping the devnet.
 * `usage` is how the caller is invoked. Exits the process: 0 after a requested stop, 1 when a node or the balancer
 * died (with --balancer: once stopped, or when no node is left) or haproxy is missing, 2 for a bad flag.
 */
export async function runDevnet(argv: readonly string[], usage: string): Promise<void> {
  const fail = (message: string): never => {
    process.stderr.write(`${message}\nUsage: ${usage} ${DEVNET_FLAGS}\n`);
    process.exit(2);
  };
  const readInteger = (flag: string, text: string, min: number, max: number): number =>
    withGuard(
      () => parseInteger(flag, text, min, max),
      (error) => fail(error.message),
    );

  let values: ReturnType<typeof parseDevnetFlags>;
  try {
    values = parseDevnetFlags(argv);
  } catch (error) {
    return fail((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(
      `Usage: ${usage} ${DEVNET_FLAGS}\n` +
        'Starts N node processes on consecutive ports in a full mesh, prints their GraphiQL URLs and a dashboard URL ' +
        "showing them all (each node allows the others' dashboards to call it), and stops them all on Ctrl-C.\n" +
        '  --nodes <n>            how many nodes, 1 to 50 (default 3)\n' +
        '  --base-port <port>     port of the first node; the others follow (default 4000)\n' +
        "  --difficulty <bits>    the network's starting difficulty (default 16)\n" +
        '  --mine                 every node mines continuously\n' +
        "  --data-dir <path>      parent of the nodes' data directories, one per port (default ./data/devnet)\n" +
        '  --balancer             also run HAProxy (haproxy, 2.6+) on 127.0.0.1 in front of the nodes: round robin,\n' +
        '                         /readyz health checks; a node that dies is taken out and the devnet keeps running\n' +
        '  --balancer-port <port> port of the balancer (default: base port - 1, so 3999)\n',
    );
    return;
  }
  const count = readInteger('--nodes', values.nodes, 1, 50);
  const basePort = readInteger('--base-port', values['base-port'], 1, 65_535 - count);
  readInteger('--difficulty', values.difficulty, 0, 255);
  let balancerPort: number | undefined;
  if (values['balancer-port'] !== undefined && !values.balancer) fail('--balancer-port needs --balancer');
  if (values.balancer) {
    if (values['balancer-port'] !== undefined) {
      balancerPort = readInteger('--balancer-port', values['balancer-port'], 1, 65_535);
    } else if (basePort > 1) {
      balancerPort = basePort - 1;
    } else {
      fail('--base-port 1 leaves no port below it for the balancer: give --balancer-port');
    }
    if (balancerPort !== undefined && balancerPort >= basePort && balancerPort < basePort + count) {
      fail(`--balancer-port ${balancerPort} is one of the nodes' ports (${basePort} to ${basePort + count - 1})`);
    }
  }
  const haproxy = values.balancer ? findHaproxy() : undefined;
  if (values.balancer && haproxy === undefined) {
    process.stderr.write(
      'devnet: --balancer runs HAProxy, and no haproxy was found (HAPROXY_PATH, /usr/sbin/haproxy, PATH).\n' +
        'Install it (Debian, Ubuntu: sudo apt-get install haproxy; `tsx scripts/ensureHaproxy.ts` does it as root) ' +
        'or set HAPROXY_PATH.\n',
    );
    process.exit(1);
  }

  const nodes: ChildProcess[] = [];
  /** Every child: the nodes, then the balancer. */
  const children: ChildProcess[] = [];
  const urls: string[] = [];
  let stopping = false;
  /** A node or the balancer exited (or failed to start) unasked: the devnet exits 1 once all are down. */
  let failed = false;
  const isDown = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

  const stopAll = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    const what = `${nodes.length} nodes${children.length > nodes.length ? ' and the balancer' : ''}`;
    process.stdout.write(`devnet: ${signal}, stopping ${what}\n`);
    for (const child of children) if (!isDown(child)) child.kill('SIGTERM');
  };
  process.on('SIGINT', () => stopAll('SIGINT'));
  process.on('SIGTERM', () => stopAll('SIGTERM'));
  const exitWhenAllDown = (): void => {
    if (children.every(isDown)) process.exit(failed ? 1 : 0);
  };
  /** Whether the devnet runs on without a node that died: once its balancer serves, which routes around it. */
  let toleratesNodeDeath = false;

  // Every node lets the dashboards of the others call its API (README, "Fork tree and fleet view"): the fleet URL
  // printed below reads each node's tip from one page. Loopback origins only, by number and by name.
  const dashboardOrigins = Array.from({ length: count }, (_, i) => [
    `http://127.0.0.1:${basePort + i}`,
    `http://localhost:${basePort + i}`,
  ]).flat();
  for (let i = 0; i < count; i++) {
    const port = basePort + i;
    const url = `http://127.0.0.1:${port}/graphql`;
    const flags = [
      '--port',
      String(port),
      // Resolved here: the nodes run from the repository root, but a relative --data-dir means the caller's directory.
      '--data-dir',
      resolve(values['data-dir'], String(port)),
      '--difficulty',
      values.difficulty,
      '--public-url',
      url,
      '--cors-origin',
      dashboardOrigins.join(','),
      ...(urls.length > 0 ? ['--peers', urls.join(',')] : []),
      ...(values.mine ? ['--mine'] : []),
    ];
    const child = spawn(process.execPath, [...commandLineEntry(), ...flags], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const started = new Promise<void>((resolve, reject) => {
      relayLines(child, `[${port}] `, (line) => {
        if (line.startsWith('GraphiQL: ') || line.startsWith('GraphQL: ')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`node on port ${port} exited with code ${code}`)));
    });
    nodes.push(child);
    children.push(child);
    child.once('exit', (code, signal) => {
      if (!stopping) failed = true;
      if (stopping) return exitWhenAllDown();
      const left = nodes.filter((node) => !isDown(node)).length;
      if (toleratesNodeDeath && left > 0) {
        process.stdout.write(
          `devnet: node on port ${port} exited (${signal ?? `code ${code}`}); the balancer takes it out of ` +
            `rotation, ${left} of ${nodes.length} nodes left\n`,
        );
      } else {
        stopAll(`node on port ${port} exited`);
      }
      exitWhenAllDown();
    });
    try {
      await started;
    } catch (error) {
      process.stderr.write(`devnet: ${(error as Error).message}\n`);
      stopAll('a node failed to start');
      break;
    }
    urls.push(url);
  }

  let balancerUrl: string | undefined;
  if (!stopping && haproxy !== undefined && balancerPort !== undefined) {
    const dataDir = resolve(values['data-dir']);
    const configPath = resolve(dataDir, 'haproxy.cfg');
    mkdirSync(dataDir, { recursive: true });
    const config = haproxyConfig({
      port: balancerPort,
      nodes: urls.map((url) => ({ host: '127.0.0.1', port: Number(new URL(url).port) })),
    });
    writeFileSync(configPath, config);
    // -db: foreground, logs on stderr; it stops on SIGTERM (hard stop: open subscriptions are cut, as the nodes').
    const child = spawn(haproxy, ['-f', configPath, '-db'], { cwd: dataDir, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<void>((done) => {
      child.once('exit', () => done());
      // It never ran (no 'exit' follows): drop it from the children the devnet waits for.
      child.once('error', (error) => {
        process.stderr.write(`devnet: haproxy could not run: ${error.message}\n`);
        children.splice(children.indexOf(child), 1);
        failed = true;
        stopAll('the balancer could not run');
        exitWhenAllDown();
        done();
      });
    });
    relayLines(child, '[haproxy] ');
    children.push(child);
    child.once('exit', (code, signal) => {
      if (!stopping) {
        failed = true;
        stopAll(`the balancer exited (${signal ?? `code ${code}`})`);
      }
      exitWhenAllDown();
    });
    const base = `http://127.0.0.1:${balancerPort}`;
    try {
      await waitForBalancer(`${base}/readyz`, exited);
      balancerUrl = base;
      process.stdout.write(`devnet: HAProxy configuration in ${configPath}\n`);
      toleratesNodeDeath = true;
    } catch (error) {
      process.stderr.write(`devnet: ${(error as Error).message}\n`);
      failed = true;
      stopAll('the balancer failed to start');
    }
  }

  if (!stopping) {
    const list = urls.map((url, i) => `  GraphiQL: ${url} (pid ${nodes[i]!.pid})`).join('\n');
    const balancer =
      balancerUrl === undefined
        ? ''
        : `\n  Balancer: ${balancerUrl}/graphql (HAProxy pid ${children.at(-1)!.pid}, round robin over the ` +
          `${urls.length} nodes; stats at ${balancerUrl}${HAPROXY_STATS_PATH})`;
    const fleet =
      `\n  Dashboard: http://127.0.0.1:${basePort}/` +
      (urls.length > 1
        ? ` (fork tree and fleet of all ${urls.length} nodes: http://127.0.0.1:${basePort}/?nodes=` +
          `${urls
            .slice(1)
            .map((url) => new URL(url).host)
            .join(',')})`
        : '');
    process.stdout.write(`\ndevnet: ${urls.length} nodes up (Ctrl-C stops them all)\n${list}${balancer}${fleet}\n\n`);
  }
}
