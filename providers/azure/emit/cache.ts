/**
 * Response caching. cache-lookup skips any request with an Authorization header unless
 * allow-private-response-caching is true, so auth routes set it; and unless the spec says
 * `cache.shared`, an auth route's key also varies by the caller's credential (the JWT header, the
 * API key header or query parameter, the custom authorizer's header), so one caller's response is
 * never served to another.
 * https://learn.microsoft.com/azure/api-management/cache-lookup-policy
 */
import { cacheCallerCredentials } from '../../../lib/model/credentials';
import type { RouteSpec } from '../../../lib/model/types';
import { el } from '../xml';
import type { EmitContext, Fragment } from './context';

/** The request parts that identify the caller of an auth route (lib/model/credentials.ts). */
export function callerKey(route: RouteSpec, ctx: EmitContext): { headers: string[]; query: string[] } {
  const creds = cacheCallerCredentials(ctx.spec, route);
  return { headers: creds.filter((c) => c.in === 'header').map((c) => c.name), query: creds.filter((c) => c.in === 'query').map((c) => c.name) };
}

const uniqueCaseless = (xs: string[]) => {
  const seen = new Set<string>();
  return xs.filter((x) => !seen.has(x.toLowerCase()) && seen.add(x.toLowerCase()));
};

export function emitCache(route: RouteSpec, ctx: EmitContext): Fragment {
  const c = route.cache;
  if (!c) return {};
  const s = ctx.strings;
  const caller = callerKey(route, ctx);
  const headers = uniqueCaseless([...c.key.headers, ...caller.headers]).map((h) => s.header(h, route.id, 'route.cache', 'cache key header'));
  const query = [...new Set([...c.key.query, ...caller.query])].map((q) => s.plainName(q, route.id, 'route.cache', 'cache key query parameter'));
  const lookup = el(
    'cache-lookup',
    {
      'vary-by-developer': 'false',
      'vary-by-developer-groups': 'false',
      'downstream-caching-type': 'none',
      'caching-type': ctx.externalCache ? 'external' : 'internal',
      'allow-private-response-caching': route.auth === 'none' ? undefined : 'true',
    },
    ...headers.map((h) => el('vary-by-header', {}, h)),
    ...query.map((q) => el('vary-by-query-parameter', {}, q)),
  );
  return { inbound: [lookup], outbound: [el('cache-store', { duration: c.ttlSeconds })] };
}
