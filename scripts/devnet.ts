/**
 * `npm run devnet -- --nodes 3`: starts N real node processes on consecutive ports (from --base-port, default 4000),
 * each registering the ones before it (symmetric registration completes the mesh), prints their GraphiQL URLs,
 * prefixes their log lines, and stops them all on Ctrl-C (SIGINT) or SIGTERM.
 * Other flags: --difficulty <bits> (default 16), --mine (every node mines), --data-dir <path> (default ./data/devnet).
 * The same as `node-cli devnet`; the logic lives in src/cli/devnet.ts.
 */
import { runDevnet } from '../src/cli/devnet.js';

await runDevnet(process.argv.slice(2), 'npm run devnet --');
