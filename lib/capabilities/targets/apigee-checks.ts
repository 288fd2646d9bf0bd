/**
 * Apigee checks that the records in apigee.ts attach to features: the spec strings that reach
 * Apigee's evaluated languages (grammars in apigee-strings.ts) and what alternative credentials
 * need. The compiler calls assertSupported first, so these are the refusals synth gives; its
 * emitters only format what these checks let through.
 */
import type { SynthesisProblem } from '../../model/errors';
import { alternativeAuthorizers } from '../../model/credentials';
import type { RouteSpec } from '../../model/types';
import type { CheckContext } from '../types';
import { APIGEE_STRINGS, type ApigeeStringKind } from './apigee-strings';
import { usedRoutes } from './helpers';

type Check = (ctx: CheckContext) => SynthesisProblem[];

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
    const items = names.map((n): StringItem => {
      const a = ctx.spec.authorizers[n];
      return a.type === 'apiKey' ? [a.in === 'header' ? 'headerVariable' : 'queryVariable', a.name, r.id, `authorizers.${n}.name`] : ['headerVariable', a.header, r.id, `authorizers.${n}.header`];
    });
    const shared = names.some((n) => ctx.spec.authorizers[n].type === 'jwt' && alts.every((alt) => alt.includes(n)));
    const claims = readsClaims(r) && !shared ? [ctx.problem(r.id, 'transforms read ${claim.*}, but no JWT authorizer is in every alternative: Apigee reads claims from one VerifyJWT policy; put one JWT authorizer in every alternative')] : [];
    return [...strings(ctx, items), ...claims];
  });
