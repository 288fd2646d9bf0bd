/**
 * HTTPRoute filters: header modifiers (Gateway API core), and Envoy Gateway HTTPRouteFilter
 * objects for direct responses (mocks) and regex path rewrites, referenced by extensionRef.
 */
import { envoyReadable } from '../../lib/capabilities/targets/kubernetes-headers';
import type { TemplatePart } from '../../lib/model/template';
import type { MockBackendSpec, RouteSpec } from '../../lib/model/types';
import { envoyFormatLiteral, headerName, rewriteLiteral } from './envoy-text';
import type { K8sObject } from './plan';
import { sharedSubtree } from './shared';

export const EG_API = 'gateway.envoyproxy.io/v1alpha1';

export interface FilterContext {
  readonly namespace: string;
  readonly variables: Record<string, string>;
  /**
   * Request headers the gateway itself sets on the rule, each value an Envoy format string (the
   * verified client certificate's subject and fingerprint on a stage behind mutual TLS). `set`
   * replaces a client's own value; these win over the route's transform of the same header.
   * @default none
   */
  readonly gatewaySets?: readonly { readonly name: string; readonly value: string }[];
  /**
   * Request headers removed from the rule's requests unless the gateway or the route's transform
   * sets them (the consumer header on a rule no API-key check authorizes: nothing else sets it,
   * so any value there is the client's). @default none
   */
  readonly gatewayRemoves?: readonly string[];
}

/** A parsed header value: literal text escaped, `${header.x}` as Envoy's `%REQ(x)%`, `${stage.x}` resolved. */
function headerValue(parts: readonly TemplatePart[], ctx: FilterContext): string {
  return parts
    .map((p) => {
      if (p.kind === 'text') return envoyFormatLiteral(p.text);
      if (p.source === 'stage') return envoyFormatLiteral(ctx.variables[p.name] ?? '');
      // Anything else is refused by the transform records first (kubernetes-headers.ts).
      return envoyReadable(p) ? `%REQ(${p.name})%` : '';
    })
    .join('');
}

function modifier(set: Record<string, TemplatePart[]> | undefined, remove: string[] | undefined, ctx: FilterContext) {
  const out: Record<string, unknown> = {};
  const entries = Object.entries(set ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  if (entries.length) out.set = entries.map(([name, value]) => ({ name: headerName(name), value: headerValue(value, ctx) }));
  if (remove?.length) out.remove = remove.map(headerName);
  return Object.keys(out).length ? out : undefined;
}

const lower = (s: string) => s.toLowerCase();

/** One frozen filter per removal list when the rule has no header transform of its own: shared by every such rule's YAML. */
const removeOnlyFilters = new Map<string, Record<string, unknown>>();

function removeOnly(names: readonly string[]): Record<string, unknown> {
  const key = names.join('\n');
  let f = removeOnlyFilters.get(key);
  if (!f) removeOnlyFilters.set(key, (f = sharedSubtree({ type: 'RequestHeaderModifier', requestHeaderModifier: { remove: [...names] } })));
  return f;
}

/**
 * The request modifier: the route's transform, then the gateway's own headers (ctx.gatewaySets win
 * over the transform's set or remove of the same name; ctx.gatewayRemoves apply unless a header
 * is set). Gateway API allows one RequestHeaderModifier per rule, so both go in one.
 */
function requestFilter(route: RouteSpec, ctx: FilterContext): Record<string, unknown> | undefined {
  const gwSets = ctx.gatewaySets ?? [];
  const gwRemoves = ctx.gatewayRemoves ?? [];
  const own = route.templates?.setHeaders;
  const ownRemoves = route.transform?.request?.removeHeaders ?? [];
  if (!gwSets.length && !gwRemoves.length) {
    const m = modifier(own, ownRemoves, ctx);
    return m && { type: 'RequestHeaderModifier', requestHeaderModifier: m };
  }
  if (!gwSets.length && !ownRemoves.length && (!own || !Object.keys(own).length)) return removeOnly(gwRemoves.map(headerName));
  const taken = new Set(gwSets.map((h) => lower(h.name)));
  const set = [
    ...Object.entries(own ?? {})
      .filter(([name]) => !taken.has(lower(name)))
      .map(([name, value]) => ({ name: headerName(name), value: headerValue(value, ctx) })),
    ...gwSets.map((h) => ({ name: headerName(h.name), value: h.value })),
  ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const setNames = new Set(set.map((h) => lower(h.name)));
  const remove: string[] = [];
  for (const n of [...ownRemoves, ...gwRemoves]) {
    if (!setNames.has(lower(n)) && !remove.some((r) => lower(r) === lower(n))) remove.push(headerName(n));
  }
  const out: Record<string, unknown> = {};
  if (set.length) out.set = set;
  if (remove.length) out.remove = remove;
  return Object.keys(out).length ? { type: 'RequestHeaderModifier', requestHeaderModifier: out } : undefined;
}

/** The core filters of a rule: request and response header modifiers. */
export function headerFilters(route: RouteSpec, ctx: FilterContext): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const res = route.transform?.response;
  // The parsed values (route.templates); the spec strings are not parsed here.
  const rq = requestFilter(route, ctx);
  if (rq) out.push(rq);
  const rs = modifier(route.templates?.responseHeaders, res?.removeHeaders, ctx);
  if (rs) out.push({ type: 'ResponseHeaderModifier', responseHeaderModifier: rs });
  return out;
}

export function extensionRef(name: string) {
  return { type: 'ExtensionRef', extensionRef: { group: 'gateway.envoyproxy.io', kind: 'HTTPRouteFilter', name } };
}

/** A mock as an Envoy Gateway direct response. */
export function directResponse(name: string, mock: MockBackendSpec, ctx: FilterContext): K8sObject {
  const headers = Object.entries(mock.headers).sort(([a], [b]) => (a < b ? -1 : 1));
  const dr: Record<string, unknown> = { statusCode: mock.statusCode };
  if (mock.body !== undefined) {
    dr.contentType = 'application/json';
    // The inline body is an Envoy format string (route.go buildXdsDirectResponseAction): escape %.
    dr.body = { type: 'Inline', inline: envoyFormatLiteral(JSON.stringify(mock.body)) };
  }
  if (headers.length) dr.header = { set: headers.map(([n, v]) => ({ name: headerName(n), value: envoyFormatLiteral(v) })) };
  return { apiVersion: EG_API, kind: 'HTTPRouteFilter', metadata: { name, namespace: ctx.namespace }, spec: { directResponse: dr } };
}

/**
 * The backend path: `prefix` + the rewrite template (or the route's own path) with each
 * parameter replaced by its capture group in the route's regex.
 */
export function rewriteSubstitution(route: RouteSpec, prefix: string, ctx: FilterContext): string {
  const groups = new Map(route.segments.flatMap((s) => (s.kind === 'param' ? [s.name] : [])).map((n, i) => [n, i + 1]));
  // The parsed rewrite (route.templates) or the route's own segments: no path is parsed here.
  const segments = route.templates?.rewritePath ?? route.segments;
  const text = segments
    .map((s) => {
      if (s.kind === 'literal') return rewriteLiteral(s.value);
      const g = groups.get(s.name);
      // Validation refuses a rewrite naming a parameter the route lacks (lib/model/validate.ts).
      return rewriteLiteral(s.prefix) + (g === undefined ? '' : `\\${g}`) + rewriteLiteral(s.suffix);
    })
    .join('/');
  const out = rewriteLiteral(prefix) + (segments.length ? `/${text}` : prefix ? '' : '/');
  return out || '/';
}

/** An Envoy Gateway urlRewrite: the path by regex, and the Host of the backend when it is a Backend. */
export function urlRewrite(name: string, pattern: string, substitution: string, backendHost: boolean, namespace: string): K8sObject {
  const spec: Record<string, unknown> = { path: { type: 'ReplaceRegexMatch', replaceRegexMatch: { pattern: `^${pattern}$`, substitution } } };
  if (backendHost) spec.hostname = { type: 'Backend' };
  return { apiVersion: EG_API, kind: 'HTTPRouteFilter', metadata: { name, namespace }, spec: { urlRewrite: spec } };
}

/** An Envoy Gateway urlRewrite of the Host only (to the backend's hostname). */
export function hostRewrite(name: string, namespace: string): K8sObject {
  return { apiVersion: EG_API, kind: 'HTTPRouteFilter', metadata: { name, namespace }, spec: { urlRewrite: { hostname: { type: 'Backend' } } } };
}
