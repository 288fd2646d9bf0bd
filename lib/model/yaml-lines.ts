/**
 * The plainest YAML, read line by line. Specs written by hand or by a YAML writer are mostly
 * block mappings and sequences of one-line scalars; for those, reading each line once is several
 * times cheaper than a general parser (js-yaml's composeNode tries every node kind at every
 * node). Accepted: block mappings and sequences (compact `- key: v` included), plain scalars on
 * one line (YAML 1.2 core schema), one-line quoted scalars (double-quoted with JSON's escapes
 * but `\u` only), `{}` and `[]`, comments. Everything else (anchors, tags, flow collections,
 * block scalars, multi-line scalars, null values, odd comment indentation, CRLF, control
 * characters, repeated keys, syntax errors) returns undefined, and the caller reads the text
 * with the general parsers (./yaml-data), which give the same data or the reference error.
 * test/model/yaml-lines.test.ts compares it with the reference parser (`yaml`).
 */
import { resolvePlain } from './yaml-core';

/** Thrown to step aside; caught in blockYamlData. */
const REFUSE = new Error('outside the line subset');

/**
 * Characters the reader leaves to the general parsers: controls, NEL, line/paragraph separators,
 * BOM, non-characters, lone surrogates, tab, CR. A superset of what lib/model/characters.ts
 * refuses, so keys and values read here need no character check (blockYamlData's contract).
 */
const UNREAD = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udfff]/u;

/** Characters a plain scalar may not start with (YAML indicators); `-`, `?` and `:` may when a non-space follows. */
const INDICATOR = new Set([...'-?:,[]{}#&*!|>\'"%@`']);

/** A plain scalar's text (trimmed, comment cut) the general parsers read alike, else refuse. */
function plainText(s: string): string {
  const c = s[0];
  if (c === undefined || c === ' ') throw REFUSE;
  if (INDICATOR.has(c) && (!(c === '-' || c === '?' || c === ':') || s.length < 2 || s[1] === ' ')) throw REFUSE;
  // `: ` inside or `:` at the end is a mapping indicator (a syntax error here).
  if (s.includes(': ') || s.charCodeAt(s.length - 1) === 0x3a) throw REFUSE;
  return s;
}

/** Cuts a ` #` comment and trailing spaces from the rest of a line holding a plain scalar. */
function cutComment(s: string): string {
  const h = s.indexOf(' #');
  return trimSpaces(h < 0 ? s : s.slice(0, h));
}

/** Without trailing spaces (only U+0020: YAML's other white space is a tab, refused; trimEnd would cut more). */
function trimSpaces(s: string): string {
  let e = s.length;
  while (e > 0 && s.charCodeAt(e - 1) === 0x20) e--;
  return e === s.length ? s : s.slice(0, e);
}

/** After a quoted scalar: nothing, or spaces and a comment. */
function endsLine(s: string, from: number): boolean {
  let i = from;
  while (s.charCodeAt(i) === 0x20) i++;
  return i === s.length || (i > from && s.charCodeAt(i) === 0x23);
}

/** A quoted scalar starting at 0: its value and the offset past its closing quote. */
function quoted(s: string): { value: string; end: number } {
  if (s.charCodeAt(0) === 0x27) {
    // Single-quoted: '' is a quote, nothing else is escaped.
    let i = 1;
    let doubled = false;
    for (;;) {
      const q = s.indexOf("'", i);
      if (q < 0) throw REFUSE; // runs onto the next line
      if (s.charCodeAt(q + 1) === 0x27) {
        doubled = true;
        i = q + 2;
        continue;
      }
      const body = s.slice(1, q);
      return { value: doubled ? body.replaceAll("''", "'") : body, end: q + 1 };
    }
  }
  // Double-quoted: JSON's escapes mean the same in YAML. Left out: \u (surrogate halves), \b
  // and \f (characters checkCharacters refuses: what this reader returns never holds one).
  let escaped = false;
  for (let i = 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) return { value: escaped ? (JSON.parse(s.slice(0, i + 1)) as string) : s.slice(1, i), end: i + 1 };
    if (c === 0x5c) {
      if (!'"\\/nrt'.includes(s[i + 1] ?? 'x')) throw REFUSE;
      escaped = true;
      i++;
    }
  }
  throw REFUSE;
}

/** A line's content (from its indentation): a `key:` with what follows it, or a lone scalar. */
type Line = { key: string; rest: string } | { key: undefined; value: unknown };

/** Text at indentation 0 that would be a document marker. */
const MARKER = /^(?:---|\.\.\.)/;

/** A mapping key as the general parsers read it: decimal integers in their plain spelling, and strings. */
function plainKey(k: string): string {
  const v = resolvePlain(plainText(k));
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && /^(?:0|[1-9][0-9]{0,14})$/.test(k)) return k;
  throw REFUSE; // null, bool, float and other number spellings: keys the parsers stringify
}

function classify(t: string): Line {
  const c = t.charCodeAt(0);
  if (c === 0x22 || c === 0x27) {
    const q = quoted(t);
    if (t.charCodeAt(q.end) === 0x3a && (q.end + 1 === t.length || t.charCodeAt(q.end + 1) === 0x20)) return { key: q.value, rest: t.slice(q.end + 1) };
    if (!endsLine(t, q.end)) throw REFUSE;
    return { key: undefined, value: q.value };
  }
  let colon = t.indexOf(':');
  while (colon >= 0 && colon + 1 < t.length && t.charCodeAt(colon + 1) !== 0x20) colon = t.indexOf(':', colon + 1);
  const hash = t.indexOf(' #');
  if (colon < 0 || (hash >= 0 && hash < colon)) return { key: undefined, value: scalarValue(t) };
  const k = t.slice(0, colon);
  if (k.length > 1000 || k.charCodeAt(k.length - 1) === 0x20) throw REFUSE;
  return { key: plainKey(k), rest: t.slice(colon + 1) };
}

/** The value of a scalar written after `key: ` or `- ` (text non-empty, from its first character). */
function scalarValue(t: string): unknown {
  const c = t.charCodeAt(0);
  if (c === 0x22 || c === 0x27) {
    const q = quoted(t);
    if (!endsLine(t, q.end)) throw REFUSE;
    return q.value;
  }
  if (c === 0x7b || c === 0x5b) {
    // Only the empty flow collections.
    if (t[1] !== (c === 0x7b ? '}' : ']') || !endsLine(t, 2)) throw REFUSE;
    return c === 0x7b ? {} : [];
  }
  const v = resolvePlain(plainText(cutComment(t)));
  if (v === null) throw REFUSE; // null values: the general parsers decide
  return v;
}

const isDash = (t: string): boolean => t.charCodeAt(0) === 0x2d && (t.length === 1 || t.charCodeAt(1) === 0x20);

/**
 * The data of a YAML text whose root is a block mapping, when every line is in the subset above;
 * otherwise undefined. No key or string in it holds a character checkCharacters refuses.
 */
export function blockYamlData(text: string): Record<string, unknown> | undefined {
  if (UNREAD.test(text)) return undefined;
  // Content lines: indentation and text past it (trailing spaces kept; scalars trim them).
  const ind: number[] = [];
  const txt: string[] = [];
  let commentIndent = Infinity;
  let from = 0;
  while (from < text.length) {
    let to = text.indexOf('\n', from);
    if (to < 0) to = text.length;
    let i = from;
    while (i < to && text.charCodeAt(i) === 0x20) i++;
    if (i < to) {
      const n = i - from;
      if (text.charCodeAt(i) === 0x23) commentIndent = Math.min(commentIndent, n);
      else {
        // A comment line indented less than the node after it: the reference parser may refuse it.
        if (commentIndent < n) return undefined;
        commentIndent = Infinity;
        const t = text.slice(i, to);
        if (n === 0 && MARKER.test(t)) return undefined;
        ind.push(n);
        txt.push(trimSpaces(t));
      }
    }
    from = to + 1;
  }
  const n = ind.length;
  let i = 0;

  /** A node on its own line(s), below a `key:` or `-` at indentation `parent`. */
  function block(parent: number): unknown {
    if (i >= n || ind[i]! <= parent) throw REFUSE; // an empty node: null
    return isDash(txt[i]!) ? sequence(ind[i]!) : mapping(ind[i]!);
  }

  /** What follows `key:` on a line (empty, or a space first): a scalar there, or a block below. */
  function valueAfter(rest: string, at: number): unknown {
    let s = 0;
    while (rest.charCodeAt(s) === 0x20) s++;
    i++;
    if (s < rest.length && rest.charCodeAt(s) !== 0x23) return scalarValue(rest.slice(s));
    // A sequence may sit at its key's indentation.
    if (i < n && ind[i] === at && isDash(txt[i]!)) return sequence(at);
    return block(at);
  }

  function mapping(m: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    while (i < n && ind[i] === m) {
      const t = txt[i]!;
      if (isDash(t)) throw REFUSE;
      const line = classify(t);
      if (line.key === undefined) throw REFUSE; // a scalar where a key belongs
      const key = line.key;
      if (key === '__proto__' || Object.prototype.hasOwnProperty.call(out, key)) throw REFUSE;
      out[key] = valueAfter(line.rest, m);
      if (i < n && ind[i]! > m) throw REFUSE;
    }
    return out;
  }

  function sequence(d: number): unknown[] {
    const out: unknown[] = [];
    while (i < n && ind[i] === d && isDash(txt[i]!)) {
      const t = txt[i]!;
      let k = 1;
      while (t.charCodeAt(k) === 0x20) k++;
      if (k === t.length || t.charCodeAt(k) === 0x23) {
        i++;
        out.push(block(d));
      } else {
        // The item's text is a line of its own at its column: `- a: 1` is a mapping there.
        const rest = t.slice(k);
        ind[i] = d + k;
        txt[i] = rest;
        if (isDash(rest)) out.push(sequence(d + k));
        else {
          const line = classify(rest);
          if (line.key === undefined) {
            out.push(line.value);
            i++;
          } else out.push(mapping(d + k));
        }
      }
      if (i < n && ind[i]! > d) throw REFUSE;
    }
    return out;
  }

  try {
    if (n === 0 || ind[0] !== 0) return undefined;
    const root = mapping(0);
    return i === n ? root : undefined;
  } catch (e) {
    if (e === REFUSE) return undefined;
    throw e;
  }
}
