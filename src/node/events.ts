/** The listening side of an event hub: what code outside the node gets. */
export type EventSource<Events extends Record<string, unknown>> = Pick<EventHub<Events>, 'on' | 'listenerCount'>;

/** A minimal typed event hub: listeners per event name, each returning an unsubscribe function. */
export class EventHub<Events extends Record<string, unknown>> {
  readonly #listeners = new Map<keyof Events, Set<(payload: never) => void>>();

  /** Calls `listener` for every `event` until the returned function is called. */
  on<Name extends keyof Events>(event: Name, listener: (payload: Events[Name]) => void): () => void {
    let set = this.#listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as (payload: never) => void);
    return () => set.delete(listener as (payload: never) => void);
  }

  /** Delivers `payload` to every listener of `event`; a throwing listener does not stop the others. */
  emit<Name extends keyof Events>(event: Name, payload: Events[Name]): void {
    for (const listener of this.#listeners.get(event) ?? []) {
      try {
        (listener as (payload: Events[Name]) => void)(payload);
      } catch {
        // A listener's failure is its own (e.g. a closed subscription); the node's state is already committed.
      }
    }
  }

  /** Number of listeners of `event`. */
  listenerCount(event: keyof Events): number {
    return this.#listeners.get(event)?.size ?? 0;
  }
}
