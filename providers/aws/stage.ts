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
import { AWS_LIMITS } from '../../lib/capabilities/limits';
import type { Measured } from '../../lib/capabilities/types';
import { canonical } from '../../lib/model/normalize';
import type { GatewaySpec, HttpBackendSpec } from '../../lib/model/types';
import { backendInStageVariable, backendStageValue, sortKeys } from './integration';
import { canarySetting } from './canary';
import { backendStageVariable, type AwsMethodSetting, type AwsStagePlan } from './plan';
import type { RouteSettings } from './routes/fragment';
import { targetWarning } from '../../lib/capabilities/warnings';

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

/**
 * API Gateway's default account-level throttle (10,000 requests per second, burst 5,000): what an
 * unthrottled method is bounded by anyway. https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html
 */
export const ACCOUNT_DEFAULT_THROTTLE = { rateLimit: 10_000, burstLimit: 5_000 };

/** Budget for method settings across all stages (the size record's, lib/capabilities/limits.ts). */
export const METHOD_SETTINGS_BUDGET_BYTES: number = AWS_LIMITS.methodSettingsBudgetBytes;

/**
 * A method setting as the entry of the CloudFormation Stage's MethodSettings (CfnStage property
 * names). `DataTraceEnabled` is written only when true: false is both API Gateway's default for a
 * new override and the stage-wide value anygate sets, so leaving it out means the same whether or
 * not an override inherits the stage's settings (about 10% of the bytes of each entry).
 * The resource path is escaped as CDK escapes methodOptions keys (`/` as `~1`, `/` and `/*` kept).
 */
export function cfnMethodSetting(m: AwsMethodSetting): {
  resourcePath: string;
  httpMethod: string;
  cachingEnabled: boolean;
  cacheTtlInSeconds?: number;
  throttlingRateLimit?: number;
  throttlingBurstLimit?: number;
  loggingLevel: string;
  metricsEnabled: boolean;
  dataTraceEnabled?: boolean;
} {
  return {
    resourcePath: m.resourcePath === '/' || m.resourcePath === '/*' ? m.resourcePath : '/' + m.resourcePath.replace(/\//g, '~1'),
    httpMethod: m.httpMethod,
    cachingEnabled: m.cachingEnabled,
    ...(m.cacheTtlInSeconds !== undefined ? { cacheTtlInSeconds: m.cacheTtlInSeconds } : {}),
    ...(m.throttlingRateLimit !== undefined ? { throttlingRateLimit: m.throttlingRateLimit, throttlingBurstLimit: m.throttlingBurstLimit } : {}),
    loggingLevel: m.loggingLevel,
    metricsEnabled: m.metricsEnabled,
    ...(m.dataTraceEnabled ? { dataTraceEnabled: true } : {}),
  };
}

/**
 * Bytes one entry takes in the template: CDK writes templates indented by one space per level
 * (entries sit at depth 5: Resources, stage, Properties, MethodSettings, entry) unless the stack
 * sets suppressTemplateIndentation.
 */
export function cfnMethodSettingBytes(m: AwsMethodSetting, compactTemplate: boolean): number {
  const e = cfnMethodSetting(m);
  const pascal = Object.fromEntries(Object.entries(e).map(([k, v]) => [k[0].toUpperCase() + k.slice(1), v]));
  const keys = Object.keys(pascal).length;
  if (compactTemplate) return JSON.stringify(pascal).length + 1;
  // JSON.stringify(_, null, 1) indents fields by 1; the template adds 5 more per line, plus ",\n".
  return JSON.stringify(pascal, null, 1).length + 5 * (keys + 2) + 2;
}

/**
 * More bytes than cfnMethodSettingBytes can give one entry besides its strings: the nine keys,
 * quotes, colons and indentation (under 250), three numbers of at most 24 characters and four
 * booleans.
 */
const ENTRY_OVERHEAD_BOUND = 512;

/**
 * Whether the stages' overrides fit the budget by a bound that needs no JSON: each entry takes at
 * most ENTRY_OVERHEAD_BOUND bytes and six per character of its strings (JSON's widest escape;
 * the resource path doubles its slashes as `~1`). A small gateway is decided here; near the
 * budget the exact size decides.
 */
function surelyFits(stages: Record<string, AwsStagePlan>): boolean {
  let bound = 0;
  for (const st of Object.values(stages)) for (const m of st.methodSettings) bound += methodSettingBytesBound(m);
  return bound <= METHOD_SETTINGS_BUDGET_BYTES;
}

/** At least cfnMethodSettingBytes(m, compact) in either mode, by arithmetic on its strings' lengths. */
export function methodSettingBytesBound(m: AwsMethodSetting): number {
  return ENTRY_OVERHEAD_BOUND + 6 * (2 * m.resourcePath.length + 1 + m.httpMethod.length + m.loggingLevel.length);
}

interface StageDefaults {
  /** The stage-wide (`*` `/*`) throttle. */
  readonly throttle: Throttle;
  /** The throttle of a method whose route sets none. */
  readonly fallbackThrottle: Throttle;
  readonly caching: { readonly enabled: boolean; readonly ttlSeconds?: number };
  readonly logLevel: AwsStagePlan['logLevel'];
  readonly metrics: boolean;
}

/** The overrides a stage needs: methods whose cache or throttle differs from what they inherit. */
export function methodOverrides(entries: readonly MethodEntry[], stage: StageDefaults): AwsMethodSetting[] {
  const inherited = stage.caching.enabled ? `on:${stage.caching.ttlSeconds}` : 'off';
  const out: AwsMethodSetting[] = [];
  for (const e of entries) {
    const throttle = e.settings.throttle ?? stage.fallbackThrottle;
    const cacheDiffers = e.httpMethod === 'GET' ? cacheKey(e) !== inherited : Boolean(e.settings.cache);
    if (!cacheDiffers && JSON.stringify(throttle) === JSON.stringify(stage.throttle)) continue;
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

/** The throttle most methods end up with, as a compact stage default. */
function commonThrottle(entries: readonly MethodEntry[], fallback: Throttle): Throttle {
  const counts = new Map<string, number>();
  for (const e of entries) {
    const k = JSON.stringify(e.settings.throttle ?? fallback ?? null);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const best = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0];
  return best ? (JSON.parse(best) ?? undefined) : undefined;
}

/**
 * Stage defaults. Exact mode: the stage-wide throttle is the spec's stage throttle. Compact mode
 * (when exact overrides would not fit the template): the stage-wide throttle is the one most
 * methods use, and methods without a rate limit get the spec's stage throttle or, failing that,
 * API Gateway's default account limit, which bounds them anyway.
 */
export function stageDefaults(spec: GatewaySpec, name: string, entries: readonly MethodEntry[], compact: boolean): StageDefaults {
  const s = spec.stages[name];
  const specThrottle = s.throttle && { rateLimit: s.throttle.requestsPerSecond, burstLimit: s.throttle.burst };
  const fallbackThrottle = compact ? (specThrottle ?? ACCOUNT_DEFAULT_THROTTLE) : specThrottle;
  const throttle = compact ? commonThrottle(entries, fallbackThrottle) : specThrottle;
  const caching = entries.some((e) => e.settings.cache) ? defaultCaching(entries) : { enabled: false };
  return { throttle, fallbackThrottle, caching, logLevel: s.logLevel.toUpperCase() as AwsStagePlan['logLevel'], metrics: spec.observability.metrics };
}

export function compileStage(spec: GatewaySpec, name: string, entries: readonly MethodEntry[], defaults: StageDefaults, cacheClusterSize: string): AwsStagePlan {
  const s = spec.stages[name];
  const variables: Record<string, string> = { ...s.variables };
  for (const [b, backend] of Object.entries(spec.backends)) {
    if (backend.type === 'http' && (backend as HttpBackendSpec).url && backendInStageVariable(spec, b)) {
      variables[backendStageVariable(b)] = backendStageValue(spec, b, name);
    }
  }
  const clusterNeeded = entries.some((e) => e.settings.cache);
  return canonical({
    name,
    description: s.description,
    variables: sortKeys(variables),
    canary: canarySetting(spec),
    caching: defaults.caching,
    methodSettings: methodOverrides(entries, defaults),
    cacheClusterEnabled: clusterNeeded,
    cacheClusterSize: clusterNeeded ? cacheClusterSize : undefined,
    tracing: s.tracing,
    logLevel: defaults.logLevel,
    metrics: defaults.metrics,
    accessLogs: spec.observability.accessLogs,
    logRetentionDays: spec.observability.logRetentionDays,
    throttle: defaults.throttle,
  });
}

/**
 * Every stage, in exact mode when its overrides fit the template and in compact mode otherwise.
 * When even compact overrides exceed the budget, `measured` gets their size, with a split that
 * would fit as the remedy; the size record (lib/capabilities/targets/aws.ts) decides and words it.
 */
export function compileStages(spec: GatewaySpec, names: string[], entries: readonly MethodEntry[], cacheClusterSize: string, measured: Measured[], warnings: string[], compactTemplate = false): Record<string, AwsStagePlan> {
  const build = (compact: boolean) => Object.fromEntries(names.map((n) => [n, compileStage(spec, n, entries, stageDefaults(spec, n, entries, compact), cacheClusterSize)]));
  const stageBytes = (st: AwsStagePlan) => st.methodSettings.reduce((a, m) => a + cfnMethodSettingBytes(m, compactTemplate), 0);
  const size = (stages: Record<string, AwsStagePlan>) => Object.values(stages).reduce((a, st) => a + stageBytes(st), 0);
  const exact = build(false);
  if (surelyFits(exact) || size(exact) <= METHOD_SETTINGS_BUDGET_BYTES) return exact;
  const compact = build(true);
  const bytes = size(compact);
  if (bytes > METHOD_SETTINGS_BUDGET_BYTES) {
    const count = Object.values(compact).reduce((a, st) => a + st.methodSettings.length, 0);
    measured.push({ where: 'gateway', kind: 'methodSettings', bytes, count, remedy: splitAdvice(spec, compact, stageBytes, bytes, compactTemplate) });
  }
  warnings.push(targetWarning('aws-stage-throttle', `method settings: the stage-wide throttle is the rate limit most routes share, so the template fits CloudFormation's 1 MB limit; routes without a rate limit are throttled at the stage's own limit or API Gateway's default account limit (${ACCOUNT_DEFAULT_THROTTLE.rateLimit} rps, burst ${ACCOUNT_DEFAULT_THROTTLE.burstLimit})`));
  return compact;
}

/** What would fit: unindented, fewer stages per stack, or the routes split across stacks. */
function splitAdvice(spec: GatewaySpec, stages: Record<string, AwsStagePlan>, stageBytes: (st: AwsStagePlan) => number, bytes: number, compactTemplate: boolean): string {
  const advice: string[] = [];
  if (!compactTemplate) {
    const compactBytes = Object.values(stages).reduce((a, st) => a + st.methodSettings.reduce((b, m) => b + cfnMethodSettingBytes(m, true), 0), 0);
    if (compactBytes <= METHOD_SETTINGS_BUDGET_BYTES) return `unindented they take ${compactBytes} bytes and fit: set suppressTemplateIndentation: true on the Stack (anygate synth does so from 1,000 routes)`;
    advice.push('set suppressTemplateIndentation: true on the Stack');
  }
  const names = Object.keys(stages);
  const largest = Math.max(...Object.values(stages).map(stageBytes));
  const perStack = Math.max(1, Math.floor(METHOD_SETTINGS_BUDGET_BYTES / largest));
  if (names.length > 1 && perStack >= 1 && largest <= METHOD_SETTINGS_BUDGET_BYTES) {
    advice.push(`deploy at most ${perStack} stage(s) per stack (AwsGateway stageNames; anygate synth --stage): ${Math.ceil(names.length / perStack)} stacks of this gateway fit`);
  } else {
    const routesPerStack = Math.max(1, Math.floor((spec.routes.length * METHOD_SETTINGS_BUDGET_BYTES) / bytes));
    const parts = Math.ceil(spec.routes.length / routesPerStack);
    advice.push(`split the gateway into ${parts} gateways of at most about ${routesPerStack} routes each (by path prefix, each its own RestApi and stack)${names.length > 1 ? ', or deploy one stage per stack' : ''}`);
  }
  advice.push('or give routes fewer distinct cache TTLs and rate limits');
  return advice.join('; ');
}
