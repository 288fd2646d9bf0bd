/**
 * Auth of one route: VerifyAPIKey (with the plan's quota and rate), VerifyJWT (token must carry
 * `exp`; Bearer prefix handled as Google's reference says), custom authorizers through a
 * ServiceCallout with a Google ID token, and required scopes matched as whole tokens.
 */
import type { ApiKeyAuthorizerSpec, CustomAuthorizerSpec, JwtAuthorizerSpec, RouteSpec } from '../../../lib/model/types';
import { attributeName, claimVar, headerName, headerRef, queryRef, scopeCondition } from '../conditions';
import { fragment, type ApigeeContext, type Fragment } from '../context';
import * as P from '../policies';
import { quotaWindow } from '../quota';
import { audienceVariable, functionServer } from '../targets';

function apiKey(ctx: ApigeeContext, r: RouteSpec, n: string, a: ApiKeyAuthorizerSpec): (string | undefined)[] {
  const where = `authorizers.${n}.name`;
  const ref = ctx.guard(r.id, 'auth.apiKey', () => (a.in === 'header' ? headerRef(a.name, where) : queryRef(a.name, where)));
  if (ref === undefined) return [];
  const vk = ctx.add(P.verifyApiKey(`VA-${n}`, ref));
  const plans = Object.values(ctx.spec.plans);
  const first = plans.find((p) => p.quota)?.quota;
  // The product's own quota and rate override these defaults (countRef, Rate ref).
  const q = first && ctx.add(P.quota(`Q-${n}`, vk, { limit: first.limit, ...quotaWindow(first.period) }));
  const sa = plans.some((p) => p.rateLimit) ? ctx.add(P.spikeArrest(`SA-plan-${n}`, '10000ps', { ref: `verifyapikey.${vk}.apiproduct.anygate-rate`, perApp: true })) : undefined;
  return [vk, q, sa];
}

function jwt(ctx: ApigeeContext, r: RouteSpec, n: string, a: JwtAuthorizerSpec): ReturnType<ApigeeContext['step']>[] {
  const steps = [];
  const policy = `JWT-${n}`;
  let source: string | undefined;
  // Without <Source>, VerifyJWT reads Authorization and strips "Bearer "; an explicit <Source> is
  // taken as the bare token, so another header's prefix is stripped by ExtractVariables first.
  if (a.header.toLowerCase() !== 'authorization') {
    const h = ctx.guard(r.id, 'auth.jwt', () => headerName(a.header, `authorizers.${n}.header`));
    if (h === undefined) return [];
    source = `anygate.bearer.${n}.token`;
    steps.push(ctx.step(ctx.add(P.extractBearer(`EV-bearer-${n}`, h, `anygate.bearer.${n}`))));
  }
  const vars = `anygate.jwt.${n}`;
  const claims = Object.keys(a.requiredClaims).sort();
  const checked = ctx.guard(r.id, 'auth.jwt', () => ({ claims: claims.map((k) => attributeName('claim name', k, `authorizers.${n}.requiredClaims`)) }));
  if (!checked) return steps;
  // Issuer, audiences, JWKS URI and claim values are literals (AssignVariable/Value is never a template).
  const literals: [string, string][] = [
    [`${vars}.iss`, a.issuer],
    [`${vars}.aud`, a.audiences.join(',')],
    [`${vars}.jwks`, a.jwksUri ?? ''],
    ...claims.map((k, i): [string, string] => [`${vars}.claim${i}`, a.requiredClaims[k]]),
  ];
  steps.push(ctx.step(ctx.add(P.assignLiterals(`AM-jwt-${n}`, literals))));
  steps.push(ctx.step(ctx.add(P.verifyJwt(policy, { ...a, ...checked, source }, vars))));
  // VerifyJWT checks exp only when present; AWS and Azure reject a token without it, so does this.
  const exp = claimVar(policy, 'exp', 'exp');
  steps.push(ctx.step(ctx.add(P.raiseFault('RF-unauthorized', 401, 'Unauthorized', 'Unauthorized')), `${exp} = null`));
  return steps;
}

function custom(ctx: ApigeeContext, r: RouteSpec, n: string, a: CustomAuthorizerSpec): ReturnType<ApigeeContext['step']>[] {
  const where = `authorizers.${n}.header`;
  const h = ctx.guard(r.id, 'auth.custom', () => headerName(a.header, where));
  if (h === undefined) return [];
  const server = functionServer(ctx, `authz-${a.binding}`, a.binding);
  const kvm = ctx.add(P.keyValueMapGet(`KVM-audience-${a.binding}`, ctx.audienceMap, a.binding, audienceVariable(a.binding)));
  const sc = ctx.add(P.serviceCallout(`SC-${n}`, h, server, audienceVariable(a.binding)));
  const status = `anygate.authz.${sc}.response.status.code`;
  // The bound function decides: anything but 200 (or no answer) is 401.
  return [ctx.step(kvm), ctx.step(sc), ctx.step(ctx.add(P.raiseFault('RF-unauthorized', 401, 'Unauthorized', 'Unauthorized')), `${status} != 200 or ${status} = null`)];
}

function scopes(ctx: ApigeeContext, r: RouteSpec): ReturnType<ApigeeContext['step']> | undefined {
  const policy = ctx.jwtPolicy(r);
  if (!r.scopes.length || !policy) return undefined;
  const claim = (ctx.spec.authorizers[policy.slice('JWT-'.length)] as JwtAuthorizerSpec).scopeClaim;
  const missing = ctx.guard(r.id, 'auth.scopes', () => {
    // Only the configured claim (default `scope`), on every target: no fallback to `scp`.
    const v = claimVar(policy, claim, `authorizers.${policy.slice(4)}.scopeClaim`);
    return r.scopes.map((s, i) => `NOT ${scopeCondition(v, s, `${ctx.routePath(r)}.scopes[${i}]`)}`);
  });
  return missing && ctx.step(ctx.add(P.raiseFault('RF-forbidden', 403, 'Forbidden', 'Forbidden')), missing.join(' or '));
}

export function authFragment(ctx: ApigeeContext, r: RouteSpec): Fragment {
  if (r.auth === 'none') return fragment();
  const steps = [];
  for (const n of r.auth[0]) {
    const a = ctx.spec.authorizers[n];
    if (a.type === 'apiKey') steps.push(...apiKey(ctx, r, n, a).filter((x): x is string => x !== undefined).map((x) => ctx.step(x)));
    else if (a.type === 'jwt') steps.push(...jwt(ctx, r, n, a));
    else steps.push(...custom(ctx, r, n, a));
  }
  return fragment([...steps, scopes(ctx, r)]);
}
