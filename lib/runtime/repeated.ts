/**
 * One meaning for a credential sent twice (docs/model.md, "Repeated credentials"): a request that
 * carries a credential its route is identified by more than once (two `Authorization` headers,
 * `?api_key=A&api_key=B`, two key headers) is refused with 401, even when the copies agree.
 * Gateways disagree on which copy counts (the first, the last, or both joined with a comma), so
 * any answer but a refusal would let one copy be checked and another be used downstream.
 * Dependency-free: the generated AWS authorizer and `anygate dev` (every profile) run it.
 */

/** Where a credential is read. */
export interface CredentialSource {
  readonly in: 'header' | 'query';
  /** Header names compare case-insensitively, query names exactly. */
  readonly name: string;
}

/** True when some source occurs more than once; `count` says how often the request holds one. */
export function repeatsCredential(sources: readonly CredentialSource[], count: (source: CredentialSource) => number): boolean {
  return sources.some((s) => count(s) > 1);
}
