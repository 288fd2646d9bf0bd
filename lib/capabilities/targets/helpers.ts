/** Small constructors shared by the target files, so each record reads as one line. */
import type { SynthesisProblem } from '../../model/errors';
import type { RateLimitSpec } from '../../model/types';
import type { BehaviourDifference, CheckContext, DifferenceAspect, EmittedContext, ProbeAnswer, ProbeSituation, TargetCapability } from '../types';

type Extra = Pick<TargetCapability, 'check' | 'checkEmitted' | 'describe' | 'differences'>;

export const native = (note: string, extra: Extra = {}): TargetCapability => ({ support: 'native', note, ...extra });
export const emulated = (note: string, extra: Extra = {}): TargetCapability => ({ support: 'emulated', note, ...extra });
export const unsupported = (note: string): TargetCapability => ({ support: 'unsupported', note });

/** One behaviour difference, as a record lists it. */
export const differs = (aspect: DifferenceAspect, observed: string, remedy?: string, when?: BehaviourDifference['when']): BehaviourDifference => ({
  aspect,
  observed,
  ...(remedy ? { remedy } : {}),
  ...(when ? { when } : {}),
});

/** The same difference, with the request conform makes to observe it and this target's answer there. */
export const probed = (d: BehaviourDifference, situation: ProbeSituation, answer: ProbeAnswer): BehaviourDifference => ({ ...d, probe: { situation, answer } });

/** The routes a check runs on: the feature's uses that are route ids. */
export function usedRoutes(ctx: CheckContext) {
  const ids = new Set(ctx.uses);
  return ctx.spec.routes.filter((r) => ids.has(r.id));
}

/** An emitted-size check: one problem per measurement over `limit`. */
export function sizeLimit(limit: (ctx: EmittedContext) => number, message: (bytes: number, limit: number, ctx: EmittedContext) => string) {
  return (ctx: EmittedContext): SynthesisProblem[] => {
    const max = limit(ctx);
    return ctx.measured.filter((m) => m.bytes > max).map((m) => ctx.problem(m.where, message(m.bytes, max, ctx)));
  };
}

/** Every rate limit of the spec where the feature is used: routes, plans or stages. */
export function ratesOf(ctx: CheckContext, feature: 'route.rateLimit' | 'plan.rateLimit' | 'stage.throttle'): { where: string; what: string; rate: RateLimitSpec }[] {
  const { spec } = ctx;
  if (feature === 'route.rateLimit') return usedRoutes(ctx).flatMap((r) => (r.rateLimit ? [{ where: r.id, what: 'rateLimit', rate: r.rateLimit }] : []));
  if (feature === 'plan.rateLimit') return Object.entries(spec.plans).flatMap(([n, p]) => (p.rateLimit ? [{ where: 'gateway', what: `plan ${n}: rateLimit`, rate: p.rateLimit }] : []));
  return Object.entries(spec.stages).flatMap(([n, s]) => (s.throttle ? [{ where: 'gateway', what: `stage ${n}: throttle`, rate: s.throttle }] : []));
}
