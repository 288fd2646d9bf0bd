/**
 * The placeholder language rendered as APIM policy expressions (C#). Stage variables are known at
 * compile time (one component per stage), so they are inlined.
 */
import { parseTemplate, type TemplatePart } from '../../lib/model/template';
import { csString, policyText } from './xml';

/** Name of the context variable holding the validated token (validate-jwt output-token-variable-name). */
export const JWT_VARIABLE = 'anygate-jwt';

export type Ref = Extract<TemplatePart, { kind: 'ref' }>;

/** A C# expression yielding the placeholder's value as a string. */
export function refExpr(ref: Ref, stageVars: Record<string, string>): string {
  const n = csString(ref.name);
  switch (ref.source) {
    case 'path':
      return `context.Request.MatchedParameters.GetValueOrDefault(${n}, "")`;
    case 'query':
      return `context.Request.Url.Query.GetValueOrDefault(${n}, "")`;
    case 'header':
      return `context.Request.Headers.GetValueOrDefault(${n}, "")`;
    case 'claim':
      return `(context.Variables.ContainsKey("${JWT_VARIABLE}") ? ((Jwt)context.Variables["${JWT_VARIABLE}"]).Claims.GetValueOrDefault(${n}, "") : "")`;
    case 'body':
      return `(context.Request.Body?.As<JObject>(preserveContent: true)?.SelectToken(${n})?.ToString() ?? "")`;
    case 'stage':
      return csString(stageVars[ref.name] ?? '');
  }
}

/** A template string as a policy value: literal text when it has no placeholders. */
export function templateValue(s: string, stageVars: Record<string, string>): string {
  const parsed = parseTemplate(s);
  if (!parsed.ok) return policyText(s);
  if (parsed.parts.every((p) => p.kind === 'text')) return policyText(s);
  return `@(${parsed.parts.map((p) => (p.kind === 'text' ? csString(p.text) : refExpr(p, stageVars))).join(' + ')})`;
}

/** A JSON body template as a C# JToken expression; single placeholders keep their JSON type. */
export function jsonTemplateExpr(v: unknown, stageVars: Record<string, string>): string {
  if (typeof v === 'string') {
    const parsed = parseTemplate(v);
    const parts = parsed.ok ? parsed.parts : [{ kind: 'text' as const, text: v }];
    if (parts.length === 1 && parts[0].kind === 'ref') {
      const ref = parts[0];
      if (ref.source === 'body') return `(body?.SelectToken(${csString(ref.name)}) ?? JValue.CreateNull())`;
      return `new JValue(${refExpr(ref, stageVars)})`;
    }
    return `new JValue(${parts.map((p) => (p.kind === 'text' ? csString(p.text) : refExpr(p, stageVars))).join(' + ') || '""'})`;
  }
  if (Array.isArray(v)) return `new JArray(${v.map((x) => jsonTemplateExpr(x, stageVars)).join(', ')})`;
  if (v && typeof v === 'object') {
    const props = Object.keys(v).sort().map((k) => `new JProperty(${csString(k)}, ${jsonTemplateExpr((v as Record<string, unknown>)[k], stageVars)})`);
    return `new JObject(${props.join(', ')})`;
  }
  if (v === null || v === undefined) return 'JValue.CreateNull()';
  if (typeof v === 'boolean') return `new JValue(${v ? 'true' : 'false'})`;
  return `new JValue(${Number.isInteger(v) ? `${v}L` : `${v}D`})`;
}

/** Dotted redaction path (`items.*.card`) as JSONPath (`$['items'][*]['card']`). */
export function jsonPath(dotted: string): string {
  return '$' + dotted.split('.').map((s) => (s === '*' ? '[*]' : `['${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`)).join('');
}
