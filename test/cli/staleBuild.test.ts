import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findSourceNewerThanBuild } from '../../src/cli/staleBuild.js';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A checkout with src/ files and a dist/cli/main.js, each with the given modification time (seconds). */
function checkout(files: Record<string, number>): string {
  const root = mkdtempSync(join(tmpdir(), 'stale-build-'));
  roots.push(root);
  for (const [path, seconds] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), '');
    utimesSync(join(root, path), seconds, seconds);
  }
  return root;
}

describe('findSourceNewerThanBuild (the warning that dist/ is older than src/)', () => {
  it('finds nothing when every source file is older than the build', () => {
    expect(
      findSourceNewerThanBuild(
        checkout({ 'dist/cli/main.js': 2_000, 'src/cli/main.ts': 1_000, 'src/api/deep/x.ts': 1_500 }),
      ),
    ).toBeUndefined();
  });

  it('names a source file changed after the build, however deep', () => {
    expect(
      findSourceNewerThanBuild(
        checkout({ 'dist/cli/main.js': 2_000, 'src/cli/main.ts': 1_000, 'src/api/deep/x.ts': 3_000 }),
      ),
    ).toBe('src/api/deep/x.ts');
  });

  it('skips what it cannot read (a symlink loop) instead of throwing', () => {
    const root = checkout({ 'dist/cli/main.js': 2_000, 'src/cli/main.ts': 1_000 });
    symlinkSync(join(root, 'src/loop'), join(root, 'src/loop'));
    expect(findSourceNewerThanBuild(root)).toBeUndefined();
  });

  it('finds nothing without a build or without sources (an installed copy)', () => {
    expect(findSourceNewerThanBuild(checkout({ 'src/cli/main.ts': 3_000 }))).toBeUndefined();
    expect(findSourceNewerThanBuild(checkout({ 'dist/cli/main.js': 2_000 }))).toBeUndefined();
  });
});
