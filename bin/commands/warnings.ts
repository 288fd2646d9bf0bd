/**
 * Warnings, grouped: the same message about many places prints once with a count and the first
 * few places; `--verbose` lists every one.
 */
import { formatSpecPath, type SpecIssue } from '../../lib/model/errors';
import { plural } from './context';

const SHOWN = 3;

export interface Warning {
  /** Where: a file position, a spec path, a route; '' when the message names no place. */
  readonly where: string;
  readonly what: string;
}

export function fromIssue(i: SpecIssue): Warning {
  const where: string[] = [];
  if (i.file) where.push(i.line ? `${i.file}:${i.line}:${i.column ?? 1}` : i.file);
  if (i.path.length || !i.file) where.push(formatSpecPath(i.path));
  return { where: where.join(': '), what: i.message };
}

/** A compiler warning such as `route createPet: ...` split at its place. */
export function fromText(w: string): Warning {
  const m = /^((?:route|operation|policy|consumer|stage|backend|authorizer|plan) [^\s:]+): (.+)$/s.exec(w);
  return m ? { where: m[1]!, what: m[2]! } : { where: '', what: w };
}

export function groupWarnings(warnings: readonly Warning[], verbose: boolean): string[] {
  const seen = new Set<string>();
  const groups = new Map<string, string[]>();
  for (const w of warnings) {
    const key = `${w.where}\0${w.what}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (verbose || !w.where) groups.set(key, [w.where]);
    else groups.set(w.what, [...(groups.get(w.what) ?? []), w.where]);
  }
  const out: string[] = [];
  for (const [key, places] of groups) {
    const what = key.split('\0').pop()!;
    if (places.length === 1) out.push(places[0] ? `${places[0]}: ${what}` : what);
    else {
      const more = places.length > SHOWN ? `, and ${places.length - SHOWN} more` : '';
      out.push(`${what} (${plural(places.length, 'place')}: ${places.slice(0, SHOWN).join(', ')}${more}; --verbose lists all)`);
    }
  }
  return out;
}
