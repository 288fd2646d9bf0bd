/**
 * What Envoy Gateway answers when the gateway itself refuses: Envoy's local replies (plain text,
 * or no body), from the filters the kubernetes compiler configures:
 * - jwt_authn: 401 `Jwt is missing` / `Jwt verification fails`, with `WWW-Authenticate: Bearer
 *   realm="<request URL>"` (plus `error="invalid_token"` for a bad token), envoyproxy/envoy#16216
 *   (source/extensions/filters/http/jwt_authn/filter.cc).
 *   A custom authorizer's 401 is its ext-auth service's answer, passed through.
 * - api_key_auth: 401 `Client authentication failed.` for a missing or unknown key
 *   (source/extensions/filters/http/api_key_auth/api_key_auth.cc; Envoy docs "API key auth").
 * - rbac (SecurityPolicy authorization: scopes, claims, client CIDRs): 403 `RBAC: access denied`.
 * - local_ratelimit (route rate limits): 429 `local_rate_limited`; ratelimit (global: plan quotas
 *   and rate limits): 429 without a body. Both set `x-envoy-ratelimited: true`
 *   (https://www.envoyproxy.io/docs/envoy/latest/configuration/http/http_filters/local_rate_limit_filter)
 *   and, unless a ClientTrafficPolicy turns them off, the X-RateLimit draft-03 headers.
 * - router: 404 without a body when no route matches (response flag NR), 504 `upstream request
 *   timeout` (UT), 503 `upstream connect error or disconnect/reset before headers. reset reason:
 *   connection failure` when the backend cannot be reached (UF).
 * - 413 `Payload Too Large` past the buffer limit.
 */
import type { GatewaySpec, RouteSpec } from '../lib/model/types';
import type { GatewayResponse, Refusal, RefusalContext } from './refusal-types';

const TEXT = 'text/plain';

function text(status: number, body: string, headers: Record<string, string> = {}): GatewayResponse {
  return { status, headers: body ? { 'content-type': TEXT, ...headers } : headers, body };
}

/** Realm values are quoted strings (RFC 9110 11.2): quotes and backslashes escaped. */
function realm(url: string): string {
  return `"${url.replace(/[\\"]/g, (ch) => `\\${ch}`)}"`;
}

function jwtRefusal(c: RefusalContext): GatewayResponse {
  const r = realm(c.requestUrl ?? 'http://localhost/');
  return c.credentialPresent
    ? text(401, 'Jwt verification fails', { 'www-authenticate': `Bearer realm=${r}, error="invalid_token"` })
    : text(401, 'Jwt is missing', { 'www-authenticate': `Bearer realm=${r}` });
}

function rateLimited(c: RefusalContext, global: boolean): GatewayResponse {
  const headers: Record<string, string> = { 'x-envoy-ratelimited': 'true', 'x-ratelimit-remaining': '0' };
  if (c.retryAfterSeconds !== undefined) headers['x-ratelimit-reset'] = String(Math.max(0, Math.ceil(c.retryAfterSeconds)));
  return global ? text(429, '', headers) : text(429, 'local_rate_limited', headers);
}

export function kubernetesRefusal(r: Refusal, c: RefusalContext): GatewayResponse {
  switch (r) {
    case 'unauthorized':
      // Without jwt_authn the 401 is the ext-auth service's own answer (dev does not relay its body).
      return c.jwtRoute === false ? text(401, '') : jwtRefusal(c);
    case 'forbiddenScope':
    case 'ipDenied':
      return text(403, 'RBAC: access denied');
    case 'missingApiKey':
    case 'invalidApiKey':
      return text(401, 'Client authentication failed.');
    case 'noRoute':
    case 'methodNotAllowed':
      return text(404, '');
    case 'tooLarge':
      return text(413, 'Payload Too Large');
    case 'unsupportedMediaType':
      return text(415, 'Unsupported Media Type');
    case 'badRequest':
      return text(400, 'Bad Request');
    case 'rateLimited':
      return rateLimited(c, c.limitScope === 'plan');
    case 'quotaExceeded':
      return rateLimited(c, true);
    case 'badGateway':
      return text(503, 'upstream connect error or disconnect/reset before headers. reset reason: connection failure');
    case 'timeout':
      return text(504, 'upstream request timeout');
    case 'internal':
      return text(500, 'Internal Server Error');
  }
}

/**
 * What a 401 on `route` needs to be answered as Envoy does: whether jwt_authn guards the route,
 * and whether the request carries a Bearer token where the route's JWT authorizer reads it.
 */
export function jwtContext(spec: GatewaySpec, route: RouteSpec, headers: Record<string, string>): { jwtRoute: boolean; credentialPresent: boolean } {
  const jwts = route.auth === 'none' ? [] : route.auth.flat().map((n) => spec.authorizers[n]).filter((a) => a.type === 'jwt');
  return { jwtRoute: jwts.length > 0, credentialPresent: jwts.some((a) => /^bearer\s+\S/i.test(headers[a.header.toLowerCase()] ?? '')) };
}
