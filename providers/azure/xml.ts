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
  const backend = s.backend && s.backend.length ? section('backend', s.backend, false) : EMPTY_BACKEND;
  return toXml({ name: 'policies', children: [section('inbound', s.inbound), backend, section('outbound', s.outbound), s.onError?.length ? section('on-error', s.onError) : EMPTY_ON_ERROR] });
}

/** `<base/>`: one node for every document (nodes are never changed once built). */
const BASE = shared(el('base'));

/**
 * A section element, `<base/>` first unless told otherwise: the node `el` builds (no attributes,
 * no empty children), without copying the nodes through a spread once per document.
 */
function section(name: string, nodes: readonly XNode[], base = true): XNode {
  const children: XNode[] = base ? [BASE] : [];
  for (let i = 0; i < nodes.length; i++) if (nodes[i]) children.push(nodes[i]!);
  return children.length ? { name, children } : { name };
}

/** The sections most documents leave to the enclosing scope (`<base/>` alone), one shared node each. */
const EMPTY_BACKEND = shared(section('backend', []));
const EMPTY_ON_ERROR = shared(section('on-error', []));
