/** validate-jwt and the scope check after it. */
import type { JwtAuthorizerSpec, RouteSpec } from '../../../lib/model/types';
import { JWT_VARIABLE, scopesMissingExpr } from '../expressions';
import { el, shared, type XNode } from '../xml';
import type { EmitContext } from './context';
import { refuseWhen } from './errors';

/**
 * validate-jwt (signature, expiry, issuer, audiences, required claims): a missing or invalid token
 * is 401. The route's scopes are not among its required claims, since a failed validate-jwt
 * answers one status: they are checked after it (scopeCheck), so a valid token without them is 403.
 */
export function validateJwt(name: string, a: JwtAuthorizerSpec, ctx: EmitContext): XNode {
  // The same for every route the authorizer guards: one shared node per authorizer.
  let node = validateJwtNodes.get(a);
  if (!node) validateJwtNodes.set(a, (node = shared(buildValidateJwt(name, a, ctx))));
  return node;
}

const validateJwtNodes = new WeakMap<JwtAuthorizerSpec, XNode>();

function buildValidateJwt(name: string, a: JwtAuthorizerSpec, ctx: EmitContext): XNode {
  const s = ctx.strings;
  const where = `authorizer ${name}`;
  const lit = (v: string, field: string) => s.literal(v, 'gateway', 'auth.jwt', `${where}: ${field}`);
  const claims = Object.keys(a.requiredClaims)
    .sort()
    .map((k) => el('claim', { name: s.claim(k, 'gateway', 'auth.jwt', `${where}: required claim`), match: 'all' }, el('value', {}, lit(a.requiredClaims[k], `required claim ${k}`))));
  const discovery = `${lit(a.issuer, 'issuer').replace(/\/+$/, '')}/.well-known/openid-configuration`;
  return el(
    'validate-jwt',
    {
      'header-name': s.header(a.header, 'gateway', 'auth.jwt', `${where}: header`),
      'require-scheme': 'Bearer',
      'failed-validation-httpcode': 401,
      'failed-validation-error-message': 'Unauthorized',
      'require-expiration-time': 'true',
      'require-signed-tokens': 'true',
      'clock-skew': a.clockSkewSeconds,
      'output-token-variable-name': JWT_VARIABLE,
    },
    el('openid-config', { url: discovery }),
    el('audiences', {}, ...a.audiences.map((x) => el('audience', {}, lit(x, 'audience')))),
    el('issuers', {}, el('issuer', {}, a.issuer)),
    claims.length > 0 && el('required-claims', {}, ...claims),
  );
}

/**
 * The route's scopes, in the authorizer's scopeClaim only (no fallback to another claim), read
 * from the token validate-jwt just stored: a token without them is 403 with the CORS headers.
 */
export function scopeCheck(name: string, a: JwtAuthorizerSpec, route: RouteSpec, ctx: EmitContext): XNode | undefined {
  if (route.scopes.length === 0) return undefined;
  const claim = ctx.strings.claim(a.scopeClaim, 'gateway', 'auth.jwt', `authorizer ${name}: scopeClaim`);
  return refuseWhen(`@(${scopesMissingExpr(claim, route.scopes)})`, 'forbidden', ctx.spec);
}

/** validate-jwt, then the scope check when the route has scopes. */
export function jwtPolicies(name: string, a: JwtAuthorizerSpec, route: RouteSpec, ctx: EmitContext): XNode[] {
  return [validateJwt(name, a, ctx), scopeCheck(name, a, route, ctx)].filter((x): x is XNode => Boolean(x));
}
