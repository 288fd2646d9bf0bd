/**
 * Alternative credentials (`auth: [a, [b, c]]`, docs/model.md "Alternative credentials") as API
 * Management policy. APIM runs policies in sequence, so the rules become conditions on what the
 * request carries (a header or query parameter that is present and not empty):
 *   1. no alternative has all its credentials presented: 401 (with optional authentication, only
 *      when the request presents some credential of the route: one presenting none is let in);
 *   2. a presented query key while APIM's key header carries another value: 401 (APIM validates
 *      the header and reads the query parameter only when the header is absent, so the query key
 *      would go unchecked; with a header key beside it this is the rule that two keys must match);
 *   3. a presented key and no subscription: 401. APIM validates every key it is sent, even on an
 *      API that does not require one, and refuses an invalid key itself with 401, so a presented
 *      key leaves `context.Subscription` set; this checks it in policy all the same;
 *   4. every presented token: validate-jwt (401), then the route's scopes (403);
 *   5. every presented custom credential: its function decides (401).
 * https://learn.microsoft.com/azure/api-management/api-management-subscriptions
 * ("Use a subscription key"; "How API Management handles requests with or without subscription keys")
 */
import { alternativeAuthorizers, credentialLocation, locationKey } from '../../../lib/model/credentials';
import type { RouteSpec } from '../../../lib/model/types';
import { requestValueExpr } from '../expressions';
import { el, type XNode } from '../xml';
import { customAuthorizer } from './custom-auth';
import { jwtPolicies } from './jwt';
import type { EmitContext } from './context';
import { gatewayError } from './errors';

/** The request's value at a location, through the string guard (names were checked by the capability records too). */
function valueExpr(name: string, ctx: EmitContext): string {
  const a = ctx.spec.authorizers[name];
  const loc = credentialLocation(a);
  const field = `authorizer ${name}: ${a.type === 'apiKey' ? 'name' : 'header'}`;
  const feature = a.type === 'jwt' ? 'auth.jwt' : a.type === 'custom' ? 'auth.custom' : 'auth.apiKey';
  const raw = a.type === 'apiKey' ? a.name : a.header;
  const checked = loc.in === 'header' ? ctx.strings.header(raw, 'gateway', feature, field) : ctx.strings.plainName(raw, 'gateway', feature, field);
  return requestValueExpr(loc.in, checked);
}

/** A C# condition per authorizer: its credential is presented (present and not empty). */
function presentedConditions(names: string[], ctx: EmitContext): Map<string, string> {
  return new Map(names.map((n) => [n, `${valueExpr(n, ctx)} != ""`]));
}

const when = (condition: string, ...children: XNode[]) => el('when', { condition: `@(${condition})` }, ...children);

/** Rules 1 to 3: one choose whose every branch answers 401. */
function refusals(route: RouteSpec, names: string[], presented: Map<string, string>, ctx: EmitContext): XNode {
  const alts = route.auth === 'none' ? [] : route.auth;
  const complete = alts.map((alt) => `(${alt.map((n) => presented.get(n)).join(' && ')})`).join(' || ');
  const keys = names.filter((n) => ctx.spec.authorizers[n].type === 'apiKey');
  // One comparison per query parameter, however many authorizers read it.
  const queryKeys = new Map(keys.map((n) => [locationKey(credentialLocation(ctx.spec.authorizers[n])), n] as const).filter(([k]) => k.startsWith('query:')));
  const unauthorized = () => gatewayError('unauthorized', ctx.spec);
  const apimHeader = requestValueExpr('header', ctx.keyParameters?.header ?? 'Ocp-Apim-Subscription-Key');
  // Optional authentication: a request presenting nothing is let in (every check below is skipped).
  const incomplete = route.authOptional ? `!(${complete}) && (${[...new Set(names.map((n) => presented.get(n)))].join(' || ')})` : `!(${complete})`;
  const branches = [
    when(incomplete, unauthorized()),
    ...[...queryKeys.values()].map((n) => when(`${presented.get(n)} && ${apimHeader} != "" && ${apimHeader} != ${valueExpr(n, ctx)}`, unauthorized())),
    ...(keys.length ? [when(`(${keys.map((n) => presented.get(n)).join(' || ')}) && context.Subscription == null`, unauthorized())] : []),
  ];
  return el('choose', {}, ...branches);
}

/** The route's auth policies when it has alternatives (or a key place the API shares with another). */
export function emitAlternatives(route: RouteSpec, ctx: EmitContext): XNode[] {
  if (route.auth === 'none') return [];
  const names = alternativeAuthorizers(route.auth);
  const presented = presentedConditions(names, ctx);
  const out: XNode[] = [refusals(route, names, presented, ctx)];
  for (const n of names) {
    const a = ctx.spec.authorizers[n];
    if (a.type === 'jwt') out.push(el('choose', {}, when(presented.get(n)!, ...jwtPolicies(n, a, route, ctx))));
    if (a.type === 'custom') out.push(el('choose', {}, when(presented.get(n)!, ...customAuthorizer(n, a.header, a.binding, ctx))));
  }
  return out;
}
