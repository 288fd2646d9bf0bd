/**
 * Characters no target can carry. Azure and Apigee configurations are XML 1.0 documents, which
 * cannot hold C0 control characters other than tab, line feed and carriage return, U+FFFE, U+FFFF
 * or unpaired surrogates, not even as character references; header values (every target) cannot
 * hold them either. A spec string holding one is refused where it is, instead of failing at deploy.
 */
import type { SpecIssue } from './errors';

const ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const codePoint = (c: string) => `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;

/** One error per string value or key of `input` that holds such a character, at its spec path. */
export function checkCharacters(input: unknown, issues: SpecIssue[], path: (string | number)[] = []): void {
  const check = (s: string, at: (string | number)[], what: string) => {
    const m = ILLEGAL.exec(s);
    if (m) issues.push({ path: at, message: `${what} holds ${codePoint(m[0])}, a character that gateway configurations (XML) and HTTP headers cannot carry; remove it`, severity: 'error' });
  };
  if (typeof input === 'string') check(input, path, 'the value');
  else if (Array.isArray(input)) input.forEach((x, i) => checkCharacters(x, issues, [...path, i]));
  else if (input && typeof input === 'object') {
    for (const [k, v] of Object.entries(input)) {
      check(k, [...path, k], 'the key');
      checkCharacters(v, issues, [...path, k]);
    }
  }
}
