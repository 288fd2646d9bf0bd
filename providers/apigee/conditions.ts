/**
 * Flow conditions: each route matches on proxy.pathsuffix (MatchesPath, or JavaRegex for segments
 * that mix a parameter with text) and request.verb, and flows are ordered most specific first
 * because Apigee runs the first flow whose condition holds.
 */
import type { PathSegment } from '../../lib/model/path';
import type { RouteSpec } from '../../lib/model/types';
import { METHOD_ORDER } from '../../lib/model/types';

/** A regex matching `s` literally, metacharacters wrapped in classes (no backslashes to escape twice). */
export function regexLiteral(s: string): string {
  return s.replace(/[.*+?^$()|[\]{}\\/&!',;=:@~-]/g, (c) => (c === '^' ? '\\^' : c === ']' ? '\\]' : c === '\\' ? '\\\\' : `[${c}]`));
}

function needsRegex(segments: readonly PathSegment[]): boolean {
  return segments.some((s) => (s.kind === 'param' && (s.prefix || s.suffix)) || (s.kind === 'literal' && s.value.includes('*')));
}

export function pathCondition(segments: readonly PathSegment[]): string {
  if (segments.length === 0) return '(proxy.pathsuffix = "" or proxy.pathsuffix = "/")';
  if (needsRegex(segments)) {
    const re = segments
      .map((s) => '/' + (s.kind === 'literal' ? regexLiteral(s.value) : s.greedy ? '.+' : `${regexLiteral(s.prefix)}[^/]+${regexLiteral(s.suffix)}`))
      .join('');
    return `(proxy.pathsuffix JavaRegex "${re}")`;
  }
  const pattern = segments.map((s) => '/' + (s.kind === 'literal' ? s.value : s.greedy ? '**' : '*')).join('');
  return `(proxy.pathsuffix MatchesPath "${pattern}")`;
}

export function routeCondition(r: RouteSpec): string {
  const path = pathCondition(r.segments);
  return r.method === 'ANY' ? path : `${path} and (request.verb = "${r.method}")`;
}

function rank(s: PathSegment): number {
  if (s.kind === 'literal') return 0;
  if (s.greedy) return 3;
  return s.prefix || s.suffix ? 1 : 2;
}

/** Routes most specific first: literal before mixed before parameter before greedy; methods before ANY. */
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
