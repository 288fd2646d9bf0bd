/**
 * Response caching: lookup after auth, store last in the response flow (what the client receives,
 * after transforms and redaction). On a route with auth the caller's credential is part of the key
 * unless the spec says `cache.shared: true`, so one caller's response never reaches another.
 */
import { cacheCallerCredentials } from '../../../lib/model/credentials';
import type { RouteSpec } from '../../../lib/model/types';
import { headerRef, queryRef } from '../conditions';
import { fragment, type ApigeeContext, type Fragment } from '../context';
import { routeOptions } from '../options';
import * as P from '../policies';

/**
 * Variables that identify the caller (lib/model/credentials.ts): the token's header, and for API
 * keys the app VerifyAPIKey verified (client_id, once).
 */
function identity(ctx: ApigeeContext, r: RouteSpec): string[] {
  const refs = cacheCallerCredentials(ctx.spec, r).map((c) => (c.type === 'apiKey' ? 'client_id' : headerRef(c.name, `authorizers.${c.authorizer}.header`)));
  return [...new Set(refs)];
}

/**
 * The cache key prefix. A ResponseCache `<Prefix>` overrides `<Scope>` (Apigee "Working with cache
 * keys"), so the prefix alone keeps entries apart: the proxy name and the spec's version come
 * first, and two proxies in one environment with the same route ids (petstore v1 and v2, two
 * imports) never read each other's responses. Version characters outside `[A-Za-z0-9._-]` become
 * `_` (the prefix is literal text, not a message template).
 */
export function cachePrefix(ctx: ApigeeContext, r: RouteSpec): string {
  return [ctx.proxy, ctx.spec.version.replace(/[^A-Za-z0-9._-]/g, '_'), r.id].join('__');
}

export function cacheFragment(ctx: ApigeeContext, r: RouteSpec): { lookup: Fragment; store: Fragment } {
  const c = r.cache;
  if (!c) return { lookup: fragment(), store: fragment() };
  const at = ctx.routePath(r);
  const refs = [
    ...c.key.query.map((q, i) => queryRef(q, `${at}.cache.key.query[${i}]`)),
    ...c.key.headers.map((h, i) => headerRef(h, `${at}.cache.key.headers[${i}]`)),
    ...identity(ctx, r),
  ];
  const name = ctx.add(P.responseCache(`RC-${r.id}`, cachePrefix(ctx, r), refs, c.ttlSeconds, routeOptions(r).honorNoCache));
  return { lookup: fragment([ctx.step(name)]), store: fragment([], [ctx.step(name)]) };
}
