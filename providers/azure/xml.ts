/**
 * Policy documents as small trees, serialized with xmlbuilder2 (never by string concatenation,
 * so every name and value from the spec is escaped), plus the escaping APIM itself needs on top of
 * XML: text that starts with `@` is a policy expression and `{{name}}` is a named-value reference,
 * so spec text that could look like either becomes a C# string literal expression.
 */
import { create } from 'xmlbuilder2';

/** An element: name, attributes and children (elements or text). */
export interface XNode {
  readonly name: string;
  readonly attrs?: Record<string, string>;
  readonly children?: (XNode | string)[];
}

export const el = (name: string, attrs: Record<string, string | number | boolean | undefined> = {}, ...children: (XNode | string | undefined | false)[]): XNode => {
  const a: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) a[k] = String(v);
  return { name, ...(Object.keys(a).length ? { attrs: a } : {}), ...(children.some(Boolean) ? { children: children.filter((c): c is XNode | string => Boolean(c)) } : {}) };
};

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

function build(parent: ReturnType<typeof create>, node: XNode): void {
  const e = parent.ele(node.name, node.attrs ?? {});
  for (const c of node.children ?? []) {
    if (typeof c === 'string') e.txt(c);
    else build(e as unknown as ReturnType<typeof create>, c);
  }
}

export interface PolicySections {
  readonly inbound: XNode[];
  readonly backend?: XNode[];
  readonly outbound: XNode[];
  readonly onError?: XNode[];
}

/** A complete `<policies>` document; every section starts with `<base />`. */
export function policyDocument(s: PolicySections): string {
  const doc = create({ version: '1.0' });
  const root = doc.ele('policies');
  for (const [name, nodes] of [
    ['inbound', s.inbound],
    ['backend', s.backend ?? []],
    ['outbound', s.outbound],
    ['on-error', s.onError ?? []],
  ] as const) {
    const section = root.ele(name);
    section.ele('base');
    for (const n of nodes) build(section as unknown as ReturnType<typeof create>, n);
  }
  return doc.end({ prettyPrint: true, headless: true }) + '\n';
}
