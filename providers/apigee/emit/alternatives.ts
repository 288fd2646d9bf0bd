/**
 * Alternative credentials (`auth: [a, b, [c, d]]`) as conditional steps in the route's flow, the
 * rules of docs/model.md ("Alternative credentials") and lib/runtime/alternatives.ts in policy:
 * 1. what the request presents: one flag per authorizer whose header or query parameter is
 *    present and not empty, and one when some alternative has all its credentials presented;
 * 2. RaiseFault 401 when no alternative is complete (nothing presented, or half a pair), and
 *    when two presented API keys differ; both read only the request, so they come first, as
 *    planAlternatives decides before any credential is verified;
 * 3. every presented credential is verified by its usual steps, each guarded by its flag; a
 *    failing step faults (401), so a failure is never rescued by another credential;
 * 4. every presented token must carry the route's scopes (403).
 * A step whose condition is false does not run, and a policy that does not run sets none of its
 * flow variables (https://cloud.google.com/apigee/docs/api-platform/reference/conditions-reference,
 * "Policy execution"; VerifyJWT's jwt.{policy}.* and VerifyAPIKey's verifyapikey.{policy}.* are set
 * by the policy: .../reference/policies/verify-jwt-policy#flow-variables and
 * .../reference/policies/verify-api-key-policy#flow-variables). So every check that reads them
 * (exp, scopes, Quota, plan SpikeArrest) runs under the same flag, and a caller let in by a token
 * alone never reaches a Quota keyed on an app: it counts against no plan.
 */
import { alternativeAuthorizers, credentialLocation, credentialScheme, locationKey } from '../../../lib/model/credentials';
import type { AuthorizerSpec, RouteSpec } from '../../../lib/model/types';
import { flagCondition, keyPairTemplate, presentCondition, sameKeysCondition, type CredentialPlace } from '../conditions';
import { fragment, type ApigeeContext, type Fragment } from '../context';
import * as P from '../policies';
import { apiKeyPolicies, both, customSteps, jwtSteps, missingScopes } from './auth';

type Step = ReturnType<ApigeeContext['step']>;

const placeOf = (a: AuthorizerSpec): CredentialPlace => (a.type === 'apiKey' ? { in: a.in, name: a.name } : { in: 'header', name: a.header });
const fieldOf = (n: string, a: AuthorizerSpec) => `authorizers.${n}.${a.type === 'apiKey' ? 'name' : 'header'}`;
const unauthorized = (ctx: ApigeeContext) => ctx.add(P.raiseFault('RF-unauthorized', 401, 'Unauthorized', 'Unauthorized'));
/** Set when the request presents authorizer `n`'s credential (authorizer names are safe variable parts). */
const presentedVar = (n: string) => `anygate.presented.${n}`;
const COMPLETE = 'anygate.alternative.complete';

/** The flags: one per authorizer (when its credential is presented), then one per complete alternative. */
function flagSteps(ctx: ApigeeContext, alternatives: readonly (readonly string[])[], names: string[]): Step[] {
  const steps: Step[] = [];
  const key = (n: string) => locationKey(credentialLocation(ctx.spec.authorizers[n]));
  for (const n of names) {
    const a = ctx.spec.authorizers[n];
    // Where two authorizers read one header (the model requires their schemes to differ), the scheme says which is presented.
    const shared = names.some((m) => m !== n && key(m) === key(n));
    steps.push(ctx.step(ctx.add(P.assignLiterals(`AM-presented-${n}`, [[presentedVar(n), 'true']])), presentCondition(placeOf(a), fieldOf(n, a), shared ? credentialScheme(a) : undefined)));
  }
  const complete = ctx.add(P.assignLiterals('AM-alternative-complete', [[COMPLETE, 'true']]));
  for (const alt of alternatives) steps.push(ctx.step(complete, alt.map((n) => flagCondition(presentedVar(n))).join(' and ')));
  return steps;
}

/** 401 when two presented API keys differ (one AssignMessage joins each pair; a back-reference compares). */
function sameKeySteps(ctx: ApigeeContext, r: RouteSpec, keys: string[]): Step[] {
  const pairs = keys.flatMap((a, i) => keys.slice(i + 1).map((b, j) => ({ a, b, variable: `anygate.keys.${i}.${i + 1 + j}` })));
  if (!pairs.length) return [];
  const place = (n: string) => placeOf(ctx.spec.authorizers[n]);
  const templates = pairs.map((p): [string, string] => [p.variable, keyPairTemplate(place(p.a), place(p.b), `authorizers.${p.a}.name`)]);
  const presented = (p: { a: string; b: string }) => `${flagCondition(presentedVar(p.a))} and ${flagCondition(presentedVar(p.b))}`;
  return pairs.flatMap((p, i) => [
    ctx.step(ctx.add(P.assignTemplates(`AM-keys-${r.id}-${i}`, [templates[i]])), presented(p)),
    ctx.step(unauthorized(ctx), `${presented(p)} and NOT ${sameKeysCondition(p.variable)}`),
  ]);
}

/** The verification steps of every authorizer, each when its credential is presented. */
function verifySteps(ctx: ApigeeContext, names: string[]): Step[] {
  const steps: Step[] = [];
  const earlierKeys: string[] = [];
  for (const n of names) {
    const a = ctx.spec.authorizers[n];
    const when = flagCondition(presentedVar(n));
    if (a.type === 'apiKey') {
      const k = apiKeyPolicies(ctx, n, a);
      if (k.extract) steps.push(ctx.step(k.extract, when));
      steps.push(ctx.step(k.verify, when));
      // Two presented keys are the same key (checked above): the plan counts the request once, on the first.
      const once = [when, ...earlierKeys.map((e) => flagCondition(presentedVar(e), false))].join(' and ');
      steps.push(...k.counters.map((c) => ctx.step(c.policy, both(once, c.when))));
      earlierKeys.push(n);
    } else if (a.type === 'jwt') steps.push(...jwtSteps(ctx, n, a, when));
    else steps.push(...customSteps(ctx, n, a, when));
  }
  return steps;
}

/** 403 when a presented token lacks a scope (every token presented must carry them). */
function scopeSteps(ctx: ApigeeContext, r: RouteSpec, names: string[]): Step[] {
  if (!r.scopes.length) return [];
  return names.flatMap((n) => {
    if (ctx.spec.authorizers[n].type !== 'jwt') return [];
    const forbidden = ctx.add(P.raiseFault('RF-forbidden', 403, 'Forbidden', 'Forbidden'));
    // `flag and NOT (...)`: NOT binds to its operand; apigeelint's condition parser cannot read `and (NOT (...))` (CC005).
    return missingScopes(ctx, r, `JWT-${n}`).map((c) => ctx.step(forbidden, `${flagCondition(presentedVar(n))} and ${c}`));
  });
}

export function alternativesFragment(ctx: ApigeeContext, r: RouteSpec, alternatives: readonly (readonly string[])[]): Fragment {
  const names = alternativeAuthorizers(alternatives);
  const flags = flagSteps(ctx, alternatives, names);
  const keys = names.filter((n) => ctx.spec.authorizers[n].type === 'apiKey');
  // Optional authentication: a request with nothing in any of the route's places is let in as nobody.
  const places = new Map(names.map((n) => [locationKey(credentialLocation(ctx.spec.authorizers[n])), n] as const));
  const carries = [...places.values()].map((n) => presentCondition(placeOf(ctx.spec.authorizers[n]), fieldOf(n, ctx.spec.authorizers[n]))).join(' or ');
  const incomplete = r.authOptional ? `${flagCondition(COMPLETE, false)} and (${carries})` : flagCondition(COMPLETE, false);
  return fragment([...flags, ctx.step(unauthorized(ctx), incomplete), ...sameKeySteps(ctx, r, keys), ...verifySteps(ctx, names), ...scopeSteps(ctx, r, names)]);
}
