/**
 * Alternative credentials in the dev gateway (docs/model.md, "Alternative credentials"), on every
 * profile: planAlternatives (lib/runtime/alternatives.ts, the code the AWS authorizer runs)
 * decides what to verify; each presented JWT is then verified on its own by the generated
 * authorizer code, with the route's scopes, through one synthetic route per (route, JWT
 * authorizer). A synthetic route is needed because the generated authorizer verifies a route's
 * requirement, and here each token is checked alone.
 */
import type { GatewaySpec, RouteSpec } from '../lib/model/types';
import { createDevAuthorizer, type DevAuthorizer, type DevAuthorizerOptions, type JwtDecision } from './aws-authorizer';
import { basePrefix } from '../lib/model/path';

const PREFIX = '__anygate-alternative';

export interface AlternativeJwts {
  /** Verifies authorizer `jwt`'s token for `route` (its scopes), as the generated authorizer does. */
  verify(route: RouteSpec, jwt: string, headers: Record<string, string | undefined>): Promise<JwtDecision>;
}

/** The spec the synthetic routes live in: one GET route per (alternatives route, JWT authorizer). */
function syntheticSpec(spec: GatewaySpec): { spec: GatewaySpec; ids: Map<string, RouteSpec> } {
  const ids = new Map<string, RouteSpec>();
  const routes: RouteSpec[] = [];
  spec.routes.forEach((route, i) => {
    if (route.auth === 'none' || (route.auth.length < 2 && !route.authOptional)) return;
    const jwts = [...new Set(route.auth.flat())].filter((n) => spec.authorizers[n].type === 'jwt');
    for (const [j, name] of jwts.entries()) {
      // The route's own fields stay: its transforms say which claims the authorizer passes on.
      const segments = [PREFIX, String(i), String(j)].map((value) => ({ kind: 'literal' as const, value }));
      // Each token is required on its synthetic route (optional authentication is decided before).
      const { authOptional: _, ...required } = route;
      const r: RouteSpec = { ...required, id: `${route.id}~${name}`, method: 'GET', path: `/${segments.map((s) => s.value).join('/')}`, segments, auth: [[name]] };
      routes.push(r);
      ids.set(`${route.id}\0${name}`, r);
    }
  });
  return { spec: { ...spec, routes }, ids };
}

/**
 * Verifiers for the JWTs of every route with alternatives. API Gateway's decision cache is off
 * for such routes on AWS, so none is emulated here.
 */
export function alternativeJwts(spec: GatewaySpec, opts: DevAuthorizerOptions): AlternativeJwts | undefined {
  const synthetic = syntheticSpec(spec);
  if (synthetic.ids.size === 0) return undefined;
  const jwt: DevAuthorizer = createDevAuthorizer(synthetic.spec, { ...opts, resultCache: false });
  const base = basePrefix(spec.basePath);
  return {
    verify(route, name, headers) {
      const r = synthetic.ids.get(`${route.id}\0${name}`);
      if (!r) return Promise.resolve({ ok: false, reason: 'unauthorized' });
      return jwt.authorize(r, { method: 'GET', path: `${base}${r.path}`, headers, query: {} });
    },
  };
}
