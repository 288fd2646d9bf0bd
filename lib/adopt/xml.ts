/**
 * XML for adopt readers: APIM policy documents and Apigee bundle files, parsed by fast-xml-parser
 * into nodes that know their XPath, in document order. API Management accepts policy expressions
 * (`@(...)`, `@{...}`) that hold raw `<`, `&` and nested quotes, which is not well-formed XML; they
 * are escaped the way API Management reads them before parsing, and kept as text.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { deepFreeze, TextMemo } from '../model/text-memo';

/** One element. */
export interface XmlNode {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly XmlNode[];
  /** Concatenated direct text, trimmed. */
  readonly text: string;
  /** `/policies[1]/inbound[1]/rate-limit-by-key[1]` */
  readonly xpath: string;
}

/** A parsed document, or why it is not XML. */
export type ParsedXml = { ok: true; root: XmlNode; escapedExpressions: number } | { ok: false; error: string };

type Raw = Record<string, unknown>;

/**
 * The elements among `items`, frozen as they are made (parsed trees are shared through the memo
 * below; freezing here spares deepFreeze a second walk over every node).
 */
function build(items: Raw[], parent: string): XmlNode[] {
  // Sibling counts by name for the XPath index: most elements have a handful of children, so two
  // parallel lists beat a Map per element.
  const names: string[] = [];
  const counts: number[] = [];
  const out: XmlNode[] = [];
  for (const item of items) {
    // The element's name: the item's one key besides its attributes (plain loops: this runs for
    // every element of every document a reader parses).
    let name: string | undefined;
    for (const k in item)
      if (k !== ':@') {
        name = k;
        break;
      }
    if (!name || name === '#text' || name.startsWith('?') || name === '#comment') continue;
    let slot = names.indexOf(name);
    if (slot < 0) {
      slot = names.length;
      names.push(name);
      counts.push(0);
    }
    const n = ++counts[slot];
    const xpath = `${parent}/${name}[${n}]`;
    const kids = (item[name] as Raw[]) ?? [];
    let text = '';
    for (let i = 0; i < kids.length; i++) if ('#text' in kids[i]) text += String(kids[i]['#text']);
    const attrs: Record<string, string> = {};
    const raw = item[':@'] as Raw | undefined;
    if (raw) for (const k of Object.keys(raw)) attrs[k] = String(raw[k]);
    out.push(Object.freeze({ name, attrs: Object.freeze(attrs), text: text.trim(), xpath, children: Object.freeze(build(kids, xpath)) as XmlNode[] }));
  }
  return out;
}

/** Escapes API Management policy expressions so that a policy document parses as XML. */
export function escapePolicyExpressions(text: string): { text: string; count: number } {
  let out = '';
  let count = 0;
  let i = 0;
  while (i < text.length) {
    const open = text[i] === '@' ? text[i + 1] : undefined;
    if (open !== '(' && open !== '{') {
      out += text[i++];
      continue;
    }
    const close = open === '(' ? ')' : '}';
    // The attribute quote the expression sits in, if any: `attr="@(...)"`.
    const before = out.replace(/\s+$/, '').slice(-1);
    const quote = before === '"' || before === "'" ? before : undefined;
    let depth = 0;
    let j = i + 1;
    let str: string | undefined;
    for (; j < text.length; j++) {
      const c = text[j];
      if (str) {
        if (c === '\\') j++;
        else if (c === str) str = undefined;
        continue;
      }
      if (c === '"' && quote !== '"') str = '"';
      else if (c === '"' && quote === '"' && depth > 0 && text[j + 1] !== ' ' && text[j + 1] !== '>' && text[j + 1] !== '/') str = '"';
      else if (c === open) depth++;
      else if (c === close && --depth === 0) break;
    }
    if (j >= text.length) {
      out += text[i++];
      continue;
    }
    const expr = text.slice(i, j + 1);
    let esc = expr.replace(/&(?![a-z]+;|#\d+;)/gi, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    if (quote) esc = esc.split(quote).join(quote === '"' ? '&quot;' : '&apos;');
    if (esc !== expr) count++;
    out += esc;
    i = j + 1;
  }
  return { text: out, count };
}

/** One parser for every document (it keeps no state between documents). */
const PARSER = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', parseTagValue: false, parseAttributeValue: false, trimValues: false, processEntities: true, allowBooleanAttributes: true });

function parseOnce(text: string): ParsedXml {
  const valid = XMLValidator.validate(text, { allowBooleanAttributes: true });
  if (valid !== true) return { ok: false, error: `not well-formed XML at line ${valid.err.line}, column ${valid.err.col}: ${valid.err.msg}` };
  const roots = build(PARSER.parse(text) as Raw[], '');
  if (roots.length === 0) return { ok: false, error: 'no root element' };
  return { ok: true, root: roots[0], escapedExpressions: 0 };
}

/**
 * Documents already parsed, by text (frozen trees): the policy files of one gateway's bundle are
 * mostly the same bytes as the next one's, and drift reads two nearly equal trees.
 */
const PARSED = { plain: new TextMemo<ParsedXml>(), policy: new TextMemo<ParsedXml>() };

/**
 * Parses XML; with `policyExpressions`, a document that is not well-formed is parsed again with
 * its API Management expressions escaped. The tree is frozen: the same text gives the same tree.
 */
export function parseXml(text: string, options: { policyExpressions?: boolean } = {}): ParsedXml {
  const policyExpressions = options.policyExpressions === true;
  return PARSED[policyExpressions ? 'policy' : 'plain'].get(text, (t) => deepFreeze(parseUncached(t, policyExpressions)));
}

function parseUncached(text: string, policyExpressions: boolean): ParsedXml {
  const body = text.replace(/^\uFEFF/, '');
  const first = parseOnce(body);
  if (first.ok || !policyExpressions) return first;
  const escaped = escapePolicyExpressions(body);
  if (escaped.count === 0) return first;
  const second = parseOnce(escaped.text);
  return second.ok ? { ...second, escapedExpressions: escaped.count } : first;
}

/** Direct children named `name`. */
export function kids(node: XmlNode, name: string): XmlNode[] {
  const out: XmlNode[] = [];
  const c = node.children;
  for (let i = 0; i < c.length; i++) if (c[i].name === name) out.push(c[i]);
  return out;
}

/** The first direct child named `name`. */
export function kid(node: XmlNode | undefined, name: string): XmlNode | undefined {
  if (!node) return undefined;
  const c = node.children;
  for (let i = 0; i < c.length; i++) if (c[i].name === name) return c[i];
  return undefined;
}

/** Text of the first descendant along `names`, e.g. `textAt(policy, 'Interval')`. */
export function textAt(node: XmlNode | undefined, ...names: string[]): string | undefined {
  let n = node;
  for (const name of names) n = kid(n, name);
  return n ? n.text : undefined;
}
