/**
 * The one way spec strings reach a Kusto (KQL) query: the alert rules and the workbook read the
 * access-log lines in Application Insights with queries that name the gateway, stage and routes.
 * A value becomes a double-quoted KQL string literal with the escapes KQL documents (`\"`, `\\`,
 * `\t`, `\n`, `\r`), so no spec text can end the literal or add an operator; any other control
 * character is refused (the model's names never hold one).
 */

const ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A KQL string literal of `s`. */
export function kqlString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ESCAPES[ch]) out += ESCAPES[ch];
    else if (c < 0x20 || c === 0x7f) throw new Error(`internal: control character U+${c.toString(16).padStart(4, '0')} in a KQL string (${JSON.stringify(s)}); the model should have refused it`);
    else out += ch;
  }
  return out + '"';
}

/** `("a", "b")`: a KQL list of string literals, for `in`. */
export function kqlList(values: readonly string[]): string {
  return `(${values.map(kqlString).join(', ')})`;
}

/** A timespan literal: `5m`, `1h`. */
export function kqlTimespan(minutes: number): string {
  return minutes % 60 === 0 ? `${minutes / 60}h` : `${minutes}m`;
}
