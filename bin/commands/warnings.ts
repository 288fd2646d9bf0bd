/**
 * Warnings, grouped: the same message about many places prints once with a count and the first
 * few places; `--verbose` lists every one.
 */
import { splitTargetWarning } from '../../lib/capabilities/warnings';
import { formatSpecPath, type SpecIssue } from '../../lib/model/errors';
import { plural } from './context';

const SHOWN = 3;

export interface Warning {
  /** Where: a file position, a spec path, a route; '' when the message names no place. */
  readonly where: string;
  readonly what: string;
  /** The rule id `ignoreWarnings` and `--ignore` take, printed last (`[aws-stage-quota]`). @default - none printed */
  readonly rule?: string;
}

export function fromIssue(i: SpecIssue): Warning {
  const where: string[] = [];
  if (i.file) where.push(i.line ? `${i.file}:${i.line}:${i.column ?? 1}` : i.file);
  if (i.path.length || !i.file) where.push(formatSpecPath(i.path));
  return { where: where.join(': '), what: i.message };
}

/** A target warning such as `route createPet: ... [rule-id]` split at its place, its rule id apart. */
export function fromText(text: string): Warning {
  const { message: w, rule } = splitTargetWarning(text);
  const m = /^((?:route|operation|policy|consumer|stage|backend|authorizer|plan|domain) [^\s:]+): (.+)$/s.exec(w);
  return m ? { where: m[1]!, what: m[2]!, rule } : { where: '', what: w, rule };
}

export function groupWarnings(warnings: readonly Warning[], verbose: boolean): string[] {
  const seen = new Set<string>();
  const groups = new Map<string, { what: string; rule?: string; places: string[] }>();
  for (const w of warnings) {
    const key = `${w.where}\0${w.what}\0${w.rule ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const group = verbose || !w.where ? key : `${w.what}\0${w.rule ?? ''}`;
    const g = groups.get(group) ?? { what: w.what, rule: w.rule, places: [] };
    g.places.push(w.where);
    groups.set(group, g);
  }
  const out: string[] = [];
  for (const { what, rule, places } of groups.values()) {
    const tag = rule ? ` [${rule}]` : '';
    if (places.length === 1) out.push(places[0] ? `${places[0]}: ${what}${tag}` : `${what}${tag}`);
    else {
      const more = places.length > SHOWN ? `, and ${places.length - SHOWN} more` : '';
      out.push(`${what} (${plural(places.length, 'place')}: ${places.slice(0, SHOWN).join(', ')}${more}; --verbose lists all)${tag}`);
    }
  }
  return out;
}
