/**
 * The command line, `node-cli [common flags] <command> [arguments] [flags]`: splitCommandLine.ts picks `start` (also
 * an empty line or one that begins with a start flag, as `npm start -- [flags]` always has), `devnet` or a client
 * command (runCommand.ts). Each part is imported only when used, so a client command loads no database or miner.
 */
import module from 'node:module';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { splitCommandLine } from './splitCommandLine.js';
import { findSourceNewerThanBuild } from './staleBuild.js';

// Node 22.1+ keeps V8's compiled code of the modules loaded from here on in a disk cache (os.tmpdir()), which
// measured 50–80 ms off a node's start under Node 24; older runtimes lack the function and start as before.
// NODE_DISABLE_COMPILE_CACHE=1 turns it off.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

// Built, this file is dist/cli/main.js; from source (tsx, tests) there is no build to be stale.
const stale = import.meta.url.endsWith('.ts')
  ? undefined
  : findSourceNewerThanBuild(fileURLToPath(new URL('../../', import.meta.url)));
if (stale !== undefined) {
  process.stderr.write(
    `warning: ${stale} changed after dist/ was built; this runs the old build. Run \`npm run build\`.\n`,
  );
}

const argv = process.argv.slice(2);
const line = splitCommandLine(argv);

if (line.kind === 'start') {
  // A node answers each request with code that V8 first runs in its interpreter (Ignition) and optimizes only after
  // hundreds of calls: a fresh node's first requests ran it there, a trivial query in ~3 ms and a `mine` at
  // difficulty 16 in ~11 ms against ~7 ms once warm (bench:mining, node processes serving 9 blocks each). Sparkplug,
  // V8's baseline compiler, turns bytecode into machine code in one fast pass; with --always-sparkplug every function
  // gets it at its first call, which took ~30% off those requests (and off mines) in the same runs. It is turned on
  // once the modules are loaded and the node and its schema built, just before the warm-up query: set before the
  // modules load, compiling every function of start-up too took a fresh node from ~0.55 s to ~0.73 s to its first
  // answer (bench:startup), for code that runs once.
  const { runStart } = await import('./startNode.js');
  runStart(line.args, () => v8.setFlagsFromString('--always-sparkplug'));
} else if (line.kind === 'devnet') {
  const { runDevnet } = await import('./devnet.js');
  await runDevnet(line.args, 'node-cli devnet');
} else {
  // A client command makes a request or two with fetch, whose HTTP parser (llhttp) is WebAssembly. V8 optimizes that
  // module in background threads, and the process waits for them: ~150 ms of a 0.4 s command under Node 20, for a
  // parser this process uses once. Compiling WebAssembly with the baseline compiler only skips that work. Safe to set
  // here: no WebAssembly has been compiled yet, and this process never mines.
  v8.setFlagsFromString('--liftoff-only');
  const { reportUsageError, runCommand } = await import('./runCommand.js');
  const code =
    line.kind === 'client'
      ? await runCommand(line.command, line.args, process.env)
      : reportUsageError(line.message, argv);
  // Let stdout drain (a pipe may be asynchronous), then exit even if an idle keep-alive socket lingers.
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  process.exit(code);
}
