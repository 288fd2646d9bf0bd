/**
 * The dev gateway's clock: wall time, or a virtual clock that only moves when told
 * (`POST /__anygate/clock`), so tests of windows, TTLs and token expiry never wait.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  readonly virtual: boolean;
  /** Moves a virtual clock forward; refused on the wall clock. */
  advance(seconds: number): void;
}

export function wallClock(): Clock {
  return {
    now: () => Date.now(),
    virtual: false,
    advance: () => {
      throw new Error('the clock is the wall clock; start anygate dev with --clock virtual to move it');
    },
  };
}

/** A virtual clock starting at `startMs` (default: the wall time when it is created). */
export function virtualClock(startMs: number = Date.now()): Clock {
  let t = startMs;
  return {
    now: () => t,
    virtual: true,
    advance: (seconds: number) => {
      if (!Number.isFinite(seconds) || seconds < 0) throw new Error('advanceSeconds must be a number >= 0');
      t += seconds * 1000;
    },
  };
}
