import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BUILT_MAIN } from '../helpers/builtEntry.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** What a CLI process did. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed as JSON (for --json runs). */
  json(): any;
}

/**
 * Runs `node dist/cli/main.js ...args` (what the `node-cli` bin runs, without npx's start-up) as
 * a real process from the repository root, and waits for it to exit; it is killed and the promise rejected after
 * `timeoutMs`. NODE_ADMIN_TOKEN is removed unless `env` sets it.
 */
export function runCli(
  args: readonly string[],
  options: { env?: Record<string, string>; timeoutMs?: number; entry?: string; cwd?: string } = {},
): Promise<CliRun> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const entry = [options.entry ?? BUILT_MAIN];
  const child = spawn(process.execPath, [...entry, ...args], {
    cwd: options.cwd ?? ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: cliEnvironment(options.env),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `node-cli ${args.join(' ')} did not exit within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`,
        ),
      );
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({
        code,
        stdout,
        stderr,
        json: () => {
          try {
            return JSON.parse(stdout);
          } catch {
            throw new Error(`stdout of node-cli ${args.join(' ')} is not JSON:\n${stdout}\nstderr: ${stderr}`);
          }
        },
      });
    });
  });
}

/** The test process's environment without NODE_ADMIN_TOKEN (a developer's own must not leak in), plus `extra`. */
export function cliEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_NO_WARNINGS: '1' };
  delete env['NODE_ADMIN_TOKEN'];
  return { ...env, ...extra };
}
