/**
 * Turns zod's issues into messages that say what is wrong and what is allowed, in the project's
 * own words, with the offending value where it helps.
 */
import type { z } from 'zod';
import type { SpecIssue } from './errors';

type ZodIssue = z.core.$ZodIssue;

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  if (s === undefined) return String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function describeType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${show(v)}`;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

/** ` (did you mean "x"?)` for the allowed key nearest to `key`, when one is near; else ''. */
export function didYouMean(key: string, allowed: readonly string[]): string {
  const lower = key.toLowerCase();
  let best: { k: string; d: number } | undefined;
  for (const k of allowed) {
    const d = k.toLowerCase() === lower ? 0 : distance(lower, k.toLowerCase());
    if (!best || d < best.d) best = { k, d };
  }
  return best && best.d <= Math.max(2, Math.floor(key.length / 3)) && best.d < key.length ? ` (did you mean ${JSON.stringify(best.k)}?)` : '';
}

type Def = { type: string; shape?: Record<string, z.ZodType>; innerType?: z.ZodType; element?: z.ZodType; valueType?: z.ZodType; options?: z.ZodType[]; in?: z.ZodType };
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/**
 * The keys an object schema allows at `path` inside `value`, walking optional, default, array,
 * record and union (the option whose shape fits the value best) wrappers.
 */
export function allowedKeysAt(schema: z.ZodType, value: unknown, path: readonly PropertyKey[]): string[] | undefined {
  const def = defOf(schema);
  switch (def.type) {
    case 'optional':
    case 'default':
    case 'nullable':
      return allowedKeysAt(def.innerType!, value, path);
    case 'pipe':
      return allowedKeysAt(def.in!, value, path);
    case 'object': {
      if (!path.length) return Object.keys(def.shape!);
      const [k, ...rest] = path;
      const next = def.shape![String(k)];
      return next && allowedKeysAt(next, (value as Record<string, unknown> | undefined)?.[String(k)], rest);
    }
    case 'array':
    case 'record': {
      if (!path.length) return undefined;
      const [k, ...rest] = path;
      return allowedKeysAt(def.type === 'array' ? def.element! : def.valueType!, (value as Record<string, unknown> | undefined)?.[String(k)], rest);
    }
    case 'union': {
      const fits = def.options!.map((o) => allowedKeysAt(o, value, path)).filter((x): x is string[] => Boolean(x));
      const have = path.length === 0 && value && typeof value === 'object' ? Object.keys(value) : [];
      const typed = (value as { type?: unknown } | undefined)?.type;
      const byType = def.options!.find((o) => {
        const d = defOf(o);
        const t = d.type === 'object' ? d.shape?.type : undefined;
        return t && (defOf(t) as { values?: unknown[] }).values?.includes(typed);
      });
      if (byType) return allowedKeysAt(byType, value, path);
      return fits.sort((a, b) => have.filter((h) => b.includes(h)).length - have.filter((h) => a.includes(h)).length)[0];
    }
    default:
      return undefined;
  }
}

/** One zod issue as one or more SpecIssues under `base`. */
export function fromZodIssue(issue: ZodIssue, base: readonly (string | number)[], schema?: z.ZodType, value?: unknown): SpecIssue[] {
  const path = [...base, ...(issue.path as (string | number)[])];
  const input = (issue as { input?: unknown }).input;
  const at = (message: string, p = path): SpecIssue => ({ path: p, message, severity: 'error', rule: 'schema' });
  switch (issue.code) {
    case 'invalid_type':
      // A schema-specific message (set with `error:`) says more than the generic one.
      if (!issue.message.startsWith('Invalid input')) return [at(issue.message)];
      if (input === undefined) return [at(`is required (${issue.expected})`)];
      return [at(`must be ${issue.expected === 'object' ? 'a mapping' : issue.expected === 'array' ? 'a list' : `a ${issue.expected}`}, got ${describeType(input)}`)];
    case 'too_big':
      if (issue.origin === 'array') return [at(`has ${(input as unknown[] | undefined)?.length ?? 'too many'} items; at most ${issue.maximum} allowed`)];
      if (issue.origin === 'string') return [at(`is too long; at most ${issue.maximum} characters allowed`)];
      return [at(`must be at most ${issue.maximum}${issue.inclusive === false ? ' (exclusive)' : ''} (got ${show(input)})`)];
    case 'too_small':
      if (issue.origin === 'array') return [at(issue.message.startsWith('Too small') ? `needs at least ${issue.minimum} item${Number(issue.minimum) === 1 ? '' : 's'}` : issue.message)];
      if (issue.origin === 'string') return [at(issue.message.startsWith('Too small') ? 'must not be empty' : issue.message)];
      return [at(`must be ${issue.inclusive === false ? 'greater than' : 'at least'} ${issue.minimum} (got ${show(input)})`)];
    case 'unrecognized_keys': {
      const allowed = schema ? (allowedKeysAt(schema, value, issue.path) ?? []) : [];
      return issue.keys.map((k) => at(`unknown key ${JSON.stringify(k)}${didYouMean(k, allowed)}; check its spelling or remove it${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ''}`, [...path, k]));
    }
    case 'invalid_value':
      return [at(`must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')} (got ${show(input)})`)];
    case 'invalid_union':
      if (issue.discriminator) {
        const opts = ((issue as { options?: unknown[] }).options ?? []).map((o) => JSON.stringify(o)).join(', ');
        const p = path[path.length - 1] === issue.discriminator ? path : [...path, issue.discriminator];
        const got = (input as Record<string, unknown> | undefined)?.[issue.discriminator] ?? input;
        return [at(`must be one of ${opts} (got ${show(got)})`, p)];
      }
      return [at(`${issue.message === 'Invalid input' ? 'has an unexpected shape' : issue.message} (got ${show(input)})`)];
    case 'invalid_key':
      return issue.issues.flatMap((i) => fromZodIssue(i, path).map((s) => ({ ...s, message: `key ${show(input)}: ${s.message}` })));
    case 'invalid_format':
      if (issue.message.startsWith('Invalid')) {
        return [at(`must be ${issue.format === 'url' ? 'an absolute URL' : `a valid ${issue.format}`} (got ${show(input)})`)];
      }
      return [at(`${issue.message} (got ${show(input)})`)];
    default:
      return [at(issue.message)];
  }
}
