/**
 * Response caching. cache-lookup skips any request with an Authorization header unless
 * allow-private-response-caching is true, so auth routes set it; and unless the spec says
 * `cache.shared`, an auth route's key also varies by the caller's credential (the JWT header, the
 * API key header or query parameter, the custom authorizer's header), so one caller's response is
 * never served to another.
 * https://learn.microsoft.com/azure/api-management/cache-lookup-policy
 */
import { alternativeAuthorizers } from '../../../lib/model/credentials';
import type { RouteSpec } from '../../../lib/model/types';
import { el } from '../xml';
import type { EmitContext, Fragment } from './context';

/** The request parts that identify the caller of an auth route: headers and query parameters. */
export function callerKey(route: RouteSpec, ctx: EmitContext): { headers: string[]; query: string[] } {
  const headers: string[] = [];
  const query: string[] = [];
  if (route.auth === 'none') return { headers, query };
  // With alternatives, every credential the route accepts: rule 8 of docs/model.md.
  for (const n of alternativeAuthorizers(route.auth)) {
    const a = ctx.spec.authorizers[n];
    if (a.type === 'apiKey' && a.in === 'query') query.push(a.name);
    else headers.push(a.type === 'apiKey' ? a.name : a.header);
  }
  return { headers, query };
}

const uniqueCaseless = (xs: string[]) => {
  const seen = new Set<string>();
  return xs.filter((x) => !seen.has(x.toLowerCase()) && seen.add(x.toLowerCase()));
};

export function emitCache(route: RouteSpec, ctx: EmitContext): Fragment {
  const c = route.cache;
  if (!c) return {};
  const s = ctx.strings;
  const caller = c.shared ? { headers: [], query: [] } : callerKey(route, ctx);
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
