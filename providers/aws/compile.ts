/**
 * compileAws: GatewaySpec -> AwsPlan. A pure function (no I/O, no clock): the same spec gives
 * byte-identical output. Everything the REST API needs is in one OpenAPI body, so the number of
 * CloudFormation resources does not grow with the number of routes.
 */
import { createHash } from 'node:crypto';
import { AWS_LIMITS } from '../../lib/capabilities/limits';
import { assertSupported } from '../../lib/capabilities/support';
import { dedupeProblems, SynthesisError, type SynthesisProblem } from '../../lib/model/errors';
import { canonical } from '../../lib/model/normalize';
import { toSafeName } from '../../lib/model/names';
import type { GatewaySpec, HttpBackendSpec } from '../../lib/model/types';
import type { TransformRoute } from '../../lib/runtime/config';
import { compileAwsAuth } from './auth';
import { corsGatewayResponses, preflightOperation } from './cors';
import { backendStageValue, claimsUsed, compileIntegration, sortKeys } from './integration';
import {
  AUTHORIZER_STAGE_VARIABLE,
  backendStageVariable,
  functionStageVariable,
  RESERVED_STAGE_VARIABLE_PREFIX,
  TRANSFORM_STAGE_VARIABLE,
  type AwsApiKey,
  type AwsFunctionBinding,
  type AwsMethodSetting,
  type AwsPlan,
  type AwsStagePlan,
  type AwsUsagePlan,
} from './plan';
import { buildResources, countResources } from './resources';

export interface AwsCompileOptions {
  /** Stages to compile. @default - every stage of the spec */
  readonly stages?: string[];
  /** Cache cluster size in GB, for stages whose routes cache. @default '0.5' */
  readonly cacheClusterSize?: string;
}

const TARGET = 'aws';

type Param = { name: string; in: 'path' | 'query' | 'header'; required: boolean; schema: { type: 'string' } };

function addParam(list: Param[], p: Omit<Param, 'schema'>): void {
  const existing = list.find((x) => x.in === p.in && x.name.toLowerCase() === p.name.toLowerCase());
  if (existing) existing.required ||= p.required;
  else list.push({ ...p, schema: { type: 'string' } });
}

function modelName(routeId: string): string {
  // Model names are alphanumeric.
  return `${toSafeName(routeId).replace(/-/g, '')}Body`;
}

export function compileAws(spec: GatewaySpec, options: AwsCompileOptions = {}): AwsPlan {
  assertSupported(spec, TARGET, { aws: options });
  const problems: SynthesisProblem[] = [];
  const warnings: string[] = [];
  const cacheClusterSize = options.cacheClusterSize ?? '0.5';
  if (!(AWS_LIMITS.cacheClusterSizesGb as readonly string[]).includes(cacheClusterSize)) {
    problems.push({ target: TARGET, where: 'gateway', feature: 'route.cache', message: `cache cluster size ${cacheClusterSize} GB is not one API Gateway offers; use one of ${AWS_LIMITS.cacheClusterSizesGb.join(', ')}` });
  }
  const stageNames = options.stages ?? Object.keys(spec.stages);
  for (const s of stageNames) {
    if (!spec.stages[s]) problems.push({ target: TARGET, where: 'gateway', feature: 'stage', message: `stage ${JSON.stringify(s)} is not in the spec; stages: ${Object.keys(spec.stages).join(', ')}` });
    for (const v of Object.keys(spec.stages[s]?.variables ?? {})) {
      if (v.startsWith(RESERVED_STAGE_VARIABLE_PREFIX)) {
        problems.push({ target: TARGET, where: 'gateway', feature: 'stage.variables', message: `stage ${s}: variable ${v} uses the prefix ${RESERVED_STAGE_VARIABLE_PREFIX}, which anygate reserves for its own stage variables; rename it` });
      }
    }
  }
  if (stageNames.length > AWS_LIMITS.stagesPerApi) warnings.push(`${stageNames.length} stages exceed API Gateway's default quota of ${AWS_LIMITS.stagesPerApi} per REST API; request a quota increase before deploying`);

  const apiKeys: Record<string, AwsApiKey> = {};
  for (const [name, c] of Object.entries(spec.consumers)) {
    let secretName: string | undefined;
    if (c.apiKey) {
      const [store, ...rest] = c.apiKey.secretRef.split(':');
      if (store !== 'aws-secretsmanager') {
        problems.push({ target: TARGET, where: 'gateway', feature: 'consumer.apiKey', message: `consumer ${name}: AWS reads API key values only from Secrets Manager; write secretRef "aws-secretsmanager:<secret name>" or omit apiKey so API Gateway generates the key` });
      } else secretName = rest.join(':');
    }
    apiKeys[name] = { plan: c.plan, ...(c.description ? { description: c.description } : {}), ...(secretName ? { secretName } : {}) };
  }

  const resources = buildResources(spec, TARGET, problems);
  const contextClaims = new Set(spec.routes.flatMap(claimsUsed));
  const auth = compileAwsAuth(spec, resources, contextClaims, TARGET, problems);
  warnings.push(...auth.warnings);
  const corsForTransforms: TransformRoute['cors'] = spec.cors && {
    allowOrigins: spec.cors.allowOrigins,
    allowCredentials: spec.cors.allowCredentials,
    exposeHeaders: spec.cors.exposeHeaders,
  };

  const paths: Record<string, Record<string, unknown>> = {};
  const schemas: Record<string, unknown> = {};
  const validators = new Set<string>();
  const transformRoutes: TransformRoute[] = [];
  const bindings = new Map<string, string[]>();
  let proxiedForCors = false;

  for (const route of spec.routes) {
    const res = resources.get(route.id)!;
    const integ = compileIntegration(spec, route, res, corsForTransforms, TARGET, problems);
    for (const b of integ.bindings) bindings.set(b, [...(bindings.get(b) ?? []), route.id]);
    if (integ.transform) transformRoutes.push(integ.transform);
    else if (spec.backends[route.backend].type !== 'mock') proxiedForCors = true;

    const params: Param[] = [];
    for (const s of res.segments) if (s.kind === 'param') addParam(params, { name: s.name, in: 'path', required: true });
    route.validation?.requiredQuery?.forEach((q) => addParam(params, { name: q, in: 'query', required: true }));
    route.validation?.requiredHeaders?.forEach((h) => addParam(params, { name: h, in: 'header', required: true }));
    route.cache?.key.query.forEach((q) => addParam(params, { name: q, in: 'query', required: false }));
    route.cache?.key.headers.forEach((h) => addParam(params, { name: h, in: 'header', required: false }));
    integ.params.forEach((p) => addParam(params, { ...p, required: false }));
    const routeAuth = auth.routes.get(route.id);
    routeAuth?.identityParams.forEach((p) => addParam(params, { ...p, required: false }));

    const integration: Record<string, unknown> = { ...integ.integration };
    if (route.cache) {
      integration.cacheNamespace = route.id;
      integration.cacheKeyParameters = [
        ...res.segments.flatMap((s) => (s.kind === 'param' ? [`method.request.path.${s.name}`] : [])),
        ...route.cache.key.query.map((q) => `method.request.querystring.${q}`),
        ...route.cache.key.headers.map((h) => `method.request.header.${h}`),
      ];
    }

    const op: Record<string, unknown> = {
      operationId: route.id,
      ...(route.description ? { description: route.description } : {}),
      ...(route.tags.length ? { tags: route.tags } : {}),
      ...(params.length ? { parameters: params.sort((a, b) => (a.in + a.name < b.in + b.name ? -1 : 1)) } : {}),
      ...(routeAuth?.security ? { security: routeAuth.security } : {}),
      responses: integ.responses
        ? Object.fromEntries(Object.entries(integ.responses).map(([code, hs]) => [code, { description: 'Mock response', ...(hs.length ? { headers: Object.fromEntries(hs.map((h) => [h, { schema: { type: 'string' } }])) } : {}) }]))
        : { default: { description: 'Backend response, passed through' } },
      'x-amazon-apigateway-integration': integration,
    };
    const v = route.validation;
    if (v) {
      const body = v.bodySchema !== undefined;
      const prm = Boolean(v.requiredQuery?.length || v.requiredHeaders?.length);
      const validator = body && prm ? 'body-and-params' : body ? 'body' : 'params';
      validators.add(validator);
      op['x-amazon-apigateway-request-validator'] = validator;
      if (body) {
        const model = modelName(route.id);
        schemas[model] = v.bodySchema;
        op.requestBody = { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${model}` } } } };
      }
    }
    const key = route.method === 'ANY' ? 'x-amazon-apigateway-any-method' : route.method.toLowerCase();
    (paths[res.path] ??= {})[key] = op;
  }

  if (spec.cors) {
    for (const [p, item] of Object.entries(paths)) {
      if (item.options) continue;
      const methods = spec.routes.filter((r) => resources.get(r.id)!.path === p).map((r) => r.method);
      const pathParams: Param[] = [];
      for (const seg of resources.get(spec.routes.find((r) => resources.get(r.id)!.path === p)!.id)!.segments) {
        if (seg.kind === 'param') addParam(pathParams, { name: seg.name, in: 'path', required: true });
      }
      item.options = preflightOperation(spec.cors, methods, pathParams);
    }
    if (proxiedForCors) {
      warnings.push('CORS: proxy integrations pass backend responses through unchanged; the backends must send Access-Control-Allow-Origin on actual responses (preflights and API Gateway errors are handled)');
    }
  }

  const validatorDefs: Record<string, unknown> = {
    params: { validateRequestParameters: true, validateRequestBody: false },
    body: { validateRequestParameters: false, validateRequestBody: true },
    'body-and-params': { validateRequestParameters: true, validateRequestBody: true },
  };
  const policy = ipPolicy(spec);
  const body = canonical({
    openapi: '3.0.1',
    info: { title: spec.name, version: spec.version, ...(spec.description ? { description: spec.description } : {}) },
    paths: sortKeys(paths),
    components: {
      ...(Object.keys(auth.securitySchemes).length ? { securitySchemes: auth.securitySchemes } : {}),
      ...(Object.keys(schemas).length ? { schemas } : {}),
    },
    'x-amazon-apigateway-api-key-source': auth.apiKeySource,
    ...(validators.size ? { 'x-amazon-apigateway-request-validators': Object.fromEntries([...validators].sort().map((v) => [v, validatorDefs[v]])) } : {}),
    ...(spec.cors ? { 'x-amazon-apigateway-gateway-responses': corsGatewayResponses(spec.cors, warnings) } : {}),
    ...(policy ? { 'x-amazon-apigateway-policy': policy } : {}),
  });

  const bodyJson = JSON.stringify(body);
  if (Buffer.byteLength(bodyJson) > AWS_LIMITS.openApiImportBytes) {
    problems.push({ target: TARGET, where: 'gateway', feature: 'size', message: `the API definition is ${Buffer.byteLength(bodyJson)} bytes, over API Gateway's ${AWS_LIMITS.openApiImportBytes}-byte import limit; split the gateway` });
  }
  const resourceCount = countResources(resources.values());
  if (resourceCount > AWS_LIMITS.resourcesPerApi) {
    warnings.push(`the API has ${resourceCount} resources, over API Gateway's default quota of ${AWS_LIMITS.resourcesPerApi} per REST API; request a quota increase before deploying`);
  }

  for (const [b, users] of auth.customBindings) bindings.set(b, [...(bindings.get(b) ?? []), ...users]);
  const functions: AwsFunctionBinding[] = [...bindings.keys()].sort().map((binding) => ({ binding, stageVariable: functionStageVariable(binding), usedBy: [...new Set(bindings.get(binding))].sort() }));

  const stages: Record<string, AwsStagePlan> = {};
  for (const name of stageNames.filter((s) => spec.stages[s]).sort()) stages[name] = compileStage(spec, name, resources, cacheClusterSize);

  const usagePlans: Record<string, AwsUsagePlan> = {};
  for (const [name, p] of Object.entries(spec.plans)) {
    usagePlans[name] = {
      ...(p.description ? { description: p.description } : {}),
      ...(p.quota ? { quota: { limit: p.quota.limit, period: p.quota.period.toUpperCase() as 'DAY' | 'WEEK' | 'MONTH' } } : {}),
      ...(p.rateLimit ? { throttle: { rateLimit: p.rateLimit.requestsPerSecond, burstLimit: p.rateLimit.burst! } } : {}),
    };
  }

  if (problems.length) throw new SynthesisError(TARGET, dedupeProblems(problems));
  const transformInvokes = [...new Set(transformRoutes.flatMap((t) => (t.target.type === 'function' ? [t.target.stageVariable] : [])))].sort();
  return {
    apiName: spec.name,
    body,
    bodyHash: createHash('sha256').update(bodyJson).digest('hex'),
    apiKeySource: auth.apiKeySource,
    stages,
    usagePlans,
    apiKeys,
    functions,
    ...(auth.config ? { authorizer: { stageVariable: AUTHORIZER_STAGE_VARIABLE, config: auth.config } } : {}),
    ...(transformRoutes.length ? { transform: { stageVariable: TRANSFORM_STAGE_VARIABLE, config: { version: 1, routes: transformRoutes }, invokes: transformInvokes } } : {}),
    resourceCount,
    warnings: [...new Set(warnings)],
  };
}

function ipPolicy(spec: GatewaySpec): Record<string, unknown> | undefined {
  const rules = spec.ipRules;
  if (!rules || (!rules.allow.length && !rules.deny.length)) return undefined;
  const base = { Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*' };
  const statements: Record<string, unknown>[] = [{ Effect: 'Allow', ...base }];
  if (rules.allow.length) statements.push({ Effect: 'Deny', ...base, Condition: { NotIpAddress: { 'aws:SourceIp': rules.allow } } });
  if (rules.deny.length) statements.push({ Effect: 'Deny', ...base, Condition: { IpAddress: { 'aws:SourceIp': rules.deny } } });
  return { Version: '2012-10-17', Statement: statements };
}

function compileStage(spec: GatewaySpec, name: string, resources: ReturnType<typeof buildResources>, cacheClusterSize: string): AwsStagePlan {
  const s = spec.stages[name];
  const variables: Record<string, string> = { ...s.variables };
  for (const [b, backend] of Object.entries(spec.backends)) {
    if (backend.type === 'http' && (backend as HttpBackendSpec).url && Object.values(spec.stages).some((st) => st.backends[b])) {
      variables[backendStageVariable(b)] = backendStageValue(spec, b, name);
    }
  }
  const methodSettings: AwsMethodSetting[] = [];
  for (const route of spec.routes) {
    if (!route.cache && !route.rateLimit) continue;
    methodSettings.push({
      resourcePath: resources.get(route.id)!.path,
      httpMethod: route.method === 'ANY' ? '*' : route.method,
      ...(route.cache ? { cachingEnabled: true, cacheTtlInSeconds: route.cache.ttlSeconds } : {}),
      ...(route.rateLimit ? { throttlingRateLimit: route.rateLimit.requestsPerSecond, throttlingBurstLimit: route.rateLimit.burst } : {}),
    });
  }
  const caching = spec.routes.some((r) => r.cache);
  return canonical({
    name,
    description: s.description,
    variables: sortKeys(variables),
    methodSettings,
    cacheClusterEnabled: caching,
    cacheClusterSize: caching ? cacheClusterSize : undefined,
    tracing: s.tracing,
    logLevel: s.logLevel.toUpperCase() as 'OFF' | 'ERROR' | 'INFO',
    metrics: spec.observability.metrics,
    accessLogs: spec.observability.accessLogs,
    logRetentionDays: spec.observability.logRetentionDays,
    throttle: s.throttle && { rateLimit: s.throttle.requestsPerSecond, burstLimit: s.throttle.burst },
  });
}
