/**
 * What the transform function does with text that cannot go on the wire as it is (lone UTF-16
 * surrogates, control characters, characters outside Latin-1), so such input from a path, a
 * query, a header or a claim gives a clean 400 or a documented encoding, never a 500 or 502:
 * - path values: UTF-8 percent-encoding (RFC 3986); a greedy parameter keeps its slashes;
 * - query values: UTF-8 percent-encoding (application/x-www-form-urlencoded);
 * - header values: sent as their UTF-8 bytes;
 * - JSON bodies: JSON.stringify (lone surrogates as `\udXXX` escapes);
 * - refused with 400: lone surrogates in a path, query or header value, and control characters
 *   (other than tab) in a header value, which HTTP cannot carry (RFC 9110 section 5.5).
 */

/** A value the request cannot carry: the handler answers 400. */
export class BadInput extends Error {}

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// Field values: visible characters, space and tab; obs-text (0x80 and up) arrives here as Unicode.
const HEADER_CONTROL = /[\u0000-\u0008\u000A-\u001F\u007F]/;

/** The value, when it is well-formed Unicode; otherwise 400. */
export function wellFormed(v: string): string {
  if (LONE_SURROGATE.test(v)) throw new BadInput();
  return v;
}

/** A header value the request may carry; otherwise 400. */
export function headerValue(v: string): string {
  if (HEADER_CONTROL.test(wellFormed(v))) throw new BadInput();
  return v;
}

/** The string Node's HTTP client writes byte for byte: UTF-8 bytes, one Latin-1 character each. */
export function utf8OnTheWire(v: string): string {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7F]*$/.test(v) ? v : Buffer.from(v, 'utf8').toString('latin1');
}

// Separators a backend may split a path on: `/`, and `\` (WHATWG URL parsers, IIS and Windows
// file APIs treat it as one), also when still percent-encoded (a backend that decodes once more).
const SEPARATOR = /\/|\\|%2f|%5c/i;
// A dot in a segment may also arrive percent-encoded.
const DOT = /%2e/gi;

/** True when `v`, split on every separator a backend may use, holds a `.` or `..` segment. */
export function hasDotSegment(v: string): boolean {
  return v.split(SEPARATOR).some((p) => {
    const d = p.replace(DOT, '.');
    return d === '.' || d === '..';
  });
}

/**
 * A path parameter value for the backend path. Dot segments (`.`, `..`) would let a caller climb
 * out of the backend path (URL parsers resolve them, even escaped), so they are refused, counting
 * `\`, `%2F` and `%5C` as separators too (`..%5C` is `..\` to many backends); a non-greedy
 * value's slashes are escaped (it stays one segment), a greedy value's are kept.
 */
export function pathValue(v: string, greedy: boolean): string {
  if (hasDotSegment(wellFormed(v))) throw new BadInput();
  return greedy ? v.split('/').map(encodeURIComponent).join('/') : encodeURIComponent(v);
}
