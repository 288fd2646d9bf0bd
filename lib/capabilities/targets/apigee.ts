/**
 * Apigee X: what anygate does with each feature, per environment type. Extensible policies
 * (Quota, ResponseCache, JavaScript, ServiceCallout) need Intermediate or Comprehensive
 * environments. Limits: lib/capabilities/limits.ts (APIGEE_LIMITS).
 */
import { APIGEE_DOMAINS } from './domain-records';
import { OBSERVABILITY_DIFFERENCES as O } from './observability-differences';
import { apigeeObjectiveChecks } from './observability-checks';
import type { HttpBackendSpec, JwtAuthorizerSpec } from '../../model/types';
import { APIGEE_LIMITS as L } from '../limits';
import type { ApigeeEnvironmentType, CheckContext, TargetRecords } from '../types';
import { all, alternativesChecks, apiKeyNameChecks, apiKeySchemeChecks, customNameChecks, jwtNameChecks, scopeChecks } from './apigee-checks';
import { cacheChecks, corsChecks, deployedEnvironments, mockHeaderChecks, requestHeaderChecks, requestQueryChecks, responseHeaderChecks, stageChecks, targetUrlChecks, validationChecks } from './apigee-route-checks';
import { differs, emulated as e, native as n, ratesOf, sizeLimit, unsupported as u, usedRoutes } from './helpers';
import { APIGEE_BASE_LIFECYCLE, APIGEE_LIFECYCLE } from './lifecycle';
import { contractValidationCheck } from './contract-checks';
import { APIGEE_DIFFERENCES as D } from './cloud-differences';
import { AI_RECORDS, AI_TIER_RECORDS } from './ai';

/**
 * What AccessControl checks (providers/apigee/policies.ts CLIENT_IP_VARIABLE): the environment's
 * resolved client address, which is the one the Google load balancer saw only when the environment
 * says where it is in X-Forwarded-For. Without that setting Apigee resolves the first non-local
 * X-Forwarded-For entry, which the client writes.
 */
const CLIENT_ADDRESS = [
  differs(
    'client address',
    "the rules check client.resolved.ip, the environment's client IP resolution: without a clientIpResolutionConfig on the environment Apigee resolves the first non-local X-Forwarded-For entry, which a client can write (X-Forwarded-For: <an allowed address>)",
    'set each environment\'s clientIpResolutionConfig to headerIndexAlgorithm { ipHeaderName: "X-Forwarded-For", ipHeaderIndex: <negative: the client\'s entry counted from the right, past the load balancers\' own; -3 for <client>, <load balancer>, <internal ingress>> } (organizations.environments API, or the Pulumi gcp.apigee.Environment clientIpResolutionConfig), and check client_ip_resolution.resolved.ip in a debug session',
  ),
];

/**
 * JSON payload delimiters (AssignMessage variablePrefix/Suffix) that occur nowhere in the text,
 * so no part of a mock body reads as a variable; undefined when every candidate pair occurs.
 */
export function payloadDelimiters(json: string): { prefix: string; suffix: string } | undefined {
  const candidates = ['@', '#', '^', '~', '`', '|', '%', '!', '$'];
  for (const p of candidates) for (const s of candidates) if (p !== s && !json.includes(p) && !json.includes(s)) return { prefix: p, suffix: s };
  return undefined;
}

const keyType = (alg: string) => (alg.startsWith('ES') ? 'EC' : alg === 'EdDSA' ? 'OKP' : 'RSA');

/** VerifyJWT limits, on the JWT authorizers routes use (an unused authorizer never blocks synthesis). */
function jwtChecks(ctx: CheckContext) {
  const used = new Set(usedRoutes(ctx).flatMap((r) => (r.auth === 'none' ? [] : r.auth.flat())));
  return [...used].sort().flatMap((name) => {
    const a = ctx.spec.authorizers[name];
    if (a.type !== 'jwt') return [];
    const j = a as JwtAuthorizerSpec;
    const out: string[] = [];
    if (!j.jwksUri) out.push('VerifyJWT needs a JWKS URI (Apigee does not follow OpenID discovery); set jwksUri');
    if (j.audiences.some((x) => x.includes(','))) out.push('VerifyJWT takes audiences as a comma-separated list, so an audience cannot contain a comma');
    if (new Set(j.algorithms.map(keyType)).size > 1) out.push(`VerifyJWT takes algorithms of one key type, but ${j.algorithms.join(', ')} mixes RSA, EC or EdDSA; use one key type per authorizer`);
    if (j.typ) out.push('VerifyJWT cannot check the typ header; remove typ or deploy on another target');
    return out.map((m) => ctx.problem('gateway', `authorizer ${name}: ${m}`));
  });
}

const basePath = (url: string) => new URL(url).pathname.replace(/\/+$/, '');

/** A LoadBalancer has one <Path>: weighted targets share one base path. */
function weightedChecks(ctx: CheckContext) {
  return Object.entries(ctx.spec.backends).flatMap(([name, b]) => {
    const targets = b.type === 'http' ? (b as HttpBackendSpec).targets : undefined;
    if (!targets || new Set(targets.map((t) => basePath(t.url))).size <= 1) return [];
    return [ctx.problem('gateway', `backend ${name}: weighted targets must share one base path on Apigee (a LoadBalancer has one <Path>)`)];
  });
}

/** Target servers carry host and port only: a stage's URL keeps the backend's base path. */
function stageBackendChecks(ctx: CheckContext) {
  const deployed = Object.keys(deployedEnvironments(ctx));
  return deployed.flatMap((stage) =>
    Object.entries(ctx.spec.stages[stage]?.backends ?? {}).flatMap(([backend, { url }]) => {
      const b = ctx.spec.backends[backend];
      if (b?.type !== 'http' || !(b as HttpBackendSpec).url) return [];
      const want = basePath((b as HttpBackendSpec).url!);
      const got = basePath(url);
      return got === want ? [] : [ctx.problem('gateway', `stage ${stage}: backend ${backend} URL path ${got || '/'} differs from ${want || '/'}; Apigee target servers carry only host and port, so keep one base path`)];
    }),
  );
}

function mockChecks(ctx: CheckContext) {
  return usedRoutes(ctx).flatMap((r) => {
    const b = ctx.spec.backends[r.backend];
    if (b.type !== 'mock' || b.body === undefined || payloadDelimiters(JSON.stringify(b.body))) return [];
    return [ctx.problem(r.id, 'the mock body uses every character Apigee could delimit variables with; simplify it')];
  });
}


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
    ...AI_RECORDS.apigee,
    ...APIGEE_DOMAINS,
    'route.any': n('Flow without a verb condition'),
    'path.greedy': n('MatchesPath **'),
    'path.mixedSegment': n('JavaRegex flow condition'),
    'backend.http': n('TargetEndpoint; backend 4xx/5xx pass through with response transforms (success.codes)', { check: targetUrlChecks }),
    'backend.weighted': n('LoadBalancer of TargetServers (one base path)', { check: weightedChecks }),
    'backend.circuitBreaker': e('LoadBalancer MaxFailures over a target server'),
    'backend.retry': u('Apigee X retries only by failing over to another target server of a LoadBalancer (RetryEnabled), with no count and no wait between tries: it cannot retry a backend a given number of times; retry in the client, or in the backend'),
    'backend.function': n('TargetEndpoint on the function host with a Google ID token (deployment service account; audience per environment from a key-value map)'),
    'backend.mock': n('AssignMessage + RouteRule without target', { check: all(mockChecks, mockHeaderChecks) }),
    'backend.timeout': n('TargetEndpoint io.timeout.millis'),
    'auth.jwt': n('VerifyJWT (Authorization: Bearer read natively); a token without exp is refused (401)', { check: all(jwtChecks, jwtNameChecks) }),
    'auth.scopes': n('whole-token match on scopeClaim only (space-separated or JSON array) + RaiseFault 403', { check: scopeChecks }),
    'auth.apiKey': n('VerifyAPIKey + API product; one product and app per stage: a key works only on its own stage', { check: apiKeyNameChecks(true), differences: D['auth.apiKey'] }),
    'auth.apiKey.custom': n('VerifyAPIKey', { check: apiKeyNameChecks(false) }),
    'auth.apiKey.scheme': e('ExtractVariables takes the key after the scheme, then VerifyAPIKey reads it; among alternatives, a header two authorizers share (Authorization: Bot <key> or Bearer <jwt>) presents the credential whose scheme it starts with (JavaRegex, without case)', { check: apiKeySchemeChecks }),
    'auth.custom': e('ServiceCallout to the function (through a target server); anything but 200 is 401', { check: customNameChecks }),
    'auth.alternatives': n(
      'conditional steps in the route flow: a flag per presented credential (its header or query parameter present and not empty); RaiseFault 401 unless some alternative is complete, or when two presented API keys differ; then VerifyAPIKey, VerifyJWT or the ServiceCallout for each presented credential under its flag (any failure is 401, a presented token without the scopes 403); the plan Quota and SpikeArrest run once, only when a key was verified (token or custom callers count against no plan), on one counter for every key authorizer',
      { check: alternativesChecks },
    ),
    'auth.optional': n('the alternatives steps (a flag per presented credential), whose RaiseFault 401 for an incomplete alternative runs only when some credential of the route is present: a request with none skips every VerifyAPIKey, VerifyJWT, ServiceCallout, Quota and SpikeArrest (no claims, counted against no plan); every presented credential is verified under its flag', { check: alternativesChecks }),
    'auth.resultTtl': n('VerifyJWT runs on every call; the JWKS is cached'),
    auth: n('policies in the proxy flows'),
    'plan.quota': n('Quota (product-driven): calendar day, 7-day week or month, counted per app; one product and app per stage', { differences: D['plan.quota'] }),
    'plan.rateLimit': n('SpikeArrest per app, rate from a product attribute; no burst: calls are smoothed to the rate (per second, or per minute for fractions)', { check: slowestRate('plan.rateLimit'), differences: D['plan.rateLimit'] }),
    'consumer.apiKey': u('Apigee generates developer app keys; importing a key value is not supported here'),
    'route.rateLimit': n('SpikeArrest for all callers of the route; no burst: calls are smoothed to the rate (per second, or per minute for fractions)', { check: slowestRate('route.rateLimit'), differences: D['route.rateLimit'] }),
    'route.cache': n('ResponseCache, keys prefixed with the proxy name and version; keyed by caller (token or app) on auth routes unless cache.shared; clients cannot skip it unless apigee.honorNoCache', { check: cacheChecks, differences: D['route.cache'] }),
    'transform.headers': n('AssignMessage', { check: requestHeaderChecks }),
    'transform.query': n('AssignMessage', { check: requestQueryChecks }),
    'transform.path': e('JavaScript sets target.url'),
    'transform.body': e('JavaScript renders the JSON template'),
    'transform.responseHeaders': n('AssignMessage on the response', { check: responseHeaderChecks }),
    'transform.redact': e('JavaScript'),
    validation: e('required parameters by condition + RaiseFault 400; bodies by JSONThreatProtection + OASValidation', { check: validationChecks }),
    'validation.contract': n('OASValidation against the contract (OpenAPI 3.0, a proxy resource: resources/oas/anygate.json) for the path, query and header parameters and the body', {
      check: contractValidationCheck({ dialect: 'openapi-3.0', validator: 'Apigee OASValidation', parameters: 'schema', cookies: false, nonJsonSchemas: false, schemaless: true, anyMethod: false, applicationJsonOnly: true, greedyPaths: false }),
    }),
    cors: n('CORS policy (Apigee X); preflights answered before any route flow, so no auth runs', { check: corsChecks }),
    'ipRules.allow': n('AccessControl on client.resolved.ip', { differences: CLIENT_ADDRESS }),
    'ipRules.deny': n('AccessControl on client.resolved.ip', { differences: CLIENT_ADDRESS }),
    stage: n('one Apigee environment per stage', { check: stageChecks }),
    'stage.variables': e('AssignVariable per environment in the PreFlow'),
    'stage.backends': n('TargetServer per environment (one base path)', { check: stageBackendChecks }),
    'stage.throttle': e('SpikeArrest in PreFlow per environment, for the whole proxy (not per method); no burst', { check: slowestRate('stage.throttle') }),
    'observability.accessLogs': n('MessageLogging to Cloud Logging (log anygate-access) in the PostClientFlow, one JSON line in the access-log schema per request; the deployment needs a service account that may write logs', { differences: O.apigee.accessLogs }),
    'observability.tracing': n('the environment\'s distributed trace config (exporter CLOUD_TRACE into the project, PROBABILITY sampler), set through the Apigee API by a Pulumi dynamic resource with the deployer\'s token (@pulumi/gcp has no resource for it)', { differences: O.apigee.tracing }),
    'errors.contract': n('DefaultFaultRule (AlwaysEnforce) with one AssignMessage per code, status by error.status.code and fault.name; requestId is messageid', { differences: D['errors.contract'] }),
    'errors.native': n('Apigee\'s faults, as the proxy\'s DefaultFaultRule shapes them ({"error": fault name, "status"})'),
    'observability.objectives': n('Cloud Monitoring alert policies (PromQL over apigee.googleapis.com/proxy/response_count and latencies) per environment: 5xx and 429 ratios as multiwindow burn-rate conditions, latency a histogram_quantile threshold; notification channels notified', { check: apigeeObjectiveChecks, differences: O.apigee.objectives }),
    'observability.dashboards': n('a Cloud Monitoring dashboard per environment over Apigee\'s proxy metrics; top consumers a top-10 table over a log-based metric of the access log', { differences: O.apigee.dashboards }),
    // https://cloud.google.com/apigee/docs/api-platform/reference/limits (proxy bundle 15 MB)
    size: n(`one proxy bundle (limit ${L.bundleBytes} bytes)`, {
      checkEmitted: sizeLimit(() => L.bundleBytes, (bytes, max) => `the proxy bundle is ${bytes} bytes, over Apigee's ${max}-byte limit; split the gateway`),
    }),
    ...APIGEE_LIFECYCLE,
    'spec.strings': n('names held to Apigee grammars by the records of the features that use them (apigee-strings.ts); literals only through AssignVariable values'),
    'options.target': n('read by the compiler'),
    'policy.size': n('no per-policy size limit beyond the bundle (size)'),
  },
  tiers: {
    BASE: {
      ...AI_TIER_RECORDS.apigee.BASE,
      'plan.quota': extensible('Quota'),
      'route.cache': extensible('ResponseCache'),
      'transform.path': extensible('JavaScript'),
      'transform.redact': extensible('JavaScript'),
      'transform.body': extensible('JavaScript'),
      'auth.custom': extensible('ServiceCallout'),
      ...APIGEE_BASE_LIFECYCLE,
    },
    INTERMEDIATE: AI_TIER_RECORDS.apigee.INTERMEDIATE,
  },
};
