/**
 * Auth of one route: VerifyAPIKey (with the plan's quota and rate), VerifyJWT (token must carry
 * `exp`; Bearer prefix handled as Google's reference says), custom authorizers through a
 * ServiceCallout with a Google ID token, and required scopes matched as whole tokens: the steps
 * that route-auth.ts puts in order for one route, and alternatives.ts guards by presence for routes
 * with alternative credentials (`auth: [a, [b, c]]`).
 */
import type { ApiKeyAuthorizerSpec, CustomAuthorizerSpec, JwtAuthorizerSpec, RouteSpec } from '../../../lib/model/types';
import { attributeName, claimVar, headerName, headerRef, queryRef, scopeCondition } from '../conditions';
import { fragment, type ApigeeContext, type Fragment } from '../context';
import * as P from '../policies';
import { quotaWindow } from '../quota';
import { audienceVariable, functionServer } from '../targets';

export type Step = ReturnType<ApigeeContext['step']>;

/** `when` and `cond` together; either alone when the other is absent. */
export const both = (when: string | undefined, cond: string | undefined): string | undefined => (when && cond ? `${when} and (${cond})` : when ?? cond);

/** A plan counter's policy, and when it runs (its product sets what it counts). */
export interface Counter {
  readonly policy: string;
  /** @default - always */
  readonly when?: string;
}

/** Where the verified key's product quota and rate are copied when several key authorizers share counters. */
const SHARED_PLAN = 'anygate.plan';

/**
 * The policies of an API key authorizer: VerifyAPIKey, then what counts the key's plan (Quota,
 * SpikeArrest). Quota and SpikeArrest keep one counter per policy name and app
 * (https://cloud.google.com/apigee/docs/api-platform/antipatterns/reusing-quota), so when routes
 * use several key authorizers (a header key and a query key), one Quota and one SpikeArrest count
 * every key: each VerifyAPIKey's product settings are copied to shared variables first, and a
 * consumer cannot double its plan by moving its key from the header to the query.
 */
export function apiKeyPolicies(ctx: ApigeeContext, n: string, a: ApiKeyAuthorizerSpec): { readonly extract?: string; readonly verify: string; readonly counters: readonly Counter[] } {
  return ctx.once(`key\0${n}`, () => buildApiKeyPolicies(ctx, n, a));
}

function buildApiKeyPolicies(ctx: ApigeeContext, n: string, a: ApiKeyAuthorizerSpec): { extract?: string; verify: string; counters: Counter[] } {
  const where = `authorizers.${n}.name`;
  // A key after a scheme prefix (`Authorization: Bearer <key>`) is extracted first; without the
  // scheme the variable stays unset and VerifyAPIKey refuses the request.
  const extract = a.scheme !== undefined ? ctx.add(P.extractBearer(`EV-key-${n}`, headerName(a.name, where), `anygate.key.${n}`, a.scheme)) : undefined;
  const ref = extract ? `anygate.key.${n}.token` : a.in === 'header' ? headerRef(a.name, where) : queryRef(a.name, where);
  const vk = ctx.add(P.verifyApiKey(`VA-${n}`, ref));
  const plans = Object.values(ctx.spec.plans);
  const first = plans.find((p) => p.quota)?.quota;
  const rated = plans.some((p) => p.rateLimit);
  const shared = ctx.sharedPlanCounters;
  const copies: [string, string][] = [
    ...(first ? (['limit', 'interval', 'timeunit'] as const).map((k): [string, string] => [`${SHARED_PLAN}.quota.${k}`, `${P.productQuota(vk)}.${k}`]) : []),
    ...(rated ? [[`${SHARED_PLAN}.rate`, `verifyapikey.${vk}.apiproduct.anygate-rate`] as [string, string]] : []),
  ];
  const copy = shared && copies.length ? ctx.add(P.assignRefs(`AM-plan-${n}`, copies)) : undefined;
  // The product's own quota and rate override these defaults (countRef, Rate ref). Each runs only
  // when the key's product has one: a plan without a quota or rate is unlimited there, as on the
  // other targets (the defaults, another plan's, would otherwise count its consumers).
  const q = first && ctx.add(P.quota(shared ? 'Q-plan' : `Q-${n}`, shared ? `${SHARED_PLAN}.quota` : P.productQuota(vk), { limit: first.limit, ...quotaWindow(first.period) }));
  const sa = rated ? ctx.add(P.spikeArrest(shared ? 'SA-plan' : `SA-plan-${n}`, '10000ps', { ref: shared ? `${SHARED_PLAN}.rate` : `verifyapikey.${vk}.apiproduct.anygate-rate`, perApp: true })) : undefined;
  const set = (v: string) => `${v} != null`;
  const counters: Counter[] = [
    ...(copy ? [{ policy: copy }] : []),
    ...(q ? [{ policy: q, when: set(`${P.productQuota(vk)}.limit`) }] : []),
    ...(sa ? [{ policy: sa, when: set(`verifyapikey.${vk}.apiproduct.anygate-rate`) }] : []),
  ];
  return { ...(extract ? { extract } : {}), verify: vk, counters };
}

/**
 * VerifyJWT and the `exp` check; every step runs only `when` the token is presented (if given).
 * The same for every route authorizer `n` guards: built once per authorizer and `when`.
 */
export function jwtSteps(ctx: ApigeeContext, n: string, a: JwtAuthorizerSpec, when?: string): readonly Step[] {
  return ctx.sharedSteps(`jwt\0${n}\0${when ?? ''}`, () => buildJwtSteps(ctx, n, a, when));
}

function buildJwtSteps(ctx: ApigeeContext, n: string, a: JwtAuthorizerSpec, when?: string): Step[] {
  const steps = [];
  const policy = `JWT-${n}`;
  let source: string | undefined;
  // Without <Source>, VerifyJWT reads Authorization and strips "Bearer "; an explicit <Source> is
  // taken as the bare token, so another header's prefix is stripped by ExtractVariables first.
  if (a.header.toLowerCase() !== 'authorization') {
    const h = headerName(a.header, `authorizers.${n}.header`);
    source = `anygate.bearer.${n}.token`;
    steps.push(ctx.step(ctx.add(P.extractBearer(`EV-bearer-${n}`, h, `anygate.bearer.${n}`)), when));
  }
  const vars = `anygate.jwt.${n}`;
  const claims = Object.keys(a.requiredClaims).sort();
  const checked = { claims: claims.map((k) => attributeName('claim name', k, `authorizers.${n}.requiredClaims`)) };
  // Issuer, audiences, JWKS URI and claim values are literals (AssignVariable/Value is never a template).
  const literals: [string, string][] = [
    [`${vars}.iss`, a.issuer],
    [`${vars}.aud`, a.audiences.join(',')],
    [`${vars}.jwks`, a.jwksUri ?? ''],
    ...claims.map((k, i): [string, string] => [`${vars}.claim${i}`, a.requiredClaims[k]]),
  ];
  steps.push(ctx.step(ctx.add(P.assignLiterals(`AM-jwt-${n}`, literals)), when));
  steps.push(ctx.step(ctx.add(P.verifyJwt(policy, { ...a, ...checked, source }, vars)), when));
  // VerifyJWT checks exp only when present; AWS and Azure reject a token without it, so does this.
  // A skipped VerifyJWT sets no jwt.* variable, so this check too runs only when the token was presented.
  const exp = claimVar(policy, 'exp', 'exp');
  steps.push(ctx.step(ctx.add(P.raiseFault('RF-unauthorized', 401, 'Unauthorized', 'Unauthorized')), both(when, `${exp} = null`)));
  return steps;
}

/** The ServiceCallout to the bound function and the 401 on anything but 200; `when` (and once per authorizer) as for jwtSteps. */
export function customSteps(ctx: ApigeeContext, n: string, a: CustomAuthorizerSpec, when?: string): readonly Step[] {
  return ctx.sharedSteps(`custom\0${n}\0${when ?? ''}`, () => buildCustomSteps(ctx, n, a, when));
}

function buildCustomSteps(ctx: ApigeeContext, n: string, a: CustomAuthorizerSpec, when?: string): Step[] {
  const where = `authorizers.${n}.header`;
  const h = headerName(a.header, where);
  const server = functionServer(ctx, `authz-${a.binding}`, a.binding);
  const kvm = ctx.add(P.keyValueMapGet(`KVM-audience-${a.binding}`, ctx.audienceMap, a.binding, audienceVariable(a.binding)));
  const sc = ctx.add(P.serviceCallout(`SC-${n}`, h, server, audienceVariable(a.binding)));
  const status = `anygate.authz.${sc}.response.status.code`;
  // The bound function decides: anything but 200 (or no answer) is 401.
  return [ctx.step(kvm, when), ctx.step(sc, when), ctx.step(ctx.add(P.raiseFault('RF-unauthorized', 401, 'Unauthorized', 'Unauthorized')), both(when, `${status} != 200 or ${status} = null`))];
}

/**
 * One `NOT (scope)` condition per required scope, on the scope claim of VerifyJWT `policy`. Each
 * is its own 403 step: one condition for all of them grows with every scope (apigeelint warns
 * above 256 characters; a route with 30 scopes made one of 6,646), while a step per scope keeps
 * each condition one scope long and means the same (the first missing scope raises the fault).
 */
export function missingScopes(ctx: ApigeeContext, r: RouteSpec, policy: string): string[] {
  const claim = (ctx.spec.authorizers[policy.slice('JWT-'.length)] as JwtAuthorizerSpec).scopeClaim;
  // Only the configured claim (default `scope`), on every target: no fallback to `scp`.
  const v = claimVar(policy, claim, `authorizers.${policy.slice(4)}.scopeClaim`);
  // Per scope once (many routes require the same scope); an invalid one throws, at the first route naming it, and is not kept.
  return r.scopes.map((s, i) => ctx.once(`scope\0${v}\0${s}`, () => `NOT ${scopeCondition(v, s, `${ctx.routePath(r)}.scopes[${i}]`)}`));
}
