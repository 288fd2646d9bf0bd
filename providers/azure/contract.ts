/**
 * The route's contract in API Management's terms: operation parameters with their types (and, for a
 * constrained schema, a type in the API schema), request representations naming a type of the API
 * schema (an ApiSchema of OpenAPI 3.0 components), so `validate-parameters` and `validate-content`
 * check against the contract and the developer portal shows it. Schemas are converted once
 * (lib/model/schema-dialects.ts); the capability records have refused what OpenAPI 3.0 cannot say.
 */
import { resolveContractRef } from '../../lib/model/contract';
import { contractChecks, isJsonMediaType, schemaClosure } from '../../lib/model/contract-validation';
import { toDialect } from '../../lib/model/schema-dialects';
import type { GatewaySpec, RouteSpec } from '../../lib/model/types';

/** An operation parameter (template, query or header) as ApiOperation declares it. */
export type ApimParameter = {
  readonly name: string;
  /** A simple type (string, integer, number, boolean, array, object). */
  readonly type: string;
  readonly required: boolean;
  /** What the contract says of the parameter (the portal shows it). @default - none */
  readonly description?: string;
  /** Allowed values (the schema's enum). @default - any */
  readonly values?: string[];
  /** The API schema and type holding a constrained schema. @default - none */
  readonly schemaId?: string;
  readonly typeName?: string;
};

/** A request representation: a media type and, when it has a schema, its type in the API schema. */
export type ApimRepresentation = {
  readonly contentType: string;
  readonly typeName?: string;
};

export interface ApimContract {
  readonly parameters: { path: ApimParameter[]; query: ApimParameter[]; header: ApimParameter[] };
  readonly representations: ApimRepresentation[];
  /** Whether validate-parameters / validate-content run. */
  readonly checksParameters: boolean;
  readonly checksBody: boolean;
  /** JSON media types validate-content checks. */
  readonly jsonTypes: string[];
}

/** The one API schema anygate writes: components of OpenAPI 3.0. */
export const SCHEMA_ID = 'anygate-bodies';

const refOnly = (s: unknown) => (s && typeof s === 'object' && typeof (s as { $ref?: unknown }).$ref === 'string' && Object.keys(s).length === 1 ? /^#\/components\/schemas\/([^/]+)$/.exec((s as { $ref: string }).$ref) : null);

const SIMPLE = new Set(['string', 'integer', 'number', 'boolean', 'array', 'object']);

/**
 * The contract parts of `route`'s operation, adding every schema it needs to `schemas` (by type
 * name). Undefined when the route does not validate against its contract.
 */
export function apimContract(spec: GatewaySpec, route: RouteSpec, schemas: Record<string, unknown>): ApimContract | undefined {
  const checks = contractChecks(spec.components, route);
  if (!checks) return declaredParameters(spec, route);
  const convert = (s: unknown) => toDialect(s, 'openapi-3.0').schema;
  const reached: unknown[] = [];
  const parameters: ApimContract['parameters'] = { path: [], query: [], header: [] };
  for (const p of checks.parameters) {
    if (p.in === 'cookie') continue;
    const schema = p.schema === undefined ? {} : convert(p.schema);
    const type = typeof schema.type === 'string' && SIMPLE.has(schema.type) ? schema.type : 'string';
    const constrained = Object.keys(schema).some((k) => !['type', 'enum', 'description', 'title', 'example'].includes(k));
    const values = Array.isArray(schema.enum) ? schema.enum.map(String) : undefined;
    let typeName: string | undefined;
    if (constrained) {
      const ref = refOnly(p.schema);
      typeName = ref ? decodeURIComponent(ref[1]) : `${route.id}-${p.in}-${p.name}`;
      if (!ref) schemas[typeName] = schema;
      reached.push(p.schema);
    }
    parameters[p.in].push({ name: p.name, type, required: p.required, ...(p.description ? { description: p.description } : {}), ...(values ? { values } : {}), ...(typeName ? { schemaId: SCHEMA_ID, typeName } : {}) });
  }
  const representations: ApimRepresentation[] = [];
  (checks.body?.content ?? []).forEach((m, i) => {
    if (m.schema === undefined) return void representations.push({ contentType: m.type });
    const ref = refOnly(m.schema);
    const typeName = ref ? decodeURIComponent(ref[1]) : `${route.id}Body${i ? i + 1 : ''}`;
    if (!ref) schemas[typeName] = convert(m.schema);
    reached.push(m.schema);
    representations.push({ contentType: m.type, typeName });
  });
  for (const n of schemaClosure(spec.components, reached)) schemas[n] = convert(spec.components!.schemas![n]);
  const jsonTypes = (checks.body?.content ?? []).filter((m) => m.schema !== undefined && isJsonMediaType(m.type)).map((m) => m.type);
  return { parameters, representations, checksParameters: checks.parts.parameters && checks.parameters.length > 0, checksBody: jsonTypes.length > 0, jsonTypes };
}

/**
 * The parameters a route's contract declares, when the route does not validate against it: the
 * operation declares them (the portal, the test console and the API's export show them) as
 * documentation. A route whose `validate-parameters` runs for its own required query parameters or
 * headers would check these too, so there they are declared as optional strings: publishing never
 * validates. Undefined when the contract declares none.
 */
function declaredParameters(spec: GatewaySpec, route: RouteSpec): ApimContract | undefined {
  if (!route.contract?.parameters?.length) return undefined;
  const v = route.validation;
  const otherValidator = Boolean(v?.requiredQuery?.length || v?.requiredHeaders?.length);
  const parameters: ApimContract['parameters'] = { path: [], query: [], header: [] };
  for (const raw of route.contract.parameters) {
    let p: Record<string, unknown>;
    try {
      p = resolveContractRef<Record<string, unknown>>(spec.components, raw, 'parameter');
    } catch {
      continue; // a broken ref: validation names it
    }
    const where = p?.in;
    if (typeof p?.name !== 'string' || (where !== 'path' && where !== 'query' && where !== 'header')) continue;
    const schema = p.schema === undefined ? {} : toDialect(p.schema, 'openapi-3.0').schema;
    const typed = where === 'path' || !otherValidator;
    const type = typed && typeof schema.type === 'string' && SIMPLE.has(schema.type) ? schema.type : 'string';
    const values = typed && Array.isArray(schema.enum) ? schema.enum.filter((x) => x !== null).map(String) : undefined;
    const required = where === 'path' || (p.required === true && !otherValidator);
    const description = typeof p.description === 'string' && p.description ? p.description : undefined;
    parameters[where].push({ name: where === 'path' ? p.name.replace(/\+$/, '') : p.name, type, required, ...(description ? { description } : {}), ...(values?.length ? { values } : {}) });
  }
  if (!parameters.path.length && !parameters.query.length && !parameters.header.length) return undefined;
  return { parameters, representations: [], checksParameters: false, checksBody: false, jsonTypes: [] };
}

/** A response as ApiOperation declares it (statusCode, description, representations). */
export type ApimResponse = {
  readonly statusCode: number;
  readonly description?: string;
  readonly representations?: ApimRepresentation[];
};

/**
 * What the portal and test console show of a route's contract beyond what it validates: the
 * request body's representations (when validation does not already declare them) and the numbered
 * responses, their schemas as types of the API schema. Documentation only: a keyword OpenAPI 3.0
 * cannot say is left out of the published type (validation, which would check less, refuses it).
 */
export function apimPublished(spec: GatewaySpec, route: RouteSpec, schemas: Record<string, unknown>): { representations: ApimRepresentation[]; responses: ApimResponse[] } {
  const c = route.contract;
  const out = { representations: [] as ApimRepresentation[], responses: [] as ApimResponse[] };
  if (!c) return out;
  const reached: unknown[] = [];
  const represent = (content: unknown, name: string): ApimRepresentation[] =>
    Object.entries((content ?? {}) as Record<string, { schema?: unknown }>).map(([contentType, m], i) => {
      if (m?.schema === undefined) return { contentType };
      const ref = refOnly(m.schema);
      const typeName = ref ? decodeURIComponent(ref[1]) : `${name}${i ? i + 1 : ''}`;
      if (!ref) schemas[typeName] = toDialect(m.schema, 'openapi-3.0').schema;
      reached.push(m.schema);
      return { contentType, typeName };
    });
  const resolve = (v: unknown, where: string): Record<string, unknown> | undefined => {
    try {
      return resolveContractRef<Record<string, unknown>>(spec.components, v, where);
    } catch {
      return undefined;
    }
  };
  if (c.requestBody) out.representations = represent(resolve(c.requestBody, 'requestBody')?.content, `${route.id}Body`);
  for (const [status, r] of Object.entries(c.responses ?? {})) {
    if (!/^[1-5][0-9]{2}$/.test(status)) continue; // APIM responses are numbered: default and 2XX are not
    const res = resolve(r, `responses.${status}`);
    const representations = represent(res?.content, `${route.id}Response${status}`);
    out.responses.push({ statusCode: Number(status), ...(typeof res?.description === 'string' ? { description: res.description } : {}), ...(representations.length ? { representations } : {}) });
  }
  for (const n of schemaClosure(spec.components, reached)) schemas[n] ??= toDialect(spec.components!.schemas![n], 'openapi-3.0').schema;
  return out;
}
