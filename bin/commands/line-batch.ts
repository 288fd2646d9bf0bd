/**
 * Output written once per event-loop turn. On Linux, stdout to a file or a pipe is written
 * synchronously, so `anygate dev` writing one access-log line per request would make the proxy
 * wait on the terminal or the log collector under load. Lines are joined and written in one call
 * at the end of the turn; everything the command says goes through the same batch (errors flush
 * it first), so the order of lines across stdout and stderr is kept.
 */
export interface LineBatch {
  /** Queues `text` for stdout. */
  out(text: string): void;
  /** Writes what is queued, then `text` to stderr. */
  err(text: string): void;
  /** Writes what is queued now. */
  flush(): void;
}

/**
 * @param defer schedules the end-of-turn flush.
 * @default defer setImmediate
 */
export function lineBatch(io: { out: (s: string) => void; err: (s: string) => void }, defer: (f: () => void) => void = setImmediate): LineBatch {
  let queued: string[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (!queued.length) return;
    const text = queued.join('');
    queued = [];
    io.out(text);
  };
  return {
    out(text) {
      queued.push(text);
      if (!scheduled) {
        scheduled = true;
        defer(flush);
      }
    },
    err(text) {
      flush();
      io.err(text);
    },
    flush,
  };
}
