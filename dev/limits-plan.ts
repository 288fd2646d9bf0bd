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
    for (const c of consumers) {
      const r = this.planRate.get(c.plan)?.take(c.name, now);
      if (r && !r.ok) return { ok: false, refusal: 'rateLimited', retryAfterSeconds: r.retryAfterSeconds, scope: 'plan' };
      const q = this.planQuota.get(c.plan)?.take(c.name, now);
      if (q && !q.ok) return { ok: false, refusal: 'quotaExceeded', retryAfterSeconds: q.retryAfterSeconds, scope: 'plan' };
    }
    for (const [limiter, key, scope] of this.routeSteps(route)) {
      const r = limiter.take(key, now);
      if (!r.ok) return { ok: false, refusal: 'rateLimited', retryAfterSeconds: r.retryAfterSeconds, scope };
    }
    return OK;
  }

  /** True when some limit counts this request (the access log's `rateLimit: allowed` rather than `none`). */
  applies(route: RouteSpec, consumers: readonly PlanHolder[]): boolean {
    return this.routeSteps(route).length > 0 || consumers.some((c) => this.planRate.has(c.plan) || this.planQuota.has(c.plan));
  }

  /** Per route id: the route's own limiters after the plans', in order (made once per route). */
  private readonly byRoute = new Map<string, readonly RouteStep[]>();

  /** The limiters every request to `route` passes after its consumers' plans: the route's rate limit, and the stage throttle (on AWS only without a route limit). */
  private routeSteps(route: RouteSpec): readonly RouteStep[] {
    let steps = this.byRoute.get(route.id);
    if (!steps) {
      const list: RouteStep[] = [];
      const routeLimit = this.routeRate.get(route.id);
      if (routeLimit) list.push([routeLimit, route.id, 'route']);
      if (this.stageRate && !(this.profile === 'aws' && routeLimit)) list.push([this.stageRate, 'stage', 'stage']);
      this.byRoute.set(route.id, (steps = list));
    }
    return steps;
  }
}

/** A limiter, the key it counts under, and whose limit it is. */
type RouteStep = readonly [RateLimiter, string, LimitScope];

const OK: LimitOutcome = Object.freeze({ ok: true });
