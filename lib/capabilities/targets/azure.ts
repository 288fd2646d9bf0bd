/**
 * Azure API Management: what anygate does with each feature, per SKU. Limits:
 * lib/capabilities/limits.ts (AZURE_LIMITS).
 */
import { AZURE_DOMAINS, AZURE_CONSUMPTION_DOMAINS } from './domain-records';
import { OBSERVABILITY_DIFFERENCES as O } from './observability-differences';
import { azureAccessLogChecks } from './observability-checks';
import { AZURE_LIMITS as L } from '../limits';
import type { AzureSku, CheckContext, TargetRecords } from '../types';
import {
  apiKeyChecks,
  cacheChecks,
  consumerKeyChecks,
  consumptionCacheChecks,
  corsChecks,
  customAuthChecks,
  functionChecks,
  jwtChecks,
  mockChecks,
  openApiDefinitionChecks,
  pathChecks,
  queryChecks,
  requestHeaderChecks,
  responseHeaderChecks,
  retryChecks,
  stageAndOptionChecks,
} from './azure-checks';
import { differs, emulated as e, native as n, ratesOf, sizeLimit, unsupported as u } from './helpers';
import { AZURE_LIFECYCLE } from './lifecycle';
import { contractValidationCheck } from './contract-checks';
import { AZURE_DIFFERENCES as D } from './cloud-differences';
import { AI_RECORDS, AI_TIER_RECORDS } from './ai';

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
    ...AI_RECORDS.azure,
    ...AZURE_DOMAINS,
    'route.any': n('operation with method *', { check: openApiDefinitionChecks }),
    'path.greedy': n('urlTemplate {*path}', { check: openApiDefinitionChecks }),
    'path.mixedSegment': n('urlTemplate'),
    'backend.http': n('Backend + set-backend-service'),
    'backend.weighted': n('load-balanced Backend pool'),
    'backend.circuitBreaker': n('Backend circuit breaker rule'),
    'backend.retry': n('retry around forward-request (buffer-request-body), its condition on the answer\'s status (context.Response not null)', {
      check: retryChecks,
      differences: [
        differs('status', 'a try with no answer (timeout, refused connection) is not retried: API Management goes to on-error', 'retry in the client, or make the backend answer 503 when it cannot serve'),
        differs('timeout', 'waits between tries are whole seconds (the retry policy\'s interval, delta and max-interval): baseMs and maxMs are rounded to the nearest second, a baseMs under half a second becoming 1 s when maxMs is 1 s or more (else every retry is immediate); APIM\'s waits are interval + (2^(n-1) - 1) x delta, varying by 20% either way', 'set backoff in whole seconds'),
      ],
    }),
    'backend.function': n('Backend on the function app, sending its function key (x-functions-key) from a secret named value', { check: functionChecks }),
    'backend.mock': n('return-response (with the CORS headers)', { check: mockChecks }),
    'backend.timeout': n('forward-request timeout-ms from the route (or defaults, or backend) timeoutMs'),
    // validate-jwt has no algorithm attribute (learn.microsoft.com/azure/api-management/validate-jwt-policy).
    'auth.jwt': n('validate-jwt', {
      check: jwtChecks,
      differences: [
        differs(
          'claims',
          "the authorizer's algorithms list is not enforced (validate-jwt has no algorithm allow-list): a token passes when its signature verifies under a signing key of the issuer's OpenID configuration (its jwks_uri), whose key type fixes the algorithm family (an RSA key admits RS and PS algorithms); require-signed-tokens refuses unsigned (none) tokens, and HMAC needs a symmetric key, which anygate never configures (issuer-signing-keys)",
          'publish in the JWKS only keys of the algorithms you accept, or serve the route from a target that enforces the list (AWS, Apigee)',
        ),
      ],
    }),
    // Jwt.Claims gives a claim as string[] (one value for a string, one per item for an array;
    // https://learn.microsoft.com/azure/api-management/api-management-policy-expressions), so a
    // one-element array and a string are the same value there (providers/azure/expressions.ts
    // scopesMissingExpr; test/azure/scope-decision.test.ts).
    'auth.scopes': n('a choose after validate-jwt on scopeClaim only (default scope; no fallback to scp), decided as the AWS authorizer: a string is space-separated scopes, an array\'s items are scopes compared whole and an array with an item holding a space grants nothing; 403 without the scopes, 401 for a missing or invalid token', {
      differences: [
        differs(
          'claims',
          'a scope claim that is an array of one item holding spaces (["read admin"]) reads as the string "read admin" and grants each word, where the AWS authorizer and Apigee grant nothing for it; an array item that is not a string (a number, an object) is read as its JSON text, so an array mixing one with the scopes grants them (AWS and Apigee refuse the array)',
          'have the identity provider issue the scope claim as a space-separated string, or as an array of space-free strings',
        ),
      ],
    }),
    'auth.apiKey': n('subscription key (subscriptionKeyParameterNames); a key in APIM\'s other place (subscription-key query or Ocp-Apim-Subscription-Key header) is refused with 401 in policy; products and subscriptions per stage: a key works only on its own stage', { differences: D['auth.apiKey'] }),
    'auth.apiKey.custom': n('subscription key (subscriptionKeyParameterNames: one header and one query parameter per API; APIM also accepts the key under its default name for the place the spec leaves unused)'),
    'auth.apiKey.scheme': u('the subscription key is the whole value of its header (subscriptionKeyParameterNames), checked before any policy runs, so a scheme prefix (Authorization: Bearer <key>) cannot be stripped; have callers send the key in its own header (an apiKey authorizer without scheme), or use a custom authorizer'),
    'auth.custom': e('send-request to the function with its function key, then check its status', { check: customAuthChecks }),
    // https://learn.microsoft.com/azure/api-management/api-management-subscriptions: a key sent
    // to an API that does not require one is still validated (an invalid key is 401).
    'auth.alternatives': e(
      'a choose on the credentials the request presents: 401 when no alternative is complete or a query key differs from the key header; a presented key is validated by APIM (subscriptions optional on the API, required in policy); each presented token goes through validate-jwt and the scope check, each presented custom credential through its function. APIM also validates a key sent under its key header on a route that reads only the query key (stricter than the other targets)',
    ),
    'auth.optional': e('the alternatives choose, whose 401 for an incomplete alternative applies only when the request presents some credential of the route (its header or query parameter present and not empty): a request with none skips every auth policy (no claims); a presented key is validated by APIM (subscriptions optional on the API, required in policy), a presented token by validate-jwt and the scope check, a presented custom credential by its function'),
    'auth.resultTtl': n('validate-jwt runs on every call; nothing is cached'),
    auth: n('policies in the API and operation policy documents', { check: apiKeyChecks }),
    'plan.quota': n(`product quota, counted per stage (a month is 30 days; renewal-period >= ${L.quotaRenewalMinSeconds} s always holds)`, { differences: D['plan.quota'] }),
    'plan.rateLimit': n(`product rate-limit per subscription: a rate with a burst is enforced as about burst calls per renewal period of ceil(burst / rate) s (<= ${L.rateLimitRenewalMaxSeconds} s), lengthened up to four times where a whole number of calls keeps the rate closer (0.75/s: 3 calls per 4 s); a period's calls may be spent at once, with no token refill`, { check: slowestRate('plan.rateLimit'), differences: D['plan.rateLimit'] }),
    'consumer.apiKey': n('subscription key set from env:NAME at deploy time', { check: consumerKeyChecks }),
    'route.rateLimit': n(`rate-limit-by-key on one counter per route and stage, all callers together: about burst calls per renewal period of ceil(burst / rate) s (<= ${L.rateLimitRenewalMaxSeconds} s; lengthened up to four times where a whole number of calls keeps the rate closer), no token refill`, { check: slowestRate('route.rateLimit'), differences: D['route.rateLimit'] }),
    'route.cache': n('cache-lookup / cache-store; auth routes allow private caching and vary by the caller credential unless cache.shared', { check: cacheChecks }),
    'transform.headers': n('set-header', { check: requestHeaderChecks }),
    'transform.query': n('set-query-parameter', { check: queryChecks }),
    'transform.path': n('rewrite-uri', { check: pathChecks }),
    'transform.body': n('set-body with a policy expression building the JSON'),
    'transform.responseHeaders': n('set-header (outbound)', { check: responseHeaderChecks }),
    'transform.redact': e('set-body policy expression'),
    validation: n('validate-parameters / validate-content', { differences: [differs('status', 'a body over 100 KB (102,400 bytes, validate-content max-size) on a route with a body schema is answered 400 bad_request (size-exceeded-action prevent), not 413; other targets take up to 10 MB')] }),
    'validation.contract': n("validate-parameters and validate-content against the API's schemas (an ApiSchema of OpenAPI 3.0 components; operation parameters and representations reference them)", {
      check: contractValidationCheck({ dialect: 'openapi-3.0', validator: 'APIM validate-content / validate-parameters', parameters: 'schema', cookies: false, nonJsonSchemas: false, schemaless: false, anyMethod: false }),
      differences: [
        differs('status', 'a body of a media type the contract does not declare is answered 400 bad_request (validate-content answers 400 for an unspecified content type in the inbound section), not 415'),
        differs('status', 'a JSON body over 100 KB (102,400 bytes, validate-content max-size) is answered 400 bad_request (size-exceeded-action prevent), not 413; other targets take up to 10 MB', 'keep validated bodies under 100 KB, or set validation.contract.body: false and validate larger ones in the backend'),
      ],
    }),
    cors: n('cors; gateway-built responses (mocks, 401, 403, 429, errors) get the CORS headers explicitly', { check: corsChecks }),
    'ipRules.allow': n('ip-filter allow'),
    'ipRules.deny': n('ip-filter forbid'),
    stage: n('one component (stack) per stage; ids and the API path carry the stage, so stages may share a service', { check: stageAndOptionChecks }),
    'stage.variables': e('inlined per stage stack; also written as named values'),
    'stage.backends': n('Backend per stage stack'),
    'stage.throttle': e('one API-level rate-limit-by-key counter per stage for all routes together (AWS throttles each method separately), burst calls per renewal period', { check: slowestRate('stage.throttle') }),
    'observability.accessLogs': n('Logger + ApiDiagnostic (information verbosity), and a trace policy writing the access-log schema as its message', { differences: O.azure.accessLogs }),
    'observability.tracing': n('ApiDiagnostic with Application Insights'),
    'errors.contract': n("the API's on-error section maps context.LastError to the contract's status and body (context.RequestId); anygate's own inbound refusals answer it directly", { differences: D['errors.contract'] }),
    'errors.native': n("API Management's own errors"),
    'observability.objectives': n('Azure Monitor log alert rules (ScheduledQueryRule) over the access log in Application Insights: 5xx and 429 ratios as multiwindow burn-rate rules, latency a percentile over three 5-minute bins; action groups notified', { check: azureAccessLogChecks, differences: O.azure.objectives }),
    'observability.dashboards': n('an Application Insights workbook per stage over the access log', { check: azureAccessLogChecks, differences: O.azure.dashboards }),
    size: n('no whole-API size limit; each policy document is limited (policy.size)'),
    // https://learn.microsoft.com/azure/api-management/api-management-policies (policy document size)
    ...AZURE_LIFECYCLE,
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
      ...AI_TIER_RECORDS.azure.Consumption,
      ...AZURE_CONSUMPTION_DOMAINS,
      'route.rateLimit': u('Consumption has no rate-limit-by-key; use a plan rate limit or another SKU'),
      'stage.throttle': u('Consumption has no rate-limit-by-key'),
      'route.cache': e('Consumption has no internal cache: needs an external Redis cache on the service (externalCache: true)', { check: consumptionCacheChecks }),
      'observability.tracing': n('Application Insights'),
    },
  },
};
