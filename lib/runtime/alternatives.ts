/**
 * The decision for alternative credentials (`auth: [a, [b, c]]`), the one implementation that
 * the generated AWS authorizer and `anygate dev` (every profile) run; the Azure and Apigee
 * compilers emit the same rules as policy. docs/model.md ("Alternative credentials") states them:
 * every presented credential is checked and one failure refuses; then some alternative must be
 * complete; two API keys must be the same key. Dependency-free: it ships in the Lambda bundle.
 */

/** Why a request with alternatives is refused before any credential is verified. */
export type AlternativesRefusal = 'none-presented' | 'incomplete' | 'different-keys';

export type AlternativesPlan =
  | {
      readonly ok: true;
      /** Every authorizer whose credential the request presents: all must verify. */
      readonly check: readonly string[];
      /** Index of the first alternative whose credentials are all presented. */
      readonly alternative: number;
    }
  | { readonly ok: false; readonly reason: AlternativesRefusal };

/**
 * What to verify for a request. `presented(name)` says whether the request carries the
 * credential authorizer `name` reads (its header or query parameter, present and not empty);
 * `apiKeys` are the API key values the request presents, one per API key authorizer presented.
 * The caller then verifies every name in `check` and refuses on the first failure.
 */
export function planAlternatives(
  alternatives: readonly (readonly string[])[],
  presented: (name: string) => boolean,
  apiKeys: readonly string[] = [],
): AlternativesPlan {
  const check: string[] = [];
  for (const alt of alternatives) for (const n of alt) if (!check.includes(n) && presented(n)) check.push(n);
  if (check.length === 0) return { ok: false, reason: 'none-presented' };
  if (apiKeys.some((k) => k !== apiKeys[0])) return { ok: false, reason: 'different-keys' };
  const alternative = alternatives.findIndex((alt) => alt.every((n) => check.includes(n)));
  return alternative < 0 ? { ok: false, reason: 'incomplete' } : { ok: true, check, alternative };
}

/** Every distinct authorizer of a route's alternatives, in written order. */
export function alternativeAuthorizers(alternatives: readonly (readonly string[])[]): string[] {
  return [...new Set(alternatives.flat())];
}
