/**
 * The authorizer's route table as config.json holds it: one entry per distinct requirement
 * (scheme, credentials, scopes, alternatives), listing its routes as `METHOD /resource` strings.
 * The compiler packs; `anygate dev` and tests read routes back. Not bundled: the handler indexes
 * the groups itself (lib/runtime/authorizer/policy.ts).
 */
import type { AuthorizerConfig, AuthorizerRequirement, AuthorizerRoute, AuthorizerRouteGroup } from './config';

/** The requirement part of a route, in a fixed key order (so equal requirements serialize alike). */
function requirement(r: AuthorizerRequirement): AuthorizerRequirement {
  return {
    scheme: r.scheme,
    jwt: r.jwt,
    apiKeys: r.apiKeys,
    scopes: r.scopes,
    ...(r.alternatives ? { alternatives: r.alternatives } : {}),
    ...(r.optional ? { optional: true } : {}),
  };
}

/**
 * Groups routes by requirement, groups in order of their first route, routes in their order.
 * A later route with the same method and resource replaces an earlier one (as the handler's
 * lookup did with a list of routes).
 */
export function packRoutes(routes: readonly AuthorizerRoute[]): AuthorizerRouteGroup[] {
  const last = new Map<string, number>();
  routes.forEach((r, i) => last.set(`${r.method} ${r.resource}`, i));
  const groups = new Map<string, { req: AuthorizerRequirement; routes: string[] }>();
  routes.forEach((r, i) => {
    const key = `${r.method} ${r.resource}`;
    if (last.get(key) !== i) return;
    const req = requirement(r);
    const id = JSON.stringify(req);
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { req, routes: [] }));
    g.routes.push(key);
  });
  return [...groups.values()].map((g) => ({ ...g.req, routes: g.routes }));
}

/** Every route of a configuration, group by group. */
export function unpackRoutes(cfg: Pick<AuthorizerConfig, 'routeGroups'>): AuthorizerRoute[] {
  return cfg.routeGroups.flatMap(({ routes, ...req }) =>
    routes.map((k) => {
      const sp = k.indexOf(' ');
      return { method: k.slice(0, sp), resource: k.slice(sp + 1), ...req };
    }),
  );
}
