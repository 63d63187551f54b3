import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { deadPort } from '../api/apiTestKit.js';
import { BUILT_MAIN } from '../helpers/builtEntry.js';
import { waitFor } from '../helpers/waitFor.js';
import { cliEnvironment, runCli } from './cliTestKit.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A long-running CLI process (start, devnet) with its output. */
interface Running {
  readonly child: ChildProcess;
  output(): string;
  readonly exited: Promise<number | null>;
}

const running: Running[] = [];
const dirs: string[] = [];

function launch(args: readonly string[], options: { cwd?: string } = {}): Running {
  // From another directory, through the bin (which finds dist/ itself).
  const entry = options.cwd === undefined ? [BUILT_MAIN] : [join(ROOT, 'bin/node-cli.mjs')];
  const child = spawn(process.execPath, [...entry, ...args], {
    cwd: options.cwd ?? ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: cliEnvironment(),
  });
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const process_ = {
    child,
    output: () => text,
    exited: new Promise<number | null>((resolve) => child.once('exit', resolve)),
  };
  running.push(process_);
  return process_;
}

/** Waits until the process prints a line matching `pattern` and returns the match's first group (or the match). */
function waitForOutput(process_: Running, pattern: RegExp): Promise<string> {
  return waitFor(
    `${pattern} in the output`,
    () => {
      const match = pattern.exec(process_.output());
      if (match !== null) return match[1] ?? match[0];
      if (process_.child.exitCode !== null)
        throw new Error(`exited with ${process_.child.exitCode}:\n${process_.output()}`);
      return undefined;
    },
    20_000,
  );
}

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'node-cli-'));
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  for (const { child } of running.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('node-cli help', () => {
  it('lists the commands with `help`', async () => {
    const run = await runCli(['help']);
    expect(run.code).toBe(0);
    const commands = [
      'start',
      'devnet',
      'wallet new|address|balance',
      'send <recipient> <amount>',
      'mine',
      'chain',
      'peers list|add|remove',
    ];
    for (const command of [...commands, 'resolve']) expect(run.stdout).toContain(`\n  ${command}`);
    expect(run.stdout).toContain('Exit codes: 0 ok, 1 refused by the node, 2 usage error, 3 node unreachable.');
  });

  it('has --help for every command, the same text as `help <command>`', async () => {
    const commands = ['wallet', 'send', 'mine', 'chain', 'peers', 'resolve'];
    const runs = await Promise.all(commands.map((command) => runCli([command, '--help'])));
    runs.forEach((run, i) => {
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`^Usage: node-cli ${commands[i]}`));
      expect(run.stdout).toContain('--node <url>');
    });
    expect((await runCli(['help', 'send'])).stdout).toBe(runs[1]!.stdout);
  });

  it('a leading --help, -h and `help` list the commands first, then the start flags; start --help the node flags', async () => {
    const [leading, short, help, start, devnet] = await Promise.all([
      runCli(['--help']),
      runCli(['-h']),
      runCli(['help']),
      runCli(['start', '--help']),
      runCli(['devnet', '--help']),
    ]);
    for (const run of [leading, short, help]) {
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(
        /^Usage: node-cli \[common flags\] <command> \[arguments\] \[flags\]\nCommands:\n {2}start/,
      );
      expect(run.stdout).toContain('They go before or after the command');
      const flagsAt = run.stdout.indexOf('\nStart flags (node-cli start [flags], npm start -- [flags]');
      expect(flagsAt).toBeGreaterThan(run.stdout.indexOf('\n  resolve'));
      expect(run.stdout.indexOf('\n  --port <n>')).toBeGreaterThan(flagsAt);
    }
    expect(short.stdout).toBe(leading.stdout);
    expect(help.stdout).toBe(leading.stdout);
    expect(start.code).toBe(0);
    expect(start.stdout).toMatch(/^Usage: npm start -- \[flags\]\n {2}--port <n>/);
    expect(start.stdout).toContain('Other commands: start, devnet, wallet, send, mine, chain, peers, resolve, help');
    expect(devnet.code).toBe(0);
    expect(devnet.stdout).toMatch(/^Usage: node-cli devnet \[--nodes 3\]/);
  });

  it("shows a command's help for --help before it, and skips the common options before the topic of `help`", async () => {
    const [chain, leading, withOption] = await Promise.all([
      runCli(['chain', '--help']),
      runCli(['--help', 'chain']),
      runCli(['help', '--node', 'http://127.0.0.1:1/graphql', 'chain']),
    ]);
    expect(chain.stdout).toMatch(/^Usage: node-cli chain/);
    for (const run of [leading, withOption]) {
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(chain.stdout);
    }
  });
});

describe('node-cli start and devnet', () => {
  it('start runs a node like the flags alone do, and the client commands (and bin/node-cli.mjs) talk to it', async () => {
    const node = launch(['start', '--port', '0', '--data-dir', tempDir(), '--difficulty', '8', '--miner-threads', '0']);
    const url = await waitForOutput(node, /GraphiQL: (http:\/\/\S+)/);
    expect(node.output()).toContain('node.started');
    const chain = await runCli(['chain', '--node', url, '--json']);
    expect(chain.code, chain.stderr).toBe(0);
    expect(chain.json()).toMatchObject({ ok: true, height: 1 });
    const viaBin = await runCli(['mine', '--node', url, '--json'], { entry: 'bin/node-cli.mjs' });
    expect(viaBin.code, viaBin.stderr).toBe(0);
    expect(viaBin.json().block.index).toBe(2);
    node.child.kill('SIGTERM');
    expect(await node.exited).toBe(0);
    expect(node.output()).toContain('node.stopped');
  });

  it('takes the common options before the client command, the same as after it', async () => {
    const node = launch(['--port', '0', '--data-dir', tempDir(), '--difficulty', '8', '--miner-threads', '0']);
    const url = await waitForOutput(node, /GraphiQL: (http:\/\/\S+)/);
    const [before, after] = await Promise.all([
      runCli(['--node', url, 'chain', '--json']),
      runCli(['chain', '--node', url, '--json']),
    ]);
    expect(before.code, before.stderr).toBe(0);
    expect(before.json()).toMatchObject({ ok: true, height: 1 });
    expect(before.stdout).toBe(after.stdout);
    const mined = await runCli(['--json', `--node=${url}`, 'mine']);
    expect(mined.code, mined.stderr).toBe(0);
    expect(mined.json()).toMatchObject({ ok: true, block: { index: 2 } });
    // Given before and after the command, the one after wins: here the dead URL before is not used.
    const both = await runCli([
      '--node',
      `http://127.0.0.1:${await deadPort()}/graphql`,
      'chain',
      '--json',
      '--node',
      url,
    ]);
    expect(both.code, both.stderr).toBe(0);
    expect(both.json()).toMatchObject({ ok: true, height: 2 });
  });

  it('refuses common options with no command, or with a missing value, with exit 2 and never starts a node', async () => {
    const [alone, missing, beforeStart, json] = await Promise.all([
      runCli(['--node', 'http://127.0.0.1:4001/graphql']),
      runCli(['--timeout', '--json', 'chain']),
      runCli(['--node', 'http://127.0.0.1:4001/graphql', 'start', '--port', '0']),
      runCli(['--json', '--node']),
    ]);
    for (const run of [alone, missing, beforeStart, json]) {
      expect(run.code, run.stdout + run.stderr).toBe(2);
      expect(run.stdout + run.stderr).not.toContain('node.started');
    }
    expect(alone.stderr).toContain(
      'error: --node is an option of the client commands (wallet, send, mine, chain, peers, resolve, help); ' +
        'name a command after it, e.g. node-cli --node <url> chain',
    );
    expect(missing.stderr).toContain('error: --timeout needs a value: --timeout <ms>');
    expect(beforeStart.stderr).toContain(
      '--node is an option of the client commands (wallet, send, mine, chain, peers, resolve, help), not of start',
    );
    expect(json.json()).toMatchObject({
      ok: false,
      code: 'USAGE',
      exitCode: 2,
      message: expect.stringContaining('--node needs a value'),
    });
  });

  it('start refuses a bad flag with exit 2, as before', async () => {
    const [flagFirst, viaStart] = await Promise.all([runCli(['--port', 'x']), runCli(['start', '--port', 'x'])]);
    for (const run of [flagFirst, viaStart]) {
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('--port must be an integer from 0 to 65535, got "x"');
    }
  });

  it('devnet starts the nodes and stops them on SIGINT', async () => {
    const port = await deadPort();
    const devnet = launch([
      'devnet',
      '--nodes',
      '1',
      '--base-port',
      String(port),
      '--difficulty',
      '8',
      '--data-dir',
      tempDir(),
    ]);
    await waitForOutput(devnet, /devnet: 1 nodes up/);
    expect(devnet.output()).toContain(`GraphiQL: http://127.0.0.1:${port}/graphql`);
    const chain = await runCli(['chain', '--node', `127.0.0.1:${port}`, '--json']);
    expect(chain.json()).toMatchObject({ ok: true, height: 1 });
    devnet.child.kill('SIGINT');
    expect(await devnet.exited).toBe(0);
    expect(devnet.output()).toContain('devnet: SIGINT, stopping 1 nodes');
  });

  it('devnet puts a relative --data-dir under the directory it is run from', async () => {
    const cwd = tempDir();
    const relative = `devnet-data-${process.pid}`;
    const port = await deadPort();
    const devnet = launch(
      ['devnet', '--nodes', '1', '--base-port', String(port), '--difficulty', '8', '--data-dir', relative],
      { cwd },
    );
    try {
      await waitForOutput(devnet, /devnet: 1 nodes up/);
      expect(existsSync(join(cwd, relative, String(port), 'node-key.json'))).toBe(true);
      expect(existsSync(join(ROOT, relative))).toBe(false);
    } finally {
      // SIGINT (not the SIGKILL of afterEach) so the devnet stops its node even when an expectation failed.
      devnet.child.kill('SIGINT');
      const code = await Promise.race([devnet.exited, sleep(20_000).then(() => 'no exit within 20 s')]);
      rmSync(join(ROOT, relative), { recursive: true, force: true });
      expect(code).toBe(0);
    }
  }, 40_000);

  it('devnet exits 1 when a node fails to start (its port is taken), after stopping the others', async () => {
    // The second node's port is held here, so that node exits at once; the first one starts and is then stopped.
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      const devnet = launch([
        'devnet',
        '--nodes',
        '2',
        '--base-port',
        String(port - 1),
        '--difficulty',
        '8',
        '--data-dir',
        tempDir(),
      ]);
      const code = await Promise.race([devnet.exited, sleep(30_000).then(() => 'no exit within 30 s')]);
      expect(code, devnet.output()).toBe(1);
      expect(devnet.output()).toContain(`node on port ${port} exited`);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  }, 40_000);
});
