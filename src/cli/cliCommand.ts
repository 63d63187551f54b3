import type { NodeClient } from '../client/createNodeClient.js';
import type { CliOutput } from './cliOutput.js';

/** The flags every client command takes. */
export interface CommonOptions {
  /** The node's GraphQL endpoint (`--node`, default http://127.0.0.1:4000/graphql). */
  readonly nodeUrl: string;
  /** The admin token (`--token`, or NODE_ADMIN_TOKEN). */
  readonly token: string | undefined;
  /** Machine output (`--json`). */
  readonly json: boolean;
  /** Longest a request may take, in ms (`--timeout`). */
  readonly timeoutMs: number;
}

/** What a command gets to run with. */
export interface CommandInput {
  /** Arguments after the command name that are not flags. */
  readonly positionals: readonly string[];
  /** The command's own flags (the common ones are in `common`). */
  readonly flags: Readonly<Record<string, string | boolean | undefined>>;
  readonly common: CommonOptions;
  readonly out: CliOutput;
  /** A typed client of `common.nodeUrl` with the token and timeout applied. */
  readonly client: NodeClient;
  /** The process environment (for defaults such as NODE_ADMIN_TOKEN). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** A subcommand of the CLI that talks to a node. */
export interface CliCommand {
  /** One line for the command list. */
  readonly summary: string;
  /** The `--help` text: usage line, what it does, its flags. */
  readonly help: string;
  /** Its own flags (`string` flags take a value). */
  readonly flags: Readonly<Record<string, { readonly type: 'string' | 'boolean' }>>;
  /** Does the work and prints the result. @throws {UsageError} {RefusedError} or a NodeClientError. */
  run(input: CommandInput): Promise<void>;
}

/** The help lines of the common flags, appended to every command's help. */
export const COMMON_FLAGS_HELP = `Common flags:
  --node <url>     the node's GraphQL endpoint: http(s)://host:port/graphql or host:port
                   (default http://127.0.0.1:4000/graphql)
  --token <t>      admin token for admin operations (default: NODE_ADMIN_TOKEN)
  --json           print one JSON object (with "ok") instead of text
  --timeout <ms>   longest a request may take (default 35000)
  --help           show this text
Exit codes: 0 ok, 1 refused by the node, 2 usage error, 3 node unreachable.`;
