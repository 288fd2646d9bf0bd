/**
 * Path templates: `/pets/{id}`, greedy `/files/{path+}`, and segments that mix one parameter with
 * literal text (`/t/{id}.json`, `/runs/{run_id}:archive`), which real OpenAPI documents use.
 */

/** One parsed path segment. */
export type PathSegment =
  | { readonly kind: 'literal'; readonly value: string }
  | {
      readonly kind: 'param';
      readonly name: string;
      /** `{name+}`: matches the rest of the path, slashes included. Only as a whole last segment. */
      readonly greedy: boolean;
      /** Literal text before the parameter inside the same segment. */
      readonly prefix: string;
      /** Literal text after the parameter inside the same segment. */
      readonly suffix: string;
    };

export type ParsedPath =
  | { readonly ok: true; readonly path: string; readonly segments: PathSegment[] }
  | { readonly ok: false; readonly message: string };

const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
// RFC 3986 pchar, with percent-escapes.
const LITERAL = /^(?:[A-Za-z0-9._~!$&'()*+,;=:@-]|%[0-9A-Fa-f]{2})*$/;

/** Parses a path template. Never throws; a failure says what is wrong and what is allowed. */
export function parsePath(path: string): ParsedPath {
  if (typeof path !== 'string' || !path.startsWith('/')) {
    return { ok: false, message: `path must start with "/" (got ${JSON.stringify(path)})` };
  }
  if (path === '/') return { ok: true, path, segments: [] };
  if (path.endsWith('/')) {
    return { ok: false, message: `path must not end with "/" (write ${JSON.stringify(path.replace(/\/+$/, '') || '/')})` };
  }
  const raw = path.slice(1).split('/');
  const segments: PathSegment[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < raw.length; i++) {
    const part = raw[i];
    if (part === '') return { ok: false, message: `path has an empty segment ("//") in ${JSON.stringify(path)}` };
    const open = part.indexOf('{');
    const close = part.indexOf('}');
    if (open === -1 && close === -1) {
      if (!LITERAL.test(part)) {
        return {
          ok: false,
          message: `segment ${JSON.stringify(part)} has characters a URL path cannot hold unescaped; use letters, digits, "-._~" or percent-escapes`,
        };
      }
      segments.push({ kind: 'literal', value: part });
      continue;
    }
    if (open === -1 || close < open || part.indexOf('{', open + 1) !== -1 || part.indexOf('}', close + 1) !== -1) {
      return {
        ok: false,
        message: `segment ${JSON.stringify(part)} is malformed: a segment holds at most one parameter, written {name}`,
      };
    }
    const prefix = part.slice(0, open);
    const suffix = part.slice(close + 1);
    let name = part.slice(open + 1, close);
    const greedy = name.endsWith('+');
    if (greedy) name = name.slice(0, -1);
    if (!PARAM_NAME.test(name)) {
      return {
        ok: false,
        message: `parameter name ${JSON.stringify(name)} in ${JSON.stringify(path)} is not allowed: start with a letter or "_", then letters, digits, "_", "." or "-"`,
      };
    }
    if (!LITERAL.test(prefix) || !LITERAL.test(suffix)) {
      return { ok: false, message: `segment ${JSON.stringify(part)} has characters a URL path cannot hold unescaped` };
    }
    if (greedy && (prefix || suffix || i !== raw.length - 1)) {
      return {
        ok: false,
        message: `greedy parameter {${name}+} must be a whole segment and the last one in ${JSON.stringify(path)}`,
      };
    }
    if (seen.has(name)) return { ok: false, message: `parameter {${name}} appears twice in ${JSON.stringify(path)}` };
    seen.add(name);
    segments.push({ kind: 'param', name, greedy, prefix, suffix });
  }
  return { ok: true, path, segments };
}

/** Parses a template that is known to be valid (the normalized spec only holds valid ones). */
export function mustParsePath(path: string): PathSegment[] {
  const parsed = parsePath(path);
  if (!parsed.ok) throw new Error(`invalid path template ${JSON.stringify(path)}: ${parsed.message}`);
  return parsed.segments;
}

/**
 * The template with parameter names erased (`/pets/{}`, `/files/{+}`): two routes whose paths
 * have the same shape match the same requests, whatever their parameters are called.
 */
export function pathShape(segments: readonly PathSegment[]): string {
  if (segments.length === 0) return '/';
  return segments
    .map((s) => '/' + (s.kind === 'literal' ? s.value : `${s.prefix}{${s.greedy ? '+' : ''}}${s.suffix}`))
    .join('');
}

/** The parameter names of a template, in order. */
export function pathParams(segments: readonly PathSegment[]): string[] {
  return segments.flatMap((s) => (s.kind === 'param' ? [s.name] : []));
}

/** Renders segments back to a template string. */
export function formatPath(segments: readonly PathSegment[]): string {
  if (segments.length === 0) return '/';
  return segments
    .map((s) => '/' + (s.kind === 'literal' ? s.value : `${s.prefix}{${s.name}${s.greedy ? '+' : ''}}${s.suffix}`))
    .join('');
}

/**
 * A URI template of the segments for the clouds that have no greedy syntax in rewrites (APIM
 * rewrite-uri, API Gateway integration URIs, Apigee's rewrite script): `{name+}` is written `{name}`.
 */
export function uriTemplate(segments: readonly PathSegment[]): string {
  if (segments.length === 0) return '/';
  return segments.map((s) => '/' + (s.kind === 'literal' ? s.value : `${s.prefix}{${s.name}}${s.suffix}`)).join('');
}

/**
 * The prefix a base path puts before route paths: the base path itself, or '' for the root, so
 * `basePrefix(base) + route.path` never starts with `//`.
 */
export function basePrefix(basePath: string): string {
  return basePath === '/' ? '' : basePath;
}
