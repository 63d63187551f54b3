/**
 * Makes sure the load balancer the balancer test and `devnet --balancer` run is installed: Debian's haproxy at
 * /usr/sbin/haproxy (or HAPROXY_PATH). When it is missing and this runs as root on Debian or Ubuntu, it installs the
 * `haproxy` package with apt-get (non-interactive); otherwise it exits 1 saying what to install. The package's
 * service is not used: the devnet and the test run haproxy in the foreground with their own configuration.
 *
 *   tsx scripts/ensureHaproxy.ts
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';

const HAPROXY_PATH = process.env['HAPROXY_PATH'] ?? '/usr/sbin/haproxy';

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function run(command: string, args: readonly string[]): void {
  process.stdout.write(`ensureHaproxy: ${command} ${args.join(' ')}\n`);
  const result = spawnSync(command, args, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive', NEEDRESTART_MODE: 'a' },
  });
  if (result.error !== undefined) fail(`${command} could not run: ${result.error.message}`);
  if (result.status !== 0) fail(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
}

function fail(message: string): never {
  process.stderr.write(
    `ensureHaproxy: ${message}\n` +
      'The balancer test (test/e2e/balancer.test.ts) and `npm run devnet -- --balancer` need HAProxy at ' +
      `${HAPROXY_PATH}. Install it with\n` +
      '  sudo apt-get update && sudo apt-get install -y haproxy\n' +
      'or point HAPROXY_PATH at an haproxy binary (2.6 or newer).\n',
  );
  process.exit(1);
}

if (isExecutable(HAPROXY_PATH)) {
  process.stdout.write(`ensureHaproxy: ${HAPROXY_PATH} is installed\n`);
  process.exit(0);
}
if (process.env['HAPROXY_PATH'] !== undefined) fail(`HAPROXY_PATH=${HAPROXY_PATH} is not an executable file`);
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const isDebian = process.platform === 'linux' && existsSync('/etc/debian_version') && isExecutable('/usr/bin/apt-get');
if (!isDebian) fail(`${HAPROXY_PATH} is missing and this is not a Debian-like system with apt-get`);
if (!isRoot) fail(`${HAPROXY_PATH} is missing and installing it needs root`);
run('apt-get', ['update']);
// --no-install-recommends: the recommended liblua and vim-haproxy are not needed to run it.
run('apt-get', ['install', '-y', '--no-install-recommends', 'haproxy']);
if (!isExecutable(HAPROXY_PATH)) fail(`apt-get installed haproxy but ${HAPROXY_PATH} is still missing`);
process.stdout.write(`ensureHaproxy: installed ${HAPROXY_PATH}\n`);
