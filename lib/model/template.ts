/**
 * The placeholder language of transforms: `${path.id}`, `${query.q}`, `${header.x-trace}`,
 * `${body.customer.id}`, `${claim.sub}`, `${stage.region}`. One small language that each compiler
 * translates into its cloud's dialect (VTL, APIM policy expressions, Apigee message templates).
 */

export type PlaceholderSource = 'path' | 'query' | 'header' | 'body' | 'claim' | 'stage';
export const PLACEHOLDER_SOURCES: readonly PlaceholderSource[] = ['path', 'query', 'header', 'body', 'claim', 'stage'];

export type TemplatePart = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'ref'; readonly source: PlaceholderSource; readonly name: string };

export type ParsedTemplate = { readonly ok: true; readonly parts: TemplatePart[] } | { readonly ok: false; readonly message: string };

const REF = /^([a-z]+)\.([A-Za-z0-9_.*-]+)$/;

/** Parses a string with `${source.name}` placeholders. Never throws. */
export function parseTemplate(input: string): ParsedTemplate {
  const parts: TemplatePart[] = [];
  let i = 0;
  let text = '';
  while (i < input.length) {
    const start = input.indexOf('${', i);
    if (start === -1) {
      text += input.slice(i);
      break;
    }
    text += input.slice(i, start);
    const end = input.indexOf('}', start + 2);
    if (end === -1) return { ok: false, message: `unclosed placeholder at character ${start + 1}: write \${source.name}` };
    const inner = input.slice(start + 2, end).trim();
    const m = REF.exec(inner);
    if (!m || !(PLACEHOLDER_SOURCES as readonly string[]).includes(m[1])) {
      return {
        ok: false,
        message: `placeholder \${${inner}} is not understood: use \${<source>.<name>} with source one of ${PLACEHOLDER_SOURCES.join(', ')}`,
      };
    }
    if (text) parts.push({ kind: 'text', text });
    text = '';
    parts.push({ kind: 'ref', source: m[1] as PlaceholderSource, name: m[2] });
    i = end + 1;
  }
  if (text) parts.push({ kind: 'text', text });
  return { ok: true, parts };
}

/** Every string leaf of a JSON value, with its JSON path, for templates nested in body objects. */
export function stringLeaves(value: unknown, path: (string | number)[] = []): { path: (string | number)[]; value: string }[] {
  if (typeof value === 'string') return [{ path, value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringLeaves(v, [...path, i]));
  if (value && typeof value === 'object') {
    return Object.keys(value)
      .sort()
      .flatMap((k) => stringLeaves((value as Record<string, unknown>)[k], [...path, k]));
  }
  return [];
}
