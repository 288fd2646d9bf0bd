/**
 * A route's traffic to its backend: the rule's timeouts, and the BackendTrafficPolicy per route
 * rule (a local rate limit, the backend's circuit breaker, the route's retries:
 * https://gateway.envoyproxy.io/docs/tasks/traffic/retry/);
 * once per stage, the plans' quotas and rate limits as GLOBAL rate limits per consumer, keyed on
 * the client-id header the API-key check forwards, on the API-key rules (and on a stage behind
 * mutual TLS with certificate consumers, on the verified certificate's hash, on every rule). Global limits need Envoy Gateway's rate-limit
 * service (https://gateway.envoyproxy.io/docs/tasks/traffic/global-rate-limit/).
 */
import { KUBERNETES_LIMITS } from '../../lib/capabilities/limits';
import { wholeRate } from '../../lib/capabilities/targets/kubernetes';
import { retryDeadlineMs, retryStatuses, type RetrySpec } from '../../lib/model/retry';
import type { GatewaySpec, RouteSpec } from '../../lib/model/types';
import { stageMetersCertificates } from '../../lib/model/client-certificates';
import { EG_API } from './filters';
import type { K8sObject } from './plan';
import { errorOverrides } from './errors';
import { duration } from './rules';
import { API_KEY_CLIENT_HEADER } from './security';

type Target = { group: string; kind: string; name: string; sectionName?: string };

const QUOTA_UNIT = { day: 'Day', week: 'Week', month: 'Month' } as const;

/**
 * The HTTPRoute rule's timeouts of a proxied route. With retries, `request` bounds every try and
 * wait (retryDeadlineMs) and the BackendTrafficPolicy's perRetry.timeout each try; no
 * backendRequest: Envoy Gateway (v1.9.0, processRouteTimeout) makes a rule's backendRequest the
 * route timeout when the rule has no retry of its own, which would cap every try and wait at one
 * try's bound.
 */
export function ruleTimeouts(route: RouteSpec): Record<string, string> {
  return { request: duration(retryDeadlineMs(route.timeoutMs, route.retry)) };
}

/**
 * Envoy's retry: `connect-failure` is its connect-failure and reset (no answer: refused, reset or
 * the try's timeout); its `5xx` counts no answer too, as the model's does. perRetry.timeout is the
 * route's timeoutMs: each try's bound.
 */
function retryPolicy(r: RetrySpec, timeoutMs: number): Record<string, unknown> {
  const codes = retryStatuses(r);
  const triggers = [...(r.on.includes('connect-failure') ? ['connect-failure', 'reset'] : []), ...(r.on.includes('5xx') ? ['5xx'] : []), ...(codes.length ? ['retriable-status-codes'] : [])];
  return {
    numRetries: r.attempts,
    retryOn: { triggers, ...(codes.length ? { httpStatusCodes: codes } : {}) },
    perRetry: { timeout: duration(timeoutMs), backOff: { baseInterval: duration(r.backoff.baseMs), maxInterval: duration(r.backoff.maxMs) } },
  };
}

/** The route rule's own BackendTrafficPolicy, or undefined when it needs none. */
export function routeTrafficPolicy(spec: GatewaySpec, route: RouteSpec, name: string, namespace: string, target: Target): K8sObject | undefined {
  const s: Record<string, unknown> = {};
  if (route.rateLimit) {
    // Envoy's local limit is a token bucket of `requests` refilled every unit: burst is the per-unit count.
    const rate = wholeRate(route.rateLimit.requestsPerSecond)!;
    s.rateLimit = { type: 'Local', local: { rules: [{ limit: rate }] } };
  }
  const b = spec.backends[route.backend];
  if (b.type === 'http' && b.circuitBreaker) {
    s.healthCheck = {
      passive: {
        consecutive5XxErrors: b.circuitBreaker.failures,
        interval: `${b.circuitBreaker.intervalSeconds}s`,
        baseEjectionTime: `${b.circuitBreaker.tripSeconds}s`,
        maxEjectionPercent: 100,
      },
    };
  }
  if (route.retry) s.retry = retryPolicy(route.retry, route.timeoutMs);
  if (!Object.keys(s).length) return undefined;
  // This policy wins over the HTTPRoute's own (errorsTrafficPolicy): it carries the contract too.
  const overrides = errorOverrides(spec);
  if (overrides) s.responseOverride = overrides;
  return { apiVersion: EG_API, kind: 'BackendTrafficPolicy', metadata: { name, namespace }, spec: { targetRefs: [target], ...s } };
}

/**
 * The client-certificate selector: x-forwarded-client-cert as the mTLS listener's ClientTrafficPolicy
 * sets it (SanitizeSet: the client's own header is replaced). Envoy matches a regular expression
 * against the whole value and writes Hash before Subject (after By only when its own certificate
 * has a URI SAN), so a subject that spells `;Hash=<another fingerprint>` cannot match.
 */
export const certificateSelector = (sha256: string) => ({ name: 'x-forwarded-client-cert', type: 'RegularExpression', value: `(By=[^;]*;)?Hash=${sha256}(;.*)?` });

/**
 * One global rule per consumer and limit of its plan, shared across every targeted HTTPRoute:
 * API-key consumers by the client-id header the key check forwards, certificate consumers (on a
 * stage behind mutual TLS) by the verified certificate's fingerprint.
 */
function planRules(spec: GatewaySpec, stage: string): Record<string, unknown>[] {
  const certificates = stageMetersCertificates(spec, stage);
  const rules: Record<string, unknown>[] = [];
  for (const consumer of Object.keys(spec.consumers).sort()) {
    const c = spec.consumers[consumer];
    const plan = spec.plans[c.plan];
    if (!plan || (c.clientCertificate && !certificates)) continue;
    const header = c.clientCertificate ? certificateSelector(c.clientCertificate.sha256) : { name: API_KEY_CLIENT_HEADER, type: 'Exact', value: consumer };
    const clientSelectors = [{ headers: [header] }];
    if (plan.rateLimit) rules.push({ clientSelectors, limit: wholeRate(plan.rateLimit.requestsPerSecond)!, shared: true });
    if (plan.quota) rules.push({ clientSelectors, limit: { requests: plan.quota.limit, unit: QUOTA_UNIT[plan.quota.period] }, shared: true });
  }
  return rules;
}

/** Envoy Gateway's maximum of global rules per policy (BackendTrafficPolicy CRD); the size record checks it. */
export const GLOBAL_RULES_MAX: number = KUBERNETES_LIMITS.globalRateLimitRules;

/**
 * The stage's plan policy over whole HTTPRoutes, or undefined without plans. One policy, since
 * Envoy Gateway applies one BackendTrafficPolicy per target: more rules than one holds is refused.
 */
export function planTrafficPolicy(spec: GatewaySpec, stage: string, name: string, namespace: string, targets: Target[]): K8sObject | undefined {
  const rules = planRules(spec, stage);
  if (!rules.length || !targets.length) return undefined;
  const overrides = errorOverrides(spec);
  return {
    apiVersion: EG_API,
    kind: 'BackendTrafficPolicy',
    metadata: { name, namespace },
    spec: {
      targetRefs: targets,
      rateLimit: { type: 'Global', global: { rules } },
      ...(overrides ? { responseOverride: overrides } : {}),
    },
  };
}

/**
 * The error contract for a whole HTTPRoute's rules that no rule policy targets, or undefined with
 * `errors: native`.
 */
export function errorsTrafficPolicy(spec: GatewaySpec, name: string, namespace: string, httpRoute: string): K8sObject | undefined {
  const overrides = errorOverrides(spec);
  if (!overrides) return undefined;
  return { apiVersion: EG_API, kind: 'BackendTrafficPolicy', metadata: { name, namespace }, spec: { targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: httpRoute }], responseOverride: overrides } };
}
