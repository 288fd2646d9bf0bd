/**
 * Documents as small element trees, never string concatenation, so every name and value from a
 * spec is escaped. toXml writes the bytes xmlbuilder2 writes for the same tree (pretty-printed,
 * its escaping): xmlbuilder2 stays the reference (test/security/xml-serializer.test.ts compares the
 * two on generated trees and on every emitted document), but building its DOM for thousands of
 * policy documents was a third of a 2,000-route synthesis and most of its garbage.
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
  // Loops rather than entries/filter/spreads: compilers build hundreds of thousands of these.
  let a: Record<string, string> | undefined;
  for (const k of Object.keys(attrs)) {
    const v = attrs[k];
    if (v !== undefined) (a ??= {})[k] = String(v);
  }
  let kids: (XNode | string)[] | undefined;
  for (let i = 0; i < children.length; i++) {
    const c = children[i];
    if (c !== undefined && c !== false && c !== null && c !== '') (kids ??= []).push(c);
  }
  if (a) return kids ? { name, attrs: a, children: kids } : { name, attrs: a };
  return kids ? { name, children: kids } : { name };
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
 * Text and attribute values. xmlbuilder2 escapes `&` only where it does not begin something shaped
 * like a reference (`&name;`, `&#64;`): it would write a spec string `&#64;(context.Request.Url)`
 * as is, and the gateway's XML parser would hand APIM `@(context.Request.Url)`, an expression it
 * evaluates (or Apigee `{var}` from `&#123;var&#125;`, or an undefined entity that fails the
 * deployment). Every `&` becomes `&amp;` here; test/security/xml.test.ts parses the output back.
 */
const literal = (s: string): string => (s.includes('&') ? s.replace(/&/g, '&amp;') : s);

/**
 * An attribute value, also keeping its tabs and line breaks: an XML parser turns those into spaces
 * in attribute values (and a lone carriage return into a line feed anywhere), so they are written
 * as character references.
 */
const attribute = (s: string): string => literal(s).replace(/[\t\n\r]/g, (c) => `&#${c.charCodeAt(0)};`);
const text = (s: string): string => literal(s).replace(/\r/g, '&#13;');

/** What xmlbuilder2's serializer does after the two above: `<`, `>` (and `"` in attributes). */
const ESCAPES: Record<string, string> = { '<': '&lt;', '>': '&gt;', '"': '&quot;' };
/** Characters textOut / attributeOut change: a string with none is written as it is (most are). */
const TEXT_SPECIAL = /[&<>\r]/;
const ATTRIBUTE_SPECIAL = /[&<>"\t\n\r]/;
const textOut = (s: string): string => {
  if (!TEXT_SPECIAL.test(s)) return s;
  const t = text(s);
  return /[<>]/.test(t) ? t.replace(/[<>]/g, (c) => ESCAPES[c]!) : t;
};
const attributeOut = (s: string): string => {
  if (!ATTRIBUTE_SPECIAL.test(s)) return s;
  const t = attribute(s);
  return /[<>"]/.test(t) ? t.replace(/[<>"]/g, (c) => ESCAPES[c]!) : t;
};

/** Two spaces a level, made once per level. */
const INDENTS: string[] = [];
const indentOf = (level: number): string => (INDENTS[level] ??= '  '.repeat(level));

/**
 * Names the fast writer takes: ASCII XML names without a colon (every name the compilers use).
 * Any other name goes through xmlbuilder2's DOM, which checks it and throws on an invalid one.
 */
const SIMPLE_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const simpleNames = new Map<string, boolean>();

/** Thrown by `write` at a name it does not take; toXml then uses the library. */
const OTHER_NAME = Symbol('other name');

function checked(name: string): string {
  let ok = simpleNames.get(name);
  if (ok === undefined) {
    ok = SIMPLE_NAME.test(name);
    if (simpleNames.size < 10_000) simpleNames.set(name, ok);
  }
  if (!ok) throw OTHER_NAME;
  return name;
}

/**
 * The text of shared subtrees (see `shared`), per indentation level: written once, then reused.
 */
const sharedText = new WeakMap<XNode, string[]>();

/**
 * Marks a subtree many documents hold as the same object (built once per spec or stage, like a
 * gateway error response that every route's policy carries): toXml writes its text once per
 * indentation level and reuses it. Nodes are never changed once built, so the text stays right.
 */
export function shared<T extends XNode>(node: T): T {
  if (!sharedText.has(node)) sharedText.set(node, []);
  return node;
}

/** Writes a node, reusing the text of a shared one written at this level before. */
function write(node: XNode, level: number, out: string[]): void {
  const memo = sharedText.get(node);
  if (memo === undefined) return writeNode(node, level, out);
  let text = memo[level];
  if (text === undefined) {
    const own: string[] = [];
    writeNode(node, level, own);
    memo[level] = text = own.join('');
  }
  out.push(text);
}

/**
 * xmlbuilder2's pretty printer for element and text nodes: two spaces a level; an element whose
 * children are all text is written on one line (`<a>text</a>`), one without children or whose text
 * is all empty as `<a/>`; in mixed content each non-empty text sits on its own line.
 */
function writeNode(node: XNode, level: number, out: string[]): void {
  const indent = indentOf(level);
  let open = indent + '<' + checked(node.name);
  if (node.attrs) for (const k of Object.keys(node.attrs)) open += ' ' + checked(k) + '="' + attributeOut(node.attrs[k]!) + '"';
  const kids = node.children;
  if (!kids || kids.length === 0) {
    out.push(open + '/>\n');
    return;
  }
  let textOnly = true;
  let empty = true;
  for (const c of kids) {
    if (typeof c !== 'string') {
      textOnly = false;
      empty = false;
      break;
    }
    if (c !== '') empty = false;
  }
  if (empty) {
    out.push(open + '/>\n');
    return;
  }
  if (textOnly) {
    let body = '';
    for (const c of kids) body += textOut(c as string);
    out.push(open + '>' + body + '</' + node.name + '>\n');
    return;
  }
  out.push(open + '>\n');
  for (let i = 0; i < kids.length; i++) {
    const c = kids[i]!;
    if (typeof c !== 'string') write(c, level + 1, out);
    else if (c !== '') out.push(indentOf(level + 1) + textOut(c) + '\n');
  }
  out.push(indent + '</' + node.name + '>\n');
}

/**
 * The tree as DOM nodes of xmlbuilder2's own document, serialized by the library: the reference
 * toXml's fast writer is tested against, and the path for names it does not take.
 */
function build(doc: XmlDocument, node: XNode): DomElement {
  const e = doc.createElement(node.name);
  if (node.attrs) for (const k of Object.keys(node.attrs)) e.setAttribute(k, attribute(node.attrs[k]!));
  for (const c of node.children ?? []) e.appendChild(typeof c === 'string' ? doc.createTextNode(text(c)) : build(doc, c));
  return e;
}

/** Serializes a tree with xmlbuilder2 (the reference; toXml gives the same bytes). */
export function toXmlByLibrary(root: XNode, options: { declaration?: boolean } = {}): string {
  const doc = create(options.declaration ? { version: '1.0', encoding: 'UTF-8', standalone: true } : {});
  const dom = doc.node as unknown as XmlDocument;
  dom.appendChild(build(dom, root));
  return doc.end({ prettyPrint: true, headless: !options.declaration }) + '\n';
}

const DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

/**
 * Serializes a tree: pretty-printed, with or without the XML declaration.
 * @default options.declaration false
 */
export function toXml(root: XNode, options: { declaration?: boolean } = {}): string {
  const out: string[] = options.declaration ? [DECLARATION] : [];
  try {
    write(root, 0, out);
  } catch (e) {
    if (e === OTHER_NAME) return toXmlByLibrary(root, options);
    throw e;
  }
  return out.join('');
}
