#!/usr/bin/env node
// The `node-cli` command (package.json "bin"): runs the compiled command line, dist/cli/main.js, which `npm ci` /
// `npm install` build through the "prepare" script (or `npm run build`). Everything else is src/cli/main.ts.
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('node-cli: dist/ is missing; run `npm run build` (or `npm ci`) in the repository first.\n');
  process.exit(2);
}
await import(main.href);
