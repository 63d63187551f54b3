import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILT_MAIN } from './builtEntry.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A node running as a real process, started the way `npm start -- [flags]` starts it. */
export interface NodeProcess {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  readonly child: ChildProcess;
  /** Everything it printed so far. */
  output(): string;
  /** SIGTERM, then wait for the exit code (SIGKILL after 5 s). */
  stop(): Promise<number | null>;
}

/**
 * Spawns `node ...nodeOptions dist/cli/main.js --port 0 ...flags` (what `npm start` runs; `main` names another build, a
 * bench's baseline) and waits for the GraphiQL line (`startTimeoutMs`, default 20 s); a node that does not start in
 * time is killed. Without `existingDataDir` it
 * runs on a fresh temporary data directory that `stop` deletes; with one, the directory is used and kept.
 */
export async function startNodeProcess(
  flags: readonly string[] = [],
  startTimeoutMs = 20_000,
  existingDataDir?: string,
  nodeOptions: readonly string[] = [],
  main: string = BUILT_MAIN,
): Promise<NodeProcess> {
  const ownsDataDir = existingDataDir === undefined;
  const dataDir = existingDataDir ?? mkdtempSync(join(tmpdir(), 'gql-node-'));
  const child = spawn(process.execPath, [...nodeOptions, main, '--port', '0', '--data-dir', dataDir, ...flags], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
      reject(new Error(`node did not start within ${startTimeoutMs} ms:\n${text}`));
    }, startTimeoutMs);
    const check = () => {
      const match = /Graph(?:i)?QL: (http:\/\/\S+)/.exec(text);
      if (match !== null) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`node exited with ${code} before starting:\n${text}`));
    });
  });
  return {
    url,
    port: Number(new URL(url).port),
    dataDir,
    child,
    output: () => text,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      const code = await exited;
      clearTimeout(timer);
      if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}
