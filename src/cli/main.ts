/**
 * The command line. `node-cli [common flags] <command> [arguments] [flags]`, split by src/cli/splitCommandLine.ts:
 * - `start [flags]` starts a node; so does a command line that begins with a start flag or is empty, exactly as
 *   `npm start -- [flags]` always has (a public contract; src/cli/startNode.ts);
 * - `devnet [flags]` starts a mesh of node processes (src/cli/devnet.ts, also `npm run devnet`);
 * - `wallet`, `send`, `mine`, `chain`, `peers`, `resolve` and `help` talk to a running node through the typed client
 *   (src/cli/runCommand.ts) and exit 0 ok, 1 refused by the node, 2 usage error, 3 node unreachable. Their common
 *   flags (--node, --token, --json, --timeout) may come before the command too; `--help` first is `help`.
 * Each part is imported only when used, so a client command does not load the node's database or miner.
 */
import { splitCommandLine } from './splitCommandLine.js';

const argv = process.argv.slice(2);
const line = splitCommandLine(argv);

if (line.kind === 'start') {
  const { runStart } = await import('./startNode.js');
  runStart(line.args);
} else if (line.kind === 'devnet') {
  const { runDevnet } = await import('./devnet.js');
  await runDevnet(line.args, 'node-cli devnet');
} else {
  const { reportUsageError, runCommand } = await import('./runCommand.js');
  const code = line.kind === 'client' ? await runCommand(line.command, line.args, process.env) : reportUsageError(line.message, argv);
  // Let stdout drain (a pipe may be asynchronous), then exit even if an idle keep-alive socket lingers.
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  process.exit(code);
}
