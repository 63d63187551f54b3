/** A module loaded off the start's path: at its first use, or `afterMs` after creation, whichever comes first. */
export interface LoadLater<T> {
  /** Starts the load, or joins the one under way, and resolves with its value. */
  get(): Promise<T>;
  /** The value once loaded; undefined until then. */
  readonly value: T | undefined;
  /** The load under way or done; undefined when none was started (or the last one failed). */
  readonly pending: Promise<T> | undefined;
  /** Stops the timer (the server is closing). */
  cancel(): void;
}

/**
 * Wraps `load` (a dynamic import and what is built from it) so it runs once: at the first `get()`, or `afterMs` after
 * this call, whichever comes first. A failed load is forgotten, so the next `get()` tries again (a chunk of dist/ can
 * be missing for a moment while `npm run build` swaps it in).
 */
export function loadLater<T>(load: () => Promise<T>, afterMs: number): LoadLater<T> {
  let value: T | undefined;
  let pending: Promise<T> | undefined;
  const get = (): Promise<T> => {
    pending ??= load().then(
      (loaded) => (value = loaded),
      (error: unknown) => {
        pending = undefined;
        throw error;
      },
    );
    return pending;
  };
  const timer = setTimeout(() => void get().catch(() => undefined), afterMs);
  timer.unref();
  return {
    get,
    get value() {
      return value;
    },
    get pending() {
      return pending;
    },
    cancel: () => clearTimeout(timer),
  };
}
