/**
 * The one module that owns what a spec string may become in Apigee's evaluated languages: flow
 * conditions (string literals, JavaRegex, variable names) and message templates (`{var}` in most
 * text values). Every emitter goes through it: names are held to the grammars the capability
 * records refuse by (lib/capabilities/targets/apigee-strings.ts; this module refuses nothing on
 * its own), and regular expressions are built from escaped pieces. Nothing from a spec is pasted raw.
 */
import type { PathSegment } from '../../lib/model/path';
import { APIGEE_STRINGS, type ApigeeStringKind } from '../../lib/capabilities/targets/apigee-strings';
import type { RouteSpec } from '../../lib/model/types';

/**
 * `value`, which follows the grammar of `kind` (lib/capabilities/targets/apigee-strings.ts). The
 * capability records refuse every spec that breaks one (assertSupported runs before any emitter),
 * so a break here is a missing check, never input to report: fail loudly rather than emit it.
 */
function ensure(kind: ApigeeStringKind, value: string, where: string): string {
  const message = APIGEE_STRINGS[kind](value, where);
  if (message) throw new Error(`internal: ${message}; lib/capabilities/targets/apigee-checks.ts should have refused this spec`);
  return value;
}

const VARIABLE_KINDS: Record<string, ApigeeStringKind> = { 'header name': 'headerVariable', 'query parameter name': 'queryVariable', 'claim name': 'claimVariable', 'path parameter': 'pathVariable', 'stage variable': 'stageVariable' };

/** A name that becomes part of a flow-variable name (letters, digits, '-', '_'), or a located error. */
export function variablePart(kind: 'header name' | 'query parameter name' | 'claim name' | 'path parameter' | 'stage variable', name: string, where: string): string {
  return ensure(VARIABLE_KINDS[kind], name, where);
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
export function attributeName(kind: 'header name' | 'query parameter name' | 'claim name', name: string, where: string): string {
  return ensure(kind === 'header name' ? 'headerName' : kind === 'claim name' ? 'claimName' : 'queryName', name, where);
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
  return ensure('environment', env, where);
}

/** A URL Apigee fetches or calls (target URL): RFC 3986 characters only, and no braces. */
export function url(text: string, where: string): string {
  return ensure('url', text, where);
}

/** A Model Armor template name in TemplateName (a message template): the resource name's characters only. */
export function modelArmorTemplate(name: string, where: string): string {
  return ensure('modelArmorTemplate', name, where);
}

/** A header name in a comma-separated list (CORS AllowHeaders, ExposeHeaders): an RFC 9110 token. */
export function tokenName(name: string, where: string): string {
  return ensure('token', name, where);
}

/** A CORS origin: `*`, or scheme://host[:port] with nothing else (no path, no template braces). */
export function origin(o: string, where: string): string {
  return ensure('origin', o, where);
}

/** A double-quoted condition literal; quotes and backslashes cannot be carried. */
export function conditionString(value: string, where: string): string {
  return `"${ensure('conditionLiteral', value, where)}"`;
}

/**
 * A regex matching `s` literally. Letters and digits pass; other characters go in a class, except
 * `[ ] ^ \` (backslash-escaped) and `"`, which cannot appear inside a condition literal at all and
 * is written `\x22` (Java regex: that one character, nothing else).
 */
export function regexLiteral(s: string): string {
  return [...s]
    .map((c) => {
      if (/[A-Za-z0-9_]/.test(c)) return c;
      if (c === '"') return QUOTE;
      if ('[]^\\'.includes(c)) return `\\${c}`;
      return `[${c}]`;
    })
    .join('');
}

/** `"` in a JavaRegex inside a condition literal (which cannot hold `"` itself). */
const QUOTE = '\\x22';

/**
 * True when the claim in `variable` holds `scope` as the AWS authorizer decides it
 * (lib/runtime/authorizer/jwt.ts checkClaims, policy.ts holds): a string claim is space-separated
 * scopes, `scope` one of them whole (`read+write` is not `read`); an array claim is a list of
 * scopes, `scope` one element whole, and an array with an element holding a space (or one not a
 * string) grants nothing. VerifyJWT renders an array claim as JSON (`["read","write"]`), so a value
 * starting with `[` is read as an array only: every element quoted with no space in it, and
 * `"<scope>"` between `[` or `,` and `,` or `]` (a quote inside an element is rendered escaped,
 * `\"`, so those quotes are an element's own). `[x,"admin"]` and `["foo admin bar"]` hold no
 * `admin`. A string claim starting with `[` cannot be told from an array: it is read as one (AWS
 * reads it as words), which only ever grants less, except a string whose whole text is a JSON
 * array of space-free strings. Both alternatives are anchored at the start (`^`) and at the very
 * end (`\z`: Java's `$` also matches before a final line break, so `"read\n"` would pass where
 * the engine finds rather than matches): the value is matched whole however Apigee applies the
 * pattern. `(?s)` lets `.` cross line breaks, so a line break counts as a character of a word, as
 * it does for the AWS authorizer (whose split is on spaces only).
 */
export function scopeCondition(variable: string, scope: string, where: string): string {
  ensure('scope', scope, where);
  const s = regexLiteral(scope);
  const q = QUOTE;
  // An element: quoted, no space, no quote of its own (one inside is rendered escaped). `]` outside a class is literal.
  const e = `${q}[^ ${q}]*${q}`;
  // One JavaRegex, two anchored alternatives (the words of a string; an element of an array): one variable reference, a condition well under apigeelint's 256 characters.
  return `(${variable} JavaRegex "(?s)^(?!\\[)(.* )?${s}( .*)?\\z|^\\[(${e},)*${q}${s}${q}(,${e})*]\\z")`;
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
    return `(proxy.pathsuffix JavaRegex "^${re}$")`;
  }
  const pattern = segments.map((s) => '/' + (s.kind === 'literal' ? s.value : s.greedy ? '**' : '*')).join('');
  return `(proxy.pathsuffix MatchesPath "${pattern}")`;
}

export function routeCondition(r: RouteSpec): string {
  const path = pathCondition(r.segments);
  const routed = r.method === 'ANY' ? path : `${path} and (request.verb = "${r.method}")`;
  return r.select ? `${routed} and ${selectCondition(r.select)}` : routed;
}

/** A version selector (lib/model/versions.ts): the header or query parameter equals the version. */
export function selectCondition(s: NonNullable<RouteSpec['select']>): string {
  const where = 'versions.name';
  const variable = s.in === 'header' ? headerVar(s.name, where) : queryVar(s.name, where);
  return `(${variable} = ${conditionString(s.value, 'versions.list')})`;
}

/** A CORS preflight: OPTIONS with Origin and Access-Control-Request-Method. */
export const PREFLIGHT = 'request.verb = "OPTIONS" and request.header.origin != null and request.header.access-control-request-method != null';

/** Where an authorizer reads its credential, as alternatives test it. */
export interface CredentialPlace {
  readonly in: 'header' | 'query';
  readonly name: string;
}

/** The flow variable holding the credential at `place` (a header or query parameter). */
export function credentialVar(place: CredentialPlace, where: string): string {
  return place.in === 'header' ? headerVar(place.name, where) : queryVar(place.name, where);
}

/**
 * True when the request presents the credential at `place`: present and not empty (docs/model.md,
 * "Alternative credentials", rule 1). An absent header or parameter is null; `(?s)` lets any
 * non-empty value count, line breaks included.
 */
export function presentCondition(place: CredentialPlace, where: string, scheme?: string): string {
  const v = credentialVar(place, where);
  // A header two authorizers share (`Bot <key>` or `Bearer <jwt>`): its scheme, without case, one space, then something.
  return scheme === undefined ? `(${v} != null and ${v} JavaRegex "(?s).+")` : `(${v} != null and ${v} JavaRegex "(?is)^${regexLiteral(scheme)} .+$")`;
}

/** `variable = "true"` (or `!= "true"`) for a flag the proxy set itself (a fixed variable name, never spec text). */
export function flagCondition(variable: string, set = true): string {
  return `${variable} ${set ? '=' : '!='} "true"`;
}

/** What joins two API keys in the variable keyPairTemplate fills. */
export const KEY_SEPARATOR = '|';

/** The message template `{a}|{b}`: two presented keys in one variable, compared by sameKeysCondition. */
export function keyPairTemplate(a: CredentialPlace, b: CredentialPlace, where: string): string {
  return `{${credentialVar(a, where)}}${KEY_SEPARATOR}{${credentialVar(b, where)}}`;
}

/**
 * True when `variable` (filled by keyPairTemplate) holds the same key twice. Conditions compare a
 * variable with a literal only, so a back-reference does the comparison: `x|y` matches `(.*)[|]\1`
 * when x = y. A pair of different keys that matched would need a separator inside a key, and
 * both keys are verified by VerifyAPIKey anyway.
 */
export function sameKeysCondition(variable: string): string {
  return `(${variable} JavaRegex "(?s)^(.*)${regexLiteral(KEY_SEPARATOR)}\\1$")`;
}

/**
 * A JSON string value in a message template: `"{escapeJSON(variable)}"`, the variable's value
 * escaped for JSON when the template runs. `variable` is one of anygate's or Apigee's own names.
 */
export function jsonStringTemplate(variable: string): string {
  if (!/^[A-Za-z][A-Za-z0-9_.-]*$/.test(variable)) throw new Error(`internal: ${JSON.stringify(variable)} is not a flow variable name`);
  return `"{escapeJSON(${variable})}"`;
}

/**
 * A spec string as JSON text for an AssignVariable `<Value>` (a literal, never evaluated) that a
 * JSON message template then inserts bare: quotes, backslashes, braces and non-ASCII are escaped
 * (`\uXXXX`), so the value is valid JSON and holds no template brace.
 */
export function jsonLiteral(s: string): string {
  return JSON.stringify(s).replace(/[{}\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
