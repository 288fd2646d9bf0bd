/**
 * Stages: variables, logging, tracing, throttling and caching, and the per-method settings that
 * differ from the stage's defaults.
 *
 * Method settings are written only where a method differs from the stage-wide `*` `/*` entry,
 * so a gateway whose routes share a few cache and throttle settings keeps a small template however
 * many routes it has. The stage-wide cache setting applies to GET methods only ("When you enable
 * caching for a stage, only GET methods have caching enabled by default",
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-caching.html), so the
 * default is the most common GET cache setting. A method override does not inherit the stage's
 * logging, metrics, data trace or throttling: every override repeats them. ANY routes get one
 * override per concrete method they serve, since settings are keyed by the method a request uses.
 */
import { canonical } from '../../lib/model/normalize';
import type { GatewaySpec, HttpBackendSpec } from '../../lib/model/types';
import { backendStageValue, sortKeys } from './integration';
import { backendStageVariable, type AwsMethodSetting, type AwsStagePlan } from './plan';
import type { RouteSettings } from './routes/fragment';

/** One concrete method of the API with the settings its route asks for. */
export interface MethodEntry {
  readonly resourcePath: string;
  readonly httpMethod: string;
  readonly settings: RouteSettings;
}

type Throttle = { rateLimit: number; burstLimit: number } | undefined;

const cacheKey = (e: MethodEntry) => (e.settings.cache ? `on:${e.settings.cache.ttlSeconds}` : 'off');

/** The GET cache setting most methods share (ties: the lexicographically first), as the stage default. */
function defaultCaching(entries: readonly MethodEntry[]): { enabled: boolean; ttlSeconds?: number } {
  const counts = new Map<string, number>();
  for (const e of entries) if (e.httpMethod === 'GET') counts.set(cacheKey(e), (counts.get(cacheKey(e)) ?? 0) + 1);
  const best = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? 'off';
  return best === 'off' ? { enabled: false } : { enabled: true, ttlSeconds: Number(best.slice(3)) };
}

/** The overrides a stage needs: methods whose cache or throttle differs from what they inherit. */
export function methodOverrides(entries: readonly MethodEntry[], stage: { throttle: Throttle; caching: { enabled: boolean; ttlSeconds?: number }; logLevel: AwsStagePlan['logLevel']; metrics: boolean }): AwsMethodSetting[] {
  const inherited = stage.caching.enabled ? `on:${stage.caching.ttlSeconds}` : 'off';
  const sameThrottle = (t: Throttle) => JSON.stringify(t) === JSON.stringify(stage.throttle);
  const out: AwsMethodSetting[] = [];
  for (const e of entries) {
    const throttle = e.settings.throttle ?? stage.throttle;
    const cacheDiffers = e.httpMethod === 'GET' ? cacheKey(e) !== inherited : Boolean(e.settings.cache);
    if (!cacheDiffers && sameThrottle(throttle)) continue;
    out.push({
      resourcePath: e.resourcePath,
      httpMethod: e.httpMethod,
      cachingEnabled: Boolean(e.settings.cache),
      ...(e.settings.cache ? { cacheTtlInSeconds: e.settings.cache.ttlSeconds } : {}),
      ...(throttle ? { throttlingRateLimit: throttle.rateLimit, throttlingBurstLimit: throttle.burstLimit } : {}),
      loggingLevel: stage.logLevel,
      metricsEnabled: stage.metrics,
      dataTraceEnabled: false,
    });
  }
  return out.sort((a, b) => (a.resourcePath + ' ' + a.httpMethod < b.resourcePath + ' ' + b.httpMethod ? -1 : 1));
}

export function compileStage(spec: GatewaySpec, name: string, entries: readonly MethodEntry[], cacheClusterSize: string): AwsStagePlan {
  const s = spec.stages[name];
  const variables: Record<string, string> = { ...s.variables };
  for (const [b, backend] of Object.entries(spec.backends)) {
    if (backend.type === 'http' && (backend as HttpBackendSpec).url && Object.values(spec.stages).some((st) => st.backends[b])) {
      variables[backendStageVariable(b)] = backendStageValue(spec, b, name);
    }
  }
  const clusterNeeded = entries.some((e) => e.settings.cache);
  const caching = clusterNeeded ? defaultCaching(entries) : { enabled: false };
  const throttle = s.throttle && { rateLimit: s.throttle.requestsPerSecond, burstLimit: s.throttle.burst! };
  const logLevel = s.logLevel.toUpperCase() as AwsStagePlan['logLevel'];
  const metrics = spec.observability.metrics;
  return canonical({
    name,
    description: s.description,
    variables: sortKeys(variables),
    caching,
    methodSettings: methodOverrides(entries, { throttle, caching, logLevel, metrics }),
    cacheClusterEnabled: clusterNeeded,
    cacheClusterSize: clusterNeeded ? cacheClusterSize : undefined,
    tracing: s.tracing,
    logLevel,
    metrics,
    accessLogs: spec.observability.accessLogs,
    logRetentionDays: spec.observability.logRetentionDays,
    throttle,
  });
}
