/**
 * Route matching over the model's parsed path templates, in the model's precedence
 * (lib/model/precedence.ts), the order every target's compiler emits. basePath is stripped first.
 */
import { basePrefix, type PathSegment } from '../lib/model/path';
import { compareTemplates, precedenceOrder } from '../lib/model/precedence';
import type { GatewaySpec, RouteSpec } from '../lib/model/types';

export interface RouteMatch {
  readonly route: RouteSpec;
  /** Path parameters by the route's names, percent-decoded. */
  readonly params: Record<string, string>;
}

function decode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

/**
 * Matches request path parts against a template; undefined when it does not match. The params
 * object is made at the first parameter (a template the path fails on its literals makes none).
 */
function matchSegments(segments: readonly PathSegment[], parts: readonly string[]): Record<string, string> | undefined {
  // Without a greedy parameter (only ever the last segment) the counts must agree.
  const last = segments[segments.length - 1];
  if (segments.length !== parts.length && !(last?.kind === 'param' && last.greedy)) return undefined;
  let params: Record<string, string> | undefined;
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i];
    if (s.kind === 'literal') {
      // Equal texts decode equal; only different ones need decoding to compare.
      if (parts[i] === undefined || (parts[i] !== s.value && decode(parts[i]) !== decode(s.value))) return undefined;
      continue;
    }
    params ??= {};
    if (s.greedy) {
      const rest = parts.slice(i);
      // A greedy parameter needs at least one non-empty segment, as on API Gateway ({proxy+}).
      if (rest.length === 0 || rest.join('/') === '') return undefined;
      const v = decode(rest.join('/'));
      if (v === undefined) return undefined;
      params[s.name] = v;
      return params;
    }
    const p = parts[i];
    if (p === undefined || p.length <= s.prefix.length + s.suffix.length || !p.startsWith(s.prefix) || !p.endsWith(s.suffix)) return undefined;
    const v = decode(p.slice(s.prefix.length, p.length - s.suffix.length));
    if (v === undefined || v === '') return undefined;
    params[s.name] = v;
  }
  return segments.length === parts.length ? (params ?? {}) : undefined;
}

/** What a version selector (RouteSpec.select) reads: headers by lower-case name, and the query. */
export interface Selectors {
  readonly headers: Record<string, string | undefined>;
  readonly query: URLSearchParams;
}

/** True when the route has no version selector or the request carries its value. */
function selected(route: RouteSpec, s: Selectors | undefined): boolean {
  const sel = route.select;
  if (!sel) return true;
  const got = sel.in === 'header' ? s?.headers[sel.name.toLowerCase()] : (s?.query.get(sel.name) ?? undefined);
  return got === sel.value;
}

export interface Matcher {
  /**
   * The matching route, `methodNotAllowed` when the path matches but no route takes the method, or
   * undefined. Routes with a version selector match only requests that carry it (`selectors`).
   */
  match(method: string, path: string, selectors?: Selectors): RouteMatch | { methodNotAllowed: true } | undefined;
  /** Methods of the routes whose template matches the path (for CORS preflights). */
  methodsFor(path: string): string[];
}

/** Builds a matcher over the spec's routes. */
export function createMatcher(spec: GatewaySpec): Matcher {
  const base = basePrefix(spec.basePath);
  const routes = precedenceOrder(spec.routes);
  const baseSlash = base + '/';
  const relative = (path: string): string[] | undefined => {
    if (base && path !== base && !path.startsWith(baseSlash)) return undefined;
    const rest = path.slice(base.length);
    return rest === '' || rest === '/' ? [] : (rest[0] === '/' ? rest.slice(1) : rest).split('/');
  };
  /** The routes whose template matches the path, in precedence order; with `selectors`, only those it selects. */
  const candidates = (path: string, selectors?: Selectors | null): RouteMatch[] => {
    const parts = relative(path);
    if (!parts) return [];
    const out: RouteMatch[] = [];
    for (const route of routes) {
      const params = matchSegments(route.segments, parts);
      if (params && (selectors === null || selected(route, selectors))) out.push({ route, params });
    }
    return out;
  };
  return {
    match(method, path, selectors) {
      const all = candidates(path, selectors);
      if (all.length === 0) return undefined;
      if (all.length === 1) return all[0].route.method === method || all[0].route.method === 'ANY' ? all[0] : { methodNotAllowed: true };
      // The best template wins first; among routes on that template an exact method beats ANY.
      const best = all.filter((c) => compareTemplates(c.route.segments, all[0].route.segments) === 0);
      return best.find((c) => c.route.method === method) ?? best.find((c) => c.route.method === 'ANY') ?? all.find((c) => c.route.method === method || c.route.method === 'ANY') ?? { methodNotAllowed: true };
    },
    methodsFor(path) {
      return [...new Set(candidates(path, null).map((c) => c.route.method))];
    },
  };
}
