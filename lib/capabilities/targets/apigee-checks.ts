/**
 * Apigee checks that the records in apigee.ts attach to features: the spec strings that reach
 * Apigee's evaluated languages (grammars in apigee-strings.ts) and what alternative credentials
 * need. The compiler calls assertSupported first, so these are the refusals synth gives; its
 * emitters only format what these checks let through.
 */
import { alternativeAuthorizers } from '../../runtime/alternatives';
import type { SynthesisProblem } from '../../model/errors';
import type { RouteSpec } from '../../model/types';
import type { CheckContext } from '../types';
import { APIGEE_STRINGS, type ApigeeStringKind } from './apigee-strings';
import { usedRoutes } from './helpers';

type Check = (ctx: CheckContext) => SynthesisProblem[];

/** Several checks as one: every problem of each, in order. */
export const all =
  (...checks: Check[]): Check =>
  (ctx) =>
    checks.flatMap((c) => c(ctx));

/** One item to check: the grammar, the value, the route (or `gateway`) and the spec path. */
export type StringItem = readonly [ApigeeStringKind, string, string, string];

/** Problems for every item that breaks its grammar. */
export function strings(ctx: CheckContext, items: readonly StringItem[]): SynthesisProblem[] {
  return items.flatMap(([kind, value, where, field]) => {
    const m = APIGEE_STRINGS[kind](value, field);
    return m ? [ctx.problem(where, m)] : [];
  });
}

const readsClaims = (r: RouteSpec) => JSON.stringify(r.transform ?? {}).includes('${claim.');

/** The names a presence test reads for every authorizer of `r`: flow-variable parts. */
function presenceItems(ctx: CheckContext, r: RouteSpec): StringItem[] {
  return r.auth === 'none'
    ? []
    : alternativeAuthorizers(r.auth).map((n): StringItem => {
        const a = ctx.spec.authorizers[n];
        return a.type === 'apiKey' ? [a.in === 'header' ? 'headerVariable' : 'queryVariable', a.name, r.id, `authorizers.${n}.name`] : ['headerVariable', a.header, r.id, `authorizers.${n}.header`];
      });
}

/** A route that needs two API keys at once is emitted as alternatives (the keys must be the same key). */
const keyPair = (ctx: CheckContext, r: RouteSpec) => r.auth !== 'none' && r.auth.length === 1 && r.auth[0].filter((n) => ctx.spec.authorizers[n].type === 'apiKey').length > 1;

/**
 * Alternatives are conditional steps: each authorizer's header or query parameter is tested by
 * name in a condition (and two API keys are joined in a message template), so those names must be
 * flow-variable parts; claims come from one VerifyJWT policy, which every alternative must hold.
 */
export const alternativesChecks: Check = (ctx) =>
  usedRoutes(ctx).flatMap((r) => {
    if (r.auth === 'none') return [];
    const alts = r.auth;
    const names = alternativeAuthorizers(alts);
    const shared = names.some((n) => ctx.spec.authorizers[n].type === 'jwt' && alts.every((alt) => alt.includes(n)));
    const claims = readsClaims(r) && !shared ? [ctx.problem(r.id, 'transforms read ${claim.*}, but no JWT authorizer is in every alternative: Apigee reads claims from one VerifyJWT policy; put one JWT authorizer in every alternative')] : [];
    return [...strings(ctx, presenceItems(ctx, r)), ...claims];
  });

/** The authorizers of `r`, by name, in written order (every alternative). */
const authorizersOf = (ctx: CheckContext, r: RouteSpec) => (r.auth === 'none' ? [] : alternativeAuthorizers(r.auth).map((n) => [n, ctx.spec.authorizers[n]] as const));
const isDefaultKey = (a: { type: string; in?: string; name?: string }) => a.type === 'apiKey' && a.in === 'header' && a.name?.toLowerCase() === 'x-api-key';

/**
 * VerifyAPIKey reads the key from a ref attribute: `request.header.NAME` or `request.queryparam.NAME`.
 * A route needing two keys at once (at least one not the default) also tests each credential's
 * presence, as alternatives do.
 */
export const apiKeyNameChecks =
  (defaultKey: boolean): Check =>
  (ctx) =>
    strings(
      ctx,
      usedRoutes(ctx).flatMap((r) => [
        ...authorizersOf(ctx, r).flatMap(([n, a]): StringItem[] => (a.type === 'apiKey' && isDefaultKey(a) === defaultKey ? [[a.in === 'header' ? 'headerName' : 'queryName', a.name, r.id, `authorizers.${n}.name`]] : [])),
        ...(!defaultKey && keyPair(ctx, r) ? presenceItems(ctx, r) : []),
      ]),
    );

/**
 * A key after a scheme prefix is extracted before VerifyAPIKey on a route with one key authorizer
 * (among alternatives too: a shared header presents the credential whose scheme it starts with);
 * beside a second key the pair would be compared with the prefix, so that is refused. The
 * scheme is written into an ExtractVariables pattern: only letters, digits, `.`, `_` and `-`.
 */
export const apiKeySchemeChecks: Check = (ctx) =>
  usedRoutes(ctx).flatMap((r) =>
    authorizersOf(ctx, r).flatMap(([n, a]) => {
      if (a.type !== 'apiKey' || a.scheme === undefined) return [];
      const keys = authorizersOf(ctx, r).filter(([, b]) => b.type === 'apiKey').length;
      if (keys > 1) return [ctx.problem(r.id, `authorizers.${n}.scheme: a key after a scheme prefix beside another API key authorizer on one route is not supported on ${ctx.label} (the two keys are compared as their headers hold them); use one key authorizer on the route, or send the key in its own header (no scheme)`)];
      if (!/^[A-Za-z0-9._-]+$/.test(a.scheme)) return [ctx.problem(r.id, `authorizers.${n}.scheme: ${JSON.stringify(a.scheme)} cannot be written into an ExtractVariables pattern on ${ctx.label}; use letters, digits, ".", "_" and "-"`)];
      return [];
    }),
  );

/** VerifyJWT: another header than Authorization is named in ExtractVariables; required claims in Claim name attributes. */
export const jwtNameChecks: Check = (ctx) =>
  strings(
    ctx,
    usedRoutes(ctx).flatMap((r) =>
      authorizersOf(ctx, r).flatMap(([n, a]): StringItem[] => {
        if (a.type !== 'jwt') return [];
        const header: StringItem[] = a.header.toLowerCase() === 'authorization' ? [] : [['headerName', a.header, r.id, `authorizers.${n}.header`]];
        return [...header, ...Object.keys(a.requiredClaims).sort().map((k): StringItem => ['claimName', k, r.id, `authorizers.${n}.requiredClaims`])];
      }),
    ),
  );

/** The ServiceCallout copies the custom authorizer's header by name. */
export const customNameChecks: Check = (ctx) =>
  strings(
    ctx,
    usedRoutes(ctx).flatMap((r) => authorizersOf(ctx, r).flatMap(([n, a]): StringItem[] => (a.type === 'custom' ? [['headerName', a.header, r.id, `authorizers.${n}.header`]] : []))),
  );

/**
 * Scopes are JavaRegex conditions on the scope claim of each JWT whose scopes are checked: the
 * route's first JWT authorizer, or with alternatives every JWT authorizer (every presented token).
 */
export const scopeChecks: Check = (ctx) =>
  strings(
    ctx,
    usedRoutes(ctx).flatMap((r) => {
      if (r.auth === 'none' || !r.scopes.length) return [];
      const jwts = authorizersOf(ctx, r).filter(([, a]) => a.type === 'jwt');
      const checked = r.auth.length > 1 ? jwts : jwts.filter(([n]) => r.auth !== 'none' && r.auth[0].includes(n)).slice(0, 1);
      return [
        ...checked.map(([n, a]): StringItem => ['claimVariable', (a as { scopeClaim: string }).scopeClaim, r.id, `authorizers.${n}.scopeClaim`]),
        ...(checked.length ? r.scopes.map((s, i): StringItem => ['scope', s, r.id, `routes[id=${r.id}].scopes[${i}]`]) : []),
      ];
    }),
  );
