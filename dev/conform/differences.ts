/**
 * Conformance vectors for the records' named differences: one per probe situation the spec can
 * produce (lib/capabilities/types.ts ProbeSituation), expecting on each profile the answer its
 * records give (a difference's `probe`) and the spec's own answer where no record names one. The
 * records are the only list: a new probe on a difference is a new vector on that profile, and
 * dev reproduces the same probes (dev/probes.ts). Vector names are the same on every profile, so
 * a gateway that behaves like another target fails exactly the vectors whose expectations differ.
 */
import { FEATURE_IDS, FEATURE_RECORDS } from '../../lib/capabilities/features';
import { capability } from '../../lib/capabilities/targets';
import type { ProbeAnswer, ProbeSituation } from '../../lib/capabilities/types';
import { ERROR_CONTRACT, type ErrorCode } from '../../lib/model/error-contract';
import type { GatewaySpec, RouteSpec } from '../../lib/model/types';
import { noCacheProbeRoute, optionsProbeRoute } from '../../lib/model/probe-routes';
import { expandVersions } from '../../lib/model/versions';
import { createMatcher } from '../match';
import { ALL_PROFILES, type Profile } from '../profiles';
import type { ConformVector } from './vectors';
import { withSelector } from './versions';
import { basePrefix } from '../../lib/model/path';

/** What the spec means in each situation (docs/model.md), under its error mode. */
export function specAnswer(situation: ProbeSituation, errors: GatewaySpec['errors']): ProbeAnswer {
  const refusal = (code: ErrorCode): ProbeAnswer => ({ status: ERROR_CONTRACT[code].status, ...(errors === 'anygate' ? { errorCode: code } : {}) });
  switch (situation) {
    case 'token without exp':
      return refusal('unauthorized');
    case 'scopes only in scp':
      return refusal('forbidden');
    case 'unmatched path':
      return refusal('not_found');
    case 'quota exhausted':
      return refusal('quota_exceeded');
    case 'over the rate limit':
      return refusal('rate_limited');
    case 'preflight from a refused origin':
      // A preflight answer without Allow-Origin (AWS's mock answers 204, the others 200).
      return { status: [200, 204], headers: { 'access-control-allow-origin': null } };
    case 'OPTIONS on a mixed path':
      // Not a preflight: the authenticated route's, refused without credentials.
      return refusal('unauthorized');
    case 'cache with no-cache':
      // Clients cannot skip the cache (a target's option aside): the cached answer again.
      return { status: 200, fromCache: true };
  }
}

/** Every difference probe of `profile`'s records that applies to the spec (features it uses, `when`s that hold). */
export function appliedProbes(spec: GatewaySpec, profile: Profile): Map<ProbeSituation, ProbeAnswer> {
  const out = new Map<ProbeSituation, ProbeAnswer>();
  for (const f of FEATURE_IDS) {
    if (!FEATURE_RECORDS[f].detect(spec).length) continue;
    for (const d of capability(profile, f, {}, spec).differences ?? []) if (d.probe) out.set(d.probe.situation, { ...out.get(d.probe.situation), ...d.probe.answer });
  }
  return out;
}

/** The profile's answer: the spec's, overridden field by field by the record's probe. */
export function expectedAnswer(spec: GatewaySpec, profile: Profile, situation: ProbeSituation): ProbeAnswer {
  const probe = appliedProbes(spec, profile).get(situation);
  if (probe?.accepted) return { accepted: true, ...(probe.headers ? { headers: probe.headers } : {}) };
  const base = specAnswer(situation, spec.errors);
  return { ...base, ...probe, headers: { ...base.headers, ...probe?.headers } };
}

function expectOf(a: ProbeAnswer): ConformVector['expect'] {
  const headers = a.headers && Object.keys(a.headers).length ? { headers: { ...a.headers } } : {};
  const cache = a.fromCache !== undefined ? { sameBodyAsPrevious: a.fromCache } : {};
  if (a.accepted) return { statusNot: [401, 403, 429], ...headers, ...cache };
  return {
    ...(a.status !== undefined ? { status: typeof a.status === 'number' ? a.status : [...a.status] } : {}),
    ...(a.errorCode !== undefined ? { body: { 'error.code': a.errorCode } } : {}),
    ...headers,
    ...cache,
  };
}

/** What the difference vectors need from the route helpers of generate.ts (no import cycle). */
export interface RouteHelpers {
  samplePath(spec: GatewaySpec, r: RouteSpec): string;
  sampleMethod(spec: GatewaySpec, r: RouteSpec): string;
  credentials(spec: GatewaySpec, r: RouteSpec): Pick<ConformVector['request'], 'token' | 'apiKey'>;
  usable(spec: GatewaySpec, r: RouteSpec): boolean;
  capacity(spec: GatewaySpec, stage: string, r: RouteSpec, profile: Profile): number | undefined;
  readonly maxRepeat: number;
  readonly refusedOrigin: string;
}

/** One JWT alternative on a route, and that authorizer's name. */
function jwtOf(spec: GatewaySpec, r: RouteSpec): string | undefined {
  if (r.auth === 'none' || r.auth.length !== 1) return undefined;
  return r.auth[0].find((n) => spec.authorizers[n].type === 'jwt');
}

/** A situation's request on each profile, and the request that sets it up (the same everywhere, expecting 200). */
interface SituationRequest {
  readonly situation: ProbeSituation;
  readonly route?: RouteSpec;
  readonly request: (p: Profile) => ConformVector['request'];
  readonly setup?: ConformVector['request'];
}

/** The routes each situation is probed on: chosen from the spec alone, the same on every profile. */
function situationRequests(spec: GatewaySpec, stage: string, h: RouteHelpers): SituationRequest[] {
  const out: SituationRequest[] = [];
  const usable = spec.routes.filter((r) => h.usable(spec, r));
  const base = (r: RouteSpec) => ({ method: h.sampleMethod(spec, r), path: h.samplePath(spec, r), ...h.credentials(spec, r) });

  const jwtRoute = usable.find((r) => jwtOf(spec, r));
  if (jwtRoute) out.push({ situation: 'token without exp', route: jwtRoute, request: () => ({ ...base(jwtRoute), token: { authorizer: jwtOf(spec, jwtRoute)!, scopes: jwtRoute.scopes, expiresIn: 'never' } }) });
  const scoped = usable.find((r) => {
    const a = jwtOf(spec, r);
    return a && r.scopes.length && spec.authorizers[a].type === 'jwt' && (spec.authorizers[a] as { scopeClaim: string }).scopeClaim !== 'scp';
  });
  if (scoped) out.push({ situation: 'scopes only in scp', route: scoped, request: () => ({ ...base(scoped), token: { authorizer: jwtOf(spec, scoped)!, scopes: [], claims: { scp: scoped.scopes.join(' ') } } }) });

  const prefix = basePrefix(spec.basePath);
  const matcher = createMatcher(spec);
  const unmatched = [`${prefix}/anygate-conform-unmatched`, `${prefix}/anygate-conform-unmatched/x/y`].find((p) => matcher.match('GET', p) === undefined);
  if (unmatched) out.push({ situation: 'unmatched path', request: () => ({ method: 'GET', path: unmatched }) });

  const c = spec.cors;
  const first = spec.routes[0];
  if (c && first && !c.allowOrigins.includes('*')) {
    out.push({ situation: 'preflight from a refused origin', route: first, request: () => ({ method: 'OPTIONS', path: h.samplePath(spec, first), headers: { Origin: h.refusedOrigin, 'Access-Control-Request-Method': h.sampleMethod(spec, first) } }) });
  }

  // OPTIONS that is not a preflight (an allowed Origin, no Access-Control-Request-Method), no credentials.
  const takesOptions = optionsProbeRoute(spec);
  if (takesOptions && h.usable(spec, takesOptions)) {
    const origin = c!.allowOrigins.find((o) => o !== '*') ?? 'https://allowed.anygate.invalid';
    out.push({ situation: 'OPTIONS on a mixed path', route: takesOptions, request: () => ({ method: 'OPTIONS', path: h.samplePath(spec, takesOptions), headers: { Origin: origin } }) });
  }

  // The cached answer filled, then asked for again with Cache-Control: no-cache.
  const cached = noCacheProbeRoute(spec);
  if (cached && h.usable(spec, cached) && h.sampleMethod(spec, cached) === 'GET') {
    const fill = { method: 'GET', path: h.samplePath(spec, cached), ...h.credentials(spec, cached) };
    out.push({ situation: 'cache with no-cache', route: cached, setup: fill, request: () => ({ ...fill, headers: { 'Cache-Control': 'no-cache' } }) });
  }

  // Over the rate limit: the route every profile limits soonest within the request budget (the
  // count is each profile's). The cheapest one: against a live gateway each request is real traffic.
  const cost = (r: RouteSpec) => Math.max(...ALL_PROFILES.map((p) => (h.capacity(spec, stage, r, p) ?? Infinity) + 1));
  const limited = usable
    .map((r) => ({ r, n: cost(r) }))
    .filter((x) => x.n <= h.maxRepeat)
    .reduce<{ r: RouteSpec; n: number } | undefined>((best, x) => (best && best.n <= x.n ? best : x), undefined)?.r;
  if (limited) out.push({ situation: 'over the rate limit', route: limited, request: (p) => ({ ...base(limited), repeat: h.capacity(spec, stage, limited, p)! + 1 }) });

  // Quota exhausted: a key route whose consumer's quota runs out before any rate limit does, on every profile.
  const quota = (r: RouteSpec) => {
    const key = h.credentials(spec, r).apiKey;
    return key ? spec.plans[spec.consumers[key.consumer].plan].quota : undefined;
  };
  const exhaustible = usable.find((r) => {
    const q = quota(r);
    return r.auth !== 'none' && r.auth.length === 1 && q && q.limit + 1 <= h.maxRepeat && ALL_PROFILES.every((p) => (h.capacity(spec, stage, r, p) ?? Infinity) > q.limit + 1);
  });
  if (exhaustible) out.push({ situation: 'quota exhausted', route: exhaustible, request: () => ({ ...base(exhaustible), repeat: quota(exhaustible)!.limit + 1 }) });
  return out;
}

/** One vector per situation the spec can produce, expecting `profile`'s documented answer. Quota last: it uses up the consumer. */
export function differenceVectors(versioned: GatewaySpec, stage: string, profile: Profile, h: RouteHelpers): ConformVector[] {
  const spec = expandVersions(versioned);
  return situationRequests(spec, stage, h).flatMap(({ situation, route, request, setup }) => {
    const name = `difference: ${situation}${route ? ` (${route.id})` : ''}`;
    const probe: ConformVector = {
      name,
      ...(route ? { route: route.id } : {}),
      // A set-up case moves the clock instead: the probe must find what it left (a cache entry).
      ...(setup ? {} : { advanceSeconds: 3600 }),
      request: request(profile),
      expect: expectOf(expectedAnswer(versioned, profile, situation)),
    };
    const vs: ConformVector[] = setup ? [{ name: `${name}: set-up`, ...(route ? { route: route.id } : {}), advanceSeconds: 3600, request: setup, expect: { status: 200 } }, probe] : [probe];
    return route ? withSelector(route, vs) : vs;
  });
}
