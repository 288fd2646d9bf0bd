/**
 * The one safe-name rule for everything a user names (gateway, backends, authorizers, plans,
 * consumers, stages, route ids). It is the intersection of what the three clouds accept for the
 * resources these names end up in: Azure API Management resource ids (letters, digits, hyphens;
 * start with a letter; no trailing hyphen), Apigee policy, product and app names, and CDK
 * construct ids. Keeping one rule means a spec valid for one cloud is valid for all.
 */
export const SAFE_NAME_PATTERN = /^[A-Za-z](?:[A-Za-z0-9-]{0,46}[A-Za-z0-9])?$/;

/** Maximum length of a safe name. */
export const SAFE_NAME_MAX = 48;

/** Explains the safe-name rule in one sentence, for error messages and the JSON Schema. */
export const SAFE_NAME_RULE =
  '1-48 characters: letters, digits and hyphens, starting with a letter and not ending with a hyphen';

/** True when `name` satisfies the safe-name rule. */
export function isSafeName(name: string): boolean {
  return SAFE_NAME_PATTERN.test(name) && !name.includes('--');
}

/**
 * Turns any string into a safe name deterministically: used for route ids derived from
 * `METHOD /path` and for OpenAPI operationIds that do not satisfy the rule.
 */
export function toSafeName(raw: string, fallback = 'x'): string {
  let s = raw
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .replace(/-{2,}/g, '-');
  if (!/^[A-Za-z]/.test(s)) s = `${fallback}-${s}`.replace(/-+$/, '');
  if (s.length > SAFE_NAME_MAX) s = s.slice(0, SAFE_NAME_MAX).replace(/-+$/, '');
  return s;
}

/**
 * Makes `base` unique among `taken` by appending `-2`, `-3`, ... (truncating to stay within the
 * length limit). With ignoreCase, `taken` holds lower-case names. Deterministic for a given order.
 */
export function uniqueName(base: string, taken: Set<string>, ignoreCase = false): string {
  const has = (n: string) => taken.has(ignoreCase ? n.toLowerCase() : n);
  if (!has(base)) return base;
  for (let i = 2; ; i++) {
    const suffix = `-${i}`;
    const candidate = base.slice(0, SAFE_NAME_MAX - suffix.length).replace(/-+$/, '') + suffix;
    if (!has(candidate)) return candidate;
  }
}
