/**
 * Errors a person can act on: every issue names where it is (spec path, and file:line:column
 * when the spec came from a file), what is wrong and what is allowed.
 */

import type { FeatureId } from '../capabilities/features';
import { specFieldOf } from '../capabilities/spec-fields';

/** A location-bearing problem found in a spec. */
export interface SpecIssue {
  /** Path inside the spec, e.g. `['routes', 3, 'cache', 'ttlSeconds']`. */
  readonly path: readonly (string | number)[];
  /** What is wrong and what to do. */
  readonly message: string;
  /** `error` fails validation or synthesis; `warning` is reported and does not. */
  readonly severity: 'error' | 'warning';
  /** Source file, when the spec came from one. */
  readonly file?: string;
  /** 1-based line in `file`. */
  readonly line?: number;
  /** 1-based column in `file`. */
  readonly column?: number;
  /**
   * The stable id of the rule that found the issue (`unknown-reference`, `plan-unused`, ...), for
   * `validate --json` and `validate --ignore`. @default - see ruleOf in rules.ts
   */
  readonly rule?: string;
}

/** Renders a spec path the way users write it: `routes[3].cache.ttlSeconds`. */
export function formatSpecPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(p)) out += out ? `.${p}` : p;
    else out += `[${JSON.stringify(p)}]`;
  }
  return out || '(root)';
}

/** One line per issue: `file:line:col: routes[3].cache.ttlSeconds: message`. */
export function formatIssue(issue: SpecIssue): string {
  const where: string[] = [];
  if (issue.file) where.push(issue.line ? `${issue.file}:${issue.line}:${issue.column ?? 1}` : issue.file);
  // A file position alone (an OpenAPI pointer, say) needs no "(root)" after it.
  if (issue.path.length || !issue.file) where.push(formatSpecPath(issue.path));
  const tag = issue.severity === 'warning' ? 'warning: ' : '';
  return `${where.join(': ')}: ${tag}${issue.message}`;
}

/** Base class of every error anygate raises on purpose; the CLI prints these without a stack. */
export class AnygateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A spec failed validation. Holds every issue found, not only the first. */
export class SpecValidationError extends AnygateError {
  readonly issues: readonly SpecIssue[];
  constructor(issues: readonly SpecIssue[]) {
    const errors = issues.filter((i) => i.severity === 'error');
    super(
      `the gateway spec has ${errors.length} error${errors.length === 1 ? '' : 's'}:\n` +
        errors.map((i) => `  ${formatIssue(i)}`).join('\n'),
    );
    this.issues = issues;
  }
}

/**
 * A target cannot synthesize what the spec asks for. Names the target, the feature and where
 * (route id or gateway) so the fix is obvious.
 */
export class SynthesisError extends AnygateError {
  readonly problems: readonly SynthesisProblem[];
  constructor(target: string, problems: readonly SynthesisProblem[]) {
    super(
      `${target}: cannot synthesize (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  ${formatProblem(p)}`).join('\n'),
    );
    this.problems = problems;
  }
}

/** One reason a target refuses a spec. */
export interface SynthesisProblem {
  /** Target and tier, e.g. `aws`, `azure (Consumption)`. */
  readonly target: string;
  /** Route id, or `gateway` for gateway-level features. */
  readonly where: string;
  /** The capability record's feature, e.g. `backend.weighted` (a closed union: lib/capabilities/features.ts). */
  readonly feature: FeatureId;
  /** What is wrong and what to do. */
  readonly message: string;
  /**
   * The spec path of the refused entry, when a gateway-level problem is about one entry of a list
   * (`['observability', 'objectives', 1]`): where the CLI places it. @default - the feature's field
   */
  readonly path?: readonly (string | number)[];
}

export function formatProblem(p: SynthesisProblem): string {
  const where = p.where === 'gateway' ? 'gateway' : `route ${p.where}`;
  return `${where}: ${specFieldOf(p.feature)} on ${p.target}: ${p.message}`;
}

/**
 * The problem with its route's method and path beside the route id (`post-items (POST /items)`):
 * what a path refusal is about. Gateway-level problems and unknown ids are returned as they are.
 */
export function withRouteShape(p: SynthesisProblem, routes: readonly { readonly id: string; readonly method: string; readonly path: string }[]): SynthesisProblem {
  const r = p.where === 'gateway' ? undefined : routes.find((x) => x.id === p.where);
  return r ? { ...p, where: `${p.where} (${r.method} ${r.path})` } : p;
}

/**
 * A target's refusal as one error among the spec's own, so a command reports model errors,
 * placeholders and every target's refusals in one round (rule id `target-refusal`).
 */
export function refusalIssue(p: SynthesisProblem, file?: string): SpecIssue {
  return { path: [], ...(file ? { file } : {}), severity: 'error', rule: 'target-refusal', message: formatProblem(p) };
}

/** The list without repeats (compared as JSON), in first-seen order. */
export function uniqueByJson<T>(list: readonly T[]): T[] {
  const seen = new Set<string>();
  return list.filter((x) => {
    const k = JSON.stringify(x);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The problems without repeats, in first-seen order. */
export const dedupeProblems = (list: readonly SynthesisProblem[]): SynthesisProblem[] => uniqueByJson(list);
