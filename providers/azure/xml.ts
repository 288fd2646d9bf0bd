/**
 * API Management policy documents as element trees (../shared/xml serializes them, escaping XML).
 * APIM's own evaluated languages (expressions, named values) are handled by ./expressions: every
 * spec string reaches these trees through it.
 */
import { el, shared, toXml, type XNode } from '../shared/xml';

export { el, shared, type XNode };

export interface PolicySections {
  readonly inbound: XNode[];
  /**
   * The backend section. Absent: `<base />` (the enclosing scope forwards). Present: these nodes
   * replace `<base />`, since a second forward-request would call the backend twice.
   */
  readonly backend?: XNode[];
  readonly outbound: XNode[];
  readonly onError?: XNode[];
}

/** A complete `<policies>` document; inbound, outbound and on-error start with `<base />`. */
export function policyDocument(s: PolicySections): string {
  const section = (name: string, nodes: XNode[]) => el(name, {}, el('base'), ...nodes);
  const backend = s.backend && s.backend.length ? el('backend', {}, ...s.backend) : section('backend', []);
  return toXml(el('policies', {}, section('inbound', s.inbound), backend, section('outbound', s.outbound), section('on-error', s.onError ?? [])));
}
