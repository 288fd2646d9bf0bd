/**
 * An API Gateway OpenAPI body (an export, or a template's Body / DefinitionBody): operations with
 * their integrations, security, validators; and the API-level x-amazon-apigateway-* extensions.
 */
import { arr, obj, str } from './data';
import { METHODS, type At, type SpecDraft } from './draft';
import { pointer, type FindingLog } from './findings';
import { readIntegration, type GeneratedConfigs } from './aws-integration';
import { generatedAuthorizer, readSecurityScheme } from './aws-auth';
import { AwsContractReader, paramKey } from './aws-contract';

type Json = Record<string, unknown>;

/** One method of the API in the shape both OpenAPI and CloudFormation Method trees read into. */
export interface AwsOperation {
  readonly method: string;
  readonly path: string;
  readonly from: At;
  readonly integration?: Json;
  readonly integrationAt: string;
  /** Alternatives of authorizer names, each all required; undefined: none. */
  readonly auth?: string[][];
  readonly scopes: string[];
  readonly id?: string;
  readonly description?: string;
  readonly tags: string[];
  readonly validation?: Json;
  /** The method's published contract (aws-contract.ts). @default - none */
  readonly contract?: Json;
}

/** Routes from operations: backend, auth, transforms; CORS preflight mocks become `cors`. */
export function addOperations(ops: readonly AwsOperation[], draft: SpecDraft, log: FindingLog, generated?: GeneratedConfigs): void {
  const preflights: { headers: Json; path: string; from: At }[] = [];
  for (const op of ops) {
    if (!op.integration) {
      log.lost(op.from.file, op.from.at, 'method without integration', 'API Gateway refuses to deploy a method with no integration; add it to the spec by hand');
      continue;
    }
    const r = readIntegration(op.integration, op.method, op.path, { file: op.from.file, at: op.integrationAt }, draft, log, generated);
    if (r.corsPreflight) {
      preflights.push({ headers: r.corsPreflight, path: op.path, from: op.from });
      continue;
    }
    const route: Json & { method: string; path: string } = { method: op.method, path: op.path, backend: r.backend, auth: op.auth ?? 'none' };
    if (op.id) route.id = op.id;
    if (op.scopes.length) route.scopes = op.scopes;
    if (r.timeoutMs) route.timeoutMs = r.timeoutMs;
    if (r.transform) route.transform = r.transform;
    if (op.validation) route.validation = op.validation;
    if (op.description) route.description = op.description;
    if (op.tags.length) route.tags = op.tags;
    if (op.contract) route.contract = op.contract;
    const i = draft.addRoute(route, op.from, `${op.method} ${op.path}`);
    // A document's own operationId that is no route id stays the contract's.
    if (i !== undefined && op.contract && op.id && draft.routes[i].id !== op.id) op.contract.operationId = op.id;
    if (i !== undefined) log.mapped(op.from.file, op.from.at, 'method', `routes[${i}]`);
    if (i !== undefined) cacheKeyFrom(op, draft.routes[i], draft);
  }
  if (preflights.length) corsFromPreflights(preflights, draft, log);
}

/**
 * What a cached route's key holds beyond its path (the integration's cacheKeyParameters): query
 * parameters and headers, less the caller's credentials, which anygate adds itself on a route
 * with auth (their absence there means the cache is shared). Method settings turn the cache on
 * (aws.ts); this is kept for them.
 */
export const CACHE_KEYS = new WeakMap<Json, { key: { query?: string[]; headers?: string[] }; shared: boolean }>();

function cacheKeyFrom(op: AwsOperation, route: Json, draft: SpecDraft): void {
  const params = arr(obj(op.integration)?.cacheKeyParameters ?? obj(op.integration)?.CacheKeyParameters).filter((p): p is string => typeof p === 'string');
  if (!obj(op.integration)?.cacheNamespace && !params.length) return;
  const credentials = new Set<string>();
  for (const n of new Set((op.auth ?? []).flat())) {
    const a = draft.authorizers[n] ?? {};
    if (a.type === 'apiKey') credentials.add(`${a.in === 'query' ? 'querystring' : 'header'}.${String(a.in === 'query' ? a.name : String(a.name).toLowerCase())}`);
    else credentials.add(`header.${String(a.header ?? 'Authorization').toLowerCase()}`);
  }
  const query: string[] = [];
  const headers: string[] = [];
  let identity = false;
  for (const p of params) {
    const m = /^method\.request\.(querystring|header)\.(.+)$/.exec(p);
    if (!m) continue;
    if (credentials.has(`${m[1]}.${m[1] === 'header' ? m[2].toLowerCase() : m[2]}`)) identity = true;
    else (m[1] === 'querystring' ? query : headers).push(m[2]);
  }
  CACHE_KEYS.set(route, { key: { ...(query.length ? { query } : {}), ...(headers.length ? { headers } : {}) }, shared: credentials.size > 0 && !identity });
}

/**
 * The CORS setting the preflight answers of every resource say together. A preflight names the
 * methods of its own path (plus OPTIONS, the preflight's own), so the allowed methods are their
 * union; when that union is every method the routes use, it is the spec's default and is left out.
 */
function corsFromPreflights(preflights: { headers: Json; path: string; from: At }[], draft: SpecDraft, log: FindingLog): void {
  const allowed = new Set<string>();
  for (const p of preflights) {
    const v = Object.entries(p.headers).find(([k]) => k.toLowerCase() === 'access-control-allow-methods')?.[1];
    for (const m of String(v ?? '').split(',')) if (m.trim()) allowed.add(m.trim().replace(/^'|'$/g, '').toUpperCase());
  }
  const routeMethods = new Set(draft.routes.map((r) => String(r.method)));
  if (!routeMethods.has('OPTIONS')) allowed.delete('OPTIONS');
  const used = new Set([...routeMethods].flatMap((m) => (m === 'ANY' ? METHODS.filter((x) => x !== 'OPTIONS' || routeMethods.has('OPTIONS')) : [m])));
  const first = draft.cors;
  for (const p of preflights) corsFrom(p.headers, draft, p.from, log);
  if (!draft.cors || (first && first === draft.cors)) return;
  const methods = METHODS.filter((m) => allowed.has(m));
  const isDefault = methods.length === used.size && methods.every((m) => used.has(m));
  const cors = { ...draft.cors };
  delete cors.allowMethods;
  if (!isDefault && methods.length) cors.allowMethods = methods;
  draft.cors = cors;
  // The CORS headers on mock answers come from the cors setting (synth adds them), not the mocks.
  for (const b of Object.values(draft.backends)) {
    const h = obj(b.headers);
    if (b.type !== 'mock' || !h) continue;
    for (const k of Object.keys(h)) if (/^access-control-|^vary$/i.test(k)) delete h[k];
    if (!Object.keys(h).length) delete b.headers;
  }
}

/** The CORS settings a preflight mock's static headers say. */
export function corsFrom(headers: Json, draft: SpecDraft, from: At, log: FindingLog): void {
  const get = (name: string) => Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1] as string | undefined;
  const split = (v: string | undefined) => (v ?? '').split(',').map((s) => s.trim().replace(/^'|'$/g, '')).filter(Boolean);
  const origins = split(get('access-control-allow-origin'));
  // Several origins are echoed by a mapping template, not a static header: the spec gets a placeholder.
  const cors: Json = { allowOrigins: origins.length ? origins : ['https://origin.invalid'] };
  if (!origins.length) log.partial(from.file, from.at, 'CORS allowed origins', 'cors.allowOrigins', 'the preflight answer names no static origin (several origins are echoed by a mapping template); cors.allowOrigins is a placeholder (https://origin.invalid): list the origins');
  const methods = split(get('access-control-allow-methods')).map((m) => m.toUpperCase()).filter((m) => (METHODS as readonly string[]).includes(m));
  if (methods.length) cors.allowMethods = [...new Set(methods)];
  const hdrs = split(get('access-control-allow-headers'));
  if (hdrs.length) cors.allowHeaders = [...new Set(hdrs)];
  const expose = split(get('access-control-expose-headers'));
  if (expose.length) cors.exposeHeaders = expose;
  if (get('access-control-allow-credentials') === 'true') cors.allowCredentials = true;
  const maxAge = Number(get('access-control-max-age'));
  if (Number.isInteger(maxAge) && maxAge > 0) cors.maxAgeSeconds = maxAge;
  const sansMethods = (c: Json) => JSON.stringify({ ...c, allowMethods: undefined });
  if (draft.cors && sansMethods(draft.cors) !== sansMethods(cors)) log.partial(from.file, from.at, 'CORS preflight', 'cors', 'preflight answers differ between resources; anygate has one CORS setting per gateway, the first read is kept');
  else draft.cors = cors;
}

/** Resolves a local `#/...` reference, once per path (cycles stop). */
function deref(doc: Json, v: unknown, seen = new Set<string>()): unknown {
  const o = obj(v);
  if (!o) return Array.isArray(v) ? v.map((x) => deref(doc, x, seen)) : v;
  const ref = str(o.$ref);
  if (ref && ref.startsWith('#/') && !seen.has(ref)) {
    let cur: unknown = doc;
    for (const t of ref.slice(2).split('/')) cur = obj(cur)?.[t.replace(/~1/g, '/').replace(/~0/g, '~')];
    return cur === undefined ? v : deref(doc, cur, new Set([...seen, ref]));
  }
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, deref(doc, x, seen)]));
}

/** Reads an OpenAPI body at `base` (pointer prefix of the body inside `file`). */
export function readOpenApiBody(doc: Json, file: string, base: string, draft: SpecDraft, log: FindingLog, apiKeyRequired = false, generated?: GeneratedConfigs): void {
  const at = (...t: (string | number)[]) => base + pointer(t);
  const title = str(obj(doc.info)?.title);
  if (title && draft.name === 'imported') draft.name = title;
  const version = str(obj(doc.info)?.version);
  if (version) draft.version = version;
  const description = str(obj(doc.info)?.description);
  if (description) draft.description = description;
  if (str(doc.basePath) && doc.basePath !== '/') log.lost(file, at('basePath'), 'basePath', 'API Gateway ignores basePath on import by default (the stage is the prefix); set basePath in the spec if the routes need one');
  const schemes: Record<string, string | undefined> = {};
  const schemeDefs = obj(obj(doc.components)?.securitySchemes) ?? obj(doc.securityDefinitions) ?? {};
  // Where the schemes were found (a Swagger 2 export may also hold a `components`).
  const schemesAt = obj(obj(doc.components)?.securitySchemes) ? ['components', 'securitySchemes'] : ['securityDefinitions'];
  const schemeName = (n: string) => {
    if (!(n in schemes)) schemes[n] = schemeDefs[n] ? readSecurityScheme(n, obj(schemeDefs[n])!, { file, at: at(...schemesAt, n) }, draft, log, generated?.authorizer) : undefined;
    return schemes[n];
  };
  const validators = obj(doc['x-amazon-apigateway-request-validators']) ?? {};
  const defaultValidator = str(doc['x-amazon-apigateway-request-validator']);
  const rootSecurity = doc.security;
  const contracts = new AwsContractReader(doc, file, base, log);
  const ops: AwsOperation[] = [];
  for (const [path, item] of Object.entries(obj(doc.paths) ?? {})) {
    const pathItem = obj(item) ?? {};
    for (const [key, rawOp] of Object.entries(pathItem)) {
      const method = key === 'x-amazon-apigateway-any-method' ? 'ANY' : key.toUpperCase();
      if (!(METHODS as readonly string[]).includes(method) && method !== 'ANY') {
        if (key !== 'parameters' && key !== 'summary' && key !== 'description') log.lost(file, at('paths', path, key), `path item ${key}`, 'not an HTTP method anygate routes');
        continue;
      }
      const op = obj(rawOp) ?? {};
      const security = (op.security ?? rootSecurity) as unknown;
      let auth: string[][] | undefined;
      const scopes = new Set<string>();
      const parameters = [...arr(pathItem.parameters), ...arr(op.parameters)].map((p) => obj(deref(doc, p)) ?? {});
      const own = generatedRouteAuth(method, path.replace(/\/+$/, '') || '/', security, parameters, generated, { file, at: at('paths', path, key, 'security') }, draft, log);
      if (own) {
        auth = own.auth;
        for (const s of own.scopes) scopes.add(s);
      } else if (Array.isArray(security) && security.length) {
        const alternatives: string[][] = [];
        for (const req of security) {
          const names: string[] = [];
          for (const [n, sc] of Object.entries(obj(req) ?? {})) {
            const spec = schemeName(n);
            if (spec) names.push(spec);
            for (const s of arr(sc)) if (typeof s === 'string') scopes.add(s);
          }
          if (names.length) alternatives.push(names);
          else if (Object.keys(obj(req) ?? {}).length === 0) alternatives.length = 0;
        }
        auth = alternatives.length ? alternatives : undefined;
      }
      const vName = str(op['x-amazon-apigateway-request-validator']) ?? defaultValidator;
      let validation: Json | undefined;
      if (vName) {
        const v = obj(validators[vName]);
        if (!v) log.lost(file, at('paths', path, key, 'x-amazon-apigateway-request-validator'), 'request validator', `validator ${JSON.stringify(vName)} is not defined in x-amazon-apigateway-request-validators`);
        else {
          validation = {};
          if (v.validateRequestParameters) {
            const q = parameters.filter((p) => p.in === 'query' && p.required === true).map((p) => String(p.name));
            const h = parameters.filter((p) => p.in === 'header' && p.required === true).map((p) => String(p.name));
            if (q.length) validation.requiredQuery = q;
            if (h.length) validation.requiredHeaders = h;
          }
          if (v.validateRequestBody) {
            const content = obj(obj(deref(doc, op.requestBody))?.content);
            const schema = obj(obj(content?.['application/json'])?.schema) ?? obj(parameters.find((p) => p.in === 'body')?.schema);
            if (schema) validation.bodySchema = schema;
          }
          if (Object.keys(validation).length === 0) validation = undefined;
          log.mapped(file, at('paths', path, key, 'x-amazon-apigateway-request-validator'), 'request validator', 'routes[].validation');
        }
      }
      const integration = obj(op['x-amazon-apigateway-integration']);
      const read = contracts.operation({
        path,
        key,
        method,
        op,
        item: pathItem,
        id: str(op.operationId),
        validator: vName ? obj(validators[vName]) : undefined,
        used: otherParameters(integration, auth, draft),
        validated: new Set([...arr(validation?.requiredQuery).map((n) => paramKey('query', String(n))), ...arr(validation?.requiredHeaders).map((n) => paramKey('header', String(n)))]),
        mock: String(integration?.type).toLowerCase() === 'mock',
      });
      ops.push({
        method,
        path: path.replace(/\/+$/, '') || '/',
        from: { file, at: at('paths', path, key) },
        integration: integration,
        integrationAt: at('paths', path, key, 'x-amazon-apigateway-integration'),
        auth: auth ?? (apiKeyRequired ? [[schemeApiKey(draft, file, at('paths', path, key), log)]] : undefined),
        scopes: auth && [...scopes].length ? [...scopes] : [],
        id: str(op.operationId),
        description: read.description,
        tags: arr(op.tags).filter((t): t is string => typeof t === 'string'),
        validation,
        contract: read.contract,
      });
    }
  }
  addOperations(ops, draft, log, generated);
  contracts.finish(draft);
  readApiExtensions(doc, file, base, draft, log);
}

/**
 * The `in:name` keys of the optional parameters a method declares for something other than its
 * contract: what the integration maps or keys its cache on (`method.request.querystring.x`), and
 * the credentials of its authorizers.
 */
function otherParameters(integration: Json | undefined, auth: string[][] | undefined, draft: SpecDraft): Set<string> {
  const out = new Set<string>();
  const refs = [...Object.values(obj(integration?.requestParameters) ?? {}), ...arr(integration?.cacheKeyParameters)];
  for (const v of refs) {
    const m = typeof v === 'string' ? /^method\.request\.(querystring|header)\.(.+)$/.exec(v) : null;
    if (m) out.add(paramKey(m[1] === 'querystring' ? 'query' : 'header', m[2]!));
  }
  for (const n of new Set((auth ?? []).flat())) {
    const a = draft.authorizers[n] ?? {};
    if (a.type === 'apiKey') out.add(paramKey(a.in === 'query' ? 'query' : 'header', String(a.name)));
    else out.add(paramKey('header', String(a.header ?? 'Authorization')));
  }
  return out;
}

/**
 * The routes of a generated authorizer's configuration, each with its requirement: config.json
 * packs them by requirement (`routeGroups`, each route a `METHOD /resource` string); an out dir
 * synthesized before that lists one object per route (`routes`).
 */
function generatedRoutes(config: Json): Json[] {
  if (!Array.isArray(config.routeGroups)) return arr(config.routes).map(obj).filter((r): r is Json => r !== undefined);
  return arr(config.routeGroups).flatMap((g) => {
    const group = obj(g);
    if (!group) return [];
    return arr(group.routes).flatMap((k) => {
      const sp = typeof k === 'string' ? k.indexOf(' ') : -1;
      return sp > 0 ? [{ ...group, method: (k as string).slice(0, sp), resource: (k as string).slice(sp + 1) }] : [];
    });
  });
}

/**
 * A route anygate's generated authorizer decides: its alternatives (or its one set of
 * credentials) and scopes, by the authorizer names of the spec, from the authorizer's
 * configuration. The `api_key` scheme beside it stands for a header key API Gateway itself checks.
 * Undefined when the configuration does not list the route.
 */
function generatedRouteAuth(method: string, path: string, security: unknown, params: Json[], generated: GeneratedConfigs | undefined, from: At, draft: SpecDraft, log: FindingLog): { auth: string[][]; scopes: string[] } | undefined {
  const config = generated?.authorizer;
  const entry = config ? generatedRoutes(config).find((r) => r.method === method && r.resource === path) : undefined;
  if (!config || !entry) return undefined;
  const names = (v: unknown) => arr(v).filter((n): n is string => typeof n === 'string');
  const alternatives = arr(entry.alternatives).map(names);
  let auth: string[][];
  if (alternatives.length) auth = alternatives;
  else {
    const one = [...names(entry.jwt), ...names(entry.apiKeys)];
    const requirement = obj(arr(security)[0]) ?? {};
    if ('api_key' in requirement && !names(entry.apiKeys).length) one.push(schemeApiKey(draft, from.file, from.at, log));
    auth = [one];
  }
  for (const n of new Set(auth.flat())) {
    if (generatedAuthorizer(n, config, params, from, draft, log)) continue;
    if (!draft.authorizers[n]) return undefined;
  }
  log.mapped(from.file, from.at, "anygate's generated authorizer: the route's credentials", 'routes[].auth');
  return { auth, scopes: names(entry.scopes) };
}

function schemeApiKey(draft: SpecDraft, file: string, at: string, log: FindingLog): string {
  const existing = Object.entries(draft.authorizers).find(([, a]) => a.type === 'apiKey');
  if (existing) return existing[0];
  draft.authorizers.apiKey = { type: 'apiKey', in: 'header', name: 'x-api-key' };
  log.mapped(file, at, 'API key required', 'authorizers.apiKey');
  return 'apiKey';
}

/** The API-level extensions. */
function readApiExtensions(doc: Json, file: string, base: string, draft: SpecDraft, log: FindingLog): void {
  const at = (k: string) => `${base}/${k}`;
  const binary = arr(doc['x-amazon-apigateway-binary-media-types']).filter((t): t is string => typeof t === 'string').map((t) => t.replace(/~1/g, '/'));
  if (binary.length) {
    draft.aws = { ...(draft.aws ?? {}), binaryMediaTypes: [...new Set([...((draft.aws?.binaryMediaTypes as string[]) ?? []), ...binary])] };
    log.mapped(file, at('x-amazon-apigateway-binary-media-types'), 'binary media types', 'aws.binaryMediaTypes');
  }
  const keySource = str(doc['x-amazon-apigateway-api-key-source']);
  if (keySource) {
    if (keySource.toUpperCase() === 'HEADER') log.mapped(file, at('x-amazon-apigateway-api-key-source'), 'API key source', 'authorizers (apiKey, header x-api-key)');
    else log.lost(file, at('x-amazon-apigateway-api-key-source'), 'API key source AUTHORIZER', 'the key comes from a Lambda authorizer (usageIdentifierKey); anygate reads API keys from a header or query parameter');
  }
  // The headers browsers may read: preflights do not say them, the CORS headers of errors do.
  const expose = Object.values(obj(doc['x-amazon-apigateway-gateway-responses']) ?? {})
    .map((r) => str(obj(obj(r)?.responseParameters)?.['gatewayresponse.header.Access-Control-Expose-Headers']))
    .find((v) => v !== undefined);
  if (draft.cors && expose && !draft.cors.exposeHeaders) {
    const list = expose.replace(/^'|'$/g, '').split(',').map((h) => h.trim()).filter(Boolean);
    if (list.length) draft.cors = { ...draft.cors, exposeHeaders: list };
  }
  for (const [k, v] of Object.entries(obj(doc['x-amazon-apigateway-gateway-responses']) ?? {})) {
    log.lost(file, `${at('x-amazon-apigateway-gateway-responses')}/${k}`, `gateway response ${k}`, `anygate answers errors with one error contract on every target${obj(obj(v)?.responseParameters) ? '; CORS headers on errors come from the cors setting' : ''}`);
  }
  const policy = obj(doc['x-amazon-apigateway-policy']);
  if (policy) readResourcePolicy(policy, file, at('x-amazon-apigateway-policy'), draft, log);
  for (const k of Object.keys(doc).filter((k) => k.startsWith('x-amazon-apigateway-') && !['x-amazon-apigateway-binary-media-types', 'x-amazon-apigateway-api-key-source', 'x-amazon-apigateway-gateway-responses', 'x-amazon-apigateway-policy', 'x-amazon-apigateway-request-validators', 'x-amazon-apigateway-request-validator', 'x-amazon-apigateway-documentation'].includes(k)))
    log.lost(file, at(k), k, `${k} has no anygate equivalent`);
}

/** A resource policy: aws:SourceIp conditions become ipRules; anything else is lost. */
export function readResourcePolicy(policy: Json, file: string, at: string, draft: SpecDraft, log: FindingLog): void {
  const statements = arr(policy.Statement);
  statements.forEach((s, n) => {
    const st = obj(s) ?? {};
    const cond = obj(st.Condition) ?? {};
    const ips = [obj(cond.IpAddress)?.['aws:SourceIp'], obj(cond.NotIpAddress)?.['aws:SourceIp']];
    const where = `${at}/Statement/${n}`;
    const list = (v: unknown) => (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string');
    if (!ips[0] && !ips[1]) {
      if (st.Effect === 'Allow' && (st.Principal === '*' || obj(st.Principal)?.AWS === '*') && Object.keys(cond).length === 0) log.mapped(file, where, 'resource policy: allow everyone', 'the default');
      else log.lost(file, where, 'resource policy statement', 'only source-IP conditions (aws:SourceIp) map to ipRules; principals, VPC endpoints and other conditions have no anygate equivalent');
      return;
    }
    draft.ipRules ??= { allow: [], deny: [] };
    if (st.Effect === 'Deny') draft.ipRules.deny.push(...list(ips[0]));
    else draft.ipRules.allow.push(...list(ips[0]));
    if (ips[1]) (st.Effect === 'Deny' ? draft.ipRules.allow : draft.ipRules.deny).push(...list(ips[1]));
    log.mapped(file, where, 'resource policy aws:SourceIp', 'ipRules');
  });
}
