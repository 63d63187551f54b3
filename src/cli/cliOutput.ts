/**
 * Where a command's output goes. The result goes to stdout: one JSON document with `--json` (always an object with
 * `ok`), human-readable lines otherwise. Progress and warnings go to stderr in both modes, so `--json` output stays
 * parseable while a long command shows it is working.
 */
export class CliOutput {
  readonly json: boolean;
  readonly #stdout: NodeJS.WritableStream;
  readonly #stderr: NodeJS.WritableStream;

  constructor(
    json: boolean,
    stdout: NodeJS.WritableStream = process.stdout,
    stderr: NodeJS.WritableStream = process.stderr,
  ) {
    this.json = json;
    this.#stdout = stdout;
    this.#stderr = stderr;
  }

  /** Prints the command's result: `data` as JSON (with `ok: true`), or `human` (lines, a trailing newline added). */
  result(data: Record<string, unknown>, human: string | readonly string[]): void {
    if (this.json) this.#stdout.write(`${JSON.stringify({ ok: true, ...data }, null, 2)}\n`);
    else this.#stdout.write(`${typeof human === 'string' ? human : human.join('\n')}\n`);
  }

  /** Prints a failure: as a JSON object on stdout with `--json`, and always as one line on stderr. */
  failure(
    data: { readonly code: string; readonly message: string; readonly field?: string; readonly exitCode: number },
    human: string,
  ): void {
    if (this.json) this.#stdout.write(`${JSON.stringify({ ok: false, ...data }, null, 2)}\n`);
    this.#stderr.write(`${human}\n`);
  }

  /** A progress or status line on stderr. */
  progress(line: string): void {
    this.#stderr.write(`${line}\n`);
  }

  /** Free text on stdout (help). */
  text(text: string): void {
    this.#stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }
}
