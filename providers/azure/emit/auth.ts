/** Auth emitters: validate-jwt (with scopes), subscription checks, custom authorizers. */
import type { JwtAuthorizerSpec, RouteSpec } from '../../../lib/model/types';
import { csString, JWT_VARIABLE } from '../expressions';
import { el, type XNode } from '../xml';
import { jsonError } from './cors';
import type { EmitContext, Fragment } from './context';

const AUTHZ_RESPONSE = 'anygate-authz';

/** validate-jwt; the route's scopes are checked in `scopeClaim` only (no fallback to another claim). */
export function validateJwt(name: string, a: JwtAuthorizerSpec, route: RouteSpec, ctx: EmitContext): XNode {
  const s = ctx.strings;
  const where = `authorizer ${name}`;
  const lit = (v: string, field: string) => s.literal(v, 'gateway', 'auth.jwt', `${where}: ${field}`);
  const claims = Object.keys(a.requiredClaims)
    .sort()
    .map((k) => el('claim', { name: s.claim(k, 'gateway', 'auth.jwt', `${where}: required claim`), match: 'all' }, el('value', {}, lit(a.requiredClaims[k], `required claim ${k}`))));
  if (route.scopes.length) {
    const scopes = route.scopes.map((sc) => el('value', {}, s.literal(sc, route.id, 'auth.scopes', 'scope')));
    claims.push(el('claim', { name: s.claim(a.scopeClaim, 'gateway', 'auth.jwt', `${where}: scopeClaim`), match: 'all', separator: ' ' }, ...scopes));
  }
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

/** Rejects calls without a valid subscription key, on APIs that do not require one everywhere. */
export function requireSubscription(ctx: EmitContext): XNode {
  return el('choose', {}, el('when', { condition: '@(context.Subscription == null)' }, jsonError(401, 'Unauthorized', 'Unauthorized', ctx.spec.cors)));
}

/**
 * A custom authorizer: the bound function decides; anything but 200 is 401. The call carries the
 * function key from a secret named value, so the function need not be anonymous.
 */
export function customAuthorizer(name: string, header: string, binding: string, ctx: EmitContext): XNode[] {
  const s = ctx.strings;
  const h = s.header(header, 'gateway', 'auth.custom', `authorizer ${name}: header`);
  const url = ctx.names.functionUrl(s.plainName(binding, 'gateway', 'auth.custom', `authorizer ${name}: binding`));
  const key = ctx.names.functionKey(binding);
  ctx.namedValues.set(url, { kind: 'binding', binding, property: 'url' });
  ctx.namedValues.set(key, { kind: 'binding', binding, property: 'key' });
  const fail = '@(!context.Variables.ContainsKey("anygate-authz") || context.Variables["anygate-authz"] == null || ((IResponse)context.Variables["anygate-authz"]).StatusCode != 200)';
  return [
    el(
      'send-request',
      { mode: 'new', 'response-variable-name': AUTHZ_RESPONSE, timeout: 10, 'ignore-error': 'true' },
      el('set-url', {}, `{{${url}}}`),
      el('set-method', {}, 'POST'),
      el('set-header', { name: h, 'exists-action': 'override' }, el('value', {}, `@(context.Request.Headers.GetValueOrDefault(${csString(h)}, ""))`)),
      el('set-header', { name: 'x-functions-key', 'exists-action': 'override' }, el('value', {}, `{{${key}}}`)),
    ),
    el('choose', {}, el('when', { condition: fail }, jsonError(401, 'Unauthorized', 'Unauthorized', ctx.spec.cors))),
  ];
}

/** The route's auth fragment (the first alternative: APIM runs policies in sequence). */
export function emitAuth(route: RouteSpec, ctx: EmitContext): Fragment {
  if (route.auth === 'none') return {};
  const inbound: XNode[] = [];
  const alt = route.auth[0];
  if (!ctx.subscriptionRequired && alt.some((n) => ctx.spec.authorizers[n].type === 'apiKey')) inbound.push(requireSubscription(ctx));
  for (const n of alt) {
    const a = ctx.spec.authorizers[n];
    if (a.type === 'jwt') inbound.push(validateJwt(n, a, route, ctx));
    if (a.type === 'custom') inbound.push(...customAuthorizer(n, a.header, a.binding, ctx));
  }
  return { inbound };
}
