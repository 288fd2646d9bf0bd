/** Where a command writes a spec or document (`--out`, or stdout) and in which format; shared by import and adopt. */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { UsageError, type Io } from './context';

export function writeOut(out: string | undefined, text: string, io: Io): void {
  if (!out) {
    io.out(text);
    return;
  }
  mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  writeFileSync(out, text);
  io.err(`wrote ${out}\n`);
}

/**
 * The format `--out` names by its extension: `.json` JSON, `.yaml`/`.yml` YAML; stdout (no file) is
 * YAML. Any other extension is refused before anything is read, since anygate could not load the
 * file it would write.
 */
export function specFormat(out: string | undefined): 'json' | 'yaml' {
  if (out === undefined) return 'yaml';
  const ext = path.extname(out).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  throw new UsageError(`--out ${out}: the extension ${ext ? `"${ext}"` : '(none)'} names no spec format; use .yaml or .yml (YAML) or .json (JSON)`);
}
