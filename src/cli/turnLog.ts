/** A log whose lines are written together once per event-loop turn. */
export interface TurnLog {
  /** Queues one line (a newline is added). */
  line(text: string): void;
  /** Writes the queued lines now (before the process exits). */
  flush(): void;
}

/**
 * Gathers the log lines of one event-loop turn and writes them with one call once the turn ends. Writes to a pipe or
 * a file are synchronous in Node: with one write per line, the `transaction.accepted` lines of thousands of transfers a
 * second took a tenth of the main thread in bench:load's profile. Lines keep their order; `flush` writes what is
 * queued at once (the node calls it on exit, so no line is lost).
 */
export function createTurnLog(
  write: (text: string) => void,
  schedule: (callback: () => void) => void = setImmediate,
): TurnLog {
  let queued = '';
  const flush = () => {
    if (queued === '') return;
    const text = queued;
    queued = '';
    write(text);
  };
  return {
    line(text) {
      if (queued === '') schedule(flush);
      queued += `${text}\n`;
    },
    flush,
  };
}
