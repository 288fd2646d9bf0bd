/**
 * GatewaySpec -> OpenAPI 3.1. Standard fields say what OpenAPI can (paths, parameters, security,
 * servers); `x-anygate` extensions carry the rest, so importing the export gives the same spec.
 */
import type { OpenAPIV3_1 } from 'openapi-types';
import type { AuthorizerSpec, GatewaySpec, RouteSpec } from '../model/types';
import { canonical } from '../model/normalize';

function securityScheme(a: AuthorizerSpec): OpenAPIV3_1.SecuritySchemeObject {
  switch (a.type) {
    case 'jwt':
      return { type: 'openIdConnect', openIdConnectUrl: `${a.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration` };
    case 'apiKey':
      return { type: 'apiKey', in: a.in, name: a.name };
    case 'custom':
      return { type: 'apiKey', in: 'header', name: a.header, description: `custom authorizer (function binding ${a.binding})` };
  }
}

function operation(spec: GatewaySpec, r: RouteSpec): OpenAPIV3_1.OperationObject {
  const params: OpenAPIV3_1.ParameterObject[] = r.segments.flatMap((s) => (s.kind === 'param' ? [{ name: s.greedy ? `${s.name}+` : s.name, in: 'path', required: true, schema: { type: 'string' } }] : []));
  for (const q of r.validation?.requiredQuery ?? []) params.push({ name: q, in: 'query', required: true, schema: { type: 'string' } });
  for (const h of r.validation?.requiredHeaders ?? []) params.push({ name: h, in: 'header', required: true, schema: { type: 'string' } });
  const security =
    r.auth === 'none'
      ? []
      : r.auth.map((alt) => Object.fromEntries(alt.map((n) => [n, spec.authorizers[n].type === 'jwt' ? r.scopes : []])));
  const ext: Record<string, unknown> = {
    backend: r.backend,
    timeoutMs: r.timeoutMs,
    ...(r.cache ? { cache: r.cache } : {}),
    ...(r.rateLimit ? { rateLimit: r.rateLimit } : {}),
    ...(r.transform ? { transform: r.transform } : {}),
    ...(r.validation ? { validation: r.validation } : {}),
  };
  return {
    operationId: r.id,
    ...(r.description ? { description: r.description } : {}),
    ...(r.tags.length ? { tags: r.tags } : {}),
    ...(params.length ? { parameters: params } : {}),
    ...(r.validation?.bodySchema ? { requestBody: { required: true, content: { 'application/json': { schema: r.validation.bodySchema as OpenAPIV3_1.SchemaObject } } } } : {}),
    security,
    responses: { default: { description: 'The backend response' } },
    'x-anygate': ext,
  } as OpenAPIV3_1.OperationObject;
}

/** The gateway as an OpenAPI 3.1 document. */
export function exportOpenApi(spec: GatewaySpec): OpenAPIV3_1.Document {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of spec.routes) {
    const key = r.method === 'ANY' ? 'x-anygate-any-method' : r.method.toLowerCase();
    (paths[r.path] ??= {})[key] = operation(spec, r);
  }
  const schemes = Object.fromEntries(Object.entries(spec.authorizers).map(([n, a]) => [n, securityScheme(a)]));
  const doc = {
    openapi: '3.1.0',
    info: { title: spec.name, version: spec.version, ...(spec.description ? { description: spec.description } : {}) },
    servers: [{ url: spec.basePath, description: 'the gateway (prefix this with the deployed host)' }],
    paths,
    ...(Object.keys(schemes).length ? { components: { securitySchemes: schemes } } : {}),
    'x-anygate': {
      name: spec.name,
      basePath: spec.basePath,
      backends: spec.backends,
      authorizers: spec.authorizers,
      ...(Object.keys(spec.plans).length ? { plans: spec.plans } : {}),
      ...(Object.keys(spec.consumers).length ? { consumers: spec.consumers } : {}),
      stages: spec.stages,
      ...(spec.cors ? { cors: spec.cors } : {}),
      ...(spec.ipRules ? { ipRules: spec.ipRules } : {}),
      observability: spec.observability,
    },
  };
  return canonical(doc) as unknown as OpenAPIV3_1.Document;
}
