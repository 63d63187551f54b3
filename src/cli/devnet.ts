import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseInteger, withGuard } from '../guards/guards.js';
import { commandLineEntry } from './commandLineEntry.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The flags of a devnet, for the usage line. */
export const DEVNET_FLAGS = '[--nodes 3] [--base-port 4000] [--difficulty 16] [--mine] [--data-dir ./data/devnet]';

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
      help: { type: 'boolean', short: 'h', default: false },
    },
  }).values;
}

/**
 * Runs a devnet (README, "A devnet in one command"): N node processes on consecutive ports, each registering the ones
 * before it, log lines prefixed with the port, all stopped on SIGINT or SIGTERM. `usage` is how the caller is invoked.
 * Exits the process: 0 after a requested stop, 1 when a node died, 2 for a bad flag.
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
        'Starts N node processes on consecutive ports in a full mesh, prints their GraphiQL URLs and stops them all ' +
        'on Ctrl-C.\n' +
        '  --nodes <n>         how many nodes, 1 to 50 (default 3)\n' +
        '  --base-port <port>  port of the first node; the others follow (default 4000)\n' +
        "  --difficulty <bits> the network's starting difficulty (default 16)\n" +
        '  --mine              every node mines continuously\n' +
        "  --data-dir <path>   parent of the nodes' data directories, one per port (default ./data/devnet)\n",
    );
    return;
  }
  const count = readInteger('--nodes', values.nodes, 1, 50);
  const basePort = readInteger('--base-port', values['base-port'], 1, 65_535 - count);
  readInteger('--difficulty', values.difficulty, 0, 255);

  const children: ChildProcess[] = [];
  const urls: string[] = [];
  let stopping = false;
  /** A node exited (or failed to start) without being asked to: the devnet exits 1 once all are down. */
  let failed = false;

  const stopAll = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`devnet: ${signal}, stopping ${children.length} nodes\n`);
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  };
  process.on('SIGINT', () => stopAll('SIGINT'));
  process.on('SIGTERM', () => stopAll('SIGTERM'));

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
      ...(urls.length > 0 ? ['--peers', urls.join(',')] : []),
      ...(values.mine ? ['--mine'] : []),
    ];
    const child = spawn(process.execPath, [...commandLineEntry(), ...flags], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const label = `[${port}] `;
    const started = new Promise<void>((resolve, reject) => {
      let buffer = '';
      const onData = (chunk: Buffer) => {
        buffer += chunk.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop()!;
        for (const line of lines) {
          process.stdout.write(`${label}${line}\n`);
          if (line.startsWith('GraphiQL: ')) resolve();
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => reject(new Error(`node on port ${port} exited with code ${code}`)));
    });
    children.push(child);
    child.once('exit', () => {
      if (!stopping) failed = true;
      if (children.every((c) => c.exitCode !== null || c.signalCode !== null)) process.exit(failed ? 1 : 0);
      else if (!stopping) stopAll(`node on port ${port} exited`);
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

  if (!stopping) {
    const list = urls.map((url) => `  GraphiQL: ${url}`).join('\n');
    process.stdout.write(`\ndevnet: ${urls.length} nodes up (Ctrl-C stops them all)\n${list}\n\n`);
  }
}
