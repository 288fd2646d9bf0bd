/**
 * API Gateway's resource tree allows one path variable per sibling position, so `{q+}` and `{p}`
 * at the same place in two routes cannot both exist. Variables with different names are renamed
 * by the compiler (providers/aws/resources.ts); a greedy and a plain one cannot be unified. Both
 * read one walk of the position tree (lib/model/positions.ts).
 */
import { walkPositions } from '../../model/positions';
import type { GatewaySpec } from '../../model/types';

/** One entry per route whose variable sits beside a variable of the other kind, in route order. */
export function greedySiblingConflicts(spec: GatewaySpec): { routeId: string; message: string }[] {
  // The first route at a position decides its kind (lib/model/positions.ts).
  return walkPositions(spec).flatMap(({ route, walked }) =>
    walked.flatMap(({ segment: seg, position: p }) => {
      if (seg.kind !== 'param' || !p || p.greedy === seg.greedy) return [];
      const mine = `{${seg.name}${seg.greedy ? '+' : ''}}`;
      const theirs = `{${p.written}${p.greedy ? '+' : ''}}`;
      return [{ routeId: route.id, message: `${mine} sits beside ${theirs} of route ${p.routeId}; API Gateway allows one variable per position, so make both greedy or neither` }];
    }),
  );
}
