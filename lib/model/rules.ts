/**
 * Stable rule ids of spec issues, for `validate --json` and `validate --ignore`. A rule that
 * tags its issues (`issue.rule`) keeps its id; the others are named after the spec section they
 * check (`check-routes`, `check-cors`...), so an id never depends on a message's wording.
 *
 * Ids: `schema` (types, ranges, required fields), `unknown-key`, `unknown-reference`, `module-syntax`
 * (a TypeScript spec that does not compile), `placeholder` (a value an import invented),
 * `plan-unused` and `objective-notifies-nobody` (warnings), `openapi-<kind>` (import warnings: `openapi-id-renamed`...), and
 * `check-<section>` for the other cross-reference rules.
 */
import { formatIssue, type SpecIssue } from './errors';

/** The rule id of an issue. */
export function ruleOf(issue: SpecIssue): string {
  if (issue.rule) return issue.rule;
  const section = issue.path.find((p) => typeof p === 'string');
  return `check-${section ?? 'gateway'}`;
}

/** An issue as a CLI line, its rule id at the end (`... [plan-unused]`): the id `--ignore` and `ignoreWarnings` take. */
export function formatIssueWithRule(issue: SpecIssue): string {
  return `${formatIssue(issue)} [${ruleOf(issue)}]`;
}

/** The issues with their rule ids set. */
export function withRules<T extends SpecIssue>(issues: readonly T[]): (T & { rule: string })[] {
  return issues.map((i) => ({ ...i, rule: ruleOf(i) }));
}

/**
 * Drops the warnings whose rule is in `ignored`; errors are never dropped.
 * @param ignored rule ids (`--ignore`)
 */
export function withoutIgnored<T extends SpecIssue>(issues: readonly T[], ignored: ReadonlySet<string>): T[] {
  return issues.filter((i) => i.severity === 'error' || !ignored.has(ruleOf(i)));
}
