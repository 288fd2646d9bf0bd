/**
 * Flow order: Apigee runs the first conditional flow whose condition holds, so routes go most
 * specific first: literal before mixed before parameter before greedy; methods before ANY.
 */
import type { PathSegment } from '../../lib/model/path';
import type { RouteSpec } from '../../lib/model/types';
import { METHOD_ORDER } from '../../lib/model/types';

function rank(s: PathSegment): number {
  if (s.kind === 'literal') return 0;
  if (s.greedy) return 3;
  return s.prefix || s.suffix ? 1 : 2;
}

export function flowOrder(routes: readonly RouteSpec[]): RouteSpec[] {
  return [...routes].sort((a, b) => {
    const n = Math.max(a.segments.length, b.segments.length);
    for (let i = 0; i < n; i++) {
      const sa = a.segments[i];
      const sb = b.segments[i];
      if (!sa || !sb) return sa ? -1 : 1;
      const d = rank(sa) - rank(sb);
      if (d) return d;
      if (sa.kind === 'literal' && sb.kind === 'literal' && sa.value !== sb.value) return sa.value < sb.value ? -1 : 1;
    }
    const ma = a.method === 'ANY' ? 99 : METHOD_ORDER.indexOf(a.method);
    const mb = b.method === 'ANY' ? 99 : METHOD_ORDER.indexOf(b.method);
    return ma - mb || (a.id < b.id ? -1 : 1);
  });
}
