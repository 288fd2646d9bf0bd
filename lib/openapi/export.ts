/**
 * GatewaySpec -> OpenAPI 3.1. Standard fields say what OpenAPI can (paths, parameters, security,
 * servers, and the contract: summaries, bodies, responses, components); `x-anygate` extensions
 * carry the rest, so importing the export gives the same spec.
 */
import type { OpenAPIV3_1 } from 'openapi-types';
import { impliedContract, publishedContract } from '../model/contract';
import { AnygateError } from '../model/errors';
import { canonical } from '../model/normalize';
import { GatewaySchema, Route } from '../model/schema';
import type { AuthorizerSpec, GatewaySpec, RouteSpec } from '../model/types';

/** Route fields standard OpenAPI carries (operationId, method and path keys, security, text). */
const ROUTE_STANDARD = new Set(['id', 'method', 'path', 'auth', 'scopes', 'description', 'tags', 'contract']);
/** Gateway fields standard OpenAPI carries (info, paths); `defaults` is applied by normalization. */
const GATEWAY_STANDARD = new Set(['version', 'description', 'routes', 'defaults', 'components']);

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
  const c = r.contract;
  const published = publishedContract(spec.components, c, impliedContract(r.segments, r.validation));
  const security =
    r.auth === 'none'
      ? []
      : [
          // Optional authentication is the empty requirement among the alternatives (`security: [{}, ...]`).
          ...(r.authOptional ? [{}] : []),
          ...r.auth.map((alt) => Object.fromEntries(alt.map((n) => [n, spec.authorizers[n].type === 'jwt' ? r.scopes : []]))),
        ];
  // The document's own operationId is published; the route id, then, travels in x-anygate.
  const ext: Record<string, unknown> = { ...(c?.operationId ? { id: r.id } : {}), ...extension(r, Object.keys(Route.shape), ROUTE_STANDARD) };
  // A route kept out of a server that exposes every route says so, or import would expose it.
  if (spec.mcp?.expose === 'all' && !r.mcp) ext.mcp = false;
  return {
    operationId: c?.operationId ?? r.id,
    ...(c?.summary !== undefined ? { summary: c.summary } : {}),
    ...(r.description ? { description: r.description } : {}),
    ...(r.tags.length ? { tags: r.tags } : {}),
    ...(c?.externalDocs ? { externalDocs: c.externalDocs } : {}),
    ...(published.parameters.length ? { parameters: published.parameters } : {}),
    ...(published.requestBody ? { requestBody: published.requestBody } : {}),
    responses: published.responses,
    ...(c?.deprecated ? { deprecated: true } : {}),
    security,
    'x-anygate': ext,
  } as OpenAPIV3_1.OperationObject;
}

/** The gateway as an OpenAPI 3.1 document. */
export interface ExportOptions {
  /**
   * Only the routes of this API version (`versions`): routes of different versions may share a
   * method and path, and an OpenAPI document holds one operation per method and path.
   * @default - every route
   */
  readonly version?: string;
}

/**
 * The spec as x-anygate writes it back as input: path versioning has no selector name (the model
 * holds ''), and one version's document leaves out a version canary, whose other side it lacks.
 */
function exported(spec: GatewaySpec, version: string | undefined): GatewaySpec {
  const v = spec.versions;
  const versions = v?.scheme === 'path' ? ({ scheme: v.scheme, list: v.list } as GatewaySpec['versions']) : v;
  const release = version !== undefined && spec.release?.canary?.version ? undefined : spec.release;
  return { ...spec, versions, release };
}

export function exportOpenApi(spec: GatewaySpec, options: ExportOptions = {}): OpenAPIV3_1.Document {
  const { version } = options;
  const names = spec.versions?.list.map((v) => v.name) ?? [];
  if (version !== undefined && !names.includes(version)) throw new AnygateError(`--api-version ${JSON.stringify(version)}: ${names.length ? `the spec's versions are ${names.join(', ')}` : 'the spec declares no versions'}`);
  const paths: Record<string, Record<string, unknown>> = {};
  const placed = new Map<string, RouteSpec>();
  for (const r of spec.routes) {
    if (version !== undefined && r.versions && !r.versions.includes(version)) continue;
    const key = r.method === 'ANY' ? 'x-anygate-any-method' : r.method.toLowerCase();
    // Never lose a route: two on one method and path (disjoint versions) do not fit one document.
    const other = placed.get(`${key} ${r.path}`);
    if (other) throw new AnygateError(`routes ${other.id} and ${r.id} are both ${r.method} ${r.path} (in different versions), and an OpenAPI document holds one operation per method and path; export one version at a time: anygate export --api-version ${names.join('|')}`);
    placed.set(`${key} ${r.path}`, r);
    (paths[r.path] ??= {})[key] = operation(spec, r);
  }
  const schemes = Object.fromEntries(Object.entries(spec.authorizers).map(([n, a]) => [n, securityScheme(a)]));
  const doc = {
    openapi: '3.1.0',
    info: { title: spec.name, version: spec.version, ...(spec.description ? { description: spec.description } : {}) },
    servers: [{ url: spec.basePath, description: 'the gateway (prefix this with the deployed host)' }],
    paths,
    ...(Object.keys(schemes).length || spec.components ? { components: { ...spec.components, ...(Object.keys(schemes).length ? { securitySchemes: schemes } : {}) } } : {}),
    'x-anygate': extension(exported(spec, version), Object.keys(GatewaySchema.shape), GATEWAY_STANDARD),
  };
  return canonical(doc) as unknown as OpenAPIV3_1.Document;
}
