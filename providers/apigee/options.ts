/**
 * The `apigee:` option blocks a spec may carry. Every field is read; an unknown field is refused
 * (a typo must not silently drop a setting).
 */
import type { GatewaySpec, RouteSpec } from '../../lib/model/types';
import type { ApigeeContext } from './context';

/** Route options read by the Apigee compiler. */
export interface ApigeeRouteOptions {
  /**
   * Let a client skip the cache with `Cache-Control: no-cache` (ResponseCache SkipCacheLookup).
   * Off by default: otherwise any client can force backend calls past the cache.
   * @default false
   */
  readonly honorNoCache?: boolean;
}

/** Gateway options read by the Apigee compiler (none today). */
export type ApigeeGatewayOptions = Record<string, never>;

const ROUTE_FIELDS: Record<string, 'boolean'> = { honorNoCache: 'boolean' };

export function routeOptions(ctx: ApigeeContext, r: RouteSpec): ApigeeRouteOptions {
  const o = r.apigee ?? {};
  for (const [k, v] of Object.entries(o)) {
    if (!(k in ROUTE_FIELDS)) ctx.problem(r.id, 'apigee', `${ctx.routePath(r)}.apigee.${k}: unknown Apigee route option; known: ${Object.keys(ROUTE_FIELDS).join(', ')}`);
    else if (typeof v !== ROUTE_FIELDS[k]) ctx.problem(r.id, 'apigee', `${ctx.routePath(r)}.apigee.${k}: must be a ${ROUTE_FIELDS[k]}`);
  }
  return { honorNoCache: o.honorNoCache === true };
}

export function gatewayOptions(ctx: ApigeeContext, spec: GatewaySpec): ApigeeGatewayOptions {
  for (const k of Object.keys(spec.apigee ?? {})) ctx.problem('gateway', 'apigee', `apigee.${k}: unknown Apigee gateway option (there are none; set the environment type and environments in ApigeeGateway or anygate synth)`);
  return {};
}
