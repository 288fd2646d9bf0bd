/**
 * API Management policy documents (element trees from ../shared/xml), plus the escaping APIM needs
 * on top of XML: text that starts with `@` is a policy expression and `{{name}}` is a named-value reference,
 * so spec text that could look like either becomes a C# string literal expression.
 */
import { el, toXml, type XNode } from '../shared/xml';

export { el, type XNode };

/** A C# string literal; braces and non-ASCII are \u-escaped so no `{{` survives into the policy text. */
export function csString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '{' || ch === '}' || c < 0x20 || c > 0x7e) {
      if (c > 0xffff) {
        const hi = Math.floor((c - 0x10000) / 0x400) + 0xd800;
        const lo = ((c - 0x10000) % 0x400) + 0xdc00;
        out += `\\u${hi.toString(16).padStart(4, '0')}\\u${lo.toString(16).padStart(4, '0')}`;
      } else out += `\\u${c.toString(16).padStart(4, '0')}`;
    } else out += ch;
  }
  return out + '"';
}

/** Spec text as a policy value: literal when safe, otherwise a string-literal expression. */
export function policyText(s: string): string {
  return s.startsWith('@') || s.includes('{') || s.includes('}') ? `@(${csString(s)})` : s;
}

/** JSON text safe from named-value substitution (`{{` only occurs inside strings, where \u007b is valid). */
export function policyJson(value: unknown): string {
  return JSON.stringify(value).replace(/\{\{/g, '{\\u007b').replace(/\}\}/g, '}\\u007d');
}

export interface PolicySections {
  readonly inbound: XNode[];
  readonly backend?: XNode[];
  readonly outbound: XNode[];
  readonly onError?: XNode[];
}

/** A complete `<policies>` document; every section starts with `<base />`. */
export function policyDocument(s: PolicySections): string {
  const section = (name: string, nodes: XNode[]) => el(name, {}, el('base'), ...nodes);
  return toXml(el('policies', {}, section('inbound', s.inbound), section('backend', s.backend ?? []), section('outbound', s.outbound), section('on-error', s.onError ?? [])));
}
