import type { NodeRefusal } from '../client/result.js';

/** The CLI's exit codes (a contract for scripts): what went wrong decides the code, not where. */
export const EXIT_CODES = {
  /** The command did what was asked. */
  ok: 0,
  /** The node refused: a typed error result (printed with its code), a missing admin token, a malformed request. */
  refused: 1,
  /** The command line is wrong: unknown command or flag, or an argument that breaks its rule (named). */
  usage: 2,
  /**
   * No node could be reached: nothing listens, the connection broke, no answer came in time, or what answers at the
   * URL is not a node's GraphQL API.
   */
  unreachable: 3,
} as const;

/** A command line that cannot run: the message names the argument and the rule. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The node's typed refusal of a mutation, raised by a command so the CLI prints it and exits 1. */
export class RefusedError extends Error {
  override readonly name = 'RefusedError';
  readonly code: string;
  readonly field: string | undefined;

  constructor(refusal: NodeRefusal) {
    super(refusal.message);
    this.code = refusal.code;
    this.field = refusal.field;
  }
}
