import { parseArgs } from 'node:util';
import { createNodeClient } from '../client/createNodeClient.js';
import { NodeClientError, NodeResponseError, NodeUnauthorizedError, NodeUnreachableError } from '../client/errors.js';
import { USAGE as START_USAGE } from '../node/config.js';
import { readInteger, readNodeUrl } from './argumentRules.js';
import type { CliCommand, CommonOptions } from './cliCommand.js';
import { EXIT_CODES, RefusedError, UsageError } from './cliErrors.js';
import { CliOutput } from './cliOutput.js';
import { chainCommand } from './commands/chainCommand.js';
import { mineCommand } from './commands/mineCommand.js';
import { peersCommand } from './commands/peersCommand.js';
import { resolveCommand } from './commands/resolveCommand.js';
import { sendCommand } from './commands/sendCommand.js';
import { walletCommand } from './commands/walletCommand.js';
import type { ClientCommandName } from './splitCommandLine.js';

/**
 * The commands that talk to a running node (start and devnet run nodes; main.ts dispatches those). `satisfies` keeps
 * this table and the names splitCommandLine.ts accepts the same set.
 */
const COMMANDS = {
  wallet: walletCommand,
  send: sendCommand,
  mine: mineCommand,
  chain: chainCommand,
  peers: peersCommand,
  resolve: resolveCommand,
} as const satisfies Record<Exclude<ClientCommandName, 'help'>, CliCommand>;

/** The client command called `name`, if there is one (an own key: `toString` is not a command). */
function findCommand(name: string): CliCommand | undefined {
  return Object.hasOwn(COMMANDS, name) ? COMMANDS[name as keyof typeof COMMANDS] : undefined;
}

export const DEFAULT_NODE_URL = 'http://127.0.0.1:4000/graphql';
const DEFAULT_TIMEOUT_MS = 35_000;

export const CLI_HELP = `Usage: node-cli [common flags] <command> [arguments] [flags]
Commands:
  start [flags]                  start a node (also when the first argument is a start flag, or there is none;
                                 the start flags are listed below)
  devnet [flags]                 start N nodes in a mesh on consecutive ports (\`node-cli devnet --help\`)
${Object.entries({
  'wallet new|address|balance': walletCommand,
  'send <recipient> <amount>': sendCommand,
  mine: mineCommand,
  chain: chainCommand,
  'peers list|add|remove': peersCommand,
  resolve: resolveCommand,
})
  .map(([usage, command]) => `  ${usage.padEnd(31)}${command.summary}`)
  .join('\n')}
  help [command]                 show this text, or a command's
Common flags of the client commands: --node <url> (default ${DEFAULT_NODE_URL}), --token <admin token>
(or NODE_ADMIN_TOKEN), --json and --timeout <ms>. They go before or after the command: \`node-cli --node <url> chain\`
is \`node-cli chain --node <url>\`; given in both places, the one after the command wins. Other flags go after it.
Exit codes: 0 ok, 1 refused by the node, 2 usage error, 3 node unreachable.`;

/** `node-cli help` and `node-cli --help` (also `npm start -- --help`): the commands first, then the start flags. */
const FULL_HELP = `${CLI_HELP}

Start flags (node-cli start [flags], npm start -- [flags], or node-cli [flags] when the first flag is one of these):
${START_USAGE.slice(START_USAGE.indexOf('\n') + 1)}`;

const COMMON_FLAGS = {
  node: { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** A command's arguments as node:util reads them, with the common flags (throws for an unknown flag). */
function parseCommandLine(argv: readonly string[], flags: CliCommand['flags']) {
  return parseArgs({ args: [...argv], strict: true, allowPositionals: true, options: { ...COMMON_FLAGS, ...flags } });
}

/**
 * Runs a client command (`wallet`, `send`, `mine`, `chain`, `peers`, `resolve`, `help`) and returns its exit code:
 * 0 ok, 1 the node refused, 2 a usage error, 3 the node is unreachable. Output goes through CliOutput.
 */
export async function runCommand(
  name: string,
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  out: CliOutput = new CliOutput(argv.includes('--json')),
): Promise<number> {
  if (name === 'help' || name === '--help' || name === '-h') return showHelp(argv, out);
  const command = findCommand(name);
  try {
    if (command === undefined) {
      throw new UsageError(
        `unknown command "${name}"; commands: start, devnet, ${Object.keys(COMMANDS).join(', ')}, help`,
      );
    }
    let parsed: ReturnType<typeof parseCommandLine>;
    try {
      parsed = parseCommandLine(argv, command.flags);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const { values, positionals } = parsed;
    if (values['help'] === true) {
      out.text(command.help);
      return EXIT_CODES.ok;
    }
    const common: CommonOptions = {
      nodeUrl: readNodeUrl((values['node'] as string | undefined) ?? DEFAULT_NODE_URL),
      token: (values['token'] as string | undefined) ?? (env['NODE_ADMIN_TOKEN'] || undefined),
      json: values['json'] === true,
      timeoutMs: readInteger(
        '--timeout',
        (values['timeout'] as string | undefined) ?? String(DEFAULT_TIMEOUT_MS),
        1,
        3_600_000,
      ),
    };
    const client = createNodeClient(common.nodeUrl, {
      timeoutMs: common.timeoutMs,
      ...(common.token === undefined ? {} : { adminToken: common.token }),
    });
    await command.run({
      positionals,
      flags: values as Record<string, string | boolean | undefined>,
      common,
      out,
      client,
      env,
    });
    return EXIT_CODES.ok;
  } catch (error) {
    return reportFailure(error, command === undefined ? undefined : name, out);
  }
}

function showHelp(argv: readonly string[], out: CliOutput): number {
  // The topic is the first argument that is not a flag or a common flag's value (`help --node <url> chain`: chain).
  const { positionals } = parseArgs({ args: [...argv], strict: false, allowPositionals: true, options: COMMON_FLAGS });
  const [topic] = positionals;
  if (topic === undefined) {
    out.text(FULL_HELP);
    return EXIT_CODES.ok;
  }
  const command = findCommand(topic);
  if (command === undefined) {
    if (topic === 'start' || topic === 'devnet') {
      out.text(`Run \`node-cli ${topic} --help\`.`);
      return EXIT_CODES.ok;
    }
    return reportFailure(new UsageError(`unknown command "${topic}"`), undefined, out);
  }
  out.text(command.help);
  return EXIT_CODES.ok;
}

/**
 * Prints a usage error found before any command ran (src/cli/splitCommandLine.ts), as JSON too when `argv` has
 * `--json`, and returns exit code 2.
 */
export function reportUsageError(
  message: string,
  argv: readonly string[],
  out: CliOutput = new CliOutput(argv.includes('--json')),
): number {
  return reportFailure(new UsageError(message), undefined, out);
}

/** Prints why a command failed and returns its exit code. */
function reportFailure(error: unknown, name: string | undefined, out: CliOutput): number {
  if (error instanceof UsageError) {
    const hint =
      name === undefined ? 'Run "node-cli help" for the commands.' : `Run "node-cli ${name} --help" for usage.`;
    out.failure(
      { code: 'USAGE', message: error.message, exitCode: EXIT_CODES.usage },
      `error: ${error.message}\n${hint}`,
    );
    return EXIT_CODES.usage;
  }
  if (error instanceof RefusedError) {
    const field = error.field === undefined ? {} : { field: error.field };
    out.failure(
      { code: error.code, message: error.message, ...field, exitCode: EXIT_CODES.refused },
      `refused: ${error.code}: ${error.message}${error.field === undefined ? '' : ` (field ${error.field})`}`,
    );
    return EXIT_CODES.refused;
  }
  if (error instanceof NodeUnreachableError) {
    out.failure(
      { code: 'UNREACHABLE', message: error.message, exitCode: EXIT_CODES.unreachable },
      `error: ${error.message}`,
    );
    return EXIT_CODES.unreachable;
  }
  if (error instanceof NodeResponseError) {
    // Something answers at --node, but not a node's API (a web page, another service): no node is reachable there.
    out.failure(
      { code: 'NOT_A_NODE', message: error.message, exitCode: EXIT_CODES.unreachable },
      `error: ${error.message} (is --node the node's /graphql URL?)`,
    );
    return EXIT_CODES.unreachable;
  }
  if (error instanceof NodeUnauthorizedError) {
    out.failure(
      { code: error.code, message: error.message, exitCode: EXIT_CODES.refused },
      `refused: ${error.code}: ${error.message} (pass --token <admin token> or set NODE_ADMIN_TOKEN)`,
    );
    return EXIT_CODES.refused;
  }
  if (error instanceof NodeClientError) {
    const code = 'code' in error && typeof error.code === 'string' ? error.code : 'BAD_RESPONSE';
    out.failure({ code, message: error.message, exitCode: EXIT_CODES.refused }, `refused: ${code}: ${error.message}`);
    return EXIT_CODES.refused;
  }
  const message = error instanceof Error ? error.message : String(error);
  // Not a refusal the CLI knows: show where it came from.
  const detail = error instanceof Error ? (error.stack ?? message) : message;
  out.failure({ code: 'FAILED', message, exitCode: EXIT_CODES.refused }, `error: ${detail}`);
  return EXIT_CODES.refused;
}
