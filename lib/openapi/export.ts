/**
 * GatewaySpec -> OpenAPI 3.1. Standard fields say what OpenAPI can (paths, parameters, security,
 * servers); `x-anygate` extensions carry the rest, so importing the export gives the same spec.
 */
import type { OpenAPIV3_1 } from 'openapi-types';
import { canonical } from '../model/normalize';
import { GatewaySchema, Route } from '../model/schema';
import type { AuthorizerSpec, GatewaySpec, RouteSpec } from '../model/types';

/** Route fields standard OpenAPI carries (operationId, method and path keys, security, text). */
const ROUTE_STANDARD = new Set(['id', 'method', 'path', 'auth', 'scopes', 'description', 'tags']);
/** Gateway fields standard OpenAPI carries (info, paths); `defaults` is applied by normalization. */
const GATEWAY_STANDARD = new Set(['version', 'description', 'routes', 'defaults']);

const isEmpty = (v: unknown) => v === undefined || (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0);

/**
 * Every field of `schemaKeys` that `value` sets and OpenAPI cannot hold, for x-anygate. Derived
 * from the zod schema's keys, so a field added to the model is exported without touching this file.
 */
function extension(value: object, schemaKeys: readonly string[], standard: ReadonlySet<string>): Record<string, unknown> {
  const v = value as Record<string, unknown>;
  return Object.fromEntries(schemaKeys.filter((k) => !standard.has(k) && !isEmpty(v[k])).map((k) => [k, v[k]]));
}

function securityScheme(a: AuthorizerSpec): OpenAPIV3_1.SecuritySchemeObject {
  switch (a.type) {
    case 'jwt':
      return { type: 'openIdConnect', openIdConnectUrl: `${a.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration` };
    case 'apiKey':
      // `Authorization: Bearer <key>` is what OpenAPI calls http bearer (no bearerFormat: not a JWT).
      if (a.scheme?.toLowerCase() === 'bearer' && a.name.toLowerCase() === 'authorization') return { type: 'http', scheme: 'bearer' };
      return { type: 'apiKey', in: a.in, name: a.name, ...(a.scheme ? { description: `${a.name}: ${a.scheme} <key>` } : {}) };
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
  const ext = extension(r, Object.keys(Route.shape), ROUTE_STANDARD);
  // A route kept out of a server that exposes every route says so, or import would expose it.
  if (spec.mcp?.expose === 'all' && !r.mcp) ext.mcp = false;
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
    'x-anygate': extension(spec, Object.keys(GatewaySchema.shape), GATEWAY_STANDARD),
  };
  return canonical(doc) as unknown as OpenAPIV3_1.Document;
}
