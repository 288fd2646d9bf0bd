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

/**
 * Envoy Gateway's check of a header modifier's value (internal/gatewayapi/filters.go
 * HeaderValueRegexp, v1.9.0): printable ASCII, single spaces or tabs only between words. It
 * refuses the whole filter otherwise, at the gateway, after the HTTPRoute was accepted
 * (Gateway API's CRD checks only the length, 1 to 4,096).
 */
// The same language as Go's `^[!-~]+([\t ]?[!-~]+)*$`, written so each repetition starts with its one
// separator: JavaScript's backtracking engine takes exponential time on the original's nested
// quantifiers (RE2, Envoy Gateway's, does not).
const ENVOY_GATEWAY_HEADER_VALUE = /^[!-~]+(?:[\t ][!-~]+)*$/;

/**
 * The value a header modifier gets in each stage (`${stage.x}` resolved, `${header.x}` as
 * `%REQ(x)%`, `%` doubled), and a message for each stage whose value Envoy Gateway refuses.
 */
export function refusedHeaderValue(value: string, stages: Record<string, { readonly variables: Record<string, string> }>, placeholders: boolean): string[] {
  const parsed = placeholders ? parseTemplate(value) : undefined;
  const parts = parsed?.ok ? parsed.parts : [{ kind: 'text', text: value } as const];
  const staged = parts.some((p) => p.kind === 'ref' && p.source === 'stage');
  // As the emitter writes it (providers/kubernetes/filters.ts): `%` doubled, `${header.x}` as `%REQ(x)%`; the CRD's 4,096 counts those bytes.
  const literal = (t: string) => t.replace(/%/g, '%%');
  const render = (variables: Record<string, string>) => parts.map((p) => (p.kind === 'text' ? literal(p.text) : p.source === 'stage' ? literal(variables[p.name] ?? '') : `%REQ(${p.name})%`)).join('');
  const shown = JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value);
  const refused = (v: string) => v.length > 4096 || !ENVOY_GATEWAY_HEADER_VALUE.test(v);
  const why = 'use 1 to 4,096 printable ASCII characters, with single spaces or tabs only between words (no leading, trailing or doubled spaces, no other characters)';
  if (!staged) return refused(render({})) ? [`header value ${shown} is refused by Envoy Gateway: ${why}`] : [];
  return Object.entries(stages).flatMap(([stage, st]) => (refused(render(st.variables)) ? [`header value ${shown} is refused by Envoy Gateway with stage ${stage}'s variables filled in: ${why}`] : []));
}
