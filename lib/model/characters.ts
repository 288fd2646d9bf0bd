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
  // One path stack for the walk, copied only for an issue: a 2,000-route spec has 100,000 values.
  const at = [...path];
  const check = (s: string, what: string) => {
    const m = ILLEGAL.exec(s);
    if (m) issues.push({ path: [...at], message: `${what} holds ${codePoint(m[0])}, a character that gateway configurations (XML) and HTTP headers cannot carry; remove it`, severity: 'error' });
  };
  const walk = (v: unknown): void => {
    if (typeof v === 'string') check(v, 'the value');
    else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        at.push(i);
        walk(v[i]);
        at.pop();
      }
    } else if (v && typeof v === 'object') {
      for (const k of Object.keys(v)) {
        at.push(k);
        check(k, 'the key');
        walk((v as Record<string, unknown>)[k]);
        at.pop();
      }
    }
  };
  walk(input);
}
