/**
 * What a profile does in a conform probe's situation, read from the target's capability records
 * (the `probe` of a difference), so `anygate dev --profile T` behaves as the record says and the
 * conform vectors built from the same probes hold it to that.
 */
import { TARGET_RECORDS } from '../lib/capabilities/targets';
import type { ProbeAnswer, ProbeSituation } from '../lib/capabilities/types';
import type { RouteSpec } from '../lib/model/types';
import type { JwtVerifierConfig } from '../lib/runtime/config';
import type { Profile } from './refusal-types';

/** The answer `profile`'s records give for `situation`, if one of its differences names it. */
export function profileProbe(profile: Profile, situation: ProbeSituation): ProbeAnswer | undefined {
  for (const cap of Object.values(TARGET_RECORDS[profile].base)) {
    for (const d of cap.differences ?? []) if (d.probe?.situation === situation) return d.probe.answer;
  }
  return undefined;
}

/**
 * The answer `profile`'s error-contract record (`errors.contract`) gives for `situation`: where the
 * contract's own answer differs on that target (a quota answered as rate_limited, a path no route
 * matches answered by the platform). profiles.ts builds dev's contract answers from it.
 */
export function contractProbe(profile: Profile, situation: ProbeSituation): ProbeAnswer | undefined {
  return TARGET_RECORDS[profile].base['errors.contract']?.differences?.find((d) => d.probe?.situation === situation)?.probe?.answer;
}

/**
 * The JWT checks the profile's gateway relaxes: exp optional and scopes also from `scp` where the
 * records say tokens in those situations are accepted (Envoy's jwt_authn and SecurityPolicy).
 */
export function jwtLeniency(profile: Profile): Pick<JwtVerifierConfig, 'expOptional' | 'scopeFallbackClaim'> {
  return {
    ...(profileProbe(profile, 'token without exp')?.accepted ? { expOptional: true } : {}),
    ...(profileProbe(profile, 'scopes only in scp')?.accepted ? { scopeFallbackClaim: 'scp' } : {}),
  };
}

/**
 * True where the profile's records say CORS is an OPTIONS method of its own on each path (API
 * Gateway's OPTIONS mock): it answers every OPTIONS request there, a preflight or not, and a path
 * with an OPTIONS route has none, so that route takes its preflights.
 */
export function corsOwnsOptions(profile: Profile): boolean {
  return profileProbe(profile, 'OPTIONS on a mixed path') !== undefined;
}

/**
 * True when a request with `Cache-Control: no-cache` skips the cache lookup of `route` on the
 * profile: where its records say a client can force a fresh answer, on the routes that opt in
 * (Apigee's SkipCacheLookup, emitted for apigee.honorNoCache).
 */
export function noCacheSkipsLookup(profile: Profile, route: RouteSpec, cacheControl: string | undefined): boolean {
  return cacheControl === 'no-cache' && route.apigee?.honorNoCache === true && profileProbe(profile, 'cache with no-cache')?.fromCache === false;
}
