/**
 * The contract API Management publishes, read back: an API schema of OpenAPI 3.0 components
 * (ApiSchema, `application/vnd.oai.openapi.components+json`) and each operation's request
 * representations and numbered responses naming its types. A type the operation itself owns
 * (anygate hoists a route's inline schema as `<operation>Body`, `<operation>Response<status>`)
 * comes back inline in the route's contract; every other type is a component, referenced.
 * Schemas come back in the model's OpenAPI 3.1 form through the OpenAPI importer's reader
 * (lib/openapi/contract.ts: `nullable` is a `null` type again).
 *
 * What the output does not hold is not invented: summaries and the request body's description
 * are not in anygate's. A parameter's `description` (anygate writes the contract's; an export may
 * hold one) is read back. A representation naming a type the API schema does
 * not hold (or another schema) leaves that operation's contract out, reported lost.
 */
import { ContractReader } from '../openapi/contract';
import { ImportContext } from '../openapi/context';
import { RefResolver } from '../openapi/refs';
import { arr, obj, str } from './data';

type Json = Record<string, unknown>;

/** One API schema: its id and its 3.0 component schemas. */
export interface ApimSchemaDoc {
  readonly schemaId: string;
  readonly schemas: Json;
}

/** The first `$ref` that is not a component schema of the same document, or undefined. */
function foreignRef(v: unknown): string | undefined {
  if (Array.isArray(v)) return v.map(foreignRef).find(Boolean);
  if (!v || typeof v !== 'object') return undefined;
  for (const [k, x] of Object.entries(v)) {
    if (k === '$ref' && (typeof x !== 'string' || !/^#\/components\/schemas\/[^/]+$/.test(x))) return String(x);
    const r = foreignRef(x);
    if (r) return r;
  }
  return undefined;
}

/** Every type in 3.1 form (refs between them kept), by the OpenAPI importer's reader. */
function upgraded(schemas: Json, file: string): Json {
  const doc = { openapi: '3.0.3', info: { title: 'schema', version: '0' }, paths: {}, components: { schemas } };
  const reader = new ContractReader(new ImportContext(doc, file, new RefResolver(doc, file), false, []));
  reader.readComponents();
  return reader.components.schemas;
}

/**
 * A parameter an operation declares (templateParameters, request.queryParameters / headers), as
 * an OpenAPI Parameter Object: its type (and allowed values) as its schema, or the API schema's
 * type it names. `plain` is what a policy implies (a string with nothing else said): the reader
 * decides from the policy whether validation, a cache key or the contract declared it.
 */
export interface ApimDeclaredParameter {
  readonly in: 'path' | 'query' | 'header';
  readonly name: string;
  readonly required: boolean;
  readonly plain: boolean;
  /** Where it is in the operation's inputs (`/request/headers/0`). */
  readonly where: string;
  /** The OpenAPI Parameter Object (`in`, `name`, `required` when true, `description`, `schema`). */
  readonly parameter: Json;
}

/** The contract read from one API's operations and schema; `lost` says per operation why not. */
export interface ApimContractRead {
  /** Route contract by operationId. */
  readonly contracts: Map<string, Json>;
  /** Declared parameters by operationId (the contract's, validation's or a cache key's). */
  readonly parameters: Map<string, ApimDeclaredParameter[]>;
  /** Operations whose contract could not be read, and why. */
  readonly lost: Map<string, string>;
  /** The API schema's types no operation owns, as components.schemas (3.1). @default - none */
  readonly components?: Json;
  /** Why the API schema could not be read. @default - it was */
  readonly schemaLost?: string;
}

/**
 * Reads `operations` (ApiOperation inputs) against `schema` (the API's one ApiSchema, when there
 * is one). `file` names the resource graph in messages.
 */
export function readApimContract(operations: readonly Json[], schema: ApimSchemaDoc | undefined, file: string): ApimContractRead {
  const contracts = new Map<string, Json>();
  const parameters = new Map<string, ApimDeclaredParameter[]>();
  const lost = new Map<string, string>();
  const foreign = schema && foreignRef(schema.schemas);
  if (foreign) return { contracts, parameters, lost, schemaLost: `a type refers to ${JSON.stringify(foreign)}, not a type of the same schema` };
  const types = schema ? upgraded(schema.schemas, file) : {};
  const owned = new Set<string>();
  for (const op of operations) {
    const id = str(op.operationId);
    if (!id) continue;
    let why: string | undefined;
    /** A media-type map from representations; `own` names the types this operation hoisted. */
    const content = (reps: unknown[], own: (i: number) => string): Json | undefined => {
      const out: Json = {};
      reps.forEach((raw, i) => {
        const rep = obj(raw);
        const type = str(rep?.contentType);
        if (!rep || !type) return;
        const name = str(rep.typeName);
        if (name === undefined) return void (out[type] = {});
        if (!schema || str(rep.schemaId) !== schema.schemaId || !(name in types)) {
          why ??= `representation ${type} names type ${JSON.stringify(name)}${str(rep.schemaId) ? ` of schema ${JSON.stringify(str(rep.schemaId))}` : ''}, which the API schema does not hold`;
          return;
        }
        if (name === own(i)) {
          owned.add(name);
          out[type] = { schema: types[name] };
        } else out[type] = { schema: { $ref: `#/components/schemas/${encodeURIComponent(name)}` } };
      });
      return Object.keys(out).length ? out : undefined;
    };
    const declared: ApimDeclaredParameter[] = [];
    const request = obj(op.request);
    for (const [where, list, at] of [['path', op.templateParameters, '/templateParameters'], ['query', request?.queryParameters, '/request/queryParameters'], ['header', request?.headers, '/request/headers']] as const) {
      for (const [k, raw] of arr(list).entries()) {
        const p = obj(raw);
        const name = str(p?.name);
        if (!p || !name) continue;
        const type = str(p.type) ?? 'string';
        const values = arr(p.values).filter((v): v is string => typeof v === 'string');
        const typeName = str(p.typeName);
        let schemaOf: Json = { type, ...(values.length ? { enum: values } : {}) };
        if (typeName !== undefined) {
          if (!schema || str(p.schemaId) !== schema.schemaId || !(typeName in types)) {
            why ??= `parameter ${name} names type ${JSON.stringify(typeName)}, which the API schema does not hold`;
            continue;
          }
          // The type anygate hoists for a constrained parameter schema is the parameter's own.
          if (typeName === `${id}-${where}-${name}`) {
            owned.add(typeName);
            schemaOf = obj(types[typeName]) ?? {};
          } else schemaOf = { $ref: `#/components/schemas/${encodeURIComponent(typeName)}` };
        }
        const description = str(p.description);
        const required = p.required === true;
        declared.push({
          in: where,
          name,
          required,
          where: `${at}/${k}`,
          plain: type === 'string' && !values.length && typeName === undefined && !description && p.defaultValue === undefined,
          parameter: { name, in: where, ...(required ? { required: true } : {}), ...(description ? { description } : {}), schema: schemaOf },
        });
      }
    }
    if (declared.length) parameters.set(id, declared);
    const contract: Json = {};
    const body = content(arr(obj(op.request)?.representations), (i) => `${id}Body${i ? i + 1 : ''}`);
    if (body) contract.requestBody = { content: body };
    const responses: Json = {};
    for (const raw of arr(op.responses)) {
      const r = obj(raw);
      const status = typeof r?.statusCode === 'number' ? String(r.statusCode) : undefined;
      if (!r || !status || !/^[1-5][0-9]{2}$/.test(status)) continue;
      const c = content(arr(r.representations), (i) => `${id}Response${status}${i ? i + 1 : ''}`);
      responses[status] = { ...(str(r.description) !== undefined ? { description: str(r.description) } : {}), ...(c ? { content: c } : {}) };
    }
    if (Object.keys(responses).length) contract.responses = responses;
    if (why) lost.set(id, why);
    else if (Object.keys(contract).length) contracts.set(id, contract);
  }
  const shared = Object.fromEntries(Object.entries(types).filter(([n]) => !owned.has(n)));
  return { contracts, parameters, lost, ...(Object.keys(shared).length ? { components: { schemas: shared } } : {}) };
}
