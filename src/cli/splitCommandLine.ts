/**
 * How `node-cli` reads its command line before it loads anything: which part runs (a node, a devnet or a client
 * command) and with which arguments. As in git or kubectl, the common client options may come before the command.
 * Pure: no I/O and no imports, so main.ts can call it first and a unit test can call it without a process.
 */

/** The commands that talk to a running node (src/cli/runCommand.ts runs them). */
export const CLIENT_COMMANDS = ['wallet', 'send', 'mine', 'chain', 'peers', 'resolve', 'help'] as const;

/** The name of a client command. */
export type ClientCommandName = (typeof CLIENT_COMMANDS)[number];

/** What a command line asks for. */
export type CommandLine =
  /** Start a node with these flags (src/cli/startNode.ts). */
  | { readonly kind: 'start'; readonly args: readonly string[] }
  /** Start a devnet with these flags (src/cli/devnet.ts). */
  | { readonly kind: 'devnet'; readonly args: readonly string[] }
  /** Run a client command; `args` are the options given before it followed by the arguments after it. */
  | { readonly kind: 'client'; readonly command: ClientCommandName; readonly args: readonly string[] }
  /** The command line cannot run (exit 2); the message names the argument and the rule. */
  | { readonly kind: 'usage'; readonly message: string };

/** The common options of the client commands, the only flags that may come before a command: name → value shown. */
const LEADING_OPTIONS: ReadonlyMap<string, string | null> = new Map([
  ['--node', '<url>'],
  ['--token', '<admin token>'],
  ['--json', null],
  ['--timeout', '<ms>'],
]);

const COMMAND_LIST = `start, devnet, ${CLIENT_COMMANDS.join(', ')}`;
const CLIENT_COMMAND_LIST = CLIENT_COMMANDS.join(', ');

/**
 * Splits `node-cli`'s arguments into the part to run (start, devnet, a client command or a usage error) and its
 * arguments.
 */
export function splitCommandLine(argv: readonly string[]): CommandLine {
  // A usage error is returned, not thrown, so main.ts prints it the way the client commands print theirs.
  const [first] = argv;
  // Empty, `start ...` and `devnet ...`: exactly as `npm start -- [flags]` and `node-cli devnet` always have been.
  if (first === undefined) return { kind: 'start', args: [] };
  if (first === 'start') return { kind: 'start', args: argv.slice(1) };
  if (first === 'devnet') return { kind: 'devnet', args: argv.slice(1) };

  // Walk the leading common options (with their values); they are passed to the command in front of its own
  // arguments, so one also given after the command wins (a repeated flag keeps its last value).
  const leading: string[] = [];
  let firstOption: string | undefined;
  let index = 0;
  for (; index < argv.length; index++) {
    const arg = argv[index]!;
    if (!arg.startsWith('-')) break;
    if (arg === '--help' || arg === '-h') {
      // Help before a command: the full help, or the help of the command named right after it.
      const topic = argv[index + 1];
      return {
        kind: 'client',
        command: 'help',
        args: [...leading, ...(topic !== undefined && !topic.startsWith('-') ? [topic] : [])],
      };
    }
    const equals = arg.indexOf('=');
    const name = equals === -1 ? arg : arg.slice(0, equals);
    const value = LEADING_OPTIONS.get(name);
    if (value === undefined) {
      // Any other flag first: the whole command line is the node's start flags (the `npm start -- --port` contract).
      if (firstOption === undefined) return { kind: 'start', args: argv };
      return usage(
        `only the common options (${[...LEADING_OPTIONS.keys()].join(', ')}) may come before the command, ` +
          `got ${arg} after ${firstOption}; ` +
          `name a command first, e.g. node-cli ${example(firstOption)} <command> ${arg}`,
      );
    }
    if (value === null) {
      if (equals !== -1) return usage(`${name} takes no value, got "${arg}"`);
      leading.push(arg);
    } else if (equals !== -1) {
      if (equals === arg.length - 1) return usage(missingValue(name, value));
      leading.push(arg);
    } else {
      // A following flag is not a value (as parseArgs decides after the command): `--timeout --json` lacks one.
      const next = argv[index + 1];
      if (next === undefined || next.startsWith('-')) return usage(missingValue(name, value));
      leading.push(arg, next);
      index++;
    }
    firstOption ??= name;
  }

  const word = argv[index];
  if (word !== undefined && isClientCommand(word)) {
    return { kind: 'client', command: word, args: [...leading, ...argv.slice(index + 1)] };
  }
  if (firstOption === undefined) return usage(`unknown command "${word}"; commands: ${COMMAND_LIST}`);
  // Common options followed by nothing, by start/devnet or by an unknown word: never a node start.
  const rule = `${firstOption} is an option of the client commands (${CLIENT_COMMAND_LIST})`;
  const hint = `name a command after it, e.g. node-cli ${example(firstOption)} chain`;
  if (word === undefined) return usage(`${rule}; ${hint}`);
  if (word === 'start' || word === 'devnet')
    return usage(`${rule}, not of ${word}; ${hint}, or write node-cli ${word} [flags]`);
  return usage(`unknown command "${word}": ${rule}; ${hint}`);
}

function isClientCommand(word: string): word is ClientCommandName {
  return (CLIENT_COMMANDS as readonly string[]).includes(word);
}

function example(option: string): string {
  const value = LEADING_OPTIONS.get(option);
  return value === null || value === undefined ? option : `${option} ${value}`;
}

function missingValue(name: string, value: string): string {
  return `${name} needs a value: ${name} ${value} (a value that starts with "-" is written ${name}=<value>)`;
}

function usage(message: string): CommandLine {
  return { kind: 'usage', message };
}
