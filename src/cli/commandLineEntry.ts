import { fileURLToPath } from 'node:url';

/**
 * The arguments that make `node` run this command line in another process: `dist/cli/main.js` when running from the
 * build, `--import tsx src/cli/main.ts` from source (tests, development). `../cli/` rather than `./`: built, this
 * code sits in a dist/chunks/ file, one folder below dist/ as src/cli/ is below src/.
 */
export function commandLineEntry(): string[] {
  const fromSource = import.meta.url.endsWith('.ts');
  const main = fileURLToPath(new URL(`../cli/main.${fromSource ? 'ts' : 'js'}`, import.meta.url));
  return fromSource ? ['--import', 'tsx', main] : [main];
}
