/**
 * Makes sure the headless browser the dashboard test drives is installed: Debian's chromium at /usr/bin/chromium (or
 * CHROMIUM_PATH). When it is missing and this runs as root on Debian or Ubuntu, it installs the `chromium` package
 * with apt-get (non-interactive); otherwise it exits 1 saying what to install. `npx playwright install` is not used:
 * its browser downloads are not reachable everywhere, and the distribution's package is.
 *
 *   tsx scripts/ensureChromium.ts
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';

const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function run(command: string, args: readonly string[]): void {
  process.stdout.write(`ensureChromium: ${command} ${args.join(' ')}\n`);
  const result = spawnSync(command, args, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive', NEEDRESTART_MODE: 'a' },
  });
  if (result.error !== undefined) fail(`${command} could not run: ${result.error.message}`);
  if (result.status !== 0) fail(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
}

function fail(message: string): never {
  process.stderr.write(
    `ensureChromium: ${message}\n` +
      `The dashboard test (test/e2e/dashboard.test.ts) needs Chromium at ${CHROMIUM_PATH}. Install it with\n` +
      `  sudo apt-get update && sudo apt-get install -y chromium\n` +
      'or point CHROMIUM_PATH at a Chromium or Chrome binary.\n',
  );
  process.exit(1);
}

if (isExecutable(CHROMIUM_PATH)) {
  process.stdout.write(`ensureChromium: ${CHROMIUM_PATH} is installed\n`);
  process.exit(0);
}
if (process.env['CHROMIUM_PATH'] !== undefined) fail(`CHROMIUM_PATH=${CHROMIUM_PATH} is not an executable file`);
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const isDebian = process.platform === 'linux' && existsSync('/etc/debian_version') && isExecutable('/usr/bin/apt-get');
if (!isDebian) fail(`${CHROMIUM_PATH} is missing and this is not a Debian-like system with apt-get`);
if (!isRoot) fail(`${CHROMIUM_PATH} is missing and installing it needs root`);
run('apt-get', ['update']);
run('apt-get', ['install', '-y', 'chromium']);
if (!isExecutable(CHROMIUM_PATH)) fail(`apt-get installed chromium but ${CHROMIUM_PATH} is still missing`);
process.stdout.write(`ensureChromium: installed ${CHROMIUM_PATH}\n`);
