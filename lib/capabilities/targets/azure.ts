/**
 * Azure API Management: what anygate does with each feature, per SKU. Limits:
 * lib/capabilities/limits.ts (AZURE_LIMITS).
 */
import { AZURE_LIMITS as L } from '../limits';
import type { AzureSku, CheckContext, TargetRecords } from '../types';
import { emulated as e, native as n, ratesOf, sizeLimit, unsupported as u } from './helpers';

/**
 * rate-limit and rate-limit-by-key count calls per renewal-period of at most 300 s
 * (https://learn.microsoft.com/azure/api-management/rate-limit-policy), so the slowest rate they
 * express is one call per 300 s; anything slower would be enforced as a looser limit.
 */
const slowestRate = (feature: 'route.rateLimit' | 'plan.rateLimit' | 'stage.throttle') => (ctx: CheckContext) =>
  ratesOf(ctx, feature).flatMap(({ where, what, rate }) =>
    rate.requestsPerSecond * L.rateLimitRenewalMaxSeconds < 1
      ? [ctx.problem(where, `${what}: ${rate.requestsPerSecond} requests per second is below one call per ${L.rateLimitRenewalMaxSeconds} s, the longest rate-limit renewal period; use a plan quota for slower limits`)]
      : [],
  );

export const AZURE: TargetRecords<AzureSku> = {
  target: 'azure',
  base: {
    'route.any': n('operation with method *'),
    'path.greedy': n('urlTemplate {*path}'),
    'path.mixedSegment': n('urlTemplate'),
    'backend.http': n('Backend + set-backend-service'),
    'backend.weighted': n('load-balanced Backend pool'),
    'backend.circuitBreaker': n('Backend circuit breaker rule'),
    'backend.function': n('Backend pointing at the function app'),
    'backend.mock': n('return-response'),
    'backend.timeout': n('the service default forward-request timeout'),
    'auth.jwt': n('validate-jwt'),
    'auth.scopes': n('validate-jwt required-claims'),
    'auth.apiKey': n('subscription key (subscriptionKeyParameterNames)'),
    'auth.apiKey.custom': n('subscription key (subscriptionKeyParameterNames)'),
    'auth.custom': e('send-request to the function, then check its status'),
    'auth.alternatives': u('APIM policies run in sequence; alternatives are not expressible'),
    'auth.resultTtl': n('validate-jwt runs on every call; nothing is cached'),
    auth: n('policies in the API and operation policy documents'),
    'plan.quota': n(`product quota (a month is 30 days; renewal-period >= ${L.quotaRenewalMinSeconds} s always holds)`),
    'plan.rateLimit': n(`product rate-limit (renewal-period <= ${L.rateLimitRenewalMaxSeconds} s)`, { check: slowestRate('plan.rateLimit') }),
    'consumer.apiKey': n('subscription key set from env:NAME at deploy time'),
    'route.rateLimit': n(`rate-limit-by-key on a per-route counter (renewal-period <= ${L.rateLimitRenewalMaxSeconds} s)`, { check: slowestRate('route.rateLimit') }),
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
    stage: n('one component (stack) per stage'),
    'stage.variables': e('inlined per stage stack; also written as named values'),
    'stage.backends': n('Backend per stage stack'),
    'stage.throttle': e('API-level rate-limit-by-key per stage stack', { check: slowestRate('stage.throttle') }),
    'observability.accessLogs': n('Logger + ApiDiagnostic'),
    'observability.tracing': n('ApiDiagnostic with Application Insights'),
    size: n('no whole-API size limit; each policy document is limited (policy.size)'),
    // https://learn.microsoft.com/azure/api-management/api-management-policies (policy document size)
    'spec.strings': n('escaped or refused by the compiler'),
    'options.target': n('read by the compiler'),
    'policy.size': n(`policy documents up to ${L.policyBytes} bytes`, {
      checkEmitted: sizeLimit(
        (ctx) => (ctx.tiers.azureSku === 'Consumption' ? L.consumptionPolicyBytes : L.policyBytes),
        (bytes, max, ctx) => `the policy document is ${bytes} bytes, over the ${max}-byte limit of ${ctx.tiers.azureSku}; move shared parts to fewer routes or use another SKU`,
      ),
    }),
  },
  tiers: {
    Consumption: {
      'route.rateLimit': u('Consumption has no rate-limit-by-key; use a plan rate limit or another SKU'),
      'stage.throttle': u('Consumption has no rate-limit-by-key'),
      'route.cache': e('Consumption has no internal cache: needs an external Redis cache on the service (externalCache: true)'),
      'observability.tracing': n('Application Insights'),
    },
  },
};
