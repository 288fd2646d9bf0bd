/** The W3C Trace Context header (https://www.w3.org/TR/trace-context/#traceparent-header), as dev's access log reads it. */

/** version-traceid-parentid-flags; version ff is invalid, as are all-zero ids. */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-.*)?$/;

/** The trace id of a `traceparent` header, or null when it is absent or not valid. */
export function traceIdOf(traceparent: string | undefined): string | null {
  const m = traceparent === undefined ? null : TRACEPARENT.exec(traceparent.trim());
  if (!m || m[1] === 'ff' || /^0+$/.test(m[2]) || /^0+$/.test(m[3])) return null;
  // Version 00 has exactly four fields; later versions may append more.
  if (m[1] === '00' && traceparent!.trim().length !== 55) return null;
  return m[2];
}
