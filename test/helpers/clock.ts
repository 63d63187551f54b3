import { easyParams } from './params.js';

/** A clock that only moves when told to; `now` is a bound function, so it can be passed as a `() => number`. */
export interface FixedClock {
  /** The current time in ms. */
  readonly now: () => number;
  /** Moves the clock forward by `ms` (may be negative) and returns the new time. */
  advance(ms: number): number;
  /** Sets the clock to `ms`. */
  set(ms: number): void;
}

/** A default start for test clocks: one day after the test network's genesis, so many blocks fit before "now". */
export const DEFAULT_CLOCK_START = easyParams.genesisTimestamp + 86_400_000;

/** Creates a controllable clock starting at `start` ms. @throws {RangeError} when a time is not a safe integer. */
export function createFixedClock(start: number = DEFAULT_CLOCK_START): FixedClock {
  let current = checkTime(start);
  return {
    now: () => current,
    advance(ms: number): number {
      current = checkTime(current + ms);
      return current;
    },
    set(ms: number): void {
      current = checkTime(ms);
    },
  };
}

function checkTime(ms: number): number {
  if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError(`clock time must be a non-negative integer, got ${ms}`);
  return ms;
}
