/**
 * The C# policy expressions anygate itself writes (providers/azure/expressions.ts), read back by
 * shape: a template value (`@("text" + context.Request.Headers.GetValueOrDefault("h", "") + ...)`),
 * a credential presented or repeated, a scope check. Anything else is not recognized (undefined)
 * and stays a finding: anygate never evaluates C#.
 */

/** A request location a credential is read from. */
export interface Location {
  readonly in: 'header' | 'query';
  readonly name: string;
}

/** A C# string literal as csString writes it (`\"`, `\\`, `\uXXXX`), or undefined. */
export function csLiteral(s: string): string | undefined {
  const m = /^"((?:[^"\\]|\\["\\]|\\u[0-9a-fA-F]{4})*)"$/.exec(s);
  if (!m) return undefined;
  try {
    return JSON.parse(`"${m[1]}"`) as string;
  } catch {
    return undefined;
  }
}

const STR = '"(?:[^"\\\\]|\\\\["\\\\]|\\\\u[0-9a-fA-F]{4})*"';

/**
 * Splits a C# expression at each top-level `sep` (outside strings and brackets); each part as
 * written.
 */
function splitOutside(expr: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (depth === 0 && expr.startsWith(sep, i)) {
      parts.push(expr.slice(start, i));
      start = i + sep.length;
      i += sep.length - 1;
    }
  }
  parts.push(expr.slice(start));
  return parts;
}

/** Splits `a OP b OP c` at the top level; each part as written. */
const splitAt = (expr: string, op: '+' | '||' | '&&'): string[] => splitOutside(expr, ` ${op} `);

const REFS: [RegExp, string][] = [
  [new RegExp(`^context\\.Request\\.Headers\\.GetValueOrDefault\\((${STR}), ""\\)$`), 'header'],
  [new RegExp(`^context\\.Request\\.Url\\.Query\\.GetValueOrDefault\\((${STR}), ""\\)$`), 'query'],
  [new RegExp(`^context\\.Request\\.MatchedParameters\\.GetValueOrDefault\\((${STR}), ""\\)$`), 'path'],
  [new RegExp(`^\\(context\\.Variables\\.ContainsKey\\("anygate-jwt"\\) \\? \\(\\(Jwt\\)context\\.Variables\\["anygate-jwt"\\]\\)\\.Claims\\.GetValueOrDefault\\((${STR}), ""\\) : ""\\)$`), 'claim'],
  [new RegExp(`^\\(context\\.Request\\.Body\\?\\.As<JObject>\\(preserveContent: true\\)\\?\\.SelectToken\\((${STR})\\)\\?\\.ToString\\(\\) \\?\\? ""\\)$`), 'body'],
];

/**
 * A template value anygate wrote as an expression, back as an anygate template (`${header.x}`).
 * A string part equal to a stage variable's value reads as that variable (anygate inlines stage
 * variables as string literals). Undefined when any part is not one anygate writes.
 */
export function templateFromExpression(text: string, stageVariables: Readonly<Record<string, string>> = {}): string | undefined {
  const m = /^@\(([\s\S]*)\)$/.exec(text.trim());
  if (!m) return undefined;
  let out = '';
  for (const part of splitAt(m[1], '+')) {
    const lit = csLiteral(part);
    if (lit !== undefined) {
      const stage = Object.entries(stageVariables).find(([, v]) => v === lit)?.[0];
      if (stage) out += `\${stage.${stage}}`;
      else if (lit.includes('${')) return undefined;
      else out += lit;
      continue;
    }
    const ref = REFS.map(([re, source]) => [re.exec(part), source] as const).find(([x]) => x);
    if (!ref) return undefined;
    out += `\${${ref[1]}.${csLiteral(ref[0]![1])}}`;
  }
  return out;
}

/** `context.Request.Headers.GetValueOrDefault("X", "") != ""` (or Url.Query): the location presented. */
function presented(s: string): Location | undefined {
  const m = new RegExp(`^\\(?context\\.Request\\.(Headers|Url\\.Query)\\.GetValueOrDefault\\((${STR}), ""\\) != ""\\)?$`).exec(s.trim());
  const name = m ? csLiteral(m[2]) : undefined;
  return m && name !== undefined ? { in: m[1] === 'Headers' ? 'header' : 'query', name } : undefined;
}

/** Splits at top-level ` || ` or ` && `, each part trimmed. */
function splitTop(expr: string, op: '||' | '&&'): string[] {
  return splitAt(expr, op).map((p) => p.trim());
}

/** Strips one pair of enclosing parentheses when they enclose the whole expression. */
function unwrap(s: string): string {
  const t = s.trim();
  if (!t.startsWith('(') || !t.endsWith(')')) return t;
  let depth = 0;
  for (let i = 0; i < t.length; i++) {
    if (t[i] === '(') depth++;
    else if (t[i] === ')') depth--;
    if (depth === 0 && i < t.length - 1) return t;
  }
  return t.slice(1, -1);
}

/** The alternatives of `!((A && B) || (C))`: each a list of presented locations. */
export function alternativesCondition(condition: string): Location[][] | undefined {
  const m = /^@\(!([\s\S]*)\)$/.exec(condition.trim());
  if (!m) return undefined;
  const alts: Location[][] = [];
  for (const alt of splitTop(unwrap(m[1]), '||')) {
    const locs = splitTop(unwrap(alt), '&&').map(presented);
    if (locs.some((l) => !l)) return undefined;
    alts.push(locs as Location[]);
  }
  return alts.length ? alts : undefined;
}

/** The location of `when condition="@(<presented>)"`, or undefined. */
export function presentedCondition(condition: string): Location | undefined {
  const m = /^@\(([\s\S]*)\)$/.exec(condition.trim());
  return m ? presented(m[1]) : undefined;
}

/** What anygate's refusals before the credentials are checked hold (see preCheckRefusals). */
export interface PreCheckRefusals {
  /** A repeated credential is refused. */
  readonly repeated: boolean;
  /** A key in a place the spec does not read is refused. */
  readonly undeclared: boolean;
  /** A call without a subscription is refused: the route requires a key. */
  readonly subscription: boolean;
}

/**
 * anygate's refusals before the credentials are checked, as one `when` answering 401
 * (providers/azure/emit/auth.ts refuseAny): a repeated credential, a key where the spec reads
 * none, no subscription, or-ed, each in parentheses when there are several. Also reads the
 * one-refusal forms earlier versions wrote a `choose` each. Undefined for any other condition.
 */
export function preCheckRefusals(condition: string, keyNames: { readonly header: string; readonly query: string }): PreCheckRefusals | undefined {
  const m = /^@\(([\s\S]*)\)$/.exec(condition.trim());
  if (!m) return undefined;
  // Only a key presented under the API's own key parameter names is anygate's refusal; any other
  // presented header or parameter refused with 401 is the user's rule, which the caller keeps as lost.
  const keyPlace = (p: string) => {
    const l = presented(p);
    return l !== undefined && (l.in === 'header' ? l.name.toLowerCase() === keyNames.header.toLowerCase() : l.name === keyNames.query);
  };
  const one = new RegExp(`^\\(context\\.Request\\.(Headers|Url\\.Query)\\.ContainsKey\\((${STR})\\) && context\\.Request\\.(Headers|Url\\.Query)\\[(${STR})\\]\\.Length > 1\\)$`);
  const found = { repeated: false, undeclared: false, subscription: false };
  for (const part of splitTop(m[1], '||')) {
    const inner = unwrap(part);
    if (inner === 'context.Subscription == null') found.subscription = true;
    else if (one.test(part) || splitTop(inner, '||').every((p) => one.test(p))) found.repeated = true;
    else if (keyPlace(part) || splitTop(inner, '||').every(keyPlace)) found.undeclared = true;
    else return undefined;
  }
  return found;
}

/** The rules of anygate's alternatives refusals beyond the first: a query key against the key header, a key without a subscription. */
export function isKeyRefusal(condition: string): boolean {
  return /context\.Subscription == null\)$/.test(condition.trim()) || /^@\(context\.Request\.Url\.Query\.GetValueOrDefault\(/.test(condition.trim());
}

/** The scopes and claim of anygate's scope check (scopesMissingExpr), or undefined. */
export function scopeCheck(condition: string): { claim: string; scopes: string[] } | undefined {
  const j = '\\(\\(Jwt\\)context\\.Variables\\["anygate-jwt"\\]\\)';
  const values = `${j}\\.Claims\\[(${STR})\\]`;
  // Since the scope decision matched the AWS authorizer's, several values one of which holds a
  // space grant nothing; policies written before that lack this term and are read too.
  const spacedItem = `(?:\\(${values}\\.Length > 1 && ${values}\\.Any\\(v => v\\.Contains\\(" "\\)\\)\\) \\|\\| )?`;
  const m = new RegExp(`^@\\(!${j}\\.Claims\\.ContainsKey\\((${STR})\\) \\|\\| ${spacedItem}new string\\[\\] \\{ ((?:${STR}(?:, )?)+) \\}\\.Except\\(${values}\\.SelectMany\\(v => v\\.Split\\(' '\\)\\)\\)\\.Any\\(\\)\\)$`).exec(condition.trim());
  if (!m) return undefined;
  const [, key, spaced1, spaced2, list, read] = m;
  // Every claim the condition names must be the one it checks for.
  if ([spaced1, spaced2, read].some((x) => x !== undefined && csLiteral(x) !== csLiteral(key))) return undefined;
  const claim = csLiteral(key);
  const scopes = [...list.matchAll(new RegExp(STR, 'g'))].map((x) => csLiteral(x[0]));
  if (claim === undefined || scopes.some((s) => s === undefined)) return undefined;
  return { claim, scopes: scopes as string[] };
}

/** Splits a C# argument list at its top-level `, ` (outside strings and brackets). */
const splitArgs = (expr: string): string[] => (expr.trim() ? splitOutside(expr, ', ') : []);

/** `name(args)` whole, its arguments; undefined when `s` is not one call of `name`. */
function call(s: string, name: string): string[] | undefined {
  if (!s.startsWith(`${name}(`) || !s.endsWith(')')) return undefined;
  const inner = s.slice(name.length + 1, -1);
  // The closing bracket must be the opening one's: the arguments split whole.
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '(') depth++;
    else if (c === ')' && --depth < 0) return undefined;
  }
  return splitArgs(inner);
}

const NOT_A_TEMPLATE = Symbol('not a template');

/** One JSON value of a body template as providers/azure/expressions.ts jsonTemplateExpr writes it. */
function jsonTemplateValue(s: string, stageVariables: Readonly<Record<string, string>>): unknown {
  const obj = call(s, 'new JObject');
  if (obj) {
    const out: Record<string, unknown> = {};
    for (const p of obj) {
      const prop = call(p, 'new JProperty');
      const key = prop?.length === 2 ? csLiteral(prop[0]!) : undefined;
      if (key === undefined) return NOT_A_TEMPLATE;
      const v = jsonTemplateValue(prop![1]!, stageVariables);
      if (v === NOT_A_TEMPLATE) return v;
      out[key] = v;
    }
    return out;
  }
  const array = call(s, 'new JArray');
  if (array) {
    const out = array.map((x) => jsonTemplateValue(x, stageVariables));
    return out.includes(NOT_A_TEMPLATE) ? NOT_A_TEMPLATE : out;
  }
  if (s === 'JValue.CreateNull()') return null;
  const token = new RegExp(`^\\(body\\?\\.SelectToken\\((${STR})\\) \\?\\? JValue\\.CreateNull\\(\\)\\)$`).exec(s);
  if (token) return `\${body.${csLiteral(token[1]!)}}`;
  const value = call(s, 'new JValue');
  if (value?.length !== 1) return NOT_A_TEMPLATE;
  const v = value[0]!;
  if (v === 'true' || v === 'false') return v === 'true';
  if (/^-?\d+L$/.test(v)) return Number(v.slice(0, -1));
  if (/^-?[\d.]+(?:[eE][-+]?\d+)?D$/.test(v)) return Number(v.slice(0, -1));
  const text = templateFromExpression(`@(${v})`, stageVariables);
  return text === undefined ? NOT_A_TEMPLATE : text;
}

/**
 * The request body template of anygate's `set-body` (`@{ var body = ...; return new JObject(...)
 * .ToString(...); }`), back as the spec's `transform.request.body`; undefined for any other body.
 */
export function bodyTemplateFromExpression(text: string, stageVariables: Readonly<Record<string, string>> = {}): unknown {
  const m = /^@\{ var body = context\.Request\.Body\?\.As<JObject>\(preserveContent: true\); return ([\s\S]*)\.ToString\(Newtonsoft\.Json\.Formatting\.None\); \}$/.exec(text.trim());
  if (!m) return undefined;
  const v = jsonTemplateValue(m[1]!, stageVariables);
  return v === NOT_A_TEMPLATE ? undefined : v;
}

/**
 * The dotted paths of anygate's response redaction `set-body` (JSONPath literals `$['a'][*]['b']`
 * removed from the response), back as `transform.response.redact`; undefined for any other body.
 */
export function redactionFromExpression(text: string): string[] | undefined {
  const m = /^@\{ var doc = context\.Response\.Body\.As<JToken>\(preserveContent: true\); foreach \(var p in new\[\] \{ ([\s\S]*) \}\) \{ foreach \(var t in doc\.SelectTokens\(p\)\.ToList\(\)\) \{ if \(t\.Parent is JProperty\) \{ t\.Parent\.Remove\(\); \} else \{ t\.Replace\(JValue\.CreateNull\(\)\); \} \} \} return doc\.ToString\(Newtonsoft\.Json\.Formatting\.None\); \}$/.exec(text.trim());
  if (!m) return undefined;
  const out: string[] = [];
  for (const lit of splitArgs(m[1]!)) {
    const path = csLiteral(lit);
    if (path === undefined || !path.startsWith('$')) return undefined;
    const parts: string[] = [];
    const re = /\[\*\]|\['((?:[^'\\]|\\['\\])*)'\]/y;
    re.lastIndex = 1;
    let x: RegExpExecArray | null;
    while (re.lastIndex < path.length && (x = re.exec(path))) parts.push(x[0] === '[*]' ? '*' : x[1]!.replace(/\\(['\\])/g, '$1'));
    if (re.lastIndex !== path.length || !parts.length) return undefined;
    out.push(parts.join('.'));
  }
  return out.length ? out : undefined;
}
