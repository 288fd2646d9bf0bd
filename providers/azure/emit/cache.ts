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
import { el, shared, type XNode } from '../xml';
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
  // Routes with the same key share one node (written once per level: ../xml `shared`), per compile.
  const key = JSON.stringify([route.auth === 'none', headers, query]);
  let nodes = LOOKUPS.get(ctx);
  if (!nodes) LOOKUPS.set(ctx, (nodes = new Map()));
  let lookup = nodes.get(key);
  if (!lookup) nodes.set(key, (lookup = shared(cacheLookup(route, ctx, headers, query))));
  let store = STORES.get(c.ttlSeconds);
  if (!store) {
    store = shared(el('cache-store', { duration: c.ttlSeconds }));
    if (STORES.size < 1000) STORES.set(c.ttlSeconds, store);
  }
  return { inbound: [lookup], outbound: [store] };
}

/** cache-lookup nodes of a compile (its context), by what they hold. */
const LOOKUPS = new WeakMap<EmitContext, Map<string, XNode>>();
/** cache-store by duration: no spec string reaches it, so one node serves every spec (at most 1,000 kept). */
const STORES = new Map<number, XNode>();

function cacheLookup(route: RouteSpec, ctx: EmitContext, headers: string[], query: string[]): XNode {
  return el(
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
}
