/**
 * Apigee X: what anygate does with each feature, per environment type. Extensible policies
 * (Quota, ResponseCache, JavaScript, ServiceCallout) need Intermediate or Comprehensive
 * environments. Limits: lib/capabilities/limits.ts (APIGEE_LIMITS).
 */
import { APIGEE_LIMITS as L } from '../limits';
import type { ApigeeEnvironmentType, CheckContext, TargetRecords } from '../types';
import { emulated as e, native as n, ratesOf, sizeLimit, unsupported as u } from './helpers';

/**
 * SpikeArrest takes a whole number of calls per second or per minute
 * (https://cloud.google.com/apigee/docs/api-platform/reference/policies/spike-arrest-policy), so
 * the slowest rate is one call per minute; a slower one would be enforced as a looser limit.
 */
const slowestRate = (feature: 'route.rateLimit' | 'plan.rateLimit' | 'stage.throttle') => (ctx: CheckContext) =>
  ratesOf(ctx, feature).flatMap(({ where, what, rate }) =>
    rate.requestsPerSecond * 60 < 1
      ? [ctx.problem(where, `${what}: ${rate.requestsPerSecond} requests per second is below SpikeArrest's slowest rate of one call per minute; use a plan quota for slower limits`)]
      : [],
  );

const extensible = (policy: string) => u(`${policy} is an extensible policy; BASE environments cannot run it`);

export const APIGEE: TargetRecords<ApigeeEnvironmentType> = {
  target: 'apigee',
  base: {
    'route.any': n('Flow without a verb condition'),
    'path.greedy': n('MatchesPath **'),
    'path.mixedSegment': n('JavaRegex flow condition'),
    'backend.http': n('TargetEndpoint'),
    'backend.weighted': n('LoadBalancer of TargetServers'),
    'backend.circuitBreaker': e('LoadBalancer MaxFailures over a target server'),
    'backend.function': n('TargetEndpoint on the function URL'),
    'backend.mock': n('AssignMessage + RouteRule without target'),
    'backend.timeout': n('TargetEndpoint io.timeout.millis'),
    'auth.jwt': n('VerifyJWT'),
    'auth.scopes': n('condition on the verified scope claim + RaiseFault 403'),
    'auth.apiKey': n('VerifyAPIKey + API product'),
    'auth.apiKey.custom': n('VerifyAPIKey'),
    'auth.custom': e('ServiceCallout to the function (through a target server); anything but 200 is 401'),
    'auth.alternatives': u('a flow verifies one set of credentials'),
    'auth.resultTtl': n('VerifyJWT runs on every call; the JWKS is cached'),
    auth: n('policies in the proxy flows'),
    'plan.quota': n('Quota (product-driven)'),
    'plan.rateLimit': n('SpikeArrest per app, rate from a product attribute', { check: slowestRate('plan.rateLimit') }),
    'consumer.apiKey': n('developer app keys'),
    'route.rateLimit': n('SpikeArrest', { check: slowestRate('route.rateLimit') }),
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
    stage: n('one Apigee environment per stage'),
    'stage.variables': e('AssignVariable per environment in the PreFlow'),
    'stage.backends': n('TargetServer per environment'),
    'stage.throttle': e('SpikeArrest in PreFlow per environment', { check: slowestRate('stage.throttle') }),
    'observability.accessLogs': n('Apigee analytics'),
    'observability.tracing': e('debug sessions / Cloud Trace'),
    // https://cloud.google.com/apigee/docs/api-platform/reference/limits (proxy bundle 15 MB)
    size: n(`one proxy bundle (limit ${L.bundleBytes} bytes)`, {
      checkEmitted: sizeLimit(() => L.bundleBytes, (bytes, max) => `the proxy bundle is ${bytes} bytes, over Apigee's ${max}-byte limit; split the gateway`),
    }),
    'policy.size': n('no per-policy size limit beyond the bundle (size)'),
  },
  tiers: {
    BASE: {
      'plan.quota': extensible('Quota'),
      'route.cache': extensible('ResponseCache'),
      'transform.path': extensible('JavaScript'),
      'transform.redact': extensible('JavaScript'),
      'transform.body': extensible('JavaScript'),
      'auth.custom': extensible('ServiceCallout'),
    },
  },
};
