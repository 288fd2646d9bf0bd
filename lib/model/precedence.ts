/**
 * Route precedence, the one order every target and `anygate dev` apply: per segment a literal
 * beats a parameter with literal text around it (`{id}.json`), which beats a plain parameter,
 * which beats a greedy one; a longer template beats its prefix; an exact method beats ANY.
 * Apigee runs its flows in this order, Kubernetes pads regexes so Envoy sorts them into it, and
 * dev's matcher tries routes in it.
 */
import type { PathSegment } from './path';
import { METHOD_ORDER, type HttpMethod, type RouteSpec } from './types';

/** Rank of a segment kind: lower wins. */
function rank(s: PathSegment): number {
  if (s.kind === 'literal') return 0;
  if (s.greedy) return 3;
  return s.prefix || s.suffix ? 1 : 2;
}

/** Template precedence (negative: `a` first); templates that compare 0 are one precedence group. */
export function compareTemplates(a: readonly PathSegment[], b: readonly PathSegment[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = rank(a[i]) - rank(b[i]);
    if (d !== 0) return d;
  }
  return b.length - a.length;
}

const methodRank = (m: HttpMethod) => (m === 'ANY' ? 99 : METHOD_ORDER.indexOf(m));

/**
 * Routes in the order they must be tried: template precedence, then exact methods before ANY,
 * then path and method, so the order is total and deterministic.
 */
export function precedenceOrder(routes: readonly RouteSpec[]): RouteSpec[] {
  return [...routes].sort(
    (a, b) =>
      compareTemplates(a.segments, b.segments) ||
      Number(a.method === 'ANY') - Number(b.method === 'ANY') ||
      (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) ||
      methodRank(a.method) - methodRank(b.method),
  );
}
