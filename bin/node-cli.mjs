#!/usr/bin/env node
// The `node-cli` command (package.json "bin"): registers tsx's loader, then runs the TypeScript command line as is
// (there is no build step). Everything else, including `node-cli` with no command (start a node), is src/cli/main.ts.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
