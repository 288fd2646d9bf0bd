/**
 * The portability report: for each feature a spec uses (and where), what each target will do.
 * Unsupported entries become synthesis problems naming the route, feature and target.
 */
import type { SynthesisProblem } from '../model/errors';
import type { GatewaySpec, RouteSpec } from '../model/types';
import { AWS_LIMITS } from './limits';
import { capability, FEATURES, targetLabel, TARGETS, type Capability, type Feature, type Target, type Tiers } from './table';

/** A feature in use, and where: route ids, or `gateway`. */
export interface FeatureUse {
  readonly feature: Feature;
  readonly where: string[];
}

export interface PortabilityRow {
  readonly feature: Feature;
  readonly title: string;
  readonly where: string[];
  readonly targets: Partial<Record<Target, Capability>>;
}

export interface PortabilityReport {
  readonly targets: Target[];
  readonly tiers: Tiers;
  readonly rows: PortabilityRow[];
  /** Everything a target cannot do, by route: synthesis for that target fails on these. */
  readonly problems: SynthesisProblem[];
}

function routeFeatures(spec: GatewaySpec, r: RouteSpec): Feature[] {
  const f: Feature[] = [];
  if (r.method === 'ANY') f.push('route.any');
  for (const s of r.segments) {
    if (s.kind !== 'param') continue;
    if (s.greedy) f.push('path.greedy');
    if (s.prefix || s.suffix) f.push('path.mixedSegment');
  }
  const b = spec.backends[r.backend];
  if (b.type === 'http') {
    f.push(b.targets ? 'backend.weighted' : 'backend.http');
    if (b.circuitBreaker) f.push('backend.circuitBreaker');
  } else f.push(b.type === 'function' ? 'backend.function' : 'backend.mock');
  if (r.auth !== 'none') {
    if (r.auth.length > 1) f.push('auth.alternatives');
    for (const name of new Set(r.auth.flat())) {
      const a = spec.authorizers[name];
      if (a.type === 'jwt') f.push('auth.jwt');
      else if (a.type === 'custom') f.push('auth.custom');
      else f.push(a.in === 'header' && a.name.toLowerCase() === 'x-api-key' ? 'auth.apiKey' : 'auth.apiKey.custom');
    }
    if (r.scopes.length) f.push('auth.scopes');
  }
  if (r.rateLimit) f.push('route.rateLimit');
  if (r.cache) f.push('route.cache');
  const req = r.transform?.request;
  const res = r.transform?.response;
  if (req?.setHeaders || req?.removeHeaders) f.push('transform.headers');
  if (req?.setQuery || req?.removeQuery) f.push('transform.query');
  if (req?.rewritePath) f.push('transform.path');
  if (req?.body !== undefined) f.push('transform.body');
  if (res?.setHeaders || res?.removeHeaders) f.push('transform.responseHeaders');
  if (res?.redact?.length) f.push('transform.redact');
  if (r.validation) f.push('validation');
  return [...new Set(f)];
}

function gatewayFeatures(spec: GatewaySpec): Feature[] {
  const f: Feature[] = [];
  const plans = Object.values(spec.plans);
  if (plans.some((p) => p.quota)) f.push('plan.quota');
  if (plans.some((p) => p.rateLimit)) f.push('plan.rateLimit');
  if (spec.cors) f.push('cors');
  if (spec.ipRules?.allow.length) f.push('ipRules.allow');
  if (spec.ipRules?.deny.length) f.push('ipRules.deny');
  const stages = Object.values(spec.stages);
  if (stages.some((s) => Object.keys(s.variables).length)) f.push('stage.variables');
  if (stages.some((s) => Object.keys(s.backends).length)) f.push('stage.backends');
  if (stages.some((s) => s.throttle)) f.push('stage.throttle');
  if (spec.observability.accessLogs) f.push('observability.accessLogs');
  if (spec.observability.tracing || stages.some((s) => s.tracing)) f.push('observability.tracing');
  return f;
}

/** Every feature the spec uses, with where it is used, in table order. */
export function featuresUsed(spec: GatewaySpec): FeatureUse[] {
  const where = new Map<Feature, string[]>();
  const add = (feature: Feature, w: string) => {
    const list = where.get(feature) ?? [];
    list.push(w);
    where.set(feature, list);
  };
  for (const f of gatewayFeatures(spec)) add(f, 'gateway');
  for (const r of spec.routes) for (const f of routeFeatures(spec, r)) add(f, r.id);
  return (Object.keys(FEATURES) as Feature[]).filter((f) => where.has(f)).map((feature) => ({ feature, where: where.get(feature)! }));
}

/** Range checks that depend on a cloud's limits rather than on a feature being present. */
function rangeProblems(spec: GatewaySpec, target: Target, tiers: Tiers): SynthesisProblem[] {
  const label = targetLabel(target, tiers);
  const out: SynthesisProblem[] = [];
  if (target !== 'aws') return out;
  const L = AWS_LIMITS;
  for (const r of spec.routes) {
    if (r.cache && r.cache.ttlSeconds > L.cacheTtlSeconds.max) {
      out.push({ target: label, where: r.id, feature: 'route.cache', message: `TTL ${r.cache.ttlSeconds} s is above API Gateway's ${L.cacheTtlSeconds.max} s maximum; lower cache.ttlSeconds` });
    }
    const b = spec.backends[r.backend];
    if (b.type !== 'mock' && (r.timeoutMs > L.integrationTimeoutMs.max || r.timeoutMs < L.integrationTimeoutMs.min)) {
      out.push({ target: label, where: r.id, feature: 'backend.timeout', message: `timeout ${r.timeoutMs} ms is outside API Gateway's ${L.integrationTimeoutMs.min}-${L.integrationTimeoutMs.max} ms integration range; set timeoutMs within it` });
    }
  }
  for (const [name, a] of Object.entries(spec.authorizers)) {
    if (a.type !== 'apiKey' && a.resultTtlSeconds > L.authorizerResultTtlSeconds.max) {
      out.push({ target: label, where: 'gateway', feature: 'auth.resultTtl', message: `authorizer ${name}: resultTtlSeconds ${a.resultTtlSeconds} is above API Gateway's ${L.authorizerResultTtlSeconds.max} s maximum` });
    }
  }
  return out;
}

/** What each of `targets` will do with each feature `spec` uses. */
export function portability(spec: GatewaySpec, targets: readonly Target[] = TARGETS, tiers: Tiers = {}): PortabilityReport {
  const rows: PortabilityRow[] = featuresUsed(spec).map(({ feature, where }) => ({
    feature,
    title: FEATURES[feature],
    where,
    targets: Object.fromEntries(targets.map((t) => [t, capability(t, feature, tiers)])),
  }));
  const problems: SynthesisProblem[] = [];
  for (const t of targets) {
    for (const row of rows) {
      const c = row.targets[t]!;
      if (c.support !== 'unsupported') continue;
      for (const where of row.where) problems.push({ target: targetLabel(t, tiers), where, feature: row.feature, message: c.note });
    }
    problems.push(...rangeProblems(spec, t, tiers));
  }
  return { targets: [...targets], tiers, rows, problems };
}

/** Problems of one target only: what its compiler must refuse. */
export function targetProblems(spec: GatewaySpec, target: Target, tiers: Tiers = {}): SynthesisProblem[] {
  return portability(spec, [target], tiers).problems;
}
