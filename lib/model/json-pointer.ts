/**
 * The value a JSON pointer (RFC 6901) names in a document: `/operations/3/policy`, with `~1` for
 * `/` and `~0` for `~` in a segment. A pointer from a URI fragment (`#/components/...`) is
 * percent-encoded too: pass `decodeURIComponent` as `decode`, which runs on each segment before
 * the RFC's own unescaping (so `%2F` stays inside its segment).
 */
export function atPointer(doc: unknown, pointer: string, decode: (segment: string) => string = (s) => s): unknown {
  if (pointer === '' || pointer === '/') return doc;
  let node: unknown = doc;
  for (const raw of pointer.replace(/^\//, '').split('/')) {
    const key = decode(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof node !== 'object' || node === null || !(key in node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}
