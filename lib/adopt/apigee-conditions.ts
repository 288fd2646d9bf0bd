/**
 * Apigee flow conditions read for the routes they select: `proxy.pathsuffix MatchesPath "/a/*"`
 * (and `=`, `==`) joined with `request.verb = "GET"` by `and` / `or`. A condition that tests
 * anything else is not a route selector anygate can express.
 */

/** The routes a condition selects, or why it cannot be read. */
export type Selection = { ok: true; paths: string[]; methods: string[] } | { ok: false; reason: string };

const PATH = /\(?\s*proxy\.pathsuffix\s+(MatchesPath|Matches|~\/|~|=|==|StartsWith|JavaRegex)\s+"([^"]*)"\s*\)?/gi;
const VERB = /\(?\s*request\.verb\s+(=|==|equals)\s+"([A-Za-z]+)"\s*\)?/gi;

let counter = 0;

/** An Apigee path pattern as an anygate path template: `*` is one segment, `**` the rest. */
export function templateOf(pattern: string, op: string): string | undefined {
  counter = 0;
  if (/^(=|==)$/.test(op)) return pattern.replace(/\/+$/, '') || '/';
  if (!/^(MatchesPath|~\/)$/i.test(op)) {
    if (/^(Matches|~)$/i.test(op) && !/[?*]/.test(pattern.replace(/\/\*$/, ''))) return pattern.replace(/\/\*$/, '/{path+}');
    return undefined;
  }
  const parts = pattern.replace(/\/+$/, '').split('/').slice(1);
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (p === '**') {
      if (i !== parts.length - 1) return undefined;
      out.push('{path+}');
    } else if (p === '*') out.push(`{param${++counter}}`);
    else if (/[*?]/.test(p)) return undefined;
    else out.push(p);
  }
  return `/${out.join('/')}`;
}

/** Reads a condition. An empty condition selects everything (`paths` and `methods` empty). */
export function readCondition(condition: string | undefined): Selection {
  const text = (condition ?? '').trim();
  if (!text) return { ok: true, paths: [], methods: [] };
  const paths: string[] = [];
  const methods: string[] = [];
  let rest = text.replace(PATH, (_m, op: string, pattern: string) => {
    const t = templateOf(pattern, op);
    paths.push(t ?? '\u0000');
    return ' X ';
  });
  rest = rest.replace(VERB, (_m, _op, verb: string) => {
    methods.push(verb.toUpperCase());
    return ' X ';
  });
  if (paths.includes('\u0000')) return { ok: false, reason: `the path pattern in ${JSON.stringify(text)} is a regular expression or a wildcard inside a segment; anygate path templates match whole segments` };
  const leftover = rest.replace(/\b(and|or|AND|OR)\b|&&|\|\||[()\s]|X/g, '');
  if (leftover) return { ok: false, reason: `the condition ${JSON.stringify(text)} tests more than the path and the method (${JSON.stringify(leftover.slice(0, 40))})` };
  if (paths.length > 1 && /\band\b|&&/i.test(text.replace(VERB, '')) && !/\bor\b|\|\|/i.test(text)) return { ok: false, reason: `the condition ${JSON.stringify(text)} requires several paths at once` };
  return { ok: true, paths: [...new Set(paths)], methods: [...new Set(methods)] };
}
