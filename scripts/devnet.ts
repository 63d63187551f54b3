/**
 * `npm run devnet -- --nodes 3`: starts N real node processes on consecutive ports (from --base-port, default 4000),
 * each registering the ones before it (symmetric registration completes the mesh), prints their GraphiQL URLs,
 * prefixes their log lines, and stops them all on Ctrl-C (SIGINT) or SIGTERM.
 * Other flags: --difficulty <bits> (default 16), --mine (every node mines), --data-dir <path> (default ./data/devnet).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function fail(message: string): never {
  process.stderr.write(`${message}\nUsage: npm run devnet -- [--nodes 3] [--base-port 4000] [--difficulty 16] [--mine] [--data-dir ./data/devnet]\n`);
  process.exit(2);
}

function readInteger(flag: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) fail(`${flag} must be an integer from ${min} to ${max}, got "${text}"`);
  return Number(text);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      nodes: { type: 'string', default: '3' },
      'base-port': { type: 'string', default: '4000' },
      difficulty: { type: 'string', default: '16' },
      mine: { type: 'boolean', default: false },
      'data-dir': { type: 'string', default: './data/devnet' },
    },
  }));
} catch (error) {
  fail((error as Error).message);
}
const count = readInteger('--nodes', values.nodes!, 1, 50);
const basePort = readInteger('--base-port', values['base-port']!, 1, 65_535 - count);
readInteger('--difficulty', values.difficulty!, 0, 255);

const children: ChildProcess[] = [];
const urls: string[] = [];
let stopping = false;

function stopAll(signal: string): void {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`devnet: ${signal}, stopping ${children.length} nodes\n`);
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
}
process.on('SIGINT', () => stopAll('SIGINT'));
process.on('SIGTERM', () => stopAll('SIGTERM'));

for (let i = 0; i < count; i++) {
  const port = basePort + i;
  const url = `http://127.0.0.1:${port}/graphql`;
  const flags = [
    '--port', String(port),
    '--data-dir', join(values['data-dir']!, String(port)),
    '--difficulty', values.difficulty!,
    '--public-url', url,
    ...(urls.length > 0 ? ['--peers', urls.join(',')] : []),
    ...(values.mine ? ['--mine'] : []),
  ];
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...flags], {
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
    if (children.every((c) => c.exitCode !== null || c.signalCode !== null)) process.exit(stopping ? 0 : 1);
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
  process.stdout.write(`\ndevnet: ${urls.length} nodes up (Ctrl-C stops them all)\n${urls.map((url) => `  GraphiQL: ${url}`).join('\n')}\n\n`);
}
