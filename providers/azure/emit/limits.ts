/**
 * Rate limits and quotas. APIM counts calls per fixed renewal period (no token bucket): a rate
 * with a burst becomes `calls` per `renewal-period` seconds, the period chosen so one window holds
 * the burst (rate 10/s, burst 20: 20 calls per 2 s). So a client may send the whole window at
 * once, and after a burst it waits for the window to renew rather than for tokens to refill.
 * rate-limit renewal-period is at most 300 s.
 * https://learn.microsoft.com/azure/api-management/rate-limit-by-key-policy
 */
import { AZURE_LIMITS } from '../../../lib/capabilities/limits';
import type { QuotaSpec, RateLimitSpec, RouteSpec } from '../../../lib/model/types';
import { el, type XNode } from '../xml';
import type { EmitContext, Fragment } from './context';

/**
 * calls per renewal period approximating a rate with a burst; the period stays within 1..max s.
 * The period starts at the one whose window holds the burst, ceil(burst / rate); where the rate
 * times it is not a whole number of calls (0.75/s over 2 s), a longer period (up to four times,
 * the first with the least error) keeps the steady rate: 3 calls per 4 s, not 2 per 2 s (1/s,
 * a third over the spec's rate).
 */
export function rateWindow(r: RateLimitSpec, maxPeriod: number = AZURE_LIMITS.rateLimitRenewalMaxSeconds): { calls: number; period: number } {
  const first = Math.min(maxPeriod, Math.max(1, Math.ceil(r.burst / r.requestsPerSecond)));
  const callsIn = (p: number) => Math.max(1, Math.round(r.requestsPerSecond * p));
  let period = first;
  let error = Infinity;
  for (let p = first; p <= Math.min(maxPeriod, 4 * first); p++) {
    const e = Math.abs(callsIn(p) / p - r.requestsPerSecond);
    if (e < error - 1e-9) [period, error] = [p, e];
    if (e === 0) break;
  }
  return { calls: callsIn(period), period };
}

/** quota renewal periods (a month is 30 days). */
export const QUOTA_SECONDS = { day: 86_400, week: 604_800, month: 2_592_000 } as const;

export function quotaPolicy(q: QuotaSpec): XNode {
  return el('quota', { calls: q.limit, 'renewal-period': QUOTA_SECONDS[q.period] });
}

/** A product's rate limit: counted per subscription (each consumer has its own window). */
export function planRateLimit(r: RateLimitSpec): XNode {
  const w = rateWindow(r);
  return el('rate-limit', { calls: w.calls, 'renewal-period': w.period });
}

/** A fixed counter key (generated, prefixed with the per-stage API id): one window for all callers. */
export function fixedKeyLimit(r: RateLimitSpec, counter: string): XNode {
  const w = rateWindow(r);
  return el('rate-limit-by-key', { calls: w.calls, 'renewal-period': w.period, 'counter-key': counter });
}

export function emitLimits(route: RouteSpec, ctx: EmitContext): Fragment {
  return route.rateLimit ? { inbound: [fixedKeyLimit(route.rateLimit, ctx.names.counter(`route-${route.id}`))] } : {};
}
