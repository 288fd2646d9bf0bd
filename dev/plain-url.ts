/**
 * URL texts the dev gateway reads on every request without a WHATWG parse, where the text is
 * already what `new URL` would give: characters the parser neither percent-encodes nor rewrites,
 * and no dot segment for it to resolve. Anything else is parsed, so the result is always the
 * parser's (test/dev/hot-path.test.ts compares the two on both sides of the line).
 */

/** A path (and query) of characters the parser leaves alone: no `\`, `#`, quotes, space, braces, `<>^|`, backquote or non-ASCII. */
const PLAIN_PATH = /^\/[A-Za-z0-9\-._~!$&()*+,;=:@/%?]*$/;
/** What a dot segment may look like before the parser resolves it. */
const DOTS = /\/\.|%2e/i;

/** True when `new URL` would give `pathAndQuery` back as its path and query, as is. */
export function isPlainPath(pathAndQuery: string): boolean {
  return PLAIN_PATH.test(pathAndQuery) && !DOTS.test(pathAndQuery) && !pathAndQuery.startsWith('//');
}

/** What the gateway reads of a request target: its path and query, as `new URL(target, 'http://localhost')` gives them. */
export interface RequestUrl {
  readonly pathname: string;
  readonly searchParams: URLSearchParams;
}

/** The request target's path and query; parsed only when it has a query or is not plain. */
export function requestUrl(target: string): RequestUrl {
  if (!target.includes('?') && isPlainPath(target)) return { pathname: target, searchParams: new URLSearchParams() };
  return new URL(target, 'http://localhost');
}
