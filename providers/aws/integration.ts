/**
 * Integrations: http_proxy for HTTP backends, aws_proxy for functions, mock for mock backends,
 * and the generated transform function for transforms that parameter mapping cannot express.
 */
import type { SynthesisProblem } from '../../lib/model/errors';
import { formatPath, mustParsePath } from '../../lib/model/path';
import { parseTemplate, type TemplatePart } from '../../lib/model/template';
import type { GatewaySpec, HttpBackendSpec, RouteSpec } from '../../lib/model/types';
import type { TransformRoute } from '../../lib/runtime/config';
import { backendStageVariable, functionStageVariable, lambdaUri, TRANSFORM_STAGE_VARIABLE } from './plan';
import type { AwsResource } from './resources';

export interface AwsIntegration {
  readonly integration: Record<string, unknown>;
  /** Method request parameters the integration reads (they must be declared on the method). */
  readonly params: { in: 'path' | 'query' | 'header'; name: string }[];
  /** Method responses (status -> header names), for mock integrations. */
  readonly responses?: Record<string, string[]>;
  /** Set when the route goes through the generated transform function. */
  readonly transform?: TransformRoute;
  /** Function bindings the route invokes directly. */
  readonly bindings: string[];
}

/** Context key of a claim in the authorizer context (API Gateway keys are plain identifiers). */
export function claimContextKey(claim: string): string {
  return `claim_${claim.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

/** Claims referenced by a route's transforms. */
export function claimsUsed(route: RouteSpec): string[] {
  const req = route.transform?.request;
  const values = [...Object.values(req?.setHeaders ?? {}), ...Object.values(req?.setQuery ?? {})];
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string') {
      const p = parseTemplate(v);
      if (p.ok) for (const part of p.parts) if (part.kind === 'ref' && part.source === 'claim') out.push(part.name);
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  values.forEach(walk);
  walk(req?.body);
  return out;
}

/** The request-parameter source for a value, or undefined when mapping cannot express it. */
function nativeSource(value: string, rename: Record<string, string>, params: AwsIntegration['params']): string | undefined {
  const parsed = parseTemplate(value);
  if (!parsed.ok) return undefined;
  const parts: TemplatePart[] = parsed.parts;
  if (parts.length === 0) return "''";
  if (parts.length === 1 && parts[0].kind === 'text') return parts[0].text.includes("'") ? undefined : `'${parts[0].text}'`;
  if (parts.length !== 1 || parts[0].kind !== 'ref') return undefined;
  const ref = parts[0];
  switch (ref.source) {
    case 'path':
      return `method.request.path.${rename[ref.name] ?? ref.name}`;
    case 'query':
      params.push({ in: 'query', name: ref.name });
      return `method.request.querystring.${ref.name}`;
    case 'header':
      params.push({ in: 'header', name: ref.name });
      return `method.request.header.${ref.name}`;
    case 'claim':
      return `context.authorizer.${claimContextKey(ref.name)}`;
    case 'stage':
      return `stageVariables.${ref.name}`;
    default:
      return undefined;
  }
}

/** True when the route's transforms need the generated function rather than parameter mapping. */
function needsTransformFunction(route: RouteSpec, rename: Record<string, string>): boolean {
  const t = route.transform;
  if (!t) return false;
  const req = t.request;
  const res = t.response;
  if (res && (Object.keys(res.setHeaders ?? {}).length || res.removeHeaders?.length || res.redact?.length)) return true;
  if (req?.body !== undefined || req?.removeHeaders?.length || req?.removeQuery?.length) return true;
  const scratch: AwsIntegration['params'] = [];
  return [...Object.values(req?.setHeaders ?? {}), ...Object.values(req?.setQuery ?? {})].some((v) => nativeSource(v, rename, scratch) === undefined);
}

function hostPart(url: string): { scheme: string; rest: string } {
  const u = new URL(url);
  return { scheme: u.protocol.replace(/:$/, ''), rest: `${u.host}${u.pathname.replace(/\/+$/, '')}${u.search}` };
}

/** Base URL of an HTTP backend in the integration URI (through a stage variable when stages override it). */
export function backendBase(spec: GatewaySpec, name: string, target: string, where: string, problems: SynthesisProblem[]): { base: string; url: string; stageVariable?: string } | undefined {
  const b = spec.backends[name] as HttpBackendSpec;
  if (!b.url) return undefined;
  const overridden = Object.values(spec.stages).some((s) => s.backends[name]);
  if (!overridden) return { base: b.url.replace(/\/+$/, ''), url: b.url };
  const { scheme } = hostPart(b.url);
  for (const [stage, s] of Object.entries(spec.stages)) {
    const o = s.backends[name];
    if (o && hostPart(o.url).scheme !== scheme) {
      problems.push({ target, where, feature: 'stage.backends', message: `stage ${stage} overrides backend ${name} with ${o.url}, whose scheme differs from ${b.url}; API Gateway keeps the scheme in the template, so use ${scheme} for every stage` });
    }
  }
  const sv = backendStageVariable(name);
  return { base: `${scheme}://\${stageVariables.${sv}}`, url: b.url, stageVariable: sv };
}

/** The stage-variable value for a backend in a stage (host and path prefix, no scheme). */
export function backendStageValue(spec: GatewaySpec, name: string, stage: string): string {
  const b = spec.backends[name] as HttpBackendSpec;
  return hostPart(spec.stages[stage].backends[name]?.url ?? b.url!).rest;
}

/** Backend path of a route: its rewritePath, or its own path, with route parameter names. */
function backendPath(route: RouteSpec): string {
  return route.transform?.request?.rewritePath ?? route.path;
}

export function compileIntegration(
  spec: GatewaySpec,
  route: RouteSpec,
  resource: AwsResource,
  cors: TransformRoute['cors'],
  target: string,
  problems: SynthesisProblem[],
): AwsIntegration {
  const backend = spec.backends[route.backend];
  const params: AwsIntegration['params'] = [];
  const apiParam = (n: string) => resource.rename[n] ?? n;
  const timeoutInMillis = route.timeoutMs;

  if (backend.type === 'mock') {
    const headers = Object.keys(backend.headers).sort();
    for (const h of headers) {
      if (backend.headers[h].includes("'")) {
        problems.push({ target, where: route.id, feature: 'backend.mock', message: `mock header ${h} holds a single quote, which API Gateway's static header values cannot carry; remove it` });
      }
    }
    const status = String(backend.statusCode);
    const body = backend.body === undefined ? '' : JSON.stringify(backend.body);
    return {
      integration: {
        type: 'mock',
        requestTemplates: { 'application/json': `{"statusCode": ${backend.statusCode}}` },
        passthroughBehavior: 'when_no_match',
        responses: {
          default: {
            statusCode: status,
            // base64 keeps every byte of the body out of VTL's reach ($ and # are VTL syntax).
            responseTemplates: { 'application/json': body ? `$util.base64Decode("${Buffer.from(body, 'utf8').toString('base64')}")` : '' },
            ...(headers.length ? { responseParameters: Object.fromEntries(headers.map((h) => [`method.response.header.${h}`, `'${backend.headers[h]}'`])) } : {}),
          },
        },
      },
      params,
      responses: { [status]: headers },
      bindings: [],
    };
  }

  if (needsTransformFunction(route, resource.rename)) {
    const req = route.transform?.request;
    const res = route.transform?.response;
    let transformTarget: TransformRoute['target'];
    const bindings: string[] = [];
    if (backend.type === 'function') {
      transformTarget = { type: 'function', stageVariable: functionStageVariable(backend.binding) };
      bindings.push(backend.binding);
    } else {
      const b = backendBase(spec, route.backend, target, route.id, problems);
      transformTarget = b ? { type: 'http', url: b.url.replace(/\/+$/, ''), ...(b.stageVariable ? { stageVariable: b.stageVariable } : {}) } : { type: 'http', url: '' };
    }
    return {
      integration: { type: 'aws_proxy', httpMethod: 'POST', uri: lambdaUri(TRANSFORM_STAGE_VARIABLE), passthroughBehavior: 'when_no_match', timeoutInMillis },
      params,
      bindings,
      transform: {
        method: route.method,
        resource: resource.path,
        target: transformTarget,
        rename: resource.rename,
        backendPath: formatPath(mustParsePath(backendPath(route))),
        timeoutMs: Math.max(1, timeoutInMillis - 500),
        request: {
          setHeaders: req?.setHeaders ?? {},
          removeHeaders: (req?.removeHeaders ?? []).map((h) => h.toLowerCase()),
          setQuery: req?.setQuery ?? {},
          removeQuery: req?.removeQuery ?? [],
          ...(req?.body !== undefined ? { body: req.body } : {}),
        },
        response: {
          setHeaders: res?.setHeaders ?? {},
          removeHeaders: (res?.removeHeaders ?? []).map((h) => h.toLowerCase()),
          redact: res?.redact ?? [],
        },
        ...(cors ? { cors } : {}),
      },
    };
  }

  if (backend.type === 'function') {
    return {
      integration: { type: 'aws_proxy', httpMethod: 'POST', uri: lambdaUri(functionStageVariable(backend.binding)), passthroughBehavior: 'when_no_match', timeoutInMillis },
      params,
      bindings: [backend.binding],
    };
  }

  // HTTP proxy: path parameters map onto the backend path; header and query transforms map too.
  const b = backendBase(spec, route.backend, target, route.id, problems);
  const requestParameters: Record<string, string> = {};
  const bp = mustParsePath(backendPath(route));
  for (const s of bp) {
    if (s.kind === 'param') requestParameters[`integration.request.path.${s.name}`] = `method.request.path.${apiParam(s.name)}`;
  }
  const req = route.transform?.request;
  for (const [h, v] of Object.entries(req?.setHeaders ?? {})) requestParameters[`integration.request.header.${h}`] = nativeSource(v, resource.rename, params)!;
  for (const [q, v] of Object.entries(req?.setQuery ?? {})) requestParameters[`integration.request.querystring.${q}`] = nativeSource(v, resource.rename, params)!;
  const uriPath = bp.map((s) => '/' + (s.kind === 'literal' ? s.value : `${s.prefix}{${s.name}}${s.suffix}`)).join('');
  return {
    integration: {
      type: 'http_proxy',
      httpMethod: route.method,
      uri: `${b?.base ?? ''}${uriPath}`,
      passthroughBehavior: 'when_no_match',
      timeoutInMillis,
      ...(Object.keys(requestParameters).length ? { requestParameters: sortKeys(requestParameters) } : {}),
    },
    params,
    bindings: [],
  };
}

export function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
}
