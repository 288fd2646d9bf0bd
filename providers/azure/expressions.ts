/**
 * The one way spec strings reach an API Management policy. APIM evaluates two languages inside a
 * policy document: policy expressions (a value starting with `@(` or `@{` is C#) and named values
 * (`{{name}}` is replaced by a service-wide value, secrets included) in ANY attribute or text,
 * names included. So every spec string is either
 *   - a value: `policyText` (a literal, or a C# string literal expression when it could be read
 *     as either language), `policyJson` (JSON whose braces never pair up), `csString` inside
 *     generated expressions; or
 *   - a name or literal-only value, checked against a strict grammar by `ApimStrings`, which
 *     refuses anything else with a located error.
 * Placeholders (`${claim.sub}`...) become C# expressions here too (stage variables are inlined:
 * one component per stage).
 */
import type { FeatureId } from '../../lib/capabilities/features';
import { APIM_STRINGS, type ApimStringKind } from '../../lib/capabilities/targets/azure-strings';
import type { TemplatePart } from '../../lib/model/template';
import type { RouteTemplates } from '../../lib/model/types';

/** Name of the context variable holding the validated token (validate-jwt output-token-variable-name). */
export const JWT_VARIABLE = 'anygate-jwt';

/** A C# string literal; braces, `@` and non-ASCII are \u-escaped so no `{{` or `@(` survives into the policy text. */
export function csString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '{' || ch === '}' || ch === '@' || c < 0x20 || c > 0x7e) out += unicodeEscape(c);
    else out += ch;
  }
  return out + '"';
}

/** `\uXXXX` (a surrogate pair above U+FFFF); the same escape is valid in C# and JSON strings. */
function unicodeEscape(c: number): string {
  const u = (n: number) => `\\u${n.toString(16).padStart(4, '0')}`;
  if (c <= 0xffff) return u(c);
  return u(Math.floor((c - 0x10000) / 0x400) + 0xd800) + u(((c - 0x10000) % 0x400) + 0xdc00);
}

/** Spec text as a policy value: literal when APIM cannot read it as code, else a string-literal expression. */
export function policyText(s: string): string {
  return /[@{}]/.test(s) ? `@(${csString(s)})` : s;
}

/**
 * JSON text for a policy body that APIM neither evaluates nor substitutes: inside strings `{`, `}`
 * and `@` are \u-escaped (valid JSON), and closing braces of nested objects are spaced (`} }`), so
 * the text never holds `{{`, `}}` or `@`.
 */
export function policyJson(value: unknown): string {
  const text = JSON.stringify(value ?? null, (_k, v) => v).replace(/"(?:[^"\\]|\\.)*"/g, (str) => str.replace(/[{}@]/g, (ch) => unicodeEscape(ch.charCodeAt(0))));
  let out = text;
  while (out.includes('}}') || out.includes('{{')) out = out.replace(/\}\}/g, '} }').replace(/\{\{/g, '{ {');
  return out;
}

/**
 * Asserts names and literal-only values against the shared grammars (lib/capabilities/targets/
 * azure-strings.ts). The capability checks refuse the same strings before compilation, so a
 * failure here is anygate's own bug, never a refusal of its own; every check returns its input so
 * emitters stay one expression.
 */
export class ApimStrings {
  constructor(private readonly target: string) {}

  private check(kind: ApimStringKind, value: string, where: string, feature: FeatureId, field: string): string {
    const message = APIM_STRINGS[kind](value, field);
    if (message) throw new Error(`internal: ${this.target}: ${where}: ${feature}: ${message}; lib/capabilities/targets/azure-checks.ts should have refused this spec`);
    return value;
  }

  /** A header name (JWT header, CORS headers, transforms, mock headers, authorizer headers, cache keys). */
  header(name: string, where: string, feature: FeatureId, field: string): string {
    return this.check('header', name, where, feature, field);
  }

  /** A JWT claim name (required claims, scopeClaim). */
  claim(name: string, where: string, feature: FeatureId, field: string): string {
    return this.check('claim', name, where, feature, field);
  }

  /** A CORS origin: `*` or scheme://host[:port]. */
  origin(origin: string, where: string): string {
    return this.check('origin', origin, where, 'cors', 'origin');
  }

  /** A query parameter name or a binding name. */
  plainName(name: string, where: string, feature: FeatureId, field: string): string {
    return this.check('plainName', name, where, feature, field);
  }

  /** A rewrite-uri template: literal text and `{param}` references only. */
  uriTemplate(template: string, where: string): string {
    return this.check('uriTemplate', template, where, 'transform.path', 'rewritePath');
  }

  /** A value where API Management takes only literal text (validate-jwt issuer, audiences, claim values, scopes). */
  literal(value: string, where: string, feature: FeatureId, field: string): string {
    return this.check('literal', value, where, feature, field);
  }
}

export type Ref = Extract<TemplatePart, { kind: 'ref' }>;

/** A C# expression: the request's header or query parameter `name` (values comma-joined; "" when absent). */
export function requestValueExpr(where: 'header' | 'query', name: string): string {
  const n = csString(name);
  return where === 'header' ? `context.Request.Headers.GetValueOrDefault(${n}, "")` : `context.Request.Url.Query.GetValueOrDefault(${n}, "")`;
}

/**
 * A C# condition: the request holds a header (any case of its name) or query parameter more than
 * once. Both dictionaries map a name to every value sent (string[]).
 */
export function repeatedValueExpr(where: 'header' | 'query', name: string): string {
  const n = csString(name);
  const dict = where === 'header' ? 'context.Request.Headers' : 'context.Request.Url.Query';
  return `(${dict}.ContainsKey(${n}) && ${dict}[${n}].Length > 1)`;
}

/**
 * A C# condition: the token validate-jwt put in JWT_VARIABLE lacks one of `scopes` in `claim`,
 * decided as the AWS authorizer decides (lib/runtime/authorizer checkClaims + holds): a string
 * claim is space-separated scopes; an array claim is a list of scopes compared whole, and an array
 * with an element holding a space grants nothing. Jwt.Claims maps a claim to string[]: one element
 * for a string, one per item for an array
 * (https://learn.microsoft.com/azure/api-management/api-management-policy-expressions, Jwt). So
 *   - absent: missing;
 *   - several values, one holding a space: missing (AWS refuses such an array);
 *   - otherwise every value split on spaces: one value is a string's words, and several values,
 *     none holding a space, split each into itself (compared whole).
 * A one-element array reads as a string there (its element is split), and non-string elements
 * arrive as their text: the auth.scopes record (lib/capabilities/targets/azure.ts) names the gap.
 */
export function scopesMissingExpr(claim: string, scopes: readonly string[]): string {
  const jwt = `((Jwt)context.Variables["${JWT_VARIABLE}"])`;
  const c = csString(claim);
  const values = `${jwt}.Claims[${c}]`;
  const spacedItem = `(${values}.Length > 1 && ${values}.Any(v => v.Contains(${csString(' ')})))`;
  return `!${jwt}.Claims.ContainsKey(${c}) || ${spacedItem} || new string[] { ${scopes.map(csString).join(', ')} }.Except(${values}.SelectMany(v => v.Split(' '))).Any()`;
}

/** A C# expression yielding the placeholder's value as a string. */
export function refExpr(ref: Ref, stageVars: Record<string, string>): string {
  const n = csString(ref.name);
  switch (ref.source) {
    case 'path':
      return `context.Request.MatchedParameters.GetValueOrDefault(${n}, "")`;
    case 'query':
    case 'header':
      return requestValueExpr(ref.source, ref.name);
    case 'claim':
      return `(context.Variables.ContainsKey("${JWT_VARIABLE}") ? ((Jwt)context.Variables["${JWT_VARIABLE}"]).Claims.GetValueOrDefault(${n}, "") : "")`;
    case 'body':
      return `(context.Request.Body?.As<JObject>(preserveContent: true)?.SelectToken(${n})?.ToString() ?? "")`;
    case 'stage':
      return csString(stageVars[ref.name] ?? '');
  }
}

/** A parsed template (route.templates) as a policy value: literal text when it has no placeholders. */
export function templateValue(parts: readonly TemplatePart[], stageVars: Record<string, string>): string {
  if (parts.every((p) => p.kind === 'text')) return policyText(parts.map((p) => (p.kind === 'text' ? p.text : '')).join(''));
  return `@(${parts.map((p) => (p.kind === 'text' ? csString(p.text) : refExpr(p, stageVars))).join(' + ')})`;
}

/** The parsed string leaves of a request body (route.templates.body), by JSON path. */
export type BodyLeaves = ReadonlyMap<string, readonly TemplatePart[]>;

/** Indexes route.templates.body by JSON path, for jsonTemplateExpr. */
export function bodyLeaves(body: RouteTemplates['body']): BodyLeaves {
  return new Map(body.map((l) => [JSON.stringify(l.path), l.parts]));
}

/**
 * A JSON body template as a C# JToken expression; single placeholders keep their JSON type. The
 * body gives the structure; its string leaves come parsed from `leaves`.
 */
export function jsonTemplateExpr(v: unknown, stageVars: Record<string, string>, leaves: BodyLeaves, path: (string | number)[] = []): string {
  if (typeof v === 'string') {
    const parts = leaves.get(JSON.stringify(path));
    if (!parts) throw new Error(`internal: body leaf ${JSON.stringify(path)} has no parsed template (routes come from lib/model normalization)`);
    if (parts.length === 1 && parts[0].kind === 'ref') {
      const ref = parts[0];
      if (ref.source === 'body') return `(body?.SelectToken(${csString(ref.name)}) ?? JValue.CreateNull())`;
      return `new JValue(${refExpr(ref, stageVars)})`;
    }
    return `new JValue(${parts.map((p) => (p.kind === 'text' ? csString(p.text) : refExpr(p, stageVars))).join(' + ') || '""'})`;
  }
  if (Array.isArray(v)) return `new JArray(${v.map((x, i) => jsonTemplateExpr(x, stageVars, leaves, [...path, i])).join(', ')})`;
  if (v && typeof v === 'object') {
    const props = Object.keys(v).sort().map((k) => `new JProperty(${csString(k)}, ${jsonTemplateExpr((v as Record<string, unknown>)[k], stageVars, leaves, [...path, k])})`);
    return `new JObject(${props.join(', ')})`;
  }
  if (v === null || v === undefined) return 'JValue.CreateNull()';
  if (typeof v === 'boolean') return `new JValue(${v ? 'true' : 'false'})`;
  return `new JValue(${Number.isInteger(v) ? `${v}L` : `${v}D`})`;
}

/** Dotted redaction path (`items.*.card`) as JSONPath (`$['items'][*]['card']`), as a C# literal. */
export function jsonPathLiteral(dotted: string): string {
  return csString('$' + dotted.split('.').map((s) => (s === '*' ? '[*]' : `['${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`)).join(''));
}

/** A C# condition: the request's Origin header is one of the allowed origins (`*`: any). */
export function originAllowedExpr(origins: readonly string[]): string {
  const o = 'context.Request.Headers.GetValueOrDefault("Origin", "")';
  if (origins.includes('*')) return `${o} != ""`;
  return `(${origins.map((x) => `${o} == ${csString(x)}`).join(' || ')})`;
}
