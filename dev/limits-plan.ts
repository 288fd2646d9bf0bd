/**
 * The limits one request passes, in each profile's layout: the consumer's plan (rate, quota),
 * the route's rate limit and the stage throttle. On AWS a route's method throttle replaces the
 * stage's default throttle for that method (method settings override `/*\/*`); APIM and Apigee
 * apply both the API-level (stage) and the route limit.
 */
import type { GatewaySpec, RouteSpec } from '../lib/model/types';
import { quotaCounter, rateLimiter, type RateLimiter } from './limits';
import type { Profile, Refusal } from './profiles';

/** A consumer whose plan a request counts against. */
export interface PlanHolder {
  readonly name: string;
  readonly plan: string;
}

export type LimitScope = 'plan' | 'route' | 'stage';
export type LimitOutcome = { readonly ok: true } | { readonly ok: false; readonly refusal: Refusal; readonly retryAfterSeconds: number; readonly scope: LimitScope };

export class Limits {
  private readonly planRate = new Map<string, RateLimiter>();
  private readonly planQuota = new Map<string, RateLimiter>();
  private readonly routeRate = new Map<string, RateLimiter>();
  private readonly stageRate?: RateLimiter;

  constructor(
    spec: GatewaySpec,
    stage: string,
    private readonly profile: Profile,
  ) {
    for (const [name, p] of Object.entries(spec.plans)) {
      if (p.rateLimit) this.planRate.set(name, rateLimiter(profile, p.rateLimit, 'plan'));
      if (p.quota) this.planQuota.set(name, quotaCounter(profile, p.quota));
    }
    for (const r of spec.routes) if (r.rateLimit) this.routeRate.set(r.id, rateLimiter(profile, r.rateLimit));
    const throttle = spec.stages[stage]?.throttle;
    if (throttle) this.stageRate = rateLimiter(profile, throttle);
  }

  /** @param consumers who the request counts against: the API key's consumer and the client certificate's, each on its own plan */
  check(route: RouteSpec, consumers: readonly PlanHolder[], now: number): LimitOutcome {
    for (const [limiter, key, refusal, scope] of this.steps(route, consumers)) {
      if (!limiter) continue;
      const r = limiter.take(key, now);
      if (!r.ok) return { ok: false, refusal, retryAfterSeconds: r.retryAfterSeconds, scope };
    }
    return { ok: true };
  }

  /** True when some limit counts this request (the access log's `rateLimit: allowed` rather than `none`). */
  applies(route: RouteSpec, consumers: readonly PlanHolder[]): boolean {
    return this.steps(route, consumers).some(([limiter]) => limiter !== undefined);
  }

  /** The limiters a request passes, in order. */
  private steps(route: RouteSpec, consumers: readonly PlanHolder[]): [RateLimiter | undefined, string, Refusal, LimitScope][] {
    const steps: [RateLimiter | undefined, string, Refusal, LimitScope][] = [];
    for (const consumer of consumers) {
      steps.push([this.planRate.get(consumer.plan), consumer.name, 'rateLimited', 'plan']);
      steps.push([this.planQuota.get(consumer.plan), consumer.name, 'quotaExceeded', 'plan']);
    }
    const routeLimit = this.routeRate.get(route.id);
    steps.push([routeLimit, route.id, 'rateLimited', 'route']);
    if (!(this.profile === 'aws' && routeLimit)) steps.push([this.stageRate, 'stage', 'rateLimited', 'stage']);
    return steps;
  }
}
