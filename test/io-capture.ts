/**
 * A command's output captured in memory, and a wait for what it prints. The wait is woken by the
 * writes themselves, not by a timer: on a busy machine it takes as long as the command does, and
 * only the test's own timeout bounds it.
 */
export interface CapturedIo {
  readonly out: string[];
  readonly err: string[];
  /** The io a command writes to. */
  readonly io: { out: (s: string) => void; err: (s: string) => void };
  /**
   * Resolves once `pred` holds after a write. Rejects, naming `what`, when `ended` settles first
   * (the command stopped without printing it).
   */
  until(pred: () => boolean, what: string, ended?: Promise<unknown>): Promise<void>;
}

export function capturedIo(): CapturedIo {
  const out: string[] = [];
  const err: string[] = [];
  let waiters: (() => void)[] = [];
  const wake = () => {
    const woken = waiters;
    waiters = [];
    for (const w of woken) w();
  };
  return {
    out,
    err,
    io: {
      out: (s) => void (out.push(s), wake()),
      err: (s) => void (err.push(s), wake()),
    },
    async until(pred, what, ended) {
      let stopped = false;
      const gone = ended?.then(
        () => void (stopped = true),
        () => void (stopped = true),
      );
      while (!pred()) {
        if (stopped) throw new Error(`the command ended before ${what}; it printed:\n${[...out, ...err].join('')}`);
        await Promise.race([new Promise<void>((r) => waiters.push(r)), ...(gone ? [gone] : [])]);
      }
    },
  };
}
