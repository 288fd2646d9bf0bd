/**
 * CORS preflights on their own rules. Envoy Gateway's SecurityPolicy CORS answers a preflight
 * only on a rule that matches it, and passes one whose origin it does not allow on to the rule's
 * backend. A preflight match inside a route's own rule therefore let such an OPTIONS request
 * reach that route's backend with the route's (possibly public) policy, even on a path where the
 * spec protects OPTIONS (an authenticated ANY route beside a public GET). Here every preflight
 * (OPTIONS with Origin and Access-Control-Request-Method) of a path the routes use matches a
 * preflight rule instead: the SecurityPolicy's CORS answers it, and what CORS does not answer gets
 * a 403 direct response (the error contract's forbidden, with Envoy's request id). No preflight rule has a backend.
 *
 * Precedence: a preflight rule carries the same path match values as the routes' rules plus a
 * method and two header matches, so Envoy Gateway ranks it above every rule with the same path
 * value (paths.ts), and preflights keep the route order among themselves. Paths with an OPTIONS
 * route get one too: CORS answers their preflights, as APIM's and Apigee's do (the route's own
 * rule, one header match short, gets every other OPTIONS).
 */
import { kubernetesPreflightRefused } from '../../lib/capabilities/targets/kubernetes-differences';
import { ENVOY_REQUEST_ID } from './errors';
import type { GatewaySpec, RouteSpec } from '../../lib/model/types';
import { EG_API, extensionRef } from './filters';
import { dnsLabel } from './names';
import type { PathMatch } from './paths';
import type { K8sObject } from './plan';
import { ruleName, splitRoutes } from './rules';
import { sharedSubtree } from './shared';

/** The body of the 403 a preflight gets when CORS does not answer it: the contract's forbidden, with Envoy's request id (`anygate dev --profile kubernetes` answers the same). */
export const PREFLIGHT_REFUSED = kubernetesPreflightRefused(ENVOY_REQUEST_ID);

/** Shared by every preflight match (shared.ts: written once per indentation level). */
const PREFLIGHT_HEADERS = sharedSubtree([
  { type: 'RegularExpression', name: 'Origin', value: '.+' },
  { type: 'RegularExpression', name: 'Access-Control-Request-Method', value: '.+' },
]);

export interface PreflightContext {
  readonly namespace: string;
  readonly paths: ReadonlyMap<string, readonly PathMatch[]>;
  /** An HTTPRoute with the stage's parentRefs and hostnames. */
  httpRoute(name: string, rules: Record<string, unknown>[]): K8sObject;
  /** The SecurityPolicy CORS block the route policies carry. */
  readonly cors: Record<string, unknown>;
}

/**
 * The routes with a preflight rule: the first in id order of each set of path matches. The same
 * in every stage (the compile's path matches are), so decided once per routes and matches.
 */
const decided = new WeakMap<ReadonlyMap<string, readonly PathMatch[]>, { routes: readonly RouteSpec[]; representatives: RouteSpec[] }>();
function preflightRoutes(routes: readonly RouteSpec[], paths: ReadonlyMap<string, readonly PathMatch[]>): RouteSpec[] {
  const held = decided.get(paths);
  if (held?.routes === routes) return held.representatives;
  const seen = new Set<string>();
  const representatives: RouteSpec[] = [];
  for (const r of [...routes].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const k = JSON.stringify(paths.get(r.id));
    if (seen.has(k)) continue;
    seen.add(k);
    representatives.push(r);
  }
  decided.set(paths, { routes, representatives });
  return representatives;
}

/** The preflight HTTPRoutes, their SecurityPolicies (CORS only) and the shared refusal filter; none without CORS. */
export function preflightObjects(spec: GatewaySpec, ctx: PreflightContext): K8sObject[] {
  if (!spec.cors) return [];
  const representatives = preflightRoutes(spec.routes, ctx.paths);
  if (!representatives.length) return [];
  const filter = dnsLabel(spec.name, 'preflight');
  const objects: K8sObject[] = [
    {
      apiVersion: EG_API,
      kind: 'HTTPRouteFilter',
      metadata: { name: filter, namespace: ctx.namespace },
      spec: { directResponse: { statusCode: 403, contentType: 'application/json', body: { type: 'Inline', inline: PREFLIGHT_REFUSED } } },
    },
  ];
  for (const chunk of splitRoutes(`${spec.name}-preflight`, representatives)) {
    const rules = chunk.routes.map((r) => ({
      name: ruleName(r),
      matches: ctx.paths.get(r.id)!.map((path) => ({ path, method: 'OPTIONS', headers: PREFLIGHT_HEADERS })),
      filters: [extensionRef(filter)],
    }));
    objects.push(ctx.httpRoute(chunk.name, rules), {
      apiVersion: EG_API,
      kind: 'SecurityPolicy',
      metadata: { name: chunk.name, namespace: ctx.namespace },
      spec: { targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: chunk.name }], cors: ctx.cors },
    });
  }
  return objects;
}
