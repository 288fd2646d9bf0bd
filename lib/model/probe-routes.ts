/**
 * The routes two of conform's difference probes use (lib/capabilities/types.ts ProbeSituation),
 * chosen from the spec alone: the capability records' `when`s and conform's vectors
 * (dev/conform/differences.ts) call the same functions, so a record names a difference exactly
 * where conform probes it.
 */
import type { GatewaySpec, RouteSpec } from './types';

/** A path template's shape: parameter names do not tell two paths apart on any target. */
const shape = (r: RouteSpec) => r.path.replace(/\{[^}]*\}/g, '{}');

/** True when another route of the spec shares `r`'s path. */
export function sharesPath(spec: GatewaySpec, r: RouteSpec): boolean {
  return spec.routes.some((o) => o !== r && shape(o) === shape(r));
}

/** True when the spec has an OPTIONS route on `r`'s path (that route, then, takes OPTIONS there). */
export function optionsRouteOnPath(spec: GatewaySpec, r: RouteSpec): boolean {
  return spec.routes.some((o) => o.method === 'OPTIONS' && shape(o) === shape(r));
}

/**
 * `OPTIONS on a mixed path`: with CORS on, the first route that takes OPTIONS requests (ANY or
 * OPTIONS) and requires credentials, ANY routes first, and among them one whose path other
 * routes share (a public GET beside it). An OPTIONS request there that is not a preflight is that route's, so the spec
 * refuses it without credentials. @default - none: no CORS, or no such route
 */
export function optionsProbeRoute(spec: GatewaySpec): RouteSpec | undefined {
  if (!spec.cors) return undefined;
  const takers = spec.routes.filter((r) => r.auth !== 'none' && !r.authOptional && (r.method === 'OPTIONS' || (r.method === 'ANY' && !optionsRouteOnPath(spec, r))));
  // ANY routes first: where a target answers OPTIONS itself, it is on their paths (its record's `when` reads this).
  const ranked = [...takers.filter((r) => r.method === 'ANY'), ...takers.filter((r) => r.method === 'OPTIONS')];
  return ranked.find((r) => sharesPath(spec, r)) ?? ranked[0];
}

/**
 * `cache with no-cache`: the first route whose GET responses are cached (a positive TTL) and come
 * from a backend that can answer twice differently (not a mock), so a fresh answer is told from
 * the cached one; one with `apigee.honorNoCache` first. @default - none
 */
export function noCacheProbeRoute(spec: GatewaySpec): RouteSpec | undefined {
  const probeable = spec.routes.filter((r) => r.cache && r.cache.ttlSeconds > 0 && (r.method === 'GET' || r.method === 'ANY') && spec.backends[r.backend]?.type !== 'mock');
  // A route a target lets clients skip the cache on comes first (its record's `when` reads this).
  return probeable.find((r) => r.apigee?.honorNoCache) ?? probeable[0];
}
