/**
 * What each target does with each feature of the model: native, emulated (anygate generates code
 * or policy) or unsupported, with a one-line note. Seeded from DESIGN.md's mapping table and cloud
 * facts; each adapter keeps its column true to what its compiler really emits (tests check that an
 * `unsupported` entry makes the compiler refuse).
 */

export type Target = 'aws' | 'azure' | 'apigee';
export const TARGETS: readonly Target[] = ['aws', 'azure', 'apigee'];

export type Support = 'native' | 'emulated' | 'unsupported';

export interface Capability {
  readonly support: Support;
  readonly note: string;
}

/** Tiers that change what a target can do. */
export type AzureSku = 'Consumption' | 'Developer' | 'Basic' | 'Standard' | 'Premium' | 'BasicV2' | 'StandardV2' | 'PremiumV2';
export const AZURE_SKUS: readonly AzureSku[] = ['Consumption', 'Developer', 'Basic', 'Standard', 'Premium', 'BasicV2', 'StandardV2', 'PremiumV2'];
export type ApigeeEnvironmentType = 'BASE' | 'INTERMEDIATE' | 'COMPREHENSIVE';
export const APIGEE_ENVIRONMENT_TYPES: readonly ApigeeEnvironmentType[] = ['BASE', 'INTERMEDIATE', 'COMPREHENSIVE'];

export interface Tiers {
  /** Azure API Management SKU. @default 'Developer' */
  readonly azureSku?: AzureSku;
  /** Apigee environment type. @default 'INTERMEDIATE' */
  readonly apigeeEnvironmentType?: ApigeeEnvironmentType;
}

export const DEFAULT_TIERS: Required<Tiers> = { azureSku: 'Developer', apigeeEnvironmentType: 'INTERMEDIATE' };

/** Every feature the model can ask for, with a human title. */
export const FEATURES = {
  'route.any': 'ANY method',
  'path.greedy': 'greedy path parameter {p+}',
  'path.mixedSegment': 'parameter sharing a segment with text ({id}.json)',
  'backend.http': 'HTTP backend',
  'backend.weighted': 'weighted backend targets',
  'backend.circuitBreaker': 'backend circuit breaker',
  'backend.function': 'function backend',
  'backend.mock': 'mock backend',
  'auth.jwt': 'JWT authorizer',
  'auth.scopes': 'required scopes',
  'auth.apiKey': 'API key in header x-api-key',
  'auth.apiKey.custom': 'API key in another header or the query',
  'auth.custom': 'custom authorizer function',
  'auth.alternatives': 'alternative authorizers (any one of)',
  'plan.quota': 'plan quota',
  'plan.rateLimit': 'plan rate limit',
  'route.rateLimit': 'route rate limit',
  'route.cache': 'response cache',
  'transform.headers': 'request header transforms',
  'transform.query': 'request query transforms',
  'transform.path': 'path rewrite',
  'transform.body': 'request body template',
  'transform.responseHeaders': 'response header transforms',
  'transform.redact': 'response field redaction',
  validation: 'request validation',
  cors: 'CORS',
  'ipRules.allow': 'IP allow list',
  'ipRules.deny': 'IP deny list',
  'stage.variables': 'stage variables',
  'stage.backends': 'per-stage backend URLs',
  'stage.throttle': 'stage throttle',
  'observability.accessLogs': 'access logs',
  'observability.tracing': 'tracing',
} as const;

export type Feature = keyof typeof FEATURES;

const n = (note: string): Capability => ({ support: 'native', note });
const e = (note: string): Capability => ({ support: 'emulated', note });
const u = (note: string): Capability => ({ support: 'unsupported', note });

/** The base column of each target (its most capable common tier). */
const BASE: Record<Target, Record<Feature, Capability>> = {
  aws: {
    'route.any': n('x-amazon-apigateway-any-method'),
    'path.greedy': n('{proxy+} resource'),
    'path.mixedSegment': u('API Gateway path parts are a whole {param} or literal text; use /t/{id} or a greedy path'),
    'backend.http': n('http_proxy integration'),
    'backend.weighted': u('REST APIs have no weighted integrations; use a canary stage or weighted DNS'),
    'backend.circuitBreaker': u('API Gateway has no circuit breaker'),
    'backend.function': n('Lambda proxy integration; one permission per function'),
    'backend.mock': n('mock integration'),
    'auth.jwt': e('generated Lambda REQUEST authorizer'),
    'auth.scopes': e('the generated authorizer returns a policy of the method ARNs the scopes allow'),
    'auth.apiKey': n('API key + usage plan'),
    'auth.apiKey.custom': e('generated authorizer returns usageIdentifierKey (apiKeySource AUTHORIZER)'),
    'auth.custom': n('Lambda REQUEST authorizer'),
    'auth.alternatives': u('a method takes one authorizer; split the route or use one authorizer'),
    'plan.quota': n('usage plan quota'),
    'plan.rateLimit': n('usage plan throttle'),
    'route.rateLimit': n('method throttling (all callers together)'),
    'route.cache': n('stage cache cluster + method cache settings (TTL 0-3600 s)'),
    'transform.headers': n('integration request parameters; removal or mixed text: generated transform Lambda'),
    'transform.query': n('integration request parameters; removal or mixed text: generated transform Lambda'),
    'transform.path': n('integration URI over path parameters'),
    'transform.body': e('generated transform Lambda renders the JSON template'),
    'transform.responseHeaders': e('generated transform Lambda'),
    'transform.redact': e('generated transform Lambda'),
    validation: n('request validator + model'),
    cors: e('OPTIONS mock + gateway responses; proxied backends must send the headers on actual responses'),
    'ipRules.allow': n('resource policy aws:SourceIp'),
    'ipRules.deny': n('resource policy aws:SourceIp'),
    'stage.variables': n('stage variables'),
    'stage.backends': n('stage variables in integration URIs'),
    'stage.throttle': n('stage method settings'),
    'observability.accessLogs': n('CloudWatch access log group, JSON'),
    'observability.tracing': n('X-Ray'),
  },
  azure: {
    'route.any': n('operation with method *'),
    'path.greedy': n('urlTemplate {*path}'),
    'path.mixedSegment': n('urlTemplate'),
    'backend.http': n('Backend + set-backend-service'),
    'backend.weighted': n('load-balanced Backend pool'),
    'backend.circuitBreaker': n('Backend circuit breaker rule'),
    'backend.function': n('Backend pointing at the function app'),
    'backend.mock': n('return-response'),
    'auth.jwt': n('validate-jwt'),
    'auth.scopes': n('validate-jwt required-claims'),
    'auth.apiKey': n('subscription key (subscriptionKeyParameterNames)'),
    'auth.apiKey.custom': n('subscription key (subscriptionKeyParameterNames)'),
    'auth.custom': e('send-request to the function, then check its status'),
    'auth.alternatives': u('APIM policies run in sequence; alternatives are not expressible'),
    'plan.quota': n('product quota (a month is 30 days)'),
    'plan.rateLimit': n('product rate-limit'),
    'route.rateLimit': n('rate-limit-by-key on a per-route counter'),
    'route.cache': n('cache-lookup / cache-store'),
    'transform.headers': n('set-header'),
    'transform.query': n('set-query-parameter'),
    'transform.path': n('rewrite-uri'),
    'transform.body': n('set-body with a policy expression building the JSON'),
    'transform.responseHeaders': n('set-header (outbound)'),
    'transform.redact': e('set-body policy expression'),
    validation: n('validate-parameters / validate-content'),
    cors: n('cors'),
    'ipRules.allow': n('ip-filter allow'),
    'ipRules.deny': n('ip-filter forbid'),
    'stage.variables': e('inlined per stage stack; also written as named values'),
    'stage.backends': n('Backend per stage stack'),
    'stage.throttle': e('API-level rate-limit-by-key per stage stack'),
    'observability.accessLogs': n('Logger + ApiDiagnostic'),
    'observability.tracing': n('ApiDiagnostic with Application Insights'),
  },
  apigee: {
    'route.any': n('Flow without a verb condition'),
    'path.greedy': n('MatchesPath **'),
    'path.mixedSegment': n('JavaRegex flow condition'),
    'backend.http': n('TargetEndpoint'),
    'backend.weighted': n('LoadBalancer of TargetServers'),
    'backend.circuitBreaker': e('LoadBalancer MaxFailures over a target server'),
    'backend.function': n('TargetEndpoint on the function URL'),
    'backend.mock': n('AssignMessage + RouteRule without target'),
    'auth.jwt': n('VerifyJWT'),
    'auth.scopes': n('condition on the verified scope claim + RaiseFault 403'),
    'auth.apiKey': n('VerifyAPIKey + API product'),
    'auth.apiKey.custom': n('VerifyAPIKey'),
    'auth.custom': e('ServiceCallout to the function (through a target server); anything but 200 is 401'),
    'auth.alternatives': u('a flow verifies one set of credentials'),
    'plan.quota': n('Quota (product-driven)'),
    'plan.rateLimit': n('SpikeArrest per app, rate from a product attribute'),
    'route.rateLimit': n('SpikeArrest'),
    'route.cache': n('ResponseCache'),
    'transform.headers': n('AssignMessage'),
    'transform.query': n('AssignMessage'),
    'transform.path': e('JavaScript sets target.url'),
    'transform.body': e('JavaScript renders the JSON template'),
    'transform.responseHeaders': n('AssignMessage on the response'),
    'transform.redact': e('JavaScript'),
    validation: e('required parameters by condition + RaiseFault 400; bodies by JSONThreatProtection + OASValidation'),
    cors: n('CORS policy (Apigee X)'),
    'ipRules.allow': n('AccessControl'),
    'ipRules.deny': n('AccessControl'),
    'stage.variables': e('AssignVariable per environment in the PreFlow'),
    'stage.backends': n('TargetServer per environment'),
    'stage.throttle': e('SpikeArrest in PreFlow per environment'),
    'observability.accessLogs': n('Apigee analytics'),
    'observability.tracing': e('debug sessions / Cloud Trace'),
  },
};

/** Tier-specific differences from the base column. */
const TIER_OVERRIDES: {
  azure: Partial<Record<AzureSku, Partial<Record<Feature, Capability>>>>;
  apigee: Partial<Record<ApigeeEnvironmentType, Partial<Record<Feature, Capability>>>>;
} = {
  azure: {
    Consumption: {
      'route.rateLimit': u('Consumption has no rate-limit-by-key; use a plan rate limit or another SKU'),
      'stage.throttle': u('Consumption has no rate-limit-by-key'),
      'route.cache': e('Consumption has no internal cache: needs azure.externalCacheRedis'),
      'observability.tracing': n('Application Insights'),
    },
  },
  apigee: {
    BASE: {
      'plan.quota': u('Quota is an extensible policy; BASE environments cannot run it'),
      'route.cache': u('ResponseCache is an extensible policy; BASE environments cannot run it'),
      'transform.path': u('JavaScript is an extensible policy; BASE environments cannot run it'),
      'transform.redact': u('JavaScript is an extensible policy; BASE environments cannot run it'),
      'transform.body': u('JavaScript is an extensible policy; BASE environments cannot run it'),
      'auth.custom': u('ServiceCallout is an extensible policy; BASE environments cannot run it'),
    },
  },
};

/** Tiers with defaults filled in (an explicit `undefined` also means the default). */
export function resolveTiers(tiers: Tiers = {}): Required<Tiers> {
  return {
    azureSku: tiers.azureSku ?? DEFAULT_TIERS.azureSku,
    apigeeEnvironmentType: tiers.apigeeEnvironmentType ?? DEFAULT_TIERS.apigeeEnvironmentType,
  };
}

/** What `target` (at the given tier) does with `feature`. */
export function capability(target: Target, feature: Feature, tiers: Tiers = {}): Capability {
  const t = resolveTiers(tiers);
  if (target === 'azure') return TIER_OVERRIDES.azure[t.azureSku]?.[feature] ?? BASE.azure[feature];
  if (target === 'apigee') return TIER_OVERRIDES.apigee[t.apigeeEnvironmentType]?.[feature] ?? BASE.apigee[feature];
  return BASE.aws[feature];
}

/** Human name of a target at a tier, for messages: `azure (Consumption)`. */
export function targetLabel(target: Target, tiers: Tiers = {}): string {
  const t = resolveTiers(tiers);
  if (target === 'azure') return `azure (${t.azureSku})`;
  if (target === 'apigee') return `apigee (${t.apigeeEnvironmentType})`;
  return 'aws';
}
