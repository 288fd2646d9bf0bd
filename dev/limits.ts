/**
 * Rate limits and quotas with each profile's semantics, on the dev clock:
 * - aws: token buckets (rate + burst) for usage-plan and method throttles; quotas renew on UTC
 *   calendar days, weeks (from Monday) and months, as usage plan periods do.
 * - azure: fixed windows of `calls` per `renewal-period`, the window the compiler emits for the
 *   rate (providers/azure/policies.ts rateWindow); quotas renew every period (a month is 30 days).
 * - apigee: SpikeArrest with UseEffectiveCount (a sliding allowance of the per-second rate, no
 *   burst); calendar quotas.
 * - kubernetes: what providers/kubernetes/traffic.ts emits. Route limits are Envoy local rate
 *   limits: a token bucket holding the per-unit count (`requests` per Second/Minute/Hour, the
 *   spec's burst is not used), refilled continuously (Envoy's atomic token bucket, envoyproxy/envoy#35207).
 *   Plan rate limits and quotas are global limits of Envoy's rate-limit service: fixed windows
 *   aligned on the Unix epoch (window start = now - now % unit; a week is 7 days, a month 30),
 *   as envoyproxy/ratelimit's cache keys are.
 */
import type { QuotaSpec, RateLimitSpec } from '../lib/model/types';
import { rateWindow } from '../providers/azure/emit/limits';
import { RATE_UNITS, wholeRate } from '../lib/capabilities/targets/kubernetes';
import type { Profile } from './profiles';

export type LimitResult = { readonly ok: true } | { readonly ok: false; readonly retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number;
}

/** One rate limiter (keyed counters share one spec). */
export interface RateLimiter {
  take(key: string, nowMs: number): LimitResult;
}

function tokenBucket(rps: number, capacity: number): RateLimiter {
  const buckets = new Map<string, Bucket>();
  return {
    take(key, now) {
      const b = buckets.get(key) ?? { tokens: capacity, at: now };
      b.tokens = Math.min(capacity, b.tokens + ((now - b.at) / 1000) * rps);
      b.at = now;
      buckets.set(key, b);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return { ok: true };
      }
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / rps)) };
    },
  };
}

function fixedWindow(calls: number, periodSeconds: number): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  return {
    take(key, now) {
      let w = windows.get(key);
      if (!w || now >= w.start + periodSeconds * 1000) windows.set(key, (w = { start: now, count: 0 }));
      if (w.count < calls) {
        w.count++;
        return { ok: true };
      }
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((w.start + periodSeconds * 1000 - now) / 1000)) };
    },
  };
}

/** Fixed windows of `calls` aligned on the epoch (envoyproxy/ratelimit: key = now / unit * unit). */
function epochWindow(calls: number, periodSeconds: number): RateLimiter {
  const counts = new Map<string, { start: number; count: number }>();
  const len = periodSeconds * 1000;
  return {
    take(key, now) {
      const start = now - (now % len);
      let c = counts.get(key);
      if (!c || c.start !== start) counts.set(key, (c = { start, count: 0 }));
      if (c.count < calls) {
        c.count++;
        return { ok: true };
      }
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((start + len - now) / 1000)) };
    },
  };
}

function kubernetesLimiter(r: RateLimitSpec, scope: 'plan' | 'route' | 'stage'): RateLimiter {
  // The compiler refuses rates without a whole per-unit count; dev refuses them at start too.
  const w = wholeRate(r.requestsPerSecond) ?? { requests: Math.max(1, Math.round(r.requestsPerSecond)), unit: 'Second' as const };
  const seconds = RATE_UNITS.find(([u]) => u === w.unit)![1];
  return scope === 'plan' ? epochWindow(w.requests, seconds) : tokenBucket(r.requestsPerSecond, w.requests);
}

/** A rate limiter for `r` with the profile's algorithm; `scope` says whose limit it is (kubernetes: plans are global limits). */
export function rateLimiter(profile: Profile, r: RateLimitSpec, scope: 'plan' | 'route' | 'stage' = 'route'): RateLimiter {
  if (profile === 'kubernetes') return kubernetesLimiter(r, scope);
  if (profile === 'azure') {
    const w = rateWindow(r);
    return fixedWindow(w.calls, w.period);
  }
  if (profile === 'apigee') return tokenBucket(r.requestsPerSecond, Math.max(1, Math.ceil(r.requestsPerSecond)));
  return tokenBucket(r.requestsPerSecond, r.burst);
}

const DAY = 86_400_000;

/** Start and end (ms) of the quota window holding `now`. */
export function quotaWindow(profile: Profile, period: QuotaSpec['period'], now: number): { start: number; end: number } {
  if (profile === 'azure' || profile === 'kubernetes') {
    const len = { day: 1, week: 7, month: 30 }[period] * DAY;
    const start = Math.floor(now / len) * len;
    return { start, end: start + len };
  }
  const d = new Date(now);
  if (period === 'day') {
    const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    return { start, end: start + DAY };
  }
  if (period === 'week') {
    const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    const start = day - ((d.getUTCDay() + 6) % 7) * DAY;
    return { start, end: start + 7 * DAY };
  }
  return { start: Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), end: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) };
}

/** Per-key quota counters. */
export function quotaCounter(profile: Profile, q: QuotaSpec): RateLimiter {
  const counts = new Map<string, { start: number; count: number }>();
  return {
    take(key, now) {
      const w = quotaWindow(profile, q.period, now);
      let c = counts.get(key);
      if (!c || c.start !== w.start) counts.set(key, (c = { start: w.start, count: 0 }));
      if (c.count < q.limit) {
        c.count++;
        return { ok: true };
      }
      return { ok: false, retryAfterSeconds: Math.ceil((w.end - now) / 1000) };
    },
  };
}
