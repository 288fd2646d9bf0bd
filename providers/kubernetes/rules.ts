/**
 * One HTTPRoute rule per anygate route (named after the route, so policies can target it by
 * sectionName), and the split of rules into HTTPRoutes of at most 16 rules.
 */
import type { RouteSpec } from '../../lib/model/types';
import { dnsLabel } from './names';
import type { PathMatch } from './paths';

/** HTTPRoute limits (Gateway API v1 CRD): rules per route, matches per rule. */
export const RULES_PER_ROUTE = 16;
export const MATCHES_PER_RULE = 64;

/** The matches of a rule: the path, with the method unless ANY. CORS preflights have rules of their own (preflight.ts). */
export function ruleMatches(route: RouteSpec, paths: readonly PathMatch[]): Record<string, unknown>[] {
  // A version selector (lib/model/versions.ts) is an exact header or query parameter match.
  const s = route.select;
  const select = s ? { [s.in === 'header' ? 'headers' : 'queryParams']: [{ type: 'Exact', name: s.name, value: s.value }] } : {};
  return paths.map((p) => (route.method === 'ANY' ? { path: p, ...select } : { path: p, method: route.method, ...select }));
}

/** The group a route's rule lives in: its first literal segment, so new routes disturb one group only. */
function groupOf(route: RouteSpec): string {
  const first = route.segments[0];
  return first?.kind === 'literal' ? first.value : first ? '_params' : '_root';
}

/**
 * Routes split into HTTPRoutes: grouped by first path segment, each group in route-id order and
 * cut every 16 rules. Names are `<gateway>-<group>-<n>`: adding a route renames nothing, and
 * only moves rules inside its own group.
 */
export function splitRoutes(gateway: string, routes: readonly RouteSpec[]): { name: string; routes: RouteSpec[] }[] {
  const groups = new Map<string, RouteSpec[]>();
  for (const r of routes) {
    const g = groupOf(r);
    const list = groups.get(g);
    if (list) list.push(r);
    else groups.set(g, [r]);
  }
  const out: { name: string; routes: RouteSpec[] }[] = [];
  for (const g of [...groups.keys()].sort()) {
    const list = groups.get(g)!.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (let i = 0; i < list.length; i += RULES_PER_ROUTE) {
      out.push({ name: dnsLabel(gateway, g, String(i / RULES_PER_ROUTE + 1)), routes: list.slice(i, i + RULES_PER_ROUTE) });
    }
  }
  return out;
}

/** A duration in the Gateway API / Envoy Gateway form (`1h2m3s4ms`, each part at most 5 digits). */
export function duration(ms: number): string {
  const parts: string[] = [];
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const rest = ms % 1000;
  if (h) parts.push(`${h}h`);
  if (m) parts.push(`${m}m`);
  if (s) parts.push(`${s}s`);
  if (rest || !parts.length) parts.push(`${rest}ms`);
  return parts.join('');
}

export const ruleName = (route: RouteSpec) => dnsLabel(route.id);
