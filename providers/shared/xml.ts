/**
 * Documents as small element trees, serialized with xmlbuilder2: never string concatenation, so
 * every name and value from a spec is escaped.
 */
import { create } from 'xmlbuilder2';

/** An element: name, attributes and children (elements or text). */
export interface XNode {
  readonly name: string;
  readonly attrs?: Record<string, string>;
  readonly children?: (XNode | string)[];
}

/** Builds an element; undefined attributes and falsy children are left out. */
export const el = (name: string, attrs: Record<string, string | number | boolean | undefined> = {}, ...children: (XNode | string | undefined | false | null)[]): XNode => {
  const a: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) a[k] = String(v);
  const kids = children.filter((c): c is XNode | string => c !== undefined && c !== false && c !== null && c !== '');
  return { name, ...(Object.keys(a).length ? { attrs: a } : {}), ...(kids.length ? { children: kids } : {}) };
};

/** The DOM methods used of the library's document (typed here: its DOM types are a dependency's). */
interface DomNode {
  appendChild(child: DomNode): unknown;
}
interface DomElement extends DomNode {
  setAttribute(name: string, value: string): void;
}
interface XmlDocument extends DomNode {
  createElement(name: string): DomElement;
  createTextNode(data: string): DomNode;
}

/**
 * Text and attribute values as the serializer must receive them. xmlbuilder2 escapes `&` only
 * where it does not begin something shaped like a reference (`&name;`, `&#64;`): it would write a
 * spec string `&#64;(context.Request.Url)` as is, and the gateway's XML parser would hand APIM
 * `@(context.Request.Url)`, an expression it evaluates (or Apigee `{var}` from `&#123;var&#125;`,
 * or an undefined entity that fails the deployment). Every `&` becomes `&amp;` here, which the
 * serializer leaves alone; test/security/xml.test.ts parses the output back.
 */
const literal = (s: string): string => (s.includes('&') ? s.replace(/&/g, '&amp;') : s);

/**
 * An attribute value, also keeping its tabs and line breaks: an XML parser turns those into spaces
 * in attribute values (and a lone carriage return into a line feed anywhere), so they are written
 * as character references, which the serializer leaves alone as it does `&amp;`.
 */
const attribute = (s: string): string => literal(s).replace(/[\t\n\r]/g, (c) => `&#${c.charCodeAt(0)};`);
const text = (s: string): string => literal(s).replace(/\r/g, '&#13;');

/**
 * The tree as DOM nodes of the library's own document: its DOM methods, not its builder's `ele`,
 * which re-reads names and attributes for namespaces and converters (none here) and takes twice
 * as long on thousands of policy documents. The library serializes and escapes either way.
 */
function build(doc: XmlDocument, node: XNode): DomElement {
  const e = doc.createElement(node.name);
  if (node.attrs) for (const k of Object.keys(node.attrs)) e.setAttribute(k, attribute(node.attrs[k]!));
  for (const c of node.children ?? []) e.appendChild(typeof c === 'string' ? doc.createTextNode(text(c)) : build(doc, c));
  return e;
}

/** Serializes a tree: pretty-printed, with or without the XML declaration. */
export function toXml(root: XNode, options: { declaration?: boolean } = {}): string {
  const doc = create(options.declaration ? { version: '1.0', encoding: 'UTF-8', standalone: true } : {});
  const dom = doc.node as unknown as XmlDocument;
  dom.appendChild(build(dom, root));
  return doc.end({ prettyPrint: true, headless: !options.declaration }) + '\n';
}
