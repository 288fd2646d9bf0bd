/**
 * What an Envoy header modifier can read in a header value: `${stage.*}` (resolved at synth) and
 * `${header.*}` with a plain header name (Envoy's `%REQ(name)%`). The record refuses the rest; the
 * emitter (providers/kubernetes/filters.ts) writes only what this allows.
 */
import { parseTemplate, type TemplatePart } from '../../model/template';

/** True when an Envoy header modifier can write this placeholder. */
export function envoyReadable(p: TemplatePart & { kind: 'ref' }): boolean {
  return p.source === 'stage' || (p.source === 'header' && /^[A-Za-z0-9-]+$/.test(p.name));
}

/** One message per placeholder of `value` that an Envoy header modifier cannot read. */
export function unreadablePlaceholders(value: string): string[] {
  const parsed = parseTemplate(value);
  if (!parsed.ok) return [];
  return parsed.parts.flatMap((p) =>
    p.kind === 'ref' && !envoyReadable(p) ? [`placeholder \${${p.source}.${p.name}} cannot be read by an Envoy header modifier (only \${header.*} and \${stage.*})`] : [],
  );
}
