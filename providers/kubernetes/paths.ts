/**
 * Path matches. An all-literal template is an `Exact` match; a template with parameters is a
 * `RegularExpression` match (RE2, matched against the whole path), built only from escaped
 * literals and fixed character classes.
 *
 * Precedence: the Gateway API leaves the order of regular-expression matches to the
 * implementation. Envoy Gateway v1.9 sorts a listener's routes Exact > RegularExpression >
 * PathPrefix, then by the LENGTH of the match value (longer first), then by the number of header
 * matches (a method match counts as one), keeping input order (creation time, then name) for
 * ties (internal/gatewayapi/sort.go, v1.9.0). anygate wants literal > mixed > parameter > greedy
 * per segment, exact method before ANY (lib/model/precedence.ts). So,
 * for every pair of rules that can match the same request, the one that must win gets the
 * strictly longer regex: shorter ones are padded with `$` (an end-of-text assertion, zero-width
 * and repeatable in RE2, so the set of matched paths does not change).
 */
import { KUBERNETES_LIMITS } from '../../lib/capabilities/limits';
import { basePrefix, type PathSegment } from '../../lib/model/path';
import { precedenceOrder } from '../../lib/model/precedence';
import type { RouteSpec } from '../../lib/model/types';

/** Longest match value the HTTPRoute CRD accepts; the size record checks it. */
export const PATH_VALUE_MAX: number = KUBERNETES_LIMITS.pathValueChars;

export interface PathMatch {
  readonly type: 'Exact' | 'RegularExpression';
  readonly value: string;
}

/** `s` as an RE2 literal: every metacharacter backslash-escaped. */
export function re2Literal(s: string): string {
  return s.replace(/[\\^$.|?*+()[\]{}]/g, (c) => `\\${c}`);
}

/** The regex of one segment; parameters capture, so rewrites can refer to them by number. */
function segmentRegex(s: PathSegment): string {
  if (s.kind === 'literal') return `/${re2Literal(s.value)}`;
  if (s.greedy) return '/(.+)';
  return `/${re2Literal(s.prefix)}([^/]+)${re2Literal(s.suffix)}`;
}

/** The regex matching exactly the request paths the template matches under `basePath`. */
export function templateRegex(basePath: string, segments: readonly PathSegment[]): string {
  const base = basePath === '/' ? '' : re2Literal(basePath);
  if (segments.length === 0) return base ? `${base}/?` : '/';
  return base + segments.map(segmentRegex).join('');
}

/** What the Gateway API's CEL rules accept as an Exact path (HTTPRoute path validations). */
export function exactPathProblem(value: string): string | undefined {
  if (!value.startsWith('/')) return 'must start with "/"';
  for (const bad of ['//', '/./', '/../', '%2f', '%2F', '#']) if (value.includes(bad)) return `must not contain ${JSON.stringify(bad)}`;
  if (value.endsWith('/..') || value.endsWith('/.')) return 'must not end with "/." or "/.."';
  if (!/^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$/.test(value)) return 'has characters an Exact path cannot hold';
  return undefined;
}

/** The Exact values of an all-literal template, or undefined when it needs a regex. */
export function exactValues(basePath: string, segments: readonly PathSegment[]): string[] | undefined {
  if (segments.some((s) => s.kind !== 'literal')) return undefined;
  const base = basePrefix(basePath);
  const values = segments.length === 0 ? (base ? [base, `${base}/`] : ['/']) : [base + segments.map((s) => `/${(s as { value: string }).value}`).join('')];
  return values.every((v) => exactPathProblem(v) === undefined) ? values : undefined;
}

function isPrefixCompatible(a: string, b: string): boolean {
  return a.startsWith(b) || b.startsWith(a);
}

/** Whether one request path segment can match both template segments (over-approximation is safe). */
function segmentsOverlap(a: PathSegment, b: PathSegment): boolean {
  if (a.kind === 'literal' && b.kind === 'literal') return a.value === b.value;
  if (a.kind === 'literal' || b.kind === 'literal') {
    const lit = (a.kind === 'literal' ? a : b) as { value: string };
    const p = (a.kind === 'literal' ? b : a) as Extract<PathSegment, { kind: 'param' }>;
    return lit.value.length > p.prefix.length + p.suffix.length && lit.value.startsWith(p.prefix) && lit.value.endsWith(p.suffix);
  }
  return isPrefixCompatible(a.prefix, b.prefix) && (a.suffix.endsWith(b.suffix) || b.suffix.endsWith(a.suffix));
}

/** Whether some request path matches both templates. */
export function templatesOverlap(a: readonly PathSegment[], b: readonly PathSegment[]): boolean {
  const greedyA = a.length > 0 && a[a.length - 1].kind === 'param' && (a[a.length - 1] as { greedy: boolean }).greedy;
  const greedyB = b.length > 0 && b[b.length - 1].kind === 'param' && (b[b.length - 1] as { greedy: boolean }).greedy;
  // A greedy segment takes one or more whole segments, so only the fixed parts before it must agree.
  const fixed = Math.min(greedyA ? a.length - 1 : a.length, greedyB ? b.length - 1 : b.length);
  if (!greedyA && !greedyB && a.length !== b.length) return false;
  if (greedyA && !greedyB && b.length < a.length) return false;
  if (greedyB && !greedyA && a.length < b.length) return false;
  for (let i = 0; i < fixed; i++) {
    const sa = a[i];
    const sb = b[i];
    const ga = sa.kind === 'param' && sa.greedy;
    const gb = sb.kind === 'param' && sb.greedy;
    if (!ga && !gb && !segmentsOverlap(sa, sb)) return false;
  }
  return true;
}

const methodsOverlap = (a: RouteSpec, b: RouteSpec) => a.method === b.method || a.method === 'ANY' || b.method === 'ANY';

const isGreedy = (segments: readonly PathSegment[]) => segments.length > 0 && segments[segments.length - 1].kind === 'param' && (segments[segments.length - 1] as { greedy: boolean }).greedy;

/**
 * The templates already placed, indexed by what two templates must share to overlap
 * (templatesOverlap): without a greedy segment, the same number of segments, and a first segment
 * that is the same literal or a parameter on either side. `candidates` is every placed template
 * that can overlap the one asked about (a superset: the caller still asks templatesOverlap), so a
 * gateway's thousands of templates are not compared pair by pair.
 */
class TemplateIndex {
  private readonly all: number[] = [];
  private readonly greedy: number[] = [];
  private readonly byLength = new Map<number, { all: number[]; param: number[]; literal: Map<string, number[]> }>();

  add(i: number, segments: readonly PathSegment[]): void {
    this.all.push(i);
    if (isGreedy(segments)) {
      this.greedy.push(i);
      return;
    }
    let b = this.byLength.get(segments.length);
    if (!b) this.byLength.set(segments.length, (b = { all: [], param: [], literal: new Map() }));
    b.all.push(i);
    const first = segments[0];
    if (!first) return;
    if (first.kind === 'param') b.param.push(i);
    else {
      const list = b.literal.get(first.value);
      if (list) list.push(i);
      else b.literal.set(first.value, [i]);
    }
  }

  /** The lists holding every placed template that can overlap `segments`. */
  candidates(segments: readonly PathSegment[]): number[][] {
    if (isGreedy(segments)) return [this.all];
    const b = this.byLength.get(segments.length);
    if (!b) return [this.greedy];
    const first = segments[0];
    if (!first || first.kind === 'param') return [b.all, this.greedy];
    return [b.literal.get(first.value) ?? [], b.param, this.greedy];
  }
}

/**
 * The path match of every route, by route id. Regexes are padded so that, of two overlapping
 * rules, the one the model tries first is strictly longer (see the file comment): each rule,
 * from the last in precedence order to the first, is one longer than the longest of the later
 * rules it overlaps, or its natural length when that is longer already.
 */
export function pathMatches(basePath: string, routes: readonly RouteSpec[]): Map<string, PathMatch[]> {
  const out = new Map<string, PathMatch[]>();
  const regexRoutes: RouteSpec[] = [];
  for (const r of routes) {
    const exact = exactValues(basePath, r.segments);
    if (exact) out.set(r.id, exact.map((value) => ({ type: 'Exact', value })));
    else regexRoutes.push(r);
  }
  const ordered = precedenceOrder(regexRoutes);
  const natural = ordered.map((r) => templateRegex(basePath, r.segments));
  const length = natural.map((n) => n.length);
  const placed = new TemplateIndex();
  for (let i = ordered.length - 1; i >= 0; i--) {
    let longest = -1;
    for (const list of placed.candidates(ordered[i].segments)) {
      for (const j of list) {
        if (length[j] > longest && methodsOverlap(ordered[i], ordered[j]) && templatesOverlap(ordered[i].segments, ordered[j].segments)) longest = length[j];
      }
    }
    if (longest >= length[i]) length[i] = longest + 1;
    placed.add(i, ordered[i].segments);
  }
  ordered.forEach((r, i) => out.set(r.id, [{ type: 'RegularExpression', value: natural[i] + '$'.repeat(length[i] - natural[i].length) }]));
  return out;
}
