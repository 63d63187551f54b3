import { type Dirent, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The first file under `<root>/src/` changed after `<root>/dist/` was built, as a relative path such as
 * `src/api/yoga.ts`, so the command line can say `npm run build`; undefined when dist/ is current, or when either
 * folder is missing (an installed copy has no src/). Never throws: an entry it cannot read (a symlink loop, no
 * permission) is skipped, since a warning must never stop a command. Costs a stat per source file (about 1 ms here).
 */
export function findSourceNewerThanBuild(root: string): string | undefined {
  const modifiedAt = (path: string): number | undefined => {
    try {
      return statSync(path, { throwIfNoEntry: false })?.mtimeMs;
    } catch {
      return undefined;
    }
  };
  const builtAt = modifiedAt(join(root, 'dist/cli/main.js'));
  if (builtAt === undefined) return undefined;
  const visit = (dir: string, relative: string): string | undefined => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return undefined;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      const name = `${relative}/${entry.name}`;
      const found = entry.isDirectory() ? visit(path, name) : (modifiedAt(path) ?? 0) > builtAt ? name : undefined;
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return visit(join(root, 'src'), 'src');
}
