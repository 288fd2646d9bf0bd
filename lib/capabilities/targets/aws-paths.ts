/**
 * API Gateway's resource tree allows one path variable per sibling position, so `{q+}` and `{p}`
 * at the same place in two routes cannot both exist. Variables with different names are renamed
 * by the compiler (providers/aws/resources.ts); a greedy and a plain one cannot be unified.
 */
import type { GatewaySpec } from '../../model/types';

interface Position {
  readonly literal: Map<string, Position>;
  param?: { name: string; greedy: boolean; routeId: string; next: Position };
}

/** One entry per route whose variable sits beside a variable of the other kind, in route order. */
export function greedySiblingConflicts(spec: GatewaySpec): { routeId: string; message: string }[] {
  const root: Position = { literal: new Map() };
  const out: { routeId: string; message: string }[] = [];
  // Routes are in canonical order, so the first route at a position decides its kind.
  for (const route of spec.routes) {
    let node = root;
    for (const seg of [...spec.basePathSegments, ...route.segments]) {
      if (seg.kind === 'literal') {
        let next = node.literal.get(seg.value);
        if (!next) node.literal.set(seg.value, (next = { literal: new Map() }));
        node = next;
        continue;
      }
      if (!node.param) node.param = { name: seg.name, greedy: seg.greedy, routeId: route.id, next: { literal: new Map() } };
      else if (node.param.greedy !== seg.greedy) {
        const mine = `{${seg.name}${seg.greedy ? '+' : ''}}`;
        const theirs = `{${node.param.name}${node.param.greedy ? '+' : ''}}`;
        out.push({ routeId: route.id, message: `${mine} sits beside ${theirs} of route ${node.param.routeId}; API Gateway allows one variable per position, so make both greedy or neither` });
      }
      node = node.param.next;
    }
  }
  return out;
}
