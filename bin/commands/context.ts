/**
 * What every command shares: the output streams, exit codes, usage errors, colour and the
 * `--verbose` switch. Kept free of heavy imports: `anygate --help` loads this and commander only.
 */
import type { Command } from 'commander';
import { createColors } from 'picocolors';
import { AnygateError } from '../../lib/model/errors';

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** A usage problem the parser cannot see (an unknown target name, say). */
export class UsageError extends AnygateError {}

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  /** Colour on stderr/stdout. @default - on when the stream is a TTY and NO_COLOR is unset */
  color?: boolean;
}

export type Colors = ReturnType<typeof createColors>;

/** What a command's action gets besides its arguments. */
export interface Context {
  readonly io: Io;
  readonly colors: Colors;
  /** Set by the global `--verbose` flag (read when an action runs, after parsing). */
  verbose(): boolean;
}

/** A command module: one file under bin/commands registers one command. */
export interface CommandModule {
  register(program: Command, ctx: Context, run: Runner): void;
}

/** Wraps an action so that its exit code reaches `main`. */
export type Runner = <A extends unknown[]>(f: (...args: A) => number | Promise<number>) => (...args: A) => Promise<void>;

/** Colour only on a terminal, never with NO_COLOR (https://no-color.org), always with FORCE_COLOR. */
export function colorWanted(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return !!stream.isTTY && env.TERM !== 'dumb';
}

/** `1 route`, `2 routes`; irregular plurals as the third argument. @default pluralForm - word + 's' */
export function plural(n: number, word: string, pluralForm: string = `${word}s`): string {
  return `${n} ${n === 1 ? word : pluralForm}`;
}
