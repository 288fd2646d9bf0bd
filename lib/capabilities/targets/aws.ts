/**
 * AWS API Gateway (REST): what anygate does with each feature, and the checks that depend on
 * API Gateway's own ranges. Limits: lib/capabilities/limits.ts (AWS_LIMITS).
 */
import { AWS_DOMAINS } from './domain-records';
import { OBSERVABILITY_DIFFERENCES as O } from './observability-differences';
import { awsObjectiveChecks } from './observability-checks';
import type { GatewaySpec } from '../../model/types';
import { AWS_LIMITS as L } from '../limits';
import type { CheckContext, EmittedContext, TargetRecords } from '../types';
import { authorizerQuotaMessage, customSharesMethod } from './aws-auth';
import { greedySiblingConflicts } from './aws-paths';
import { cfnReferenceProblems, customInAlternativesMessage, headerNameProblems, originProblems, secretRefProblems } from './aws-syntax';
import { differs, emulated as e, native as n, unsupported as u, usedRoutes } from './helpers';
import { contractValidationCheck } from './contract-checks';
import { AWS_LIFECYCLE } from './lifecycle';
import { unknownStages } from '../../model/stages';
import { AWS_DIFFERENCES as D } from './cloud-differences';
import { AI_RECORDS } from './ai';

// Stage variables anygate sets itself (providers/aws/plan.ts RESERVED_STAGE_VARIABLE_PREFIX).
const RESERVED_STAGE_VARIABLE_PREFIX = 'anygate_';

/** The selected stages exist; the cache cluster size is one API Gateway offers. */
const stageSelection = (ctx: CheckContext) => {
  const { spec } = ctx;
  const out = unknownStages(spec, ctx.options.aws?.stages ?? []).map((u) => ctx.problem('gateway', u.message));
  const size = ctx.options.aws?.cacheClusterSize ?? '0.5';
  if (!(L.cacheClusterSizesGb as readonly string[]).includes(size)) out.push(ctx.problem('gateway', `cache cluster size ${size} GB is not one API Gateway offers; use one of ${L.cacheClusterSizesGb.join(', ')}`));
  return out;
};

const reservedVariables = (ctx: CheckContext) =>
  Object.entries(ctx.spec.stages).flatMap(([s, st]) =>
    Object.keys(st.variables)
      .filter((v) => v.startsWith(RESERVED_STAGE_VARIABLE_PREFIX))
      .map((v) => ctx.problem('gateway', `stage ${s}: variable ${v} uses the prefix ${RESERVED_STAGE_VARIABLE_PREFIX}, which anygate reserves for its own stage variables; rename it`)),
  );

// API Gateway keeps the scheme of an HTTP integration URI in the template; only the host is a stage variable.
const stageBackendScheme = (ctx: CheckContext) => {
  const { spec } = ctx;
  const scheme = (url: string) => new URL(url).protocol;
  return Object.entries(spec.stages).flatMap(([stage, st]) =>
    Object.entries(st.backends).flatMap(([name, o]) => {
      const b = spec.backends[name];
      if (b?.type !== 'http' || !b.url || scheme(o.url) === scheme(b.url)) return [];
      const users = spec.routes.filter((r) => r.backend === name).map((r) => r.id);
      const s = scheme(b.url).replace(/:$/, '');
      return users.map((r) => ctx.problem(r, `stage ${stage} overrides backend ${name} with ${o.url}, whose scheme differs from ${b.url}; API Gateway keeps the scheme in the template, so use ${s} for every stage`));
    }),
  );
};

// Static header values of a mock integration are single-quoted literals.
const mockHeaderQuotes = (ctx: CheckContext) =>
  usedRoutes(ctx).flatMap((r) => {
    const b = ctx.spec.backends[r.backend];
    if (b.type !== 'mock') return [];
    // The route's response headers are static values of the same integration response.
    return [...Object.entries(b.headers), ...Object.entries(r.transform?.response?.setHeaders ?? {})]
      .filter(([, v]) => v.includes("'"))
      .map(([h]) => ctx.problem(r.id, `mock header ${h} holds a single quote, which API Gateway's static header values cannot carry; remove it`));
  });

// Cache TTL 0-3600 s: https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-caching.html
const cacheTtl = (ctx: CheckContext) =>
  usedRoutes(ctx).flatMap((r) =>
    r.cache && r.cache.ttlSeconds > L.cacheTtlSeconds.max ? [ctx.problem(r.id, `TTL ${r.cache.ttlSeconds} s is above API Gateway's ${L.cacheTtlSeconds.max} s maximum; lower cache.ttlSeconds`)] : [],
  );

// Integration timeout 50 ms - 29 s (the default quota).
const integrationTimeout = (ctx: CheckContext) =>
  usedRoutes(ctx).flatMap((r) =>
    r.timeoutMs > L.integrationTimeoutMs.max || r.timeoutMs < L.integrationTimeoutMs.min
      ? [
          ctx.problem(
            r.id,
            `timeout ${r.timeoutMs} ms is outside API Gateway's ${L.integrationTimeoutMs.min}-${L.integrationTimeoutMs.max} ms integration range; set timeoutMs within it` +
              (r.timeoutMs > L.integrationTimeoutMs.max ? ` (${L.integrationTimeoutMs.max} ms is the default quota: Regional and private REST APIs can raise it with a Service Quotas request for "Maximum integration timeout", edge-optimized ones cannot; anygate checks against the default quota)` : ''),
          ),
        ]
      : [],
  );

const resultTtl = (ctx: CheckContext) =>
  Object.entries(ctx.spec.authorizers).flatMap(([name, a]) =>
    a.type !== 'apiKey' && a.resultTtlSeconds > L.authorizerResultTtlSeconds.max
      ? [ctx.problem('gateway', `authorizer ${name}: resultTtlSeconds ${a.resultTtlSeconds} is above API Gateway's ${L.authorizerResultTtlSeconds.max} s maximum`)]
      : [],
  );

// The generated authorizer does not call a user's Lambda: a custom authorizer cannot be an alternative.
const customInAlternatives = (ctx: CheckContext) =>
  usedRoutes(ctx).flatMap((r) => {
    const custom = r.auth === 'none' ? undefined : r.auth.flat().find((n) => ctx.spec.authorizers[n]?.type === 'custom');
    return custom ? [ctx.problem(r.id, customInAlternativesMessage(custom))] : [];
  });

// A method takes one Lambda authorizer: a custom one cannot share it with the generated one.
const customAlone = (ctx: CheckContext) =>
  usedRoutes(ctx).flatMap((r) => {
    const message = customSharesMethod(ctx.spec, r);
    return message ? [ctx.problem(r.id, message)] : [];
  });

// A REST API holds at most L.authorizersPerApi authorizers (default quota): one per distinct combination.
const authorizerQuota = (ctx: CheckContext) => {
  const message = authorizerQuotaMessage(ctx.spec);
  return message ? [ctx.problem('gateway', message)] : [];
};

/** The OpenAPI import, the per-method settings and the processed template, each against its limit. */
const awsSizes = (ctx: EmittedContext) =>
  ctx.measured.flatMap((m) => {
    if (m.kind === 'methodSettings') {
      return m.bytes > L.methodSettingsBudgetBytes
        ? [ctx.problem(m.where, `${m.count ?? 'the'} per-method settings across ${ctx.options.aws?.stages?.length ?? Object.keys(ctx.spec.stages).length} stage(s) take ${m.bytes} bytes of template, over the ${L.methodSettingsBudgetBytes}-byte budget that keeps the template under CloudFormation's 1 MB limit; ${m.remedy ?? 'split the gateway'}`)]
        : [];
    }
    if (m.kind === 'processedTemplate') {
      return m.bytes > L.processedTemplateBytes
        ? [ctx.problem(m.where, `the template takes ${m.bytes} bytes, over CloudFormation's ${L.processedTemplateBytes}-byte limit on the processed template; deploy fewer stages per stack (--stage) or split the gateway into smaller ones`)]
        : [];
    }
    return m.bytes > L.openApiImportBytes ? [ctx.problem(m.where, `the API definition is ${m.bytes} bytes, over API Gateway's ${L.openApiImportBytes}-byte import limit; split the gateway`)] : [];
  });

/*
 * A resource path part is a whole {param} (or {param+}) or literal text of [A-Za-z0-9:._$-]: API
 * Gateway answers any other part with "Resource's path part only allow a-zA-Z0-9._- and curly braces
 * at the beginning and the end" at deploy time; CDK's validateResourcePathPart (aws-apigateway
 * resource.ts) allows the same set plus ":" and "$", which the service accepts. Checked for the
 * literal parts of base path and route paths (mixed parts are path.mixedSegment's; parameter names
 * are narrower in the model already).
 */
const AWS_PATH_PART = /^[A-Za-z0-9:._$-]+$/;
const pathPartProblems = (ctx: CheckContext) => {
  const bad = (segments: GatewaySpec['routes'][number]['segments']) => segments.find((s) => s.kind === 'literal' && !AWS_PATH_PART.test(s.value));
  const message = (s: { value: string }, where: string) =>
    `${where}: path part ${JSON.stringify(s.value)} holds characters API Gateway refuses in a resource path (a part is letters, digits and . _ - : $, or a whole {param}); rename the segment with those characters, or serve this path from another target`;
  const base = bad(ctx.spec.basePathSegments);
  return [
    ...(base?.kind === 'literal' ? [ctx.problem('gateway', message(base, `basePath ${ctx.spec.basePath}`))] : []),
    ...ctx.spec.routes.flatMap((r) => {
      const s = bad(r.segments);
      return s?.kind === 'literal' ? [ctx.problem(r.id, message(s, `path ${r.path}`))] : [];
    }),
  ];
};

const greedyBesidePlain = (ctx: CheckContext) => greedySiblingConflicts(ctx.spec).map((c) => ctx.problem(c.routeId, c.message));

/** The routes whose token (or anonymous) callers are keyed by the anygate-internal key (an alternative with a key, one without; optional auth with a key). */
function internalKeyRoutes(spec: GatewaySpec): string | undefined {
  const isKey = (n: string) => spec.authorizers[n]?.type === 'apiKey';
  const ids = spec.routes.filter((r) => r.auth !== 'none' && r.auth.some((alt) => alt.some(isKey)) && ((r.auth.length > 1 && r.auth.some((alt) => !alt.some(isKey))) || r.authOptional)).map((r) => r.id);
  return ids.length ? `token callers keyed by the internal key on ${ids.sort().join(', ')}` : undefined;
}

/**
 * API Gateway caches an authorizer's decision for its TTL, keyed by the token: an expired token is
 * accepted until the cached decision lapses. The report states that window per JWT authorizer.
 */
function tokenExpiryWindow(spec: GatewaySpec): string | undefined {
  const jwts = Object.entries(spec.authorizers).flatMap(([name, a]) => (a.type === 'jwt' ? [{ name, a }] : []));
  if (!jwts.length) return undefined;
  return jwts
    .map(({ name, a }) => {
      const ttl = Math.min(a.resultTtlSeconds, L.authorizerResultTtlSeconds.max);
      return ttl === 0
        ? `${name}: token expiry enforced within ${a.clockSkewSeconds} s (decision cache off)`
        : `${name}: token expiry enforced within ${ttl + a.clockSkewSeconds} s (decision cache ${ttl} s + clock skew ${a.clockSkewSeconds} s; resultTtlSeconds: 0 turns the cache off)`;
    })
    .join('; ');
}

export const AWS: TargetRecords = {
  target: 'aws',
  base: {
    ...AI_RECORDS.aws,
    ...AWS_DOMAINS,
    'route.any': n('x-amazon-apigateway-any-method'),
    'path.greedy': n('{proxy+} resource', { check: greedyBesidePlain }),
    'path.mixedSegment': u('API Gateway path parts are a whole {param} or literal text; use /t/{id} or a greedy path'),
    'backend.http': n('http_proxy integration'),
    'backend.weighted': u('REST APIs have no weighted integrations; use a canary stage or weighted DNS'),
    'backend.circuitBreaker': u('API Gateway has no circuit breaker'),
    'backend.retry': u('API Gateway does not retry an integration call (REST APIs have no retry setting); retry in the client, or in the backend'),
    'backend.function': n('Lambda proxy integration; one permission per function'),
    'backend.mock': n('mock integration', { check: mockHeaderQuotes }),
    'backend.timeout': n(`integration timeoutInMillis (${L.integrationTimeoutMs.min}-${L.integrationTimeoutMs.max} ms)`, { check: integrationTimeout }),
    'auth.jwt': e('generated Lambda REQUEST authorizer; a repeated Authorization header is refused (401) when the authorizer runs, but with the decision cache on API Gateway may answer it from a decision cached for one copy (resultTtlSeconds: 0 refuses every repeat)', { describe: tokenExpiryWindow }),
    'auth.scopes': e('the generated authorizer returns a policy of the method ARNs the scopes allow'),
    'auth.apiKey': n('API key + usage plan, one of each per stage: a key works only on its own stage; no authorizer runs, so API Gateway\'s own check decides a repeated x-api-key header (not refused by anygate)', { differences: D['auth.apiKey'] }),
    'auth.apiKey.custom': e('generated authorizer returns usageIdentifierKey (apiKeySource AUTHORIZER)'),
    'auth.apiKey.scheme': e('the generated Lambda REQUEST authorizer reads the key after the scheme and one space (the scheme compared without case; a value without it is no key, 401) and returns it as usageIdentifierKey (apiKeySource AUTHORIZER), so API Gateway validates it (403 for an unknown key) and meters its plan; among alternatives, a header two authorizers share (Authorization: Bot <key> or Bearer <jwt>) presents the credential whose scheme it starts with'),
    'auth.custom': n('Lambda REQUEST authorizer', { check: customAlone }),
    'auth.alternatives': e(
      'the generated Lambda REQUEST authorizer checks every credential the request presents and lets it in on a complete alternative; API Gateway\'s decision cache is off for these routes (TTL 0; its identity source is a stage variable, not a credential, so a missing header never skips it), the authorizer keeps verified tokens itself; presented API keys go back as usageIdentifierKey (apiKeySource AUTHORIZER), so API Gateway validates them (403 for an unknown key) and meters their plans; a request let in by a token alone is keyed by an anygate-internal API key (value in Secrets Manager) on a usage plan with no quota or throttle',
      { check: customInAlternatives, describe: internalKeyRoutes },
    ),
    'auth.optional': e(
      'the generated Lambda REQUEST authorizer runs on every request of the route (the alternatives definition: its identity source is a stage variable and its decision cache is off, because API Gateway answers 401 without calling a REQUEST authorizer whose identity sources are missing); a request carrying none of the route\'s credential headers or query parameters is let in as `anonymous` with no claims and no scopes checked; any credential it carries is verified as on a required route (401 when invalid or incomplete); on a route with an API key an anonymous request is keyed by the anygate-internal API key (value in Secrets Manager) on a usage plan with no quota or throttle',
      { check: customInAlternatives, describe: internalKeyRoutes },
    ),
    'auth.resultTtl': n(`authorizerResultTtlInSeconds (0-${L.authorizerResultTtlSeconds.max} s)`, { check: resultTtl }),
    auth: n(`one Lambda authorizer per distinct authorizer combination (default quota ${L.authorizersPerApi} per REST API)`, { check: authorizerQuota }),
    'plan.quota': n('usage plan quota, counted per stage', { differences: D['plan.quota'] }),
    'plan.rateLimit': n('usage plan throttle', { differences: D['plan.rateLimit'] }),
    'consumer.apiKey': n('API key value read from Secrets Manager (aws-secretsmanager:<name>); one key per stage', { check: (ctx) => secretRefProblems(ctx.spec, ctx.problem) }),
    'route.rateLimit': n('method throttling (all callers together)', { differences: D['route.rateLimit'] }),
    'route.cache': n(`stage cache cluster + method cache settings (TTL 0-${L.cacheTtlSeconds.max} s)`, { check: cacheTtl, differences: D['route.cache'] }),
    'transform.headers': n('integration request parameters; removal or mixed text: generated transform Lambda'),
    'transform.query': n('integration request parameters; removal or mixed text: generated transform Lambda'),
    'transform.path': n('integration URI over path parameters'),
    'transform.body': e('generated transform Lambda renders the JSON template'),
    'transform.responseHeaders': e('generated transform Lambda'),
    'transform.redact': e('generated transform Lambda'),
    validation: n('request validator + model'),
    'validation.contract': n('request validator; body schemas as models (JSON Schema draft-04, converted from the contract), required parameters as method request parameters', {
      check: contractValidationCheck({ dialect: 'draft-04', validator: 'API Gateway models and request validators', parameters: 'presence', cookies: false, nonJsonSchemas: false, schemaless: false, anyMethod: true }),
      differences: [
        differs('status', 'a body of a media type the contract does not declare is checked against the $default model (the first declared type\'s): 400 bad_request unless it is JSON that schema accepts, never 415'),
        differs('status', 'an empty body is checked as {} against its media type\'s model, whatever requestBody.required says: accepted when the schema accepts {}, 400 bad_request when it does not', 'give a required body\'s schema required properties (or minProperties: 1)'),
        differs('status', 'a required query parameter or header sent blank (?q= or an empty header) is missing: 400 bad_request (API Gateway checks parameters are "included and not blank")'),
      ],
    }),
    cors: e('OPTIONS mock + gateway responses + mock responses; proxied backends must send the headers on actual responses', { check: (ctx) => originProblems(ctx.spec, ctx.problem), differences: D['cors'] }),
    'ipRules.allow': n('resource policy aws:SourceIp'),
    'ipRules.deny': n('resource policy aws:SourceIp'),
    stage: n(`one Stage per selected stage (default quota ${L.stagesPerApi} per REST API); usage plans and keys per stage`, { check: stageSelection }),
    'stage.variables': n('stage variables', { check: reservedVariables }),
    'stage.backends': n('stage variables in integration URIs', { check: stageBackendScheme }),
    'stage.throttle': n('stage method settings'),
    'errors.contract': n("gateway responses for every response type: the contract's status and body with $context.requestId", { differences: D['errors.contract'] }),
    'errors.native': n("API Gateway's default gateway responses", { differences: D['errors.native'] }),
    'observability.accessLogs': n('CloudWatch access log group, a custom format with the access-log schema\'s names', { differences: O.aws.accessLogs }),
    'observability.tracing': n('X-Ray (stage TracingEnabled)', { differences: O.aws.tracing }),
    'observability.objectives': n('CloudWatch alarms: 5xx and 429 ratios as multiwindow burn-rate pairs (metric math) under composite alarms notifying SNS; latency a plain threshold on the percentile', { check: awsObjectiveChecks, differences: O.aws.objectives }),
    'observability.dashboards': n('CloudWatch dashboard per stage (metrics, and a Logs Insights table of top consumers)'),
    // https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html (import 6 MB)
    size: n(`one OpenAPI body per REST API (import limit ${L.openApiImportBytes} bytes); per-method settings within ${L.methodSettingsBudgetBytes} bytes and the processed template within ${L.processedTemplateBytes} bytes`, { checkEmitted: awsSizes }),
    ...AWS_LIFECYCLE,
    'spec.strings': n('header names are HTTP tokens; resource path parts letters, digits and ._-:$; no {{resolve:...}} or ${AWS::...} (CloudFormation evaluates them); VTL gets base64 or grammar-checked literals', {
      check: (ctx) => [...headerNameProblems(ctx.spec, ctx.problem), ...pathPartProblems(ctx), ...cfnReferenceProblems(ctx.spec, ctx.problem)],
    }),
    'options.target': n('aws.binaryMediaTypes on the gateway (typed and checked by the model)'),
    'policy.size': n('no policy documents (the resource policy is part of the API definition)'),
  },
  tiers: {},
};
