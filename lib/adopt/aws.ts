/**
 * The AWS reader: API Gateway (REST) exports (OpenAPI 2.0/3.0 with x-amazon-apigateway-*
 * extensions) and CloudFormation / SAM templates (AWS::ApiGateway::RestApi with a Body or a
 * Resource/Method tree, AWS::Serverless::Api with a DefinitionBody or an AWS::Include of one;
 * stages, method settings, usage plans, API keys). One API per import: the one named by `api`, or
 * the one with the most methods; the others are findings.
 */
import { AnygateError } from '../model/errors';
import * as posix from 'node:path/posix';
import { arr, obj, parseData, str } from './data';
import { SpecDraft, type At } from './draft';
import { FindingLog, pointer } from './findings';
import type { AdoptOptions, AdoptResult } from './result';
import type { SourceTree } from './source';
import { addOperations, CACHE_KEYS, readOpenApiBody, readResourcePolicy, type AwsOperation } from './aws-openapi';
import { apiKey, readAuthorizerResource } from './aws-auth';
import { TreeContractReader } from './aws-tree-contract';
import { BACKEND_STAGE_VARIABLE, cfnString, type GeneratedConfigs } from './aws-integration';

type Json = Record<string, unknown>;

interface Candidate {
  /** Logical id, or the file of a stand-alone export. */
  readonly id: string;
  readonly file: string;
  /** The OpenAPI body and where it is, when the API has one. */
  readonly body?: { doc: Json; file: string; at: string };
  /** The template and the API resource, when it comes from one. */
  readonly template?: { doc: Json; logical: string; resource: Json };
  readonly size: number;
}

const isOpenApi = (d: Json) => (typeof d.openapi === 'string' || d.swagger !== undefined) && obj(d.paths) !== undefined;
const isTemplate = (d: Json) => obj(d.Resources) !== undefined;
const countOps = (doc: Json) => Object.values(obj(doc.paths) ?? {}).reduce<number>((n, p) => n + Object.keys(obj(p) ?? {}).length, 0);

/** The body a SAM DefinitionBody or RestApi Body holds, resolving AWS::Include of a file in the tree. */
function bodyOf(resource: Json, logical: string, file: string, parsed: Map<string, Json>, log: FindingLog, used: Set<string>, tree: SourceTree): Candidate['body'] {
  // A template given alone: the file it includes is read from its own folder.
  const has = (rel: string): boolean => {
    if (parsed.has(rel)) return true;
    const text = tree.beside?.(rel);
    const p = text === undefined ? undefined : parseData(text, rel);
    if (p?.ok && obj(p.docs[0])) parsed.set(rel, obj(p.docs[0])!);
    else if (p && !p.ok) log.lost(rel, '', 'file', `${p.error}; fix the file and import again`);
    return parsed.has(rel);
  };
  const missing = (loc: unknown) => (tree.beside ? `${JSON.stringify(loc)} is not beside the template` : `${JSON.stringify(loc)} is not in the imported folder`);
  const props = obj(resource.Properties) ?? {};
  const key = 'DefinitionBody' in props ? 'DefinitionBody' : 'Body' in props ? 'Body' : undefined;
  const at = pointer(['Resources', logical, 'Properties', key ?? 'Body']);
  if (!key) {
    for (const k of ['DefinitionUri', 'BodyS3Location']) if (props[k] !== undefined) {
      const loc = str(props[k]);
      const rel = loc && !/^s3:/i.test(loc) ? posix.normalize(posix.join(posix.dirname(file), loc)) : undefined;
      if (rel && has(rel)) {
        used.add(rel);
        return { doc: parsed.get(rel)!, file: rel, at: '' };
      }
      log.lost(file, pointer(['Resources', logical, 'Properties', k]), k, `the OpenAPI body is in ${missing(props[k])}; put the file beside the template`);
    }
    return undefined;
  }
  const body = obj(props[key]) ?? {};
  const transform = obj(body['Fn::Transform']);
  if (transform) {
    const loc = str(obj(transform.Parameters)?.Location);
    const rel = loc && !/^s3:/i.test(loc) ? posix.normalize(posix.join(posix.dirname(file), loc)) : undefined;
    if (rel && has(rel)) {
      used.add(rel);
      log.mapped(file, `${at}/Fn::Transform`, 'AWS::Include of the OpenAPI body', rel);
      return { doc: parsed.get(rel)!, file: rel, at: '' };
    }
    log.lost(file, `${at}/Fn::Transform`, 'AWS::Include', `the included file ${missing(loc)}${/^s3:/i.test(loc ?? '') ? ' (an S3 location is not fetched: download it beside the template)' : ''}; import the folder that holds the template and the file`);
    return undefined;
  }
  return { doc: body, file, at };
}

/** Methods of a Resource/Method tree (a RestApi without a Body). */
function treeOperations(template: Json, api: string, file: string, draft: SpecDraft, log: FindingLog, apiKeyName: () => string): AwsOperation[] {
  const resources = obj(template.Resources) ?? {};
  const refTo = (v: unknown) => str(obj(v)?.Ref) ?? (Array.isArray(obj(v)?.['Fn::GetAtt']) ? `${(obj(v)!['Fn::GetAtt'] as string[])[0]}.${(obj(v)!['Fn::GetAtt'] as string[])[1]}` : undefined);
  const pathOf = (id: string | undefined, seen = new Set<string>()): string | undefined => {
    if (!id || id === `${api}.RootResourceId`) return '';
    if (seen.has(id)) return undefined;
    const r = obj(resources[id]);
    if (!r || r.Type !== 'AWS::ApiGateway::Resource') return undefined;
    const p = obj(r.Properties) ?? {};
    const parent = pathOf(refTo(p.ParentId), new Set([...seen, id]));
    const part = str(p.PathPart);
    return parent === undefined || part === undefined ? undefined : `${parent}/${part}`;
  };
  const authorizers = new Map<string, string | undefined>();
  const contracts = new TreeContractReader(resources, api, file, log);
  const ops: AwsOperation[] = [];
  for (const [logical, r] of Object.entries(resources)) {
    const res = obj(r) ?? {};
    if (res.Type !== 'AWS::ApiGateway::Method') continue;
    const p = obj(res.Properties) ?? {};
    if (refTo(p.RestApiId) !== api) continue;
    const at = pointer(['Resources', logical]);
    const resourcePath = refTo(p.ResourceId) ?? '';
    const path = pathOf(resourcePath);
    if (path === undefined) {
      log.lost(file, `${at}/Properties/ResourceId`, 'AWS::ApiGateway::Method', 'its resource path could not be followed to the API root; add the route by hand');
      continue;
    }
    const method = String(str(p.HttpMethod) ?? 'ANY').toUpperCase();
    const authType = String(str(p.AuthorizationType) ?? 'NONE').toUpperCase();
    const names: string[] = [];
    if (authType === 'CUSTOM' || authType === 'COGNITO_USER_POOLS') {
      const aid = refTo(p.AuthorizerId);
      if (aid && !authorizers.has(aid)) {
        const ar = obj(resources[aid]);
        authorizers.set(aid, ar ? readAuthorizerResource(aid, obj(ar.Properties) ?? {}, { file, at: pointer(['Resources', aid]) }, draft, log) : undefined);
      }
      const n = aid ? authorizers.get(aid) : undefined;
      if (n) names.push(n);
      else log.lost(file, `${at}/Properties/AuthorizerId`, 'method authorizer', 'the authorizer resource is not in the template; the route is given a custom authorizer `authorizer` you must supply');
      if (!n) {
        draft.authorizers.authorizer ??= { type: 'custom', binding: 'authorizer' };
        names.push('authorizer');
      }
    } else if (authType === 'AWS_IAM') {
      draft.authorizers.iam ??= { type: 'custom', binding: 'iam-authorizer' };
      log.partial(file, `${at}/Properties/AuthorizationType`, 'AWS_IAM authorization', 'authorizers.iam', 'IAM authorization has no anygate equivalent; the route stays closed behind a custom authorizer `iam` you must supply');
      names.push('iam');
    }
    if (p.ApiKeyRequired === true) names.push(apiKeyName());
    const required = Object.entries(obj(p.RequestParameters) ?? {}).filter(([, v]) => v === true).map(([k]) => k);
    let validation: Json | undefined;
    const vid = refTo(p.RequestValidatorId);
    const validator = vid ? obj(obj(resources[vid])?.Properties) : undefined;
    if (validator?.ValidateRequestParameters) {
      const q = required.filter((k) => k.startsWith('method.request.querystring.')).map((k) => k.slice('method.request.querystring.'.length));
      const h = required.filter((k) => k.startsWith('method.request.header.')).map((k) => k.slice('method.request.header.'.length));
      validation = {};
      if (q.length) validation.requiredQuery = q;
      if (h.length) validation.requiredHeaders = h;
      if (!q.length && !h.length) validation = undefined;
      log.mapped(file, `${at}/Properties/RequestValidatorId`, 'request validator', 'routes[].validation');
    }
    // Request models and method responses: the method's contract (aws-tree-contract.ts).
    const read = contracts.method({ logical, props: p, validatesBody: validator?.ValidateRequestBody === true });
    if (read.bodySchema) validation = { ...(validation ?? {}), bodySchema: read.bodySchema };
    else if (validator?.ValidateRequestBody === true) log.lost(file, `${at}/Properties/RequestValidatorId`, 'request body validation', 'the method names no application/json model of this API for its validator to check; set routes[].validation.bodySchema by hand');
    const integration = obj(p.Integration);
    if (integration) {
      // A Method's integration names the response list IntegrationResponses; requestParameters are keyed the same.
      ops.push({ method, path: path || '/', from: { file, at }, integration, integrationAt: `${at}/Properties/Integration`, auth: names.length ? [names] : undefined, scopes: arr(p.AuthorizationScopes).filter((s): s is string => typeof s === 'string'), id: logical, tags: [], validation, ...(read.contract ? { contract: read.contract } : {}) });
    } else ops.push({ method, path: path || '/', from: { file, at }, integrationAt: `${at}/Properties/Integration`, scopes: [], tags: [] });
  }
  contracts.finish(draft);
  return ops;
}

/** Stage, method settings, usage plans and keys of the API from its template. */
function readTemplateExtras(c: Candidate, template: Json, file: string, draft: SpecDraft, log: FindingLog, apiKeyName: () => string): void {
  const resources = obj(template.Resources) ?? {};
  const api = c.template!.logical;
  const serverless = c.template!.resource.Type === 'AWS::Serverless::Api';
  // SAM's Globals.Api applies to every AWS::Serverless::Api.
  const globals = serverless ? obj(obj(template.Globals)?.Api) ?? {} : {};
  const props = { ...globals, ...(obj(c.template!.resource.Properties) ?? {}) };
  const at = (...t: (string | number)[]) => pointer(['Resources', api, 'Properties', ...t]);
  const refs = (v: unknown) => str(obj(v)?.Ref) === api || (Array.isArray(v) && v.some((x) => str(obj(x)?.Ref) === api));
  const stages: { name: string; props: Json; at: string }[] = [];
  if (c.template!.resource.Type === 'AWS::Serverless::Api') {
    const name = cfnString(props.StageName) ?? 'prod';
    stages.push({ name, props, at: pointer(['Resources', api, 'Properties']) });
    const auth = obj(props.Auth);
    if (auth) {
      if (auth.ApiKeyRequired === true) {
        const key = apiKeyName();
        for (const r of draft.routes) if (r.auth === 'none' && r.method !== 'OPTIONS') r.auth = [[key]];
          else if (Array.isArray(r.auth)) r.auth = (r.auth as string[][]).map((alt) => (alt.includes(key) ? alt : [...alt, key]));
        log.mapped(file, at('Auth', 'ApiKeyRequired'), 'SAM Auth.ApiKeyRequired', 'routes[].auth (API key)');
      }
      for (const k of Object.keys(auth).filter((k) => k !== 'ApiKeyRequired')) log.lost(file, at('Auth', k), `SAM Auth.${k}`, 'read the authorizers from the OpenAPI body instead; this SAM shorthand is not read');
    }
    const cors = props.Cors;
    if (cors !== undefined) {
      const o = obj(cors);
      const unq = (v: unknown) => (cfnString(v) ?? '').replace(/^'|'$/g, '');
      const split = (v: unknown) => unq(v).split(',').map((s) => s.trim().replace(/^'|'$/g, '')).filter(Boolean);
      draft.cors = { allowOrigins: split(o ? o.AllowOrigin : cors).length ? split(o ? o.AllowOrigin : cors) : ['*'] };
      if (o?.AllowHeaders) draft.cors.allowHeaders = split(o.AllowHeaders);
      // OPTIONS is the preflight's own method, always allowed; it is listed only for an OPTIONS route.
      const optionsRoute = draft.routes.some((r) => r.method === 'OPTIONS');
      if (o?.AllowMethods) draft.cors.allowMethods = split(o.AllowMethods).map((m) => m.toUpperCase()).filter((m) => ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'].includes(m) && (m !== 'OPTIONS' || optionsRoute));
      if (o?.AllowCredentials === true) draft.cors.allowCredentials = true;
      if (typeof o?.MaxAge === 'number') draft.cors.maxAgeSeconds = o.MaxAge;
      log.mapped(file, at('Cors'), 'SAM Cors', 'cors');
    }
    if (props.BinaryMediaTypes) {
      const t = arr(props.BinaryMediaTypes).filter((x): x is string => typeof x === 'string').map((x) => x.replace(/~1/g, '/'));
      draft.aws = { ...(draft.aws ?? {}), binaryMediaTypes: [...new Set([...((draft.aws?.binaryMediaTypes as string[]) ?? []), ...t])] };
      // SAM's Globals.Api may be where it is written.
      log.mapped(file, obj(c.template!.resource.Properties)?.BinaryMediaTypes === undefined && globals.BinaryMediaTypes !== undefined ? '/Globals/Api/BinaryMediaTypes' : at('BinaryMediaTypes'), 'BinaryMediaTypes', 'aws.binaryMediaTypes');
    }
    for (const k of ['EndpointConfiguration', 'Tags', 'GatewayResponses', 'Domain', 'Models', 'OpenApiVersion', 'Name', 'Description', 'CacheClusterEnabled', 'CacheClusterSize'])
      if (props[k] !== undefined) log.lost(file, at(k), `SAM Api ${k}`, k === 'Name' || k === 'Description' ? 'the gateway name comes from the OpenAPI title or --name' : `${k} has no anygate equivalent`);
  } else {
    if (props.Policy) readResourcePolicy(obj(props.Policy) ?? {}, file, at('Policy'), draft, log);
    if (props.BinaryMediaTypes) {
      draft.aws = { ...(draft.aws ?? {}), binaryMediaTypes: arr(props.BinaryMediaTypes).filter((x): x is string => typeof x === 'string').map((x) => x.replace(/~1/g, '/')) };
      // SAM's Globals.Api may be where it is written.
      log.mapped(file, obj(c.template!.resource.Properties)?.BinaryMediaTypes === undefined && globals.BinaryMediaTypes !== undefined ? '/Globals/Api/BinaryMediaTypes' : at('BinaryMediaTypes'), 'BinaryMediaTypes', 'aws.binaryMediaTypes');
    }
    if (str(props.Description) && !draft.description) draft.description = str(props.Description);
    if (props.ApiKeySourceType !== undefined) {
      if (str(props.ApiKeySourceType) === 'HEADER') log.mapped(file, at('ApiKeySourceType'), 'ApiKeySourceType HEADER', 'authorizers (apiKey)');
      else log.lost(file, at('ApiKeySourceType'), `ApiKeySourceType ${JSON.stringify(props.ApiKeySourceType)}`, 'the key comes from a Lambda authorizer; anygate reads keys from a header or query parameter');
    }
    for (const k of ['EndpointConfiguration', 'SecurityPolicy', 'EndpointAccessMode', 'MinimumCompressionSize', 'DisableExecuteApiEndpoint', 'Tags', 'Parameters', 'FailOnWarnings', 'Mode', 'CloneFrom'])
      if (props[k] !== undefined) log.lost(file, at(k), `RestApi ${k}`, `${k} has no anygate equivalent`);
  }
  for (const [logical, r] of Object.entries(resources)) {
    const res = obj(r) ?? {};
    const p = obj(res.Properties) ?? {};
    const rat = pointer(['Resources', logical]);
    if (res.Type === 'AWS::ApiGateway::Stage' && refs(p.RestApiId)) stages.push({ name: cfnString(p.StageName) ?? logical, props: p, at: `${rat}/Properties` });
  }
  for (const s of stages) {
    const name = SpecDraft.nameIn(s.name, draft.stages, 'stage');
    const stage: Json = {};
    const vars = obj(s.props.Variables);
    if (vars) {
      const v: Record<string, string> = {};
      for (const [k, val] of Object.entries(vars)) {
        const t = cfnString(val);
        const backend = BACKEND_STAGE_VARIABLE.exec(k)?.[1].replace(/_/g, '-');
        if (backend && t !== undefined && draft.backends[backend]) {
          // anygate's per-stage backend host: the backend's URL in this stage.
          stage.backends = { ...(obj(stage.backends) ?? {}), [backend]: { url: `https://${t}` } };
          log.mapped(file, `${s.at}/Variables/${k}`, "anygate's per-stage backend host", `stages.${s.name}.backends.${backend}.url`);
          continue;
        }
        if (k.startsWith('anygate_') && t !== undefined) {
          log.mapped(file, `${s.at}/Variables/${k}`, "anygate's own stage variable", 'set by synth (not a spec variable)');
          continue;
        }
        if (t !== undefined && /^[A-Za-z0-9_]+$/.test(k)) v[k] = t;
        else log.lost(file, `${s.at}/Variables/${k}`, 'stage variable', 'its value is not a literal (a template parameter or intrinsic); set stages.<name>.variables by hand');
      }
      if (Object.keys(v).length) stage.variables = v;
    }
    if (s.props.TracingEnabled === true) draft.observability = { ...(draft.observability ?? {}), tracing: true };
    if (s.props.AccessLogSetting) {
      draft.observability = { ...(draft.observability ?? {}), accessLogs: true };
      log.partial(file, `${s.at}/AccessLogSetting`, 'access log setting', 'observability.accessLogs', 'the destination and format are not carried: anygate writes one access-log schema to a log group it creates');
    }
    settings(arr(s.props.MethodSettings), `${s.at}/MethodSettings`, stage, file, draft, log);
    draft.stages[name] = stage;
    log.mapped(file, s.at, 'stage', `stages.${name}`);
  }
  // Usage plans, keys.
  const planOf = new Map<string, string>();
  for (const [logical, r] of Object.entries(resources)) {
    const res = obj(r) ?? {};
    if (res.Type !== 'AWS::ApiGateway::UsagePlan') continue;
    const p = obj(res.Properties) ?? {};
    const apiStages = arr(p.ApiStages);
    if (apiStages.length && !apiStages.some((s) => refs(obj(s)?.ApiId))) continue;
    const rat = pointer(['Resources', logical]);
    const name = SpecDraft.nameIn(cfnString(p.UsagePlanName) ?? logical, draft.plans, 'plan');
    const plan: Json = {};
    const q = obj(p.Quota);
    const period = { DAY: 'day', WEEK: 'week', MONTH: 'month' }[String(str(q?.Period)).toUpperCase()];
    if (q && typeof q.Limit === 'number' && period) plan.quota = { limit: q.Limit, period };
    else if (q) log.lost(file, `${rat}/Properties/Quota`, 'usage plan quota', 'the limit or period is not literal');
    if (q?.Offset) log.lost(file, `${rat}/Properties/Quota/Offset`, 'quota offset', 'anygate quotas start with the period');
    const t = obj(p.Throttle);
    if (t && typeof t.RateLimit === 'number' && t.RateLimit > 0) plan.rateLimit = { requestsPerSecond: t.RateLimit, ...(typeof t.BurstLimit === 'number' && t.BurstLimit >= 1 ? { burst: t.BurstLimit } : {}) };
    if (str(p.Description)) plan.description = str(p.Description);
    draft.plans[name] = plan;
    planOf.set(logical, name);
    log.mapped(file, rat, 'AWS::ApiGateway::UsagePlan', `plans.${name}`);
    apiKeyName();
  }
  for (const [logical, r] of Object.entries(resources)) {
    const res = obj(r) ?? {};
    if (res.Type !== 'AWS::ApiGateway::UsagePlanKey') continue;
    const p = obj(res.Properties) ?? {};
    const plan = planOf.get(str(obj(p.UsagePlanId)?.Ref) ?? '');
    const key = str(obj(p.KeyId)?.Ref);
    if (!plan || !key) continue;
    const kp = obj(obj(resources[key])?.Properties) ?? {};
    const name = SpecDraft.nameIn(cfnString(kp.Name) ?? key, draft.consumers, 'consumer');
    const consumer: Json = { plan };
    if (kp.Value !== undefined) log.lost(file, pointer(['Resources', key, 'Properties', 'Value']), 'API key value', 'key values never go in a spec: set consumers.<name>.apiKey.secretRef to where the key is kept');
    draft.consumers[name] = consumer;
    log.mapped(file, pointer(['Resources', key]), 'AWS::ApiGateway::ApiKey', `consumers.${name}`);
    log.mapped(file, pointer(['Resources', logical]), 'AWS::ApiGateway::UsagePlanKey', `consumers.${name}.plan`);
  }
}

/** MethodSettings: `/*\/*` throttling is the stage throttle; per-method throttling and caching go on the route. */
function settings(list: unknown[], at: string, stage: Json, file: string, draft: SpecDraft, log: FindingLog): void {
  list.forEach((raw, n) => {
    const s = obj(raw) ?? {};
    const where = `${at}/${n}`;
    const resourcePath = String(str(s.ResourcePath) ?? '/*').replace(/~1/g, '/');
    const method = String(str(s.HttpMethod) ?? '*').toUpperCase();
    const rate = typeof s.ThrottlingRateLimit === 'number' && s.ThrottlingRateLimit > 0 ? { requestsPerSecond: s.ThrottlingRateLimit, ...(typeof s.ThrottlingBurstLimit === 'number' && s.ThrottlingBurstLimit >= 1 ? { burst: s.ThrottlingBurstLimit } : {}) } : undefined;
    const cache = s.CachingEnabled === true ? { ttlSeconds: typeof s.CacheTtlInSeconds === 'number' ? s.CacheTtlInSeconds : 300 } : undefined;
    if (s.LoggingLevel !== undefined && resourcePath === '/*') {
      const level = String(str(s.LoggingLevel)).toUpperCase();
      stage.logLevel = level === 'INFO' ? 'info' : level === 'ERROR' ? 'error' : 'off';
    }
    if (resourcePath === '/*' && method === '*') {
      if (rate) stage.throttle = rate;
      if (cache) for (const r of draft.routes) r.cache ??= cache;
      log.mapped(file, where, 'stage method settings (all methods)', rate ? 'stages.<name>.throttle' : 'stages.<name>');
      return;
    }
    // An ANY route takes a method's setting unless a route of that very method is on the path.
    const exact = draft.routes.some((r) => r.path === resourcePath && r.method === method);
    const routes = draft.routes.filter((r) => r.path === resourcePath && (method === '*' || r.method === method || (r.method === 'ANY' && !exact)));
    if (!routes.length) {
      log.lost(file, where, 'method setting', `no route ${method} ${resourcePath} was read`);
      return;
    }
    for (const r of routes) {
      if (rate) r.rateLimit = rate;
      const key = CACHE_KEYS.get(r);
      if (cache) r.cache = { ...cache, ...(key && Object.keys(key.key).length ? { key: key.key } : {}), ...(key?.shared ? { shared: true } : {}) };
    }
    log.mapped(file, where, 'method setting', `routes (${method} ${resourcePath})`);
  });
}

/** The literal variables of the API's first stage (a Stage resource, or a SAM API's own Variables). */
function firstStageVariables(template: Json, api: string): Record<string, string> {
  const resources = obj(template.Resources) ?? {};
  const own = obj(resources[api]);
  const stage = own?.Type === 'AWS::Serverless::Api' ? obj(own.Properties) : Object.values(resources).map(obj).find((r) => r?.Type === 'AWS::ApiGateway::Stage' && str(obj(obj(r.Properties)?.RestApiId)?.Ref) === api)?.Properties;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(obj(stage)?.Variables) ?? {})) if (typeof cfnString(v) === 'string') out[k] = cfnString(v)!;
  return out;
}

/** Imports one API from an AWS source tree. */
export function readAws(tree: SourceTree, options: AdoptOptions = {}): AdoptResult {
  const log = new FindingLog();
  const parsed = new Map<string, Json>();
  for (const [file, text] of tree.files) {
    if (!/\.(ya?ml|json|template)$/i.test(file)) {
      log.lost(file, '', 'file', 'not a JSON or YAML file: not read');
      continue;
    }
    const p = parseData(text, file);
    if (!p.ok) log.lost(file, '', 'file', `${p.error}; fix the file and import again`);
    else if (obj(p.docs[0])) parsed.set(file, obj(p.docs[0])!);
  }
  const used = new Set<string>();
  // The config of anygate's generated authorizer (a CDK asset beside the template).
  const generatedFile = [...parsed.keys()].find((f) => /(^|\/)asset\.[^/]+\/config\.json$/.test(f) && obj(parsed.get(f)?.jwt) && (Array.isArray(parsed.get(f)?.routeGroups) || Array.isArray(parsed.get(f)?.routes)));
  const generatedAuthorizer = generatedFile ? parsed.get(generatedFile) : undefined;
  if (generatedFile) used.add(generatedFile);
  // And of its generated transform function.
  const transformFile = [...parsed.keys()].find((f) => /(^|\/)asset\.[^/]+\/config\.json$/.test(f) && arr(parsed.get(f)?.routes).some((r) => obj(obj(r)?.target) !== undefined));
  if (transformFile) used.add(transformFile);
  const candidates: Candidate[] = [];
  for (const [file, doc] of parsed) {
    if (!isTemplate(doc)) continue;
    for (const [logical, r] of Object.entries(obj(doc.Resources) ?? {})) {
      const res = obj(r) ?? {};
      if (res.Type !== 'AWS::ApiGateway::RestApi' && res.Type !== 'AWS::Serverless::Api') continue;
      const body = bodyOf(res, logical, file, parsed, log, used, tree);
      const methods = Object.values(obj(doc.Resources) ?? {}).filter((m) => obj(m)?.Type === 'AWS::ApiGateway::Method' && str(obj(obj(obj(m)?.Properties)?.RestApiId)?.Ref) === logical).length;
      candidates.push({ id: logical, file, body, template: { doc, logical, resource: res }, size: body ? countOps(body.doc) : methods });
    }
    if (Object.values(obj(doc.Resources) ?? {}).some((r) => obj(r)?.Type === 'AWS::Serverless::Function' && Object.values(obj(obj(obj(r)?.Properties)?.Events) ?? {}).some((e) => obj(e)?.Type === 'Api' && !obj(obj(e)?.Properties)?.RestApiId)))
      log.lost(file, '/Resources', 'implicit SAM API (function events of type Api)', 'SAM builds this API from function events; export it from API Gateway (aws apigateway get-export) and import the export');
  }
  for (const [file, doc] of parsed) if (isOpenApi(doc) && !used.has(file)) candidates.push({ id: file, file, body: { doc, file, at: '' }, size: countOps(doc) });
  for (const [file, doc] of parsed) if (!isOpenApi(doc) && !isTemplate(doc) && !used.has(file)) log.lost(file, '', 'file', 'neither an API Gateway OpenAPI export nor a CloudFormation/SAM template');
  if (!candidates.length) throw new AnygateError(`${tree.root}: no API Gateway REST API found (an OpenAPI export with paths, or a template with AWS::ApiGateway::RestApi / AWS::Serverless::Api); export one with \`aws apigateway get-export --rest-api-id ID --stage-name STAGE --export-type oas30 --parameters extensions=apigateway api.json\``);
  const wanted = options.api;
  const chosen = wanted ? candidates.find((c) => c.id === wanted || cfnString(obj(c.template?.resource.Properties)?.Name) === wanted) : [...candidates].sort((a, b) => b.size - a.size || (a.id < b.id ? -1 : 1))[0];
  if (!chosen) throw new AnygateError(`${tree.root}: no API ${JSON.stringify(wanted)}; the APIs found are ${candidates.map((c) => c.id).join(', ')}`);
  for (const c of candidates) if (c !== chosen) log.lost(c.file, c.template ? pointer(['Resources', c.id]) : '', 'another API', `one spec holds one API: import it with --api ${c.id}`);
  const draft = new SpecDraft(options.name ?? 'imported', log);
  const name = options.name ?? cfnString(obj(chosen.template?.resource.Properties)?.Name);
  if (name) draft.name = name;
  const apiKeyName = () => apiKey({ in: 'header', name: 'x-api-key' }, { file: chosen.file, at: chosen.template ? pointer(['Resources', chosen.id]) : '' } as At, draft, log);
  const generated: GeneratedConfigs = { authorizer: generatedAuthorizer, transform: transformFile ? parsed.get(transformFile) : undefined, stageVariables: chosen.template ? firstStageVariables(chosen.template.doc, chosen.id) : undefined };
  if (chosen.body) readOpenApiBody(chosen.body.doc, chosen.body.file, chosen.body.at, draft, log, false, generated);
  else if (chosen.template) addOperations(treeOperations(chosen.template.doc, chosen.id, chosen.file, draft, log, apiKeyName), draft, log, generated);
  if (chosen.template) readTemplateExtras(chosen, chosen.template.doc, chosen.file, draft, log, apiKeyName);
  if (options.name) draft.name = options.name;
  draft.name = SpecDraft.nameIn(draft.name, {}, 'api');
  // A plan with no consumers is still a plan; consumers need an apiKey authorizer, which plans imply.
  return { platform: 'aws', input: draft.toInput(), findings: log.findings() };
}
