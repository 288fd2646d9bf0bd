/**
 * The position tree of a resource-tree gateway (API Gateway REST): the basePath and every route's
 * path walked down one shared tree, literal children by value and ONE variable child per
 * position. The first route to reach a position (routes are in canonical order) decides its
 * variable's name and kind; later routes meet that variable there. The AWS compiler renames
 * variables from this walk (providers/aws/resources.ts) and the path.greedy record refuses a
 * greedy variable beside a plain one from the same walk (lib/capabilities/targets/aws-paths.ts).
 */
import type { PathSegment } from './path';
import type { GatewaySpec, RouteSpec } from './types';

/** A position's variable, as the first route to reach it set it. */
export interface PositionVariable {
  /** The name every route uses here (see `nameFirst`). */
  readonly name: string;
  /** The name the first route wrote. */
  readonly written: string;
  readonly greedy: boolean;
  readonly routeId: string;
}

/** One segment of a route's walk: as the route wrote it, and for a variable, the position's. */
export interface WalkedSegment {
  readonly segment: PathSegment;
  readonly position?: PositionVariable;
}

export interface WalkedRoute {
  readonly route: RouteSpec;
  /** basePath segments first, then the route's. */
  readonly walked: readonly WalkedSegment[];
  /** The segments as the tree names them (each variable renamed to its position's name). */
  readonly segments: readonly PathSegment[];
}

interface Node {
  readonly literal: Map<string, Node>;
  variable?: { readonly v: PositionVariable; readonly next: Node };
}

/**
 * Walks every route of `spec` down the position tree. `nameFirst` names a position's variable
 * when the first route reaches it, given the segments named so far on that path.
 * @default nameFirst - the name the route wrote
 */
export function walkPositions(spec: GatewaySpec, nameFirst: (written: string, earlier: readonly PathSegment[]) => string = (w) => w): WalkedRoute[] {
  const root: Node = { literal: new Map() };
  return spec.routes.map((route) => {
    let node = root;
    const walked: WalkedSegment[] = [];
    const segments: PathSegment[] = [];
    for (const seg of [...spec.basePathSegments, ...route.segments]) {
      if (seg.kind === 'literal') {
        let next = node.literal.get(seg.value);
        if (!next) node.literal.set(seg.value, (next = { literal: new Map() }));
        walked.push({ segment: seg });
        segments.push(seg);
        node = next;
        continue;
      }
      node.variable ??= { v: { name: nameFirst(seg.name, segments), written: seg.name, greedy: seg.greedy, routeId: route.id }, next: { literal: new Map() } };
      walked.push({ segment: seg, position: node.variable.v });
      segments.push({ ...seg, name: node.variable.v.name });
      node = node.variable.next;
    }
    return { route, walked, segments };
  });
}
