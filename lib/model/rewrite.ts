/**
 * The path a route sends to its backend: its rewrite template when it has one, else its own
 * path, as normalization parsed them. Every target and dev read it here, so `{p+}` rewrites are
 * decided once (formatPath keeps `+`; uriTemplate drops it for clouds without greedy syntax).
 */
import { formatPath, uriTemplate, type PathSegment } from './path';
import type { RouteSpec } from './types';

/** The backend path's segments. */
export function backendSegments(route: RouteSpec): readonly PathSegment[] {
  return route.templates?.rewritePath ?? route.segments;
}

/** The backend path as a template with `{p+}` kept (the generated transform reads it). */
export function backendPathTemplate(route: RouteSpec): string {
  return formatPath(backendSegments(route));
}

/** The rewrite template without greedy markers; undefined when the route does not rewrite. */
export function rewriteUriTemplate(route: RouteSpec): string | undefined {
  const rw = route.templates?.rewritePath;
  return rw && uriTemplate(rw);
}
