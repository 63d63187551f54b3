import { parseArgs } from 'node:util';
import { createNodeClient } from '../client/createNodeClient.js';
import { NodeClientError, NodeResponseError, NodeUnauthorizedError, NodeUnreachableError } from '../client/errors.js';
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

/** The commands that talk to a running node (start and devnet run nodes; main.ts dispatches those). */
const COMMANDS: Readonly<Record<string, CliCommand>> = {
  wallet: walletCommand,
  send: sendCommand,
  mine: mineCommand,
  chain: chainCommand,
  peers: peersCommand,
  resolve: resolveCommand,
};

export const DEFAULT_NODE_URL = 'http://127.0.0.1:4000/graphql';
const DEFAULT_TIMEOUT_MS = 35_000;

export const CLI_HELP = `Usage: node-cli <command> [arguments] [flags]
Commands:
  start [flags]                  start a node (also when the first argument is a flag, or there is none;
                                 \`node-cli start --help\` lists the node flags)
  devnet [flags]                 start N nodes in a mesh on consecutive ports
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
Client commands take --node <url> (default ${DEFAULT_NODE_URL}), --token <admin token> (or NODE_ADMIN_TOKEN),
--json and --timeout <ms>. Exit codes: 0 ok, 1 refused by the node, 2 usage error, 3 node unreachable.`;

const COMMON_FLAGS = {
  node: { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

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
  const command = COMMANDS[name];
  try {
    if (command === undefined) {
      throw new UsageError(`unknown command "${name}"; commands: start, devnet, ${Object.keys(COMMANDS).join(', ')}, help`);
    }
    let parsed;
    try {
      parsed = parseArgs({ args: [...argv], strict: true, allowPositionals: true, options: { ...COMMON_FLAGS, ...command.flags } });
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
      timeoutMs: readInteger('--timeout', (values['timeout'] as string | undefined) ?? String(DEFAULT_TIMEOUT_MS), 1, 3_600_000),
    };
    const client = createNodeClient(common.nodeUrl, {
      timeoutMs: common.timeoutMs,
      ...(common.token === undefined ? {} : { adminToken: common.token }),
    });
    await command.run({ positionals, flags: values as Record<string, string | boolean | undefined>, common, out, client, env });
    return EXIT_CODES.ok;
  } catch (error) {
    return reportFailure(error, command === undefined ? undefined : name, out);
  }
}

function showHelp(argv: readonly string[], out: CliOutput): number {
  const topic = argv.find((arg) => !arg.startsWith('-'));
  if (topic === undefined) {
    out.text(CLI_HELP);
    return EXIT_CODES.ok;
  }
  const command = COMMANDS[topic];
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

/** Prints why a command failed and returns its exit code. */
function reportFailure(error: unknown, name: string | undefined, out: CliOutput): number {
  if (error instanceof UsageError) {
    const hint = name === undefined ? 'Run "node-cli help" for the commands.' : `Run "node-cli ${name} --help" for usage.`;
    out.failure({ code: 'USAGE', message: error.message, exitCode: EXIT_CODES.usage }, `error: ${error.message}\n${hint}`);
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
    out.failure({ code: 'UNREACHABLE', message: error.message, exitCode: EXIT_CODES.unreachable }, `error: ${error.message}`);
    return EXIT_CODES.unreachable;
  }
  if (error instanceof NodeResponseError) {
    // Something answers at --node, but not a node's API (a web page, another service): no node is reachable there.
    out.failure({ code: 'NOT_A_NODE', message: error.message, exitCode: EXIT_CODES.unreachable }, `error: ${error.message} (is --node the node's /graphql URL?)`);
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
