/**
 * YAML that YAML 1.1 parsers (PyYAML, SnakeYAML) read as YAML 1.2 parsers do. YAML 1.1 reads more
 * plain scalars as non-strings (yes, on, 1:20, 2001-12-14), and treats NEL
 * (U+0085), LINE SEPARATOR (U+2028) and PARAGRAPH SEPARATOR (U+2029) as line breaks and rejects
 * C1 controls and BOMs inside a document, and the `yaml` package writes all of them raw. Every
 * string holding one is written double-quoted with the character escaped (`\N`, `\L`, `\P`,
 * `\xHH`, `\uHHHH`: YAML 1.2 section 5.7, the same escapes in 1.1).
 */
import { Document, visit } from 'yaml';

// C0 controls except tab and line feed, DEL, C1 controls (NEL included), the Unicode line and
// paragraph separators, BOM, the non-characters U+FFFE/U+FFFF, and unpaired surrogates.
const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const NAMED: Record<string, string> = { '\u0085': '\\N', '\u2028': '\\L', '\u2029': '\\P' };

function escape(ch: string): string {
  const code = ch.charCodeAt(0);
  return NAMED[ch] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
}

/** Replaces unsafe characters in text that is not inside a YAML scalar (a comment, say). */
export function yamlCommentSafe(text: string): string {
  return text.replace(UNSAFE, (ch) => escape(ch).replace(/\\/g, '\\\\'));
}

/** `value` as YAML readable by YAML 1.1 and 1.2 parsers alike. */
export function toYaml(value: unknown): string {
  // The 1.1 schema quotes every string a 1.1 parser would read as something else (yes, on, 1:20,
  // 2001-12-14, 0777...); quoted, a 1.2 parser reads the same string. No %YAML directive is written.
  // The 1.1 merge tag would write a string `<<` bare, which 1.1 parsers then read as a merge key.
  const doc = new Document(value, { version: '1.1', customTags: (tags) => tags.filter((t) => typeof t === 'string' || t.tag !== 'tag:yaml.org,2002:merge') });
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== 'string') return;
      // A tab in a plain scalar after a space is a token PyYAML refuses ("cannot start any token").
      if (node.value.search(UNSAFE) !== -1 || node.value.includes('\t')) node.type = 'QUOTE_DOUBLE';
      // PyYAML resolves a plain `=` to its unconstructable !!value tag and `<<` to a merge key.
      else if (node.value === '=' || node.value === '<<') node.type = 'QUOTE_DOUBLE';
    },
  });
  // Only double-quoted scalars hold these characters now, and there an escape means the character.
  return doc.toString({ lineWidth: 0 }).replace(UNSAFE, escape);
}
