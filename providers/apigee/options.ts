/**
 * The `apigee:` option block a route may carry. Every field is read; the model's schema refuses an
 * unknown one (a typo must not silently drop a setting).
 */
import type { RouteSpec } from '../../lib/model/types';

/** Route options read by the Apigee compiler. */
export interface ApigeeRouteOptions {
  /**
   * Let a client skip the cache with `Cache-Control: no-cache` (ResponseCache SkipCacheLookup).
   * Off by default: otherwise any client can force backend calls past the cache.
   * @default false
   */
  readonly honorNoCache?: boolean;
}

/** The route's apigee: block (typed and validated by the model's schema). */
export function routeOptions(r: RouteSpec): ApigeeRouteOptions {
  return { honorNoCache: r.apigee?.honorNoCache === true };
}
