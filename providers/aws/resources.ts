/**
 * API Gateway resource paths: the gateway's basePath joined with each route's path, with
 * path-variable names made consistent among siblings (API Gateway allows one variable name per
 * position under a parent: `/p/{id}` and `/p/{pid}/x` collide), plus the execute-api ARN pattern
 * of each route and the check that decides whether those patterns are exact.
 */
import type { PathSegment } from '../../lib/model/path';
import { walkPositions } from '../../lib/model/positions';
import type { GatewaySpec, RouteSpec } from '../../lib/model/types';

export interface AwsResource {
  /** API Gateway resource path, e.g. `/v1/pets/{petId}`. */
  readonly path: string;
  /** The API-side segments (renamed where siblings disagreed), basePath included. */
  readonly segments: PathSegment[];
  /** Route parameter name -> API parameter name. */
  readonly rename: Record<string, string>;
  /** ARN pattern after `apiId/stage/`: `GET/v1/pets/*`. */
  readonly arn: string;
}

function render(segments: readonly PathSegment[]): string {
  if (segments.length === 0) return '/';
  return segments.map((s) => '/' + (s.kind === 'literal' ? s.value : `{${s.name}${s.greedy ? '+' : ''}}`)).join('');
}

/** `name`, or `name2`, `name3`... whichever no earlier segment of the path uses. */
function freshName(name: string, earlier: readonly PathSegment[]): string {
  const taken = new Set(earlier.flatMap((s) => (s.kind === 'param' ? [s.name] : [])));
  let candidate = name;
  for (let i = 2; taken.has(candidate); i++) candidate = `${name}${i}`;
  return candidate;
}

/**
 * Computes each route's API resource from the position tree (lib/model/positions.ts), renaming
 * sibling variables to the first route's name. That name is fresh when an ancestor position
 * already uses it: every path through a position shares those ancestors, so names stay unique
 * within each emitted path (API Gateway rejects `/a/{id}/b/{id}`). A greedy variable beside a
 * plain one is refused by the path.greedy record from the same walk (aws-paths.ts).
 */
export function buildResources(spec: GatewaySpec): Map<string, AwsResource> {
  const out = new Map<string, AwsResource>();
  for (const { route, walked, segments } of walkPositions(spec, freshName)) {
    const rename: Record<string, string> = {};
    for (const w of walked) if (w.segment.kind === 'param' && w.position) rename[w.segment.name] = w.position.name;
    const path = render(segments);
    const arnPath = segments.map((s) => (s.kind === 'literal' ? s.value : '*')).join('/');
    out.set(route.id, { path, segments: [...segments], rename, arn: `${route.method === 'ANY' ? '*' : route.method}/${arnPath}` });
  }
  return out;
}

/** Number of API Gateway resources (distinct path prefixes, root included). */
export function countResources(resources: Iterable<AwsResource>): number {
  const prefixes = new Set<string>(['/']);
  for (const r of resources) {
    for (let i = 1; i <= r.segments.length; i++) prefixes.add(render(r.segments.slice(0, i)));
  }
  return prefixes.size;
}

// Tokens of a tiny regular language: a literal character, any character but '/', any character;
// `star` marks zero or more repetitions.
type Tok = { cls: 'char'; ch: string; star: false } | { cls: 'seg' | 'any'; star: boolean };

function globTokens(arn: string): Tok[] {
  const out: Tok[] = [];
  for (const ch of arn) out.push(ch === '*' ? { cls: 'any', star: true } : { cls: 'char', ch, star: false });
  return out;
}

function routeTokens(segments: readonly PathSegment[]): Tok[] {
  const out: Tok[] = [];
  const lit = (s: string) => {
    for (const ch of s) out.push({ cls: 'char', ch, star: false });
  };
  segments.forEach((s, i) => {
    if (i > 0) lit('/');
    if (s.kind === 'literal') lit(s.value);
    else {
      const cls = s.greedy ? 'any' : 'seg';
      // One or more characters.
      out.push({ cls, star: false }, { cls, star: true });
    }
  });
  return out;
}

function charsMeet(a: Tok, b: Tok): boolean {
  if (a.cls === 'char' && b.cls === 'char') return a.ch === b.ch;
  if (a.cls === 'char') return b.cls === 'any' || a.ch !== '/';
  if (b.cls === 'char') return a.cls === 'any' || b.ch !== '/';
  return true;
}

/** True when some string is in both languages (a product-automaton search). */
function intersects(a: Tok[], b: Tok[]): boolean {
  const seen = new Set<number>();
  const stack: [number, number][] = [[0, 0]];
  while (stack.length) {
    const [i, j] = stack.pop()!;
    const key = i * (b.length + 1) + j;
    if (seen.has(key)) continue;
    seen.add(key);
    if (i === a.length && j === b.length) return true;
    if (i < a.length && a[i].star) stack.push([i + 1, j]);
    if (j < b.length && b[j].star) stack.push([i, j + 1]);
    if (i < a.length && j < b.length && charsMeet(a[i], b[j])) stack.push([a[i].star ? i : i + 1, b[j].star ? j : j + 1]);
  }
  return false;
}

/**
 * True when route `a`'s ARN pattern can match a request that API Gateway routes to `b`.
 * Methods are compared first: `*` (ANY) meets every method.
 */
export function arnPatternCovers(a: AwsResource, b: { method: string; resource: AwsResource }): boolean {
  const [aMethod] = a.arn.split('/', 1);
  const bMethod = b.method === 'ANY' ? '*' : b.method;
  if (aMethod !== '*' && bMethod !== '*' && aMethod !== bMethod) return false;
  const aTokens = globTokens(a.arn.slice(aMethod.length + 1));
  const bTokens = routeTokens(b.resource.segments);
  return intersects(aTokens, bTokens);
}

/** Requirements that must be equal for two routes to share a cached policy statement. */
export function requirementKey(route: RouteSpec): string {
  return JSON.stringify([route.auth, route.scopes]);
}

interface PrefixNode {
  routes: number[];
  children: Map<string, PrefixNode>;
}

/**
 * Index pairs (i < j) of resources whose ARN patterns could meet: those whose literal prefixes
 * (the segments before the first parameter) are equal or one extends the other. Other pairs
 * differ in a literal segment and can never match the same request, so the exactness check skips
 * them; this keeps it near-linear on real route tables.
 */
export function overlappingPairs(list: readonly AwsResource[]): [number, number][] {
  const root: PrefixNode = { routes: [], children: new Map() };
  const nodes: PrefixNode[] = [];
  list.forEach((r, i) => {
    let node = root;
    for (const s of r.segments) {
      if (s.kind !== 'literal') break;
      let next = node.children.get(s.value);
      if (!next) node.children.set(s.value, (next = { routes: [], children: new Map() }));
      node = next;
    }
    node.routes.push(i);
    nodes.push(node);
  });
  const below = (n: PrefixNode): number[] => [...n.routes, ...[...n.children.values()].flatMap(below)];
  const pairs: [number, number][] = [];
  const seen = new Set<PrefixNode>();
  for (const node of new Set(nodes)) {
    if (seen.has(node)) continue;
    seen.add(node);
    // Routes at this node meet each other and every route below it.
    const here = node.routes;
    const deeper = [...node.children.values()].flatMap(below);
    for (let a = 0; a < here.length; a++) {
      for (let b = a + 1; b < here.length; b++) pairs.push([here[a], here[b]]);
      for (const d of deeper) pairs.push([Math.min(here[a], d), Math.max(here[a], d)]);
    }
  }
  return pairs;
}
