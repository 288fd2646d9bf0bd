/**
 * CORS: the `cors` policy answers preflights and decorates proxied responses, but responses that
 * end the pipeline early (return-response in inbound, and errors that jump to on-error:
 * validate-jwt 401/403, rate-limit 429, quota 403, ip-filter 403) do not pass through it, so they
 * get the headers here, as API Gateway does with gateway responses.
 * https://learn.microsoft.com/azure/api-management/api-management-error-handling-policies
 */
import { corsMethods } from '../../../lib/model/cors';
import type { CorsSpec } from '../../../lib/model/types';
import { originAllowedExpr, type ApimStrings } from '../expressions';
import { el, type XNode } from '../xml';

export function corsPolicy(c: CorsSpec, strings: ApimStrings): XNode {
  const header = (h: string, field: string) => el('header', {}, strings.header(h, 'gateway', 'cors', field));
  return el(
    'cors',
    { 'allow-credentials': c.allowCredentials ? 'true' : 'false' },
    el('allowed-origins', {}, ...c.allowOrigins.map((o) => el('origin', {}, strings.origin(o, 'gateway')))),
    el('allowed-methods', { 'preflight-result-max-age': c.maxAgeSeconds }, ...corsMethods(c).map((m) => el('method', {}, m))),
    el('allowed-headers', {}, ...c.allowHeaders.map((h) => header(h, 'cors.allowHeaders'))),
    c.exposeHeaders.length > 0 && el('expose-headers', {}, ...c.exposeHeaders.map((h) => header(h, 'cors.exposeHeaders'))),
  );
}

const ORIGIN = 'context.Request.Headers.GetValueOrDefault("Origin", "")';

/**
 * set-header nodes that put the CORS response headers on a response built by the gateway. A
 * disallowed origin gets an empty Access-Control-Allow-Origin, which no browser accepts.
 */
export function corsResponseHeaders(c: CorsSpec | undefined): XNode[] {
  if (!c) return [];
  // The same nodes for every error response of every route (thousands at scale): built once per spec.
  let nodes = corsHeaderNodes.get(c);
  if (!nodes) corsHeaderNodes.set(c, (nodes = buildCorsResponseHeaders(c)));
  return [...nodes];
}

const corsHeaderNodes = new WeakMap<CorsSpec, XNode[]>();

function buildCorsResponseHeaders(c: CorsSpec): XNode[] {
  const set = (name: string, value: string, action = 'override') => el('set-header', { name, 'exists-action': action }, el('value', {}, value));
  const allowed = originAllowedExpr(c.allowOrigins);
  const anyOrigin = c.allowOrigins.includes('*') && !c.allowCredentials;
  return [
    set('Access-Control-Allow-Origin', anyOrigin ? '*' : `@(${allowed} ? ${ORIGIN} : "")`),
    c.allowCredentials && set('Access-Control-Allow-Credentials', 'true'),
    c.exposeHeaders.length > 0 && set('Access-Control-Expose-Headers', c.exposeHeaders.join(', ')),
    !anyOrigin && set('Vary', 'Origin', 'append'),
  ].filter((x): x is XNode => Boolean(x));
}

/** The API's on-error section: errors raised by policies (401, 403, 429...) keep the CORS headers. */
export function corsOnError(c: CorsSpec | undefined): XNode[] {
  return corsResponseHeaders(c);
}
