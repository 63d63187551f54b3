/**
 * Makes sure a program a test needs is installed: the binary at `path` (or the one the environment variable names).
 * When it is missing and this runs as root on Debian or Ubuntu, it installs the Debian package with apt-get
 * (non-interactive); otherwise it exits 1 saying what to install. Used by ensureChromium.ts and ensureHaproxy.ts.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';

/** What to make sure of. */
export interface DebianProgram {
  /** The script's name, for its output. */
  readonly script: string;
  /** The Debian package. */
  readonly packageName: string;
  /** Where the package puts the binary. */
  readonly defaultPath: string;
  /** The environment variable that points at another binary. */
  readonly pathVariable: string;
  /** Who needs it and what else works instead, for the failure message. */
  readonly neededBy: string;
  /** Extra apt-get install arguments (e.g. --no-install-recommends). */
  readonly installArguments?: readonly string[];
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Exits 0 when the program is (or has just been) installed; exits 1 with what to do otherwise. */
export function ensureDebianPackage(program: DebianProgram): void {
  const path = process.env[program.pathVariable] ?? program.defaultPath;
  const say = (line: string) => process.stdout.write(`${program.script}: ${line}\n`);
  const fail = (message: string): never => {
    process.stderr.write(
      `${program.script}: ${message}\n${program.neededBy} Install it with\n` +
        `  sudo apt-get update && sudo apt-get install -y ${program.packageName}\n` +
        `or point ${program.pathVariable} at the binary.\n`,
    );
    process.exit(1);
  };
  const run = (command: string, args: readonly string[]) => {
    say(`${command} ${args.join(' ')}`);
    const result = spawnSync(command, args, {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive', NEEDRESTART_MODE: 'a' },
    });
    if (result.error !== undefined) fail(`${command} could not run: ${result.error.message}`);
    if (result.status !== 0) fail(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
  };

  if (isExecutable(path)) {
    say(`${path} is installed`);
    process.exit(0);
  }
  if (process.env[program.pathVariable] !== undefined)
    fail(`${program.pathVariable}=${path} is not an executable file`);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const isDebian =
    process.platform === 'linux' && existsSync('/etc/debian_version') && isExecutable('/usr/bin/apt-get');
  if (!isDebian) fail(`${path} is missing and this is not a Debian-like system with apt-get`);
  if (!isRoot) fail(`${path} is missing and installing it needs root`);
  run('apt-get', ['update']);
  run('apt-get', ['install', '-y', ...(program.installArguments ?? []), program.packageName]);
  if (!isExecutable(path)) fail(`apt-get installed ${program.packageName} but ${path} is still missing`);
  say(`installed ${path}`);
  process.exit(0);
}
