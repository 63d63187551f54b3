/**
 * The command line. `node-cli <command> [arguments] [flags]`:
 * - `start [flags]` starts a node; so does a command line that begins with a flag or is empty, exactly as
 *   `npm start -- [flags]` always has (a public contract; src/cli/startNode.ts);
 * - `devnet [flags]` starts a mesh of node processes (src/cli/devnet.ts, also `npm run devnet`);
 * - `wallet`, `send`, `mine`, `chain`, `peers`, `resolve` and `help` talk to a running node through the typed client
 *   (src/cli/runCommand.ts) and exit 0 ok, 1 refused by the node, 2 usage error, 3 node unreachable.
 * Each part is imported only when used, so a client command does not load the node's database or miner.
 */
const argv = process.argv.slice(2);
const [first, ...rest] = argv;

if (first === undefined || first.startsWith('-') || first === 'start') {
  const { runStart } = await import('./startNode.js');
  runStart(first === 'start' ? rest : argv);
} else if (first === 'devnet') {
  const { runDevnet } = await import('./devnet.js');
  await runDevnet(rest, 'node-cli devnet');
} else {
  const { runCommand } = await import('./runCommand.js');
  const code = await runCommand(first, rest, process.env);
  // Let stdout drain (a pipe may be asynchronous), then exit even if an idle keep-alive socket lingers.
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  process.exit(code);
}
