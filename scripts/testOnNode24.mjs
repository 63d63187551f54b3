#!/usr/bin/env node
/**
 * `npm run test:node24 [-- vitest arguments]`: runs the test suite under Node 24 LTS, the runtime users run, whatever
 * `node` runs npm. The npm registry's `node` package ships Node's Linux binaries; the exact version below is installed
 * once into node_modules/.cache/node24 (about 7 s; `npm ci` clears it) and vitest runs on it, so every test file and
 * every node process a test spawns (process.execPath) runs on Node 24. The installed packages need no rebuild: their
 * native parts (lmdb, msgpackr-extract) use Node-API, whose binaries work on every Node version.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const VERSION = '24.21.0';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PREFIX = join(ROOT, 'node_modules/.cache/node24');
const BIN = join(PREFIX, 'node_modules/node/bin/node');

function installedVersion() {
  try {
    return execFileSync(BIN, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

if (installedVersion() !== `v${VERSION}`) {
  process.stdout.write(`testOnNode24: installing node@${VERSION} from the npm registry into ${PREFIX}\n`);
  const install = spawnSync(
    'npm',
    ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--prefix', PREFIX, `node@${VERSION}`],
    { stdio: 'inherit' },
  );
  const found = installedVersion();
  if (install.status !== 0 || found !== `v${VERSION}`) {
    process.stderr.write(
      `testOnNode24: could not install node@${VERSION} (npm exited ${install.status}, found ${found ?? 'nothing'})\n`,
    );
    process.exit(1);
  }
}
process.stdout.write(`testOnNode24: vitest on ${BIN} (v${VERSION})\n`);
const result = spawnSync(BIN, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', ...process.argv.slice(2)], {
  cwd: ROOT,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
