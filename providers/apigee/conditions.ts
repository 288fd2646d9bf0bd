/**
 * The one module that owns what a spec string may become in Apigee's evaluated languages: flow
 * conditions (string literals, JavaRegex, variable names) and message templates (`{var}` in most
 * text values). Every emitter goes through it: names are checked against a strict grammar (a
 * located error otherwise), literals are refused where Apigee would read a brace as a variable,
 * and regular expressions are built from escaped pieces. Nothing from a spec is pasted raw.
 */
import type { PathSegment } from '../../lib/model/path';
import type { RouteSpec } from '../../lib/model/types';

/** A refusal: the spec path and what to do. The compiler turns it into a SynthesisProblem. */
export class ApigeeNameError extends Error {}

// Apigee reads `request.header.NAME.values` and similar sub-variables, and condition operators
// are punctuation, so names that reach a variable reference are letters, digits, '-' and '_'.
const VARIABLE_PART = /^[A-Za-z0-9_-]+$/;
const ENVIRONMENT = /^[a-z][a-z0-9-]{0,31}$/;

/** A name that becomes part of a flow-variable name (letters, digits, '-', '_'), or a located error. */
export function variablePart(kind: string, name: string, where: string): string {
  if (!VARIABLE_PART.test(name)) {
    throw new ApigeeNameError(`${where}: ${kind} ${JSON.stringify(name)} cannot be read safely by Apigee (it becomes part of a flow-variable name in conditions and message templates); use letters, digits, '-' and '_'`);
  }
  return name;
}

/** `request.header.<name>`, for a header name that is a safe variable part. */
export function headerVar(name: string, where: string): string {
  return `request.header.${variablePart('header name', name, where)}`;
}

/** `request.queryparam.<name>`, for a safe query parameter name. */
export function queryVar(name: string, where: string): string {
  return `request.queryparam.${variablePart('query parameter name', name, where)}`;
}

/** `jwt.<policy>.decoded.claim.<claim>`, for a safe claim name. */
export function claimVar(policy: string, claim: string, where: string): string {
  return `jwt.${policy}.decoded.claim.${variablePart('claim name', claim, where)}`;
}

/**
 * A name Apigee reads as plain data (an element's name attribute, a ref attribute), never
 * evaluated: anything the model allows except braces, quotes, backslashes and whitespace.
 */
export function attributeName(kind: string, name: string, where: string): string {
  if (!name || /[{}"\\\s<>]/.test(name)) throw new ApigeeNameError(`${where}: ${kind} ${JSON.stringify(name)} holds a brace, quote, backslash or space, which Apigee cannot carry in a name`);
  return name;
}

/** A header name used as an element attribute (AssignMessage, ExtractVariables, ServiceCallout Copy). */
export function headerName(name: string, where: string): string {
  return attributeName('header name', name, where);
}

/** A query parameter name used as an element attribute. */
export function queryName(name: string, where: string): string {
  return attributeName('query parameter name', name, where);
}

/** `request.header.<name>` in a ref attribute (read as a variable name, never evaluated). */
export function headerRef(name: string, where: string): string {
  return `request.header.${headerName(name, where)}`;
}

/** `request.queryparam.<name>` in a ref attribute. */
export function queryRef(name: string, where: string): string {
  return `request.queryparam.${queryName(name, where)}`;
}

/** An Apigee environment name (lower-case letters, digits, hyphens), safe inside a condition literal. */
export function environmentName(env: string, where: string): string {
  if (!ENVIRONMENT.test(env)) throw new ApigeeNameError(`${where}: environment ${JSON.stringify(env)} is not an Apigee environment name (lower-case letters, digits and hyphens, starting with a letter)`);
  return env;
}

/** A URL Apigee fetches or calls (target URL): RFC 3986 characters only, and no braces. */
export function url(text: string, where: string): string {
  if (!/^[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+$/.test(text)) throw new ApigeeNameError(`${where}: ${JSON.stringify(text)} holds characters a URL cannot carry unencoded (quotes, braces, spaces...); percent-encode them`);
  return text;
}

/** A header name in a comma-separated list (CORS AllowHeaders, ExposeHeaders): an RFC 9110 token. */
export function tokenName(name: string, where: string): string {
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new ApigeeNameError(`${where}: ${JSON.stringify(name)} is not an HTTP header name (letters, digits and !#$%&'*+.^_\`|~-)`);
  return name;
}

/** A CORS origin: `*`, or scheme://host[:port] with nothing else (no path, no template braces). */
export function origin(o: string, where: string): string {
  if (o === '*') return o;
  const m = /^(https?):\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*)(?::(\d{1,5}))?$/.exec(o);
  if (!m || (m[3] !== undefined && Number(m[3]) > 65535)) throw new ApigeeNameError(`${where}: origin ${JSON.stringify(o)} is not scheme://host[:port] (e.g. https://app.example.com) or *`);
  return o;
}

/** A double-quoted condition literal; quotes and backslashes cannot be carried, so they are refused. */
export function conditionString(value: string, where: string): string {
  if (/["\\]/.test(value)) throw new ApigeeNameError(`${where}: ${JSON.stringify(value)} holds a quote or backslash, which an Apigee condition cannot carry`);
  return `"${value}"`;
}

/**
 * A regex matching `s` literally. Letters and digits pass; other characters go in a class, except
 * `[ ] ^ \` (backslash-escaped) and `"`, which cannot appear inside a condition literal at all and
 * is matched as the only printable ASCII character outside ` -!` and `#-~`.
 */
export function regexLiteral(s: string): string {
  return [...s]
    .map((c) => {
      if (/[A-Za-z0-9_]/.test(c)) return c;
      if (c === '"') return '[^ -!#-~]';
      if ('[]^\\'.includes(c)) return `\\${c}`;
      return `[${c}]`;
    })
    .join('');
}

/**
 * True when the claim in `variable` holds `scope` as a whole token: a space-separated string
 * (`read write`) or a JSON array (`["read","write"]`), never a substring (`read+write` is not
 * `read`). JavaRegex matches the whole value.
 */
export function scopeCondition(variable: string, scope: string, where: string): string {
  conditionString(scope, where);
  if (/\s/.test(scope)) throw new ApigeeNameError(`${where}: scope ${JSON.stringify(scope)} holds whitespace, which separates scopes`);
  const s = regexLiteral(scope);
  const q = regexLiteral('"');
  return `(${variable} JavaRegex "(.* )?${s}( .*)?" or ${variable} JavaRegex "\\[(.*,)?${q}${s}${q}(,.*)?\\]")`;
}

function needsRegex(segments: readonly PathSegment[]): boolean {
  return segments.some((s) => (s.kind === 'param' && (s.prefix || s.suffix)) || (s.kind === 'literal' && /[*"\\{}]/.test(s.value)));
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

/** A CORS preflight: OPTIONS with Origin and Access-Control-Request-Method. */
export const PREFLIGHT = 'request.verb = "OPTIONS" and request.header.origin != null and request.header.access-control-request-method != null';
