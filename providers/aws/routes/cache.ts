/**
 * Route emitter: response caching. The cache key is the route's path parameters plus the query
 * parameters and headers the spec lists, and, on a route with auth, the caller's identity (the
 * token or key each authorizer reads) unless the spec says `cache.shared: true`: API Gateway's
 * cache sits in front of the backend, so without it a response computed for one caller would be
 * served to the next caller of the same URL for the TTL.
 */
import { cacheCallerCredentials } from '../../../lib/model/credentials';
import type { RouteSpec } from '../../../lib/model/types';
import type { MethodParam, RouteContext, RouteEmitter } from './fragment';

/** The request parts that identify the caller on this route (lib/model/credentials.ts). */
export function callerIdentity(route: RouteSpec, ctx: RouteContext): MethodParam[] {
  return cacheCallerCredentials(ctx.spec, route).map((c) => ({ in: c.in, name: c.name, required: false }));
}

function keyParameter(p: MethodParam): string {
  return `method.request.${p.in === 'query' ? 'querystring' : p.in}.${p.name}`;
}

export const emitCache: RouteEmitter = (route, ctx) => {
  const cache = route.cache;
  if (!cache) return {};
  const params: MethodParam[] = [
    ...ctx.resource.segments.flatMap((s) => (s.kind === 'param' ? [{ in: 'path' as const, name: s.name, required: true }] : [])),
    ...cache.key.query.map((name) => ({ in: 'query' as const, name, required: false })),
    ...cache.key.headers.map((name) => ({ in: 'header' as const, name, required: false })),
  ];
  const identity = callerIdentity(route, ctx);
  // Header names are case-insensitive: one key parameter per header.
  const keys = new Map([...params, ...identity].map((p) => [keyParameter({ ...p, name: p.in === 'header' ? p.name.toLowerCase() : p.name }), keyParameter(p)]));
  return {
    params: [...params, ...identity],
    integration: { cacheNamespace: route.id, cacheKeyParameters: [...keys.values()] },
    settings: { cache: { ttlSeconds: cache.ttlSeconds } },
  };
};
