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
      /** Every authorizer whose credential the request presents: all must verify (none: an anonymous caller). */
      readonly check: readonly string[];
      /** Index of the first alternative whose credentials are all presented; -1 for an anonymous caller. */
      readonly alternative: number;
    }
  | { readonly ok: false; readonly reason: AlternativesRefusal };

/**
 * What to verify for a request. `presented(name)` says whether the request carries the
 * credential authorizer `name` reads (its header or query parameter, present and not empty);
 * `apiKeys` are the API key values the request presents, one per API key authorizer presented.
 * `anonymous` is true on a route with optional authentication when the request carries none of
 * the route's credential places (see presence below): it is then let in with nothing to check.
 * The caller then verifies every name in `check` and refuses on the first failure.
 */
export function planAlternatives(
  alternatives: readonly (readonly string[])[],
  presented: (name: string) => boolean,
  apiKeys: readonly string[] = [],
  anonymous = false,
): AlternativesPlan {
  const check: string[] = [];
  for (const alt of alternatives) for (const n of alt) if (!check.includes(n) && presented(n)) check.push(n);
  // Optional authentication: nothing to check, and the request is let in as nobody (alternative -1).
  if (check.length === 0) return anonymous ? { ok: true, check, alternative: -1 } : { ok: false, reason: 'none-presented' };
  if (apiKeys.some((k) => k !== apiKeys[0])) return { ok: false, reason: 'different-keys' };
  const alternative = alternatives.findIndex((alt) => alt.every((n) => check.includes(n)));
  return alternative < 0 ? { ok: false, reason: 'incomplete' } : { ok: true, check, alternative };
}

/** Every distinct authorizer of a route's alternatives, in written order. */
export function alternativeAuthorizers(alternatives: readonly (readonly string[])[]): string[] {
  return [...new Set(alternatives.flat())];
}

/** Where an authorizer reads its credential: a place key (`header:authorization`) and the scheme its value starts with. */
export interface CredentialPlace {
  /** Equal for two authorizers exactly when they read the same header or query parameter. */
  readonly key: string;
  /** Lower-case auth scheme the credential follows (`bearer` for a JWT). @default - the whole value */
  readonly scheme?: string;
}

/**
 * The value after `scheme` (lower-case, compared without ASCII case: RFC 7235 auth-scheme is an
 * ASCII token, so `\u212A` KELVIN SIGN is no `k`, as Apigee's `(?i)` sees it) and one space, or
 * undefined when `value` does not start so or holds nothing after it.
 */
export function afterScheme(value: string | undefined, scheme: string): string | undefined {
  // Lower-case A-Z only (toLowerCase on the whole prefix would fold beyond ASCII).
  return value && value.length > scheme.length + 1 && value.slice(0, scheme.length + 1).replace(/[A-Z]/g, (c) => c.toLowerCase()) === scheme + ' ' ? value.slice(scheme.length + 1) : undefined;
}

/**
 * Which of a route's authorizers the request presents (docs/model.md, "Alternative credentials"):
 * its place holds a value that is not empty, and where two of the route's authorizers read one
 * place (`Authorization: Bot <key>` or `Bearer <jwt>`), the value starts with the authorizer's own
 * scheme. `bare` is true when none of the route's places holds a value: only such a request is
 * anonymous under optional authentication (a value no scheme claims is a credential, and refused).
 */
export function presence(names: readonly string[], place: (name: string) => CredentialPlace, value: (name: string) => string | undefined): { presented: (name: string) => boolean; bare: boolean } {
  const shared = (n: string) => names.some((m) => m !== n && place(m).key === place(n).key);
  return {
    presented: (n) => {
      const v = value(n);
      const s = place(n).scheme;
      return Boolean(v) && (s === undefined || !shared(n) || afterScheme(v, s) !== undefined);
    },
    bare: names.every((n) => !value(n)),
  };
}
