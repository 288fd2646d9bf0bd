/**
 * compileAws: GatewaySpec -> AwsPlan. A pure function (no I/O, no clock): the same spec gives
 * byte-identical output. Everything the REST API needs is in one OpenAPI body, so the number of
 * CloudFormation resources does not grow with the number of routes.
 *
 * This module orchestrates: assertSupported runs the capability records' checks first (the string
 * grammars of lib/capabilities/targets/aws-syntax.ts among them, so no unsafe string reaches an
 * emitter), then one route emitter per concern (routes/: auth, validation, limits, cache, transform, backend) builds each
 * operation, and stage.ts, cors.ts and keys.ts build the rest.
 */
import { awsObservability } from './observability';
import { createHash } from 'node:crypto';
import { AWS_LIMITS } from '../../lib/capabilities/limits';
import { assertSupported, emittedProblems } from '../../lib/capabilities/support';
import type { Measured } from '../../lib/capabilities/types';
import { dedupeProblems, SynthesisError, type SynthesisProblem } from '../../lib/model/errors';
import { canonical } from '../../lib/model/normalize';
import type { GatewaySpec, RouteSpec } from '../../lib/model/types';
import type { TransformRoute } from '../../lib/runtime/config';
import type { LlmRoute } from '../../lib/runtime/llm/config';
import { emitLlm, llmPlan } from './llm';
import { compileAwsAuth, type AwsAuth } from './auth';
import { CONCRETE_METHODS, preflightOperation } from './cors';
import { gatewayResponses } from './errors';
import { claimsUsed, sortKeys } from './integration';
import { compileAwsDomains } from './domains';
import { compileKeys } from './keys';
import { readAwsOptions } from './options';
import { AUTHORIZER_STAGE_VARIABLE, functionStageVariable, TRANSFORM_STAGE_VARIABLE, type AwsFunctionBinding, type AwsMcpPlan, type AwsPlan } from './plan';
import { AGENTCORE_TARGET_NAME } from '../../lib/capabilities/targets/aws-mcp';
import { buildResources, countResources, type AwsResource } from './resources';
import { emitAuth } from './routes/auth';
import { emitBackend } from './routes/backend';
import { emitCache } from './routes/cache';
import type { MethodParam, RouteContext, RouteFragment, RouteSettings } from './routes/fragment';
import { emitLimits } from './routes/limits';
import { emitTransform } from './routes/transform';
import { emitValidation, VALIDATORS } from './routes/validation';
import { emitContract } from './routes/contract';
import type { DocumentationPart } from './routes/fragment';
import { compileStages, type MethodEntry } from './stage';
import { sourceCidrs } from '../shared/cidr';
import { expandVersions } from '../../lib/model/versions';
import { toolSchemas } from '../../lib/model/tool-schema';
import { targetWarning, specWarnings } from '../../lib/capabilities/warnings';

export interface AwsCompileOptions {
  /** Stages to compile. @default - every stage of the spec */
  readonly stages?: string[];
  /** Cache cluster size in GB, for stages whose routes cache. @default '0.5' */
  readonly cacheClusterSize?: string;
  /**
   * The template is written without indentation (the stack's suppressTemplateIndentation), so more
   * method settings fit CloudFormation's 1 MB limit. @default false - CDK indents templates
   */
  readonly compactTemplate?: boolean;
}

const TARGET = 'aws';

type Param = MethodParam & { schema: { type: 'string' } };

function addParam(list: Param[], p: MethodParam): void {
  const existing = list.find((x) => x.in === p.in && x.name.toLowerCase() === p.name.toLowerCase());
  if (existing) (existing as { required: boolean }).required ||= p.required;
  else list.push({ ...p, schema: { type: 'string' } });
}

/** Runs every route emitter and merges their fragments. The transform function, when needed, replaces the backend integration. */
function emitRoute(route: RouteSpec, ctx: RouteContext): RouteFragment[] {
  // A model backend goes through the generated LLM proxy (the records refuse transforms on it).
  const llm = emitLlm(route, ctx);
  const transform = llm.integration ? llm : emitTransform(route, ctx);
  const backend = transform.integration ? transform : emitBackend(route, ctx);
  // The published contract first: validation's request body (what it checks) wins over it.
  return [emitContract(route, ctx), emitAuth(route, ctx), emitValidation(route, ctx), emitLimits(route, ctx), emitCache(route, ctx), backend];
}

/**
 * The operation's responses: the contract's (contract.ts), then each fragment's (a mock's status
 * with its headers) merged into them, the contract's description and models kept; one `default`
 * when nothing else is declared.
 */
function mergedResponses(fragments: RouteFragment[]): Record<string, unknown> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const f of fragments) {
    for (const [status, r] of Object.entries((f.operation?.responses ?? {}) as Record<string, Record<string, unknown>>)) {
      const had = out[status];
      const headers = { ...(r.headers as object | undefined), ...(had?.headers as object | undefined) };
      out[status] = { ...r, ...had, ...(Object.keys(headers).length ? { headers } : {}) };
    }
  }
  return Object.keys(out).length ? out : { default: { description: 'Backend response, passed through' } };
}

/** One OpenAPI operation from a route's fragments. */
function operationOf(route: RouteSpec, resource: AwsResource, fragments: RouteFragment[]): Record<string, unknown> {
  const params: Param[] = [];
  for (const s of resource.segments) if (s.kind === 'param') addParam(params, { name: s.name, in: 'path', required: true });
  for (const f of fragments) f.params?.forEach((p) => addParam(params, p));
  const integration = Object.assign({}, ...fragments.map((f) => f.integration ?? {}).reverse());
  const operation = Object.assign({}, ...fragments.map((f) => f.operation ?? {}));
  return {
    operationId: route.id,
    // The contract's summary and deprecation show in API Gateway's documentation and SDK export.
    ...(route.contract?.summary ? { summary: route.contract.summary } : {}),
    ...(route.description ? { description: route.description } : {}),
    ...(route.contract?.deprecated ? { deprecated: true } : {}),
    ...(route.tags.length ? { tags: route.tags } : {}),
    ...(params.length ? { parameters: params.sort((a, b) => (a.in + a.name < b.in + b.name ? -1 : 1)) } : {}),
    ...operation,
    responses: mergedResponses(fragments),
    'x-amazon-apigateway-integration': integration,
  };
}

interface EmittedRoutes {
  paths: Record<string, Record<string, unknown>>;
  schemas: Record<string, unknown>;
  documentation: DocumentationPart[];
  validators: Set<string>;
  transformRoutes: TransformRoute[];
  llmRoutes: LlmRoute[];
  bindings: Map<string, string[]>;
  settings: Map<string, RouteSettings>;
  proxied: boolean;
}

function emitRoutes(spec: GatewaySpec, resources: Map<string, AwsResource>, auth: AwsAuth, problems: SynthesisProblem[]): EmittedRoutes {
  const cors: TransformRoute['cors'] = spec.cors && { allowOrigins: spec.cors.allowOrigins, allowCredentials: spec.cors.allowCredentials, exposeHeaders: spec.cors.exposeHeaders };
  const out: EmittedRoutes = { paths: {}, schemas: {}, documentation: [], validators: new Set(), transformRoutes: [], llmRoutes: [], bindings: new Map(), settings: new Map(), proxied: false };
  for (const route of spec.routes) {
    const resource = resources.get(route.id)!;
    const fragments = emitRoute(route, { spec, target: TARGET, resource, auth, cors, problems });
    for (const f of fragments) {
      for (const b of f.bindings ?? []) out.bindings.set(b, [...(out.bindings.get(b) ?? []), route.id]);
      if (f.transform) out.transformRoutes.push(f.transform);
      if (f.llm) out.llmRoutes.push(f.llm);
      if (f.validator) out.validators.add(f.validator);
      Object.assign(out.schemas, f.schemas ?? {});
      out.documentation.push(...(f.documentation ?? []));
      out.proxied ||= Boolean(f.proxied);
    }
    out.settings.set(route.id, Object.assign({}, ...fragments.map((f) => f.settings ?? {})));
    const key = route.method === 'ANY' ? 'x-amazon-apigateway-any-method' : route.method.toLowerCase();
    (out.paths[resource.path] ??= {})[key] = operationOf(route, resource, fragments);
  }
  return out;
}

/** An OPTIONS preflight on every resource that has no OPTIONS route. */
function addPreflights(spec: GatewaySpec, emitted: EmittedRoutes, resources: Map<string, AwsResource>, warnings: string[]): void {
  if (!spec.cors) return;
  for (const [p, item] of Object.entries(emitted.paths)) {
    if (item.options) continue;
    const onPath = spec.routes.filter((r) => resources.get(r.id)!.path === p);
    const pathParams: Param[] = [];
    for (const seg of resources.get(onPath[0].id)!.segments) if (seg.kind === 'param') addParam(pathParams, { name: seg.name, in: 'path', required: true });
    item.options = preflightOperation(spec.cors, onPath.map((r) => r.method), pathParams);
  }
  if (emitted.proxied) {
    warnings.push(targetWarning('aws-cors-proxy-responses', 'CORS: proxy integrations pass backend responses through unchanged; the backends must send Access-Control-Allow-Origin on actual responses (preflights, mocks and API Gateway errors are handled)'));
  }
}

/** Every concrete method a route serves: ANY serves the methods its resource defines no operation for. */
function methodEntries(spec: GatewaySpec, emitted: EmittedRoutes, resources: Map<string, AwsResource>): MethodEntry[] {
  const out: MethodEntry[] = [];
  for (const route of spec.routes) {
    const path = resources.get(route.id)!.path;
    const defined = new Set(Object.keys(emitted.paths[path]).map((k) => k.toUpperCase()));
    const methods = route.method === 'ANY' ? CONCRETE_METHODS.filter((m) => !defined.has(m)) : [route.method];
    for (const m of methods) out.push({ resourcePath: path, httpMethod: m, settings: emitted.settings.get(route.id)! });
  }
  return out;
}

/** The stages to compile, sorted (assertSupported has checked that they exist). */
function selectStages(spec: GatewaySpec, options: AwsCompileOptions, warnings: string[]): string[] {
  const stageNames = options.stages ?? Object.keys(spec.stages);
  if (stageNames.length > AWS_LIMITS.stagesPerApi) warnings.push(targetWarning('aws-stage-quota', `${stageNames.length} stages exceed API Gateway's default quota of ${AWS_LIMITS.stagesPerApi} per REST API; request a quota increase before deploying`));
  return stageNames.filter((s) => spec.stages[s]).sort();
}

function ipPolicy(spec: GatewaySpec): Record<string, unknown> | undefined {
  const rules = spec.ipRules;
  if (!rules || (!rules.allow.length && !rules.deny.length)) return undefined;
  const base = { Principal: '*', Action: 'execute-api:Invoke', Resource: 'execute-api:/*' };
  const statements: Record<string, unknown>[] = [{ Effect: 'Allow', ...base }];
  if (rules.allow.length) statements.push({ Effect: 'Deny', ...base, Condition: { NotIpAddress: { 'aws:SourceIp': rules.allow.flatMap(sourceCidrs) } } });
  if (rules.deny.length) statements.push({ Effect: 'Deny', ...base, Condition: { IpAddress: { 'aws:SourceIp': rules.deny.flatMap(sourceCidrs) } } });
  return { Version: '2012-10-17', Statement: statements };
}

function assembleBody(spec: GatewaySpec, emitted: EmittedRoutes, auth: AwsAuth, binaryMediaTypes: string[], warnings: string[], docs: { extension: Record<string, unknown> }): Record<string, unknown> {
  const policy = ipPolicy(spec);
  const responses = gatewayResponses(spec, warnings);
  return canonical({
    openapi: '3.0.1',
    info: { title: spec.name, version: spec.version, ...(spec.description ? { description: spec.description } : {}) },
    paths: sortKeys(emitted.paths),
    components: {
      ...(Object.keys(auth.securitySchemes).length ? { securitySchemes: auth.securitySchemes } : {}),
      ...(Object.keys(emitted.schemas).length ? { schemas: emitted.schemas } : {}),
    },
    'x-amazon-apigateway-api-key-source': auth.apiKeySource,
    'x-amazon-apigateway-binary-media-types': binaryMediaTypes,
    ...(emitted.validators.size ? { 'x-amazon-apigateway-request-validators': Object.fromEntries([...emitted.validators].sort().map((v) => [v, VALIDATORS[v]])) } : {}),
    ...(responses ? { 'x-amazon-apigateway-gateway-responses': responses } : {}),
    ...(policy ? { 'x-amazon-apigateway-policy': policy } : {}),
    ...docs.extension,
  });
}

/**
 * The contract's documentation parts (routes/contract.ts) and the API's description, which API
 * Gateway imports with the API; the stages publish them as a documentation snapshot (version),
 * named by the spec's version and a hash of the parts: snapshots cannot change, so changed
 * documentation is a new one. Past API Gateway's quota of parts per API the documentation is left
 * out, with a warning (the import would fail).
 */
function documentation(spec: GatewaySpec, parts: DocumentationPart[], warnings: string[]): { extension: Record<string, unknown>; version?: string } {
  const api: DocumentationPart[] = spec.description ? [{ location: { type: 'API' }, properties: { description: spec.description } }] : [];
  const key = (p: DocumentationPart) => [p.location.type, p.location.path, p.location.method, p.location.name, p.location.statusCode].join(' ');
  const sorted = [...api, ...parts].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  if (!sorted.length) return { extension: {} };
  if (sorted.length > AWS_LIMITS.documentationPartsPerApi) {
    warnings.push(targetWarning('aws-documentation-quota', `the contract gives ${sorted.length} documentation parts, over API Gateway's quota of ${AWS_LIMITS.documentationPartsPerApi} per REST API: the API is published without documentation (its models and validation stay); split the API or request a quota increase`));
    return { extension: {} };
  }
  const version = `${spec.version}-${createHash('sha256').update(JSON.stringify(sorted)).digest('hex').slice(0, 12)}`;
  return { extension: { 'x-amazon-apigateway-documentation': { version, documentationParts: sorted } }, version };
}

/** The tools, at their resource paths in the body (sibling renames applied). */
function mcpPlan(spec: GatewaySpec, resources: Map<string, AwsResource>): { mcp?: AwsMcpPlan } {
  const routes = spec.routes.filter((r) => r.mcp);
  const tools = routes.map((r) => ({ name: r.mcp!.tool, path: resources.get(r.id)!.path, method: r.method, description: r.mcp!.description }));
  if (!tools.length) return {};
  tools.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const description = spec.mcp?.description;
  // What AgentCore reads from the stage's export per tool: a change must change the GatewayTarget.
  const schemas = routes.map((r) => [r.mcp!.tool, r.method, resources.get(r.id)!.path, toolSchemas(r, spec)] as const).sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const schemaHash = createHash('sha256').update(JSON.stringify(canonical(schemas))).digest('hex').slice(0, 16);
  return { mcp: { ...(description ? { description } : {}), targetName: AGENTCORE_TARGET_NAME, tools, schemaHash } };
}

export function compileAws(versioned: GatewaySpec, options: AwsCompileOptions = {}): AwsPlan {
  assertSupported(versioned, TARGET, { aws: options });
  // Versions become path prefixes in the one RestApi (docs/lifecycle.md); the canary stays in release.
  const spec = expandVersions(versioned);
  const problems: SynthesisProblem[] = [];
  const warnings: string[] = [];
  const awsOptions = readAwsOptions(spec);
  const stageNames = selectStages(spec, options, warnings);
  const keys = compileKeys(spec, stageNames);

  const resources = buildResources(spec);
  const auth = compileAwsAuth(spec, resources, new Set(spec.routes.flatMap(claimsUsed)));
  warnings.push(...auth.warnings);
  const emitted = emitRoutes(spec, resources, auth, problems);
  addPreflights(spec, emitted, resources, warnings);
  const docs = documentation(spec, emitted.documentation, warnings);
  const body = assembleBody(spec, emitted, auth, awsOptions.binaryMediaTypes, warnings, docs);

  const bodyJson = JSON.stringify(body);
  const measured: Measured[] = [{ where: 'gateway', bytes: Buffer.byteLength(bodyJson) }];
  const resourceCount = countResources(resources.values());
  if (resourceCount > AWS_LIMITS.resourcesPerApi) {
    warnings.push(targetWarning('aws-resource-quota', `the API has ${resourceCount} resources, over API Gateway's default quota of ${AWS_LIMITS.resourcesPerApi} per REST API; request a quota increase before deploying`));
  }

  for (const [b, users] of auth.customBindings) emitted.bindings.set(b, [...(emitted.bindings.get(b) ?? []), ...users]);
  const functions: AwsFunctionBinding[] = [...emitted.bindings.keys()].sort().map((binding) => ({ binding, stageVariable: functionStageVariable(binding), usedBy: [...new Set(emitted.bindings.get(binding))].sort() }));
  const entries = methodEntries(spec, emitted, resources);
  const stages = compileStages(spec, stageNames, entries, options.cacheClusterSize ?? '0.5', measured, warnings, options.compactTemplate ?? false);
  problems.push(...emittedProblems(spec, TARGET, { aws: { ...options, stages: stageNames } }, 'size', measured));

  const domains = compileAwsDomains(spec, stageNames, warnings);
  if (problems.length) throw new SynthesisError(TARGET, dedupeProblems(problems));
  const transformRoutes = emitted.transformRoutes;
  const llm = llmPlan(spec, emitted.llmRoutes);
  const transformInvokes = [...new Set(transformRoutes.flatMap((t) => (t.target.type === 'function' ? [t.target.stageVariable] : [])))].sort();
  return {
    apiName: spec.name,
    ...(spec.description ? { description: spec.description } : {}),
    body,
    bodyHash: createHash('sha256').update(bodyJson).digest('hex'),
    ...(docs.version ? { documentationVersion: docs.version } : {}),
    apiKeySource: auth.apiKeySource,
    stages,
    usagePlans: keys.usagePlans,
    apiKeys: keys.apiKeys,
    functions,
    ...(auth.config ? { authorizer: { stageVariable: AUTHORIZER_STAGE_VARIABLE, config: auth.config } } : {}),
    ...(transformRoutes.length ? { transform: { stageVariable: TRANSFORM_STAGE_VARIABLE, config: { version: 1, routes: transformRoutes }, invokes: transformInvokes } } : {}),
    ...(llm ? { llm } : {}),
    resourceCount,
    ...mcpPlan(spec, resources),
    ...(domains.length ? { domains } : {}),
    ...(domains.some((d) => d.truststoreUri) ? { disableExecuteApiEndpoint: true } : {}),
    observability: awsObservability(spec, body, stageNames),
    warnings: specWarnings(spec, [...new Set(warnings)]),
  };
}
