/**
 * YAML text to data, quickly. The `yaml` package (which keeps every node's position, for
 * file:line errors) is the reference parser; js-yaml builds plain data several times faster and
 * is used when the document stays inside the subset where both give the same data: YAML 1.2 core
 * scalars, block style (flow only for `{}` and `[]`), one-line flow scalars, no tabs, anchors,
 * tags, directives, null or collection keys, and a mapping at the root. Anything else (and every
 * syntax error) returns undefined, and the caller parses with `yaml`, whose results and error
 * messages are the ones users see.
 */
import { load, Schema, Type, type State } from 'js-yaml';

/**
 * The YAML 1.2 core schema's plain-scalar resolution (YAML 1.2.2, 10.3.2), as the `yaml`
 * package applies it: js-yaml's own core schema also reads 0b and 1_000 forms. Tried in order.
 */
const CORE: [string, RegExp, (s: string) => unknown][] = [
  ['null', /^(?:~|[Nn]ull|NULL)?$/, () => null],
  ['bool', /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, (s) => s[0] === 't' || s[0] === 'T'],
  ['int-oct', /^0o[0-7]+$/, (s) => parseInt(s.slice(2), 8)],
  ['int', /^[-+]?[0-9]+$/, (s) => parseInt(s, 10)],
  ['int-hex', /^0x[0-9a-fA-F]+$/, (s) => parseInt(s.slice(2), 16)],
  ['float-special', /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/, (s) => (s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? -Infinity : Infinity)],
  ['float-exp', /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/, parseFloat],
  ['float', /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/, parseFloat],
];

// One implicit type under a private tag name: an explicit `!!int` or `!!str` in a document is
// then an unknown tag, which js-yaml refuses, so tagged documents go to the reference parser.
// It tries the core forms in order; a scalar whose first character none of them can start with
// (most of a spec: names, paths, URLs) is a string at once. `resolve` notes the form that matched
// for `construct`, which js-yaml calls next on the same scalar.
const MAY_RESOLVE = /^(?:$|[~nNtTfF0-9+\-.])/;
let matched: ((s: string) => unknown) | undefined;
const SCHEMA = new Schema({
  implicit: [
    new Type('tag:anygate.dev,2026:core', {
      kind: 'scalar',
      resolve: (s: string) => {
        if (!MAY_RESOLVE.test(s)) return false;
        matched = CORE.find(([, test]) => test.test(s))?.[2];
        return matched !== undefined;
      },
      construct: (s: string) => matched!(s),
    }),
  ],
});

/**
 * Text where the two parsers could read different data: a directive (`%YAML 1.1` changes the
 * schema), an explicit key (`? `), a flow collection used as a key (`[a]: 1`, `{a: 1}: 2`), or a
 * verbatim tag (`!<...>`, which could name one of the private tags above).
 * Matches inside quoted strings too, which only costs the fast path.
 */
const OUTSIDE_SUBSET = /^%|(?:^|[\s{[,])\?(?:\s|$)|[\]}]\s*:|!</m;

/** What js-yaml's parse listener sees of a node (its typings leave these out). */
interface NodeState extends State {
  anchor: string | null;
  tag: string | null;
}

/**
 * Data both parsers read alike: no null (an empty node, which js-yaml reports to no listener, is
 * where they were seen to differ) and no key over 1,000 characters (the reference parser refuses
 * an implicit key over 1,024).
 */
function dataInSubset(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v !== 'object') return true;
  if (Array.isArray(v)) return v.every(dataInSubset);
  for (const k of Object.keys(v)) if (k.length > 1000 || !dataInSubset((v as Record<string, unknown>)[k])) return false;
  return true;
}

/**
 * The offset of a node's first character (past the spaces, line breaks and comments before it),
 * or -1 when a comment line before it is indented less than it (`key:\n#c\n  value`), which the
 * reference parser refuses.
 */
function contentStart(text: string, from: number, to: number): number {
  let i = from;
  let lowestComment = Infinity;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d) i++;
    else if (c === 0x23) {
      lowestComment = Math.min(lowestComment, i - text.lastIndexOf('\n', i - 1));
      while (i < to && text.charCodeAt(i) !== 0x0a) i++;
    } else break;
  }
  return lowestComment < i - text.lastIndexOf('\n', i - 1) ? -1 : i;
}

/**
 * Whether a finished node is one both parsers read alike. Left out: anchors, the non-specific
 * tag `!`, null nodes (as keys they read differently), flow collections other than `{}` and `[]`,
 * flow scalars over several lines, comments indented less than the node after them, keep-chomped
 * block scalars, and a comment glued to the node: the corners where the parsers were seen to
 * differ (test/model/yaml-data.test.ts hunts for more).
 */
function nodeInSubset(s: NodeState, start: number): boolean {
  if (s.anchor !== null || s.tag === '!' || s.result === null || s.result === undefined) return false;
  const text = s.input;
  const end = s.position;
  const i = contentStart(text, start, end);
  if (i < 0) return false;
  const c = text[i];
  if (text[end] === '#' && text[end - 1] !== ' ') return false;
  if (c === '{' || c === '[') return end - i === 2 && (text[i + 1] === '}' || text[i + 1] === ']');
  if (s.kind !== 'scalar') return true;
  // Block scalars: keep chomping (`|+`) keeps trailing lines, which the parsers count differently.
  if (c === '|' || c === '>') return !/^[|>][0-9-]*\+/.test(text.slice(i, i + 4));
  // A flow scalar on one line.
  return text.lastIndexOf('\n', end - 1) < i;
}

/**
 * The data of a single-document YAML text whose root is a mapping, when the fast parser reads it
 * exactly as the reference parser would; otherwise undefined (parse it with `yaml`).
 */
export function fastYamlData(text: string): Record<string, unknown> | undefined {
  if (OUTSIDE_SUBSET.test(text) || text.includes('\t')) return undefined;
  let inSubset = true;
  const starts: number[] = [];
  let data: unknown;
  try {
    data = load(text, {
      schema: SCHEMA,
      listener(event, state) {
        if (event === 'open') starts.push(state.position);
        else if (!nodeInSubset(state as NodeState, starts.pop()!)) inSubset = false;
      },
    });
  } catch {
    return undefined;
  }
  if (!inSubset || data === null || typeof data !== 'object' || Array.isArray(data) || !dataInSubset(data)) return undefined;
  return data as Record<string, unknown>;
}

/** A document marker at the start of a line: `---` or `...` (document end), then a space or the line's end. */
const MARKER_LINE = /^(?:---|\.\.\.)(?=[ \t\r\n]|$)[^\n]*/gm;

/** Text that holds no node: blank lines and comment lines only. */
const NO_NODE = /^(?:[ \r]*(?:#[^\n]*)?(?:\n|$))*$/;

/**
 * The documents of a multi-document YAML stream (Kubernetes manifests: documents separated by
 * `---` lines), as texts, leaving out those that hold no node; undefined when a marker line other
 * than a bare `---` is in it (`--- a`, `--- !tag`, `...`: the reference parser reads those). A
 * document marker only stands at the start of a line, and no scalar may hold one there (YAML
 * 1.2.2, c-forbidden), so splitting at those lines gives the reference parser's documents.
 */
export function yamlDocumentTexts(text: string): string[] | undefined {
  const out: string[] = [];
  let start = 0;
  const add = (body: string) => {
    if (!NO_NODE.test(body)) out.push(body);
  };
  for (const m of text.matchAll(MARKER_LINE)) {
    if (m[0] !== '---' && m[0] !== '---\r') return undefined;
    add(text.slice(start, m.index));
    start = m.index + m[0].length + 1;
  }
  add(text.slice(start));
  return out;
}

/**
 * The data of a multi-document YAML stream, one entry per document that holds a node, when the
 * fast parser reads every document exactly as the reference parser would; otherwise undefined
 * (parse it with `yaml`).
 */
export function fastYamlDocuments(text: string, readDocument: (text: string) => Record<string, unknown> | undefined = fastYamlData): Record<string, unknown>[] | undefined {
  const texts = yamlDocumentTexts(text);
  if (!texts) return undefined;
  const out: Record<string, unknown>[] = [];
  for (const t of texts) {
    const data = readDocument(t);
    if (data === undefined) return undefined;
    out.push(data);
  }
  return out;
}
