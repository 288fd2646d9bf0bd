/**
 * Integration helpers shared by the backend and transform route emitters: which transforms
 * parameter mapping can express, mapping sources, backend base URLs and per-stage hosts.
 */
import type { TemplatePart } from '../../lib/model/template';
import type { GatewaySpec, HttpBackendSpec, RouteSpec } from '../../lib/model/types';
import { backendStageVariable } from './plan';

/** A method request parameter a mapping reads. */
export type MappedParam = { in: 'path' | 'query' | 'header'; name: string };

/** Context key of a claim in the authorizer context (API Gateway keys are plain identifiers). */
export function claimContextKey(claim: string): string {
  return `claim_${claim.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

/** Claims referenced by a route's transforms (the parsed templates: setHeaders, setQuery, body). */
export function claimsUsed(route: RouteSpec): string[] {
  const t = route.templates;
  if (!t) return [];
  const parts = [...Object.values(t.setHeaders), ...Object.values(t.setQuery), ...t.body.map((b) => b.parts)].flat();
  return parts.flatMap((p) => (p.kind === 'ref' && p.source === 'claim' ? [p.name] : []));
}

/** The request-parameter source for a parsed value, or undefined when mapping cannot express it. */
export function nativeSource(parts: readonly TemplatePart[], rename: Record<string, string>, params: MappedParam[]): string | undefined {
  if (parts.length === 0) return "''";
  if (parts.length === 1 && parts[0].kind === 'text') return parts[0].text.includes("'") ? undefined : `'${parts[0].text}'`;
  if (parts.length !== 1 || parts[0].kind !== 'ref') return undefined;
  const ref = parts[0];
  switch (ref.source) {
    case 'path':
      return `method.request.path.${rename[ref.name] ?? ref.name}`;
    case 'query':
      params.push({ in: 'query', name: ref.name });
      return `method.request.querystring.${ref.name}`;
    case 'header':
      params.push({ in: 'header', name: ref.name });
      return `method.request.header.${ref.name}`;
    case 'claim':
      return `context.authorizer.${claimContextKey(ref.name)}`;
    case 'stage':
      return `stageVariables.${ref.name}`;
    default:
      return undefined;
  }
}

/** True when the route's transforms need the generated function rather than parameter mapping. */
export function needsTransformFunction(route: RouteSpec, rename: Record<string, string>): boolean {
  const t = route.transform;
  if (!t) return false;
  const req = t.request;
  const res = t.response;
  if (res && (Object.keys(res.setHeaders ?? {}).length || res.removeHeaders?.length || res.redact?.length)) return true;
  if (req?.body !== undefined || req?.removeHeaders?.length || req?.removeQuery?.length) return true;
  const scratch: MappedParam[] = [];
  const tpl = route.templates;
  return [...Object.values(tpl?.setHeaders ?? {}), ...Object.values(tpl?.setQuery ?? {})].some((v) => nativeSource(v, rename, scratch) === undefined);
}

export function hostPart(url: string): { scheme: string; rest: string } {
  const u = new URL(url);
  return { scheme: u.protocol.replace(/:$/, ''), rest: `${u.host}${u.pathname.replace(/\/+$/, '')}${u.search}` };
}

/**
 * Base URL of an HTTP backend in the integration URI (through a stage variable when stages override
 * it; the record 'stage.backends' has checked that every stage keeps the scheme).
 */
export function backendBase(spec: GatewaySpec, name: string): { base: string; url: string; stageVariable?: string } | undefined {
  const b = spec.backends[name] as HttpBackendSpec;
  if (!b.url) return undefined;
  if (!backendInStageVariable(spec, name)) return { base: b.url.replace(/\/+$/, ''), url: b.url };
  const sv = backendStageVariable(name);
  return { base: `${hostPart(b.url).scheme}://\${stageVariables.${sv}}`, url: b.url, stageVariable: sv };
}

/**
 * True when a backend's host is read from a stage variable: a stage overrides its url, or a canary
 * shares its traffic (the stage's canary settings override the variable with the canary's host).
 */
export function backendInStageVariable(spec: GatewaySpec, name: string): boolean {
  return Object.values(spec.stages).some((s) => s.backends[name]) || spec.release?.canary?.of === name;
}

/** The stage-variable value for a backend in a stage (host and path prefix, no scheme). */
export function backendStageValue(spec: GatewaySpec, name: string, stage: string): string {
  const b = spec.backends[name] as HttpBackendSpec;
  return hostPart(spec.stages[stage].backends[name]?.url ?? b.url!).rest;
}


export function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
}
