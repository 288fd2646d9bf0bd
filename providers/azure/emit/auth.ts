/**
 * The route's auth fragment: its one set of credentials in sequence (validate-jwt and the scope
 * check, the subscription check, custom authorizers), or the alternatives policy (./alternatives).
 */
import { credentialLocation, locationKey } from '../../../lib/model/credentials';
import { repeatedValueExpr } from '../expressions';
import type { RouteSpec } from '../../../lib/model/types';
import { el, type XNode } from '../xml';
import { emitAlternatives } from './alternatives';
import type { EmitContext, Fragment } from './context';
import { refuseWhen } from './errors';
import { customAuthorizer } from './custom-auth';
import { jwtPolicies } from './jwt';
import { requestValueExpr } from '../expressions';

/** A call without a valid subscription key, on APIs that do not require one everywhere (refused 401). */
const NO_SUBSCRIPTION = 'context.Subscription == null';

/**
 * A key presented where the spec reads none (refused 401). API Management always takes a key in
 * both its header and its query parameter (subscriptionKeyParameterNames has both; a place the
 * spec does not use keeps APIM's default name, `subscription-key` or `Ocp-Apim-Subscription-Key`),
 * so without this a header-only spec also accepted `?subscription-key=` (a key in URLs and logs).
 * Undefined when the spec uses both places or no key.
 */
function undeclaredKeyPlace(ctx: EmitContext): string | undefined {
  const names = ctx.keyParameters;
  if (!names) return undefined;
  const declared = new Set(ctx.keyLocations.map((l) => l.in));
  const presented: string[] = [];
  if (!declared.has('query')) presented.push(`${requestValueExpr('query', names.query)} != ""`);
  if (!declared.has('header')) presented.push(`${requestValueExpr('header', names.header)} != ""`);
  return presented.length ? presented.join(' || ') : undefined;
}

/**
 * Whether the route needs the alternatives policy: it lists alternatives, its auth is optional
 * (the policy's 401 for no complete alternative then applies only to a request presenting some), or it reads a key in
 * one place while the API also accepts keys in another place the spec uses (a header key route on
 * an API that takes a query key too), so a key sent elsewhere must not let it in.
 */
function needsAlternatives(route: RouteSpec, ctx: EmitContext): boolean {
  if (route.auth === 'none') return false;
  if (route.auth.length > 1 || route.authOptional) return true;
  const keys = route.auth[0].map((n) => ctx.spec.authorizers[n]).filter((a) => a.type === 'apiKey');
  const mine = new Set(keys.map((a) => locationKey(credentialLocation(a))));
  return mine.size > 0 && ctx.keyLocations.some((l) => !mine.has(locationKey(l)));
}

/**
 * A request that repeats a credential the route reads is refused, 401 (docs/model.md, "Repeated
 * credentials"), before any credential is checked: the C# condition.
 */
function repeatedCredential(auth: string[][], ctx: EmitContext): string {
  const conds = new Map<string, string>();
  for (const n of new Set(auth.flat())) {
    const a = ctx.spec.authorizers[n];
    const loc = credentialLocation(a);
    const feature = a.type === 'jwt' ? 'auth.jwt' : a.type === 'custom' ? 'auth.custom' : 'auth.apiKey';
    const field = `authorizer ${n}: ${a.type === 'apiKey' ? 'name' : 'header'}`;
    const raw = a.type === 'apiKey' ? a.name : a.header;
    const checked = loc.in === 'header' ? ctx.strings.header(raw, 'gateway', feature, field) : ctx.strings.plainName(raw, 'gateway', feature, field);
    conds.set(locationKey(loc), repeatedValueExpr(loc.in, checked));
  }
  return [...conds.keys()].sort().map((k) => conds.get(k)).join(' || ');
}

/**
 * One 401 for every refusal that comes before the credentials are checked (a repeated credential,
 * a key in a place the spec does not read, no subscription): they answer alike, so one `when`
 * whose condition is their disjunction, in the order they were checked, does what a `choose`
 * each did (C#'s `||` evaluates left to right and stops at the first true), in a third of the
 * policy text every such route repeats.
 */
function refuseAny(conditions: string[], ctx: EmitContext): XNode {
  const condition = conditions.length === 1 ? conditions[0] : conditions.map((c) => `(${c})`).join(' || ');
  return refuseWhen(`@(${condition})`, 'unauthorized', ctx.spec);
}

/** The route's auth fragment: its one set of credentials in sequence, or the alternatives policy. */
export function emitAuth(route: RouteSpec, ctx: EmitContext): Fragment {
  if (route.auth === 'none') return {};
  const refused = [repeatedCredential(route.auth, ctx)];
  if (needsAlternatives(route, ctx)) return { inbound: [refuseAny(refused, ctx), ...emitAlternatives(route, ctx)] };
  const alt = route.auth[0];
  const keyed = alt.some((n) => ctx.spec.authorizers[n].type === 'apiKey');
  const elsewhere = keyed ? undeclaredKeyPlace(ctx) : undefined;
  if (elsewhere) refused.push(elsewhere);
  if (!ctx.subscriptionRequired && keyed) refused.push(NO_SUBSCRIPTION);
  const inbound: XNode[] = [refuseAny(refused, ctx)];
  for (const n of alt) {
    const a = ctx.spec.authorizers[n];
    if (a.type === 'jwt') inbound.push(...jwtPolicies(n, a, route, ctx));
    if (a.type === 'custom') inbound.push(...customAuthorizer(n, a.header, a.binding, ctx));
  }
  return { inbound };
}
