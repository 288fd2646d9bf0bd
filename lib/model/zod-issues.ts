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

/** One zod issue as one or more SpecIssues under `base`. */
export function fromZodIssue(issue: ZodIssue, base: readonly (string | number)[]): SpecIssue[] {
  const path = [...base, ...(issue.path as (string | number)[])];
  const input = (issue as { input?: unknown }).input;
  const at = (message: string, p = path): SpecIssue => ({ path: p, message, severity: 'error' });
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
    case 'unrecognized_keys':
      return issue.keys.map((k) => at(`unknown key ${JSON.stringify(k)}; check its spelling or remove it`, [...path, k]));
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
