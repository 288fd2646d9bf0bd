/**
 * The reference scope decision every target is held to (the AWS authorizer's: lib/runtime/authorizer
 * checkClaims + holds: a string claim is space-separated scopes; an array claim a list of scopes,
 * each compared whole, and an array with an element holding a space is refused), and the claims
 * every target's table runs through it (test/apigee/scope-decision.test.ts,
 * test/azure/scope-decision.test.ts), each with the decision for scope `admin`.
 */
import { checkClaims } from '../lib/runtime/authorizer/jwt';
import { holds } from '../lib/runtime/authorizer/policy';
import type { JwtVerifierConfig } from '../lib/runtime/config';

export const SCOPE_JWT: JwtVerifierConfig = { issuer: 'https://id.example.com', audiences: ['g'], algorithms: ['RS256'], requiredClaims: {}, scopeClaim: 'scope', header: 'authorization', clockSkewSeconds: 0, maxTokenBytes: 8192 };

/** The AWS authorizer's decision: the claim read as it reads it, then every scope whole; a refused token grants nothing. */
export function awsGrants(claim: unknown, scopes: string | readonly string[]): boolean {
  try {
    const held = checkClaims({ iss: SCOPE_JWT.issuer, aud: 'g', exp: 2_000_000_000, ...(claim === undefined ? {} : { scope: claim }) }, SCOPE_JWT, 1_000_000_000);
    return (typeof scopes === 'string' ? [scopes] : scopes).every((s) => holds(held, s));
  } catch {
    return false;
  }
}

/** Claims every target decides as the reference does for scope `admin`: [name, claim, grants]. */
export const SCOPE_CLAIMS: readonly [string, unknown, boolean][] = [
  ['a string holding the scope', 'read admin write', true],
  ['the scope alone', 'admin', true],
  ['extra spaces', '  admin  ', true],
  ['a line break inside another scope', 'x\n admin', true],
  ['a longer word', 'administrator', false],
  ['joined by another character', 'read+admin', false],
  ['a tab is not a separator', 'read\tadmin', false],
  ['an array holding the scope', ['read', 'admin'], true],
  ['an array of the scope alone', ['admin'], true],
  ['an array without it', ['read', 'administrator'], false],
  ['an empty array', [], false],
  ['an array with a spaced element beside the scope (AWS refuses the array)', ['admin', 'x y'], false],
  ['a string shaped like an array, unquoted element before', '[x,"admin"]', false],
  ['non-ASCII where quotes would be', '[x,éadminé]', false],
  ['control characters where quotes would be', '[x,\u0001admin\u0001]', false],
  ['non-ASCII around the scope in a string', 'éadminé', false],
  ['an array element with non-ASCII around the scope', ['éadminé'], false],
  ['an array element with a quote in it', ['a"admin'], false],
  ['an array element quoting the scope', ['"admin"'], false],
];
