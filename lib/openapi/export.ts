/**
 * GatewaySpec -> OpenAPI 3.1. Standard fields say what OpenAPI can (paths, parameters, security,
 * servers, and the contract: summaries, bodies, responses, components); `x-anygate` extensions
 * carry the rest, so importing the export gives the same spec.
 */
import type { OpenAPIV3_1 } from 'openapi-types';
import { impliedContract, isRefObject, publishedContract, resolveContractRef } from '../model/contract';
import { AnygateError } from '../model/errors';
import { canonical } from '../model/normalize';
import { basePrefix, pathParams, pathShape, type PathSegment } from '../model/path';
import { versionsOverlap } from '../model/versions-validate';
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

/**
 * The route's path parameter names -> the names its path item in the document uses
 * ({@link pathItemRoutes}); undefined when they are the same.
 */
function renamesTo(r: RouteSpec, itemSegments: readonly PathSegment[]): Map<string, string> | undefined {
  const own = pathParams(r.segments);
  const item = pathParams(itemSegments);
  if (own.every((n, i) => n === item[i])) return undefined;
  return new Map(own.map((n, i) => [n, item[i]]));
}

/**
 * A declared contract parameter as the path item names it: an `in: path` one the route calls by
 * another name gets the path item's (`{p+}` keeps its `+`). A `$ref` to such a parameter cannot be
 * renamed, so it is written inline (the component, the reference's description winning) and the
 * reference travels in the parameter's `x-anygate.reference`, which import puts back.
 */
function renamedParameter(spec: GatewaySpec, r: RouteSpec, p: Record<string, unknown>, i: number, renames: ReadonlyMap<string, string>): Record<string, unknown> {
  let resolved: Record<string, unknown>;
  try {
    resolved = resolveContractRef<Record<string, unknown>>(spec.components, p, `routes[id=${r.id}].contract.parameters[${i}]`);
  } catch {
    return p; // validation names a broken reference before export runs
  }
  if (resolved?.in !== 'path' || typeof resolved.name !== 'string') return p;
  const greedy = resolved.name.endsWith('+');
  const to = renames.get(greedy ? resolved.name.slice(0, -1) : resolved.name);
  if (to === undefined) return p;
  const name = `${to}${greedy ? '+' : ''}`;
  if (!isRefObject(p)) return { ...p, name };
  const { description } = p as Record<string, unknown>;
  return { ...resolved, ...(typeof description === 'string' ? { description } : {}), name, 'x-anygate': { reference: p } };
}

function operation(spec: GatewaySpec, r: RouteSpec, itemSegments: readonly PathSegment[] = r.segments): OpenAPIV3_1.OperationObject {
  const renames = renamesTo(r, itemSegments);
  const c = renames && r.contract?.parameters ? { ...r.contract, parameters: r.contract.parameters.map((p, i) => renamedParameter(spec, r, p, i, renames)) } : r.contract;
  const published = publishedContract(spec.components, c, impliedContract(itemSegments, r.validation));
  const security =
    r.auth === 'none'
      ? []
      : [
          // Optional authentication is the empty requirement among the alternatives (`security: [{}, ...]`).
          ...(r.authOptional ? [{}] : []),
          ...r.auth.map((alt) => Object.fromEntries(alt.map((n) => [n, spec.authorizers[n].type === 'jwt' ? r.scopes : []]))),
        ];
  // The document's own operationId is published; the route id, then, travels in x-anygate.
  // The route's own parameter names, where its path item names them otherwise, travel in x-anygate.path.
  const ext: Record<string, unknown> = { ...(c?.operationId ? { id: r.id } : {}), ...(renames ? { path: r.path } : {}), ...extension(r, Object.keys(Route.shape), ROUTE_STANDARD) };
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
  /**
   * Only the routes of this API revision (`revisions`), for the same reason: routes of disjoint
   * revisions may share a method and path.
   * @default - every route
   */
  readonly revision?: number;
}

/** The document's operation key of a route: its method, or the extension that holds ANY. */
const operationKey = (r: RouteSpec) => (r.method === 'ANY' ? 'x-anygate-any-method' : r.method.toLowerCase());

/** The routes one document of `options` holds, in spec order. */
function selected(spec: GatewaySpec, options: ExportOptions): RouteSpec[] {
  const { version, revision } = options;
  return spec.routes.filter((r) => (version === undefined || !r.versions || r.versions.includes(version)) && (revision === undefined || !r.revisions || r.revisions.includes(revision)));
}

/** Two routes that would be one operation of one document (same method, same path shape). */
export interface OpenApiCollision {
  readonly first: RouteSpec;
  readonly second: RouteSpec;
}

/**
 * The first two routes of the document `options` selects that OpenAPI cannot hold side by side:
 * the same method on the same path shape (`GET /items/{id}` and `GET /items/{itemId}`: a document
 * holds one path item per shape, see {@link exportOpenApi}, and one operation per method there).
 * Validation lets such routes be only when their versions or revisions are disjoint; a document
 * per version or revision then holds each. @returns undefined when every route fits one document
 */
export function openApiCollision(spec: GatewaySpec, options: ExportOptions = {}): OpenApiCollision | undefined {
  const placed = new Map<string, RouteSpec>();
  for (const r of selected(spec, options)) {
    const key = `${operationKey(r)} ${pathShape(r.segments)}`;
    const other = placed.get(key);
    if (other) return { first: other, second: r };
    placed.set(key, r);
  }
  return undefined;
}

/** One OpenAPI document of a synthesis, and the file (relative to the out dir) it is written to. */
export interface OpenApiFile {
  /** `openapi.json`, or `openapi/<version>.json`, `openapi/revision-<n>.json`, `openapi/<version>/revision-<n>.json`. */
  readonly file: string;
  /** The version the document holds. @default - every version */
  readonly version?: string;
  /** The revision the document holds. @default - every revision */
  readonly revision?: number;
  readonly document: OpenAPIV3_1.Document;
}

/**
 * The OpenAPI documents that hold every route: `openapi.json` when they fit one document, else one
 * document per version (what `anygate export --api-version <v>` writes), and per revision within a
 * version whose routes still collide (docs/out-dir.md). No route is left out.
 */
export function openApiFiles(spec: GatewaySpec): OpenApiFile[] {
  // Path versions serve each version under its own segment, which one document's server cannot say.
  if (!openApiCollision(spec) && spec.versions?.scheme !== 'path') return [{ file: 'openapi.json', document: exportOpenApi(spec) }];
  const versions: (string | undefined)[] = spec.versions?.list.map((v) => v.name) ?? [undefined];
  const revisions = spec.revisions?.list.map((r) => r.number) ?? [];
  return versions.flatMap((version): OpenApiFile[] => {
    if (!openApiCollision(spec, { version }) || !revisions.length) return [{ file: version === undefined ? 'openapi.json' : `openapi/${version}.json`, ...(version === undefined ? {} : { version }), document: exportOpenApi(spec, { version }) }];
    return revisions.map((revision) => ({ file: version === undefined ? `openapi/revision-${revision}.json` : `openapi/${version}/revision-${revision}.json`, ...(version === undefined ? {} : { version }), revision, document: exportOpenApi(spec, { version, revision }) }));
  });
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

/**
 * The route whose path each path shape's path item is written under. OpenAPI 3.1 forbids
 * `/items/{id}` beside `/items/{itemId}` ("templated paths with the same hierarchy but different
 * templated names MUST NOT exist as they are identical"), so the routes of one shape share a path
 * item: under the path most of them use (fewest operations renamed), the first of those in
 * canonical order (path, then method) among equals.
 */
function pathItemRoutes(routes: readonly RouteSpec[]): Map<string, RouteSpec> {
  const uses = new Map<string, number>();
  for (const r of routes) uses.set(r.path, (uses.get(r.path) ?? 0) + 1);
  const items = new Map<string, RouteSpec>();
  for (const r of routes) {
    const shape = pathShape(r.segments);
    const best = items.get(shape);
    if (!best || uses.get(r.path)! > uses.get(best.path)!) items.set(shape, r);
  }
  return items;
}

/**
 * The server URL of the document of `version` (of every version when undefined): the base path, and
 * under path versioning the version's segment, which its routes are served under (import reads the
 * base path from x-anygate, not the server).
 */
export function documentServer(spec: GatewaySpec, version?: string): string {
  return version !== undefined && spec.versions?.scheme === 'path' ? `${basePrefix(spec.basePath)}/${version}` : spec.basePath;
}

/**
 * The spec (the routes `options` selects) as an OpenAPI 3.1 document. Routes whose paths differ
 * only in parameter names (`GET /items/{id}`, `DELETE /items/{itemId}`) are one path item, named
 * as most of them are named ({@link pathItemRoutes}); the others' operations carry their own path
 * in `x-anygate.path`, so import gives back the same spec. Throws when two selected routes share a
 * method and path shape ({@link openApiCollision}).
 */
export function exportOpenApi(spec: GatewaySpec, options: ExportOptions = {}): OpenAPIV3_1.Document {
  const { version, revision } = options;
  const names = spec.versions?.list.map((v) => v.name) ?? [];
  if (version !== undefined && !names.includes(version)) throw new AnygateError(`--api-version ${JSON.stringify(version)}: ${names.length ? `the spec's versions are ${names.join(', ')}` : 'the spec declares no versions'}`);
  const numbers = spec.revisions?.list.map((r) => r.number) ?? [];
  if (revision !== undefined && !numbers.includes(revision)) throw new AnygateError(`revision ${revision}: ${numbers.length ? `the spec's revisions are ${numbers.join(', ')}` : 'the spec declares no revisions'}`);
  // Never lose a route: two on one method and path shape (disjoint versions or revisions) do not fit one document.
  const c = openApiCollision(spec, options);
  if (c) {
    const { first: a, second: b } = c;
    const byVersion = version === undefined && !versionsOverlap(a.versions, b.versions);
    const same = a.path === b.path ? `both ${a.method} ${a.path}` : `${a.method} ${a.path} and ${b.method} ${b.path}, paths that differ only in parameter names (OpenAPI holds them as one path)`;
    const what = byVersion ? 'in different versions' : 'in different revisions';
    const how = byVersion ? `export one version at a time: anygate export --api-version ${names.join('|')}` : `one document holds one revision; anygate synth writes one per revision (openapi/revision-<n>.json)`;
    throw new AnygateError(`routes ${a.id} and ${b.id} are ${same} (${what}), and an OpenAPI document holds one operation per method and path; ${how}`);
  }
  const routes = selected(spec, options);
  const items = pathItemRoutes(routes);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const item = items.get(pathShape(r.segments))!;
    (paths[item.path] ??= {})[operationKey(r)] = operation(spec, r, item.segments);
  }
  const schemes = Object.fromEntries(Object.entries(spec.authorizers).map(([n, a]) => [n, securityScheme(a)]));
  const doc = {
    openapi: '3.1.0',
    info: { title: spec.name, version: spec.version, ...(spec.description ? { description: spec.description } : {}) },
    servers: [{ url: documentServer(spec, version), description: 'the gateway (prefix this with the deployed host)' }],
    paths,
    ...(Object.keys(schemes).length || spec.components ? { components: { ...spec.components, ...(Object.keys(schemes).length ? { securitySchemes: schemes } : {}) } } : {}),
    'x-anygate': extension(exported(spec, version), Object.keys(GatewaySchema.shape), GATEWAY_STANDARD),
  };
  return canonical(doc) as unknown as OpenAPIV3_1.Document;
}
