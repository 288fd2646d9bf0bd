/**
 * Route emitter: response caching. The cache key is the route's path parameters plus the query
 * parameters and headers the spec lists, and, on a route with auth, the caller's identity (the
 * token or key each authorizer reads) unless the spec says `cache.shared: true`: API Gateway's
 * cache sits in front of the backend, so without it a response computed for one caller would be
 * served to the next caller of the same URL for the TTL.
 */
import type { RouteSpec } from '../../../lib/model/types';
import type { MethodParam, RouteContext, RouteEmitter } from './fragment';

/** The request parts that identify the caller on this route (empty on public routes). */
export function callerIdentity(route: RouteSpec, ctx: RouteContext): MethodParam[] {
  if (route.auth === 'none') return [];
  const out: MethodParam[] = [];
  for (const name of [...new Set(route.auth.flat())].sort()) {
    const a = ctx.spec.authorizers[name];
    if (a.type === 'apiKey') out.push({ in: a.in, name: a.name, required: false });
    else out.push({ in: 'header', name: a.header, required: false });
  }
  return out;
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
  const identity = cache.shared ? [] : callerIdentity(route, ctx);
  // Header names are case-insensitive: one key parameter per header.
  const keys = new Map([...params, ...identity].map((p) => [keyParameter({ ...p, name: p.in === 'header' ? p.name.toLowerCase() : p.name }), keyParameter(p)]));
  return {
    params: [...params, ...identity],
    integration: { cacheNamespace: route.id, cacheKeyParameters: [...keys.values()] },
    settings: { cache: { ttlSeconds: cache.ttlSeconds } },
  };
};
