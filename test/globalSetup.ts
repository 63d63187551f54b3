import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Builds dist/ once before the tests (about 1 s), so tests that spawn real node processes run the current source
 * through the same files `npm start` runs (the build swaps the new dist/ in whole; see scripts/build.mjs). Vitest
 * calls this for the root config and for each project, in one process: the first call builds and sets SKIP_BUILD for
 * the others. Setting SKIP_BUILD=1 yourself runs the tests against the dist/ that is there.
 */
export default function buildOnce(): void {
  if (process.env['SKIP_BUILD'] === '1') return;
  const root = fileURLToPath(new URL('..', import.meta.url));
  const result = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`npm run build failed:\n${result.stdout}${result.stderr}`);
  process.env['SKIP_BUILD'] = '1';
}
