/**
 * The contract an API Gateway body publishes, read back (#35): each method's summary, declared
 * parameters, request body and responses, its models (`components.schemas`, JSON Schema draft-04,
 * or a Swagger 2.0 export's `definitions`) and the documentation parts
 * (`x-amazon-apigateway-documentation`) that hold what a method has no field for: parameter, body
 * and response descriptions, a method's externalDocs.
 *
 * What other parts of the method say is not taken for contract: a required parameter a request
 * validator checks (the route's `validation`), an optional one an integration, cache key or
 * authorizer reads, the validator's `$default` body model, API Gateway's own `default` response and
 * a mock's answer. A model a route's part owns (anygate names a route's inline schema `<route>Body`
 * or `<route>Response<status>`, and nothing else refers to it) comes back inline; every other model
 * is a component, referenced. A response description API Gateway writes itself (`200 response`)
 * is not a description the contract said. Schemas are read by the OpenAPI importer's reader
 * (lib/openapi/contract.ts), so draft-04 comes back in the model's 2020-12 form.
 */
import { ContractReader } from '../openapi/contract';
import { ImportContext, pointer as documentPointer } from '../openapi/context';
import { externalRef, RefResolver } from '../openapi/refs';
import { toSafeName } from '../model/names';
import { arr, obj, str } from './data';
import type { SpecDraft } from './draft';
import { pointer, type FindingLog } from './findings';

type Json = Record<string, unknown>;

/** What to do with a contract part this reader does not take. */
export const BY_HAND = '`anygate import` of the OpenAPI body (without --from) reads it as a spec with its contract, to merge by hand';

/** The documentation part location types read back, and where they go. */
const PARAMETER_PARTS: Record<string, string> = { QUERY_PARAMETER: 'query', PATH_PARAMETER: 'path', REQUEST_HEADER: 'header' };

/** API Gateway's own description of a method response, and anygate's of the passed-through one. */
const GENERATED_RESPONSE = (status: string, description: unknown) => description === `${status} response` || (status === 'default' && description === 'Backend response, passed through');

/** Every local component schema name `v` refers to. */
function schemaRefs(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) v.forEach((x) => schemaRefs(x, out));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      const m = k === '$ref' && typeof x === 'string' ? /^#\/(?:components\/schemas|definitions)\/([^/]+)$/.exec(x) : null;
      if (m) out.push(decodeURIComponent(m[1]!).replace(/~1/g, '/').replace(/~0/g, '~'));
      else schemaRefs(x, out);
    }
  }
  return out;
}

/** One operation as the OpenAPI body reader saw it, and what its other parts account for. */
export interface AwsContractOperation {
  readonly path: string;
  readonly key: string;
  readonly method: string;
  readonly op: Json;
  readonly item: Json;
  /** The route id the operation becomes (its operationId). @default - none */
  readonly id?: string;
  /** The request validator of the method, when it has one. @default - none */
  readonly validator?: Json;
  /** `in:name` keys (header names lower case) of the optional parameters the integration, cache key or authorizers read. */
  readonly used: ReadonlySet<string>;
  /** `in:name` keys of the required parameters the route's validation holds. */
  readonly validated: ReadonlySet<string>;
  /** The method's integration is a mock (its answer is not the contract's). */
  readonly mock: boolean;
}

interface DocPart {
  readonly location: Json;
  readonly properties: Json;
  readonly at: string;
}

/** A parameter's key as the reader compares them: `in:name`, header names lower case. */
export const paramKey = (where: string, name: string) => `${where}:${where === 'header' ? name.toLowerCase() : name}`;

export class AwsContractReader {
  private readonly ctx: ImportContext;
  private readonly reader: ContractReader;
  /** Why the contract is not read at all. */
  private readonly refused?: string;
  private readonly parts: DocPart[] = [];
  private readonly usedParts = new Set<DocPart>();
  /** Models a route's own part names (`<route>Body`...), with the operation that names them. */
  private readonly owned = new Map<string, { where: string }>();
  /** Contracts read, with their operation's pointer, for the inlining pass. */
  private readonly contracts: { contract: Json; routeAt: string }[] = [];
  /** Models only a request validator's body names (read as the route's validation.bodySchema). */
  private readonly validatorModels = new Set<string>();
  private readonly refCount = new Map<string, number>();
  private readonly modelsKey: string[] | undefined;

  constructor(
    private readonly doc: Json,
    private readonly file: string,
    private readonly base: string,
    private readonly log: FindingLog,
  ) {
    this.modelsKey = obj(obj(doc.components)?.schemas) ? ['components', 'schemas'] : obj(doc.definitions) ? ['definitions'] : undefined;
    this.ctx = new ImportContext(doc, file, new RefResolver(doc, file), false, []);
    this.reader = new ContractReader(this.ctx);
    const outside = externalRef({ paths: doc.paths, components: doc.components, definitions: doc.definitions, parameters: doc.parameters, responses: doc.responses });
    if (outside) this.refused = `the body refers to ${JSON.stringify(outside)}, outside it, which this reader does not follow; ${BY_HAND}`;
    else this.reader.readComponents();
    const documentation = obj(doc['x-amazon-apigateway-documentation']);
    arr(documentation?.documentationParts).forEach((raw, n) => {
      const p = obj(raw);
      if (p && obj(p.location) && obj(p.properties)) this.parts.push({ location: obj(p.location)!, properties: obj(p.properties)!, at: this.at('x-amazon-apigateway-documentation', 'documentationParts', n) });
      else log.lost(file, this.at('x-amazon-apigateway-documentation', 'documentationParts', n), 'documentation part', 'not a documentation part (location and properties)');
    });
  }

  private at(...t: (string | number)[]): string {
    return this.base + pointer(t);
  }

  /** The documentation part of `type` at the method, matched on `name` / `statusCode`. */
  private part(type: string, method: string, path: string, more: { name?: string; statusCode?: string } = {}): Json | undefined {
    const p = this.parts.find(
      (x) =>
        x.location.type === type &&
        x.location.path === path &&
        String(x.location.method ?? '').toUpperCase() === method &&
        (more.name === undefined || (type === 'REQUEST_HEADER' ? String(x.location.name).toLowerCase() === more.name.toLowerCase() : x.location.name === more.name)) &&
        (more.statusCode === undefined || String(x.location.statusCode) === more.statusCode),
    );
    if (!p) return undefined;
    this.usedParts.add(p);
    return p.properties;
  }

  /**
   * The operation's contract (undefined when it publishes none) and the route's description.
   * `routeAt` names the route in the report (`routes[2]`) once it is added; call {@link attach}.
   */
  operation(o: AwsContractOperation): { contract?: Json; description?: string } {
    const { op, method, path } = o;
    const where = documentPointer('paths', o.path, o.key);
    const methodPart = this.part('METHOD', method, path) ?? {};
    const description = str(op.description) ?? str(methodPart.description);
    if (this.refused) return { description };
    // Parameters: the declared ones, less what other parts of the method account for.
    const params: Json[] = [];
    for (const raw of [...arr(o.item.parameters), ...arr(op.parameters)]) {
      const p = obj(raw);
      const r = p && obj(this.resolve(p));
      if (!p || !r || typeof r.name !== 'string' || typeof r.in !== 'string') continue;
      if (r.in === 'body' || r.in === 'formData') {
        params.push(p);
        continue;
      }
      const key = paramKey(r.in, r.in === 'path' ? r.name.replace(/\+$/, '') : r.name);
      const type = Object.entries(PARAMETER_PARTS).find(([, w]) => w === r.in)?.[0];
      const documented = type ? this.part(type, method, path, { name: r.name }) : undefined;
      const own = documented !== undefined || str(r.description) !== undefined;
      // A path parameter is implied by the path; without a word of its own it says nothing more.
      if (!own && r.in === 'path') continue;
      if (!own && r.required === true && o.validated.has(key)) continue;
      if (!own && r.required !== true && o.used.has(key)) continue;
      params.push(documented ? { ...p, ...(p.$ref === undefined ? documented : {}) } : p);
    }
    // The request body, unless it is the validator's (its `$default` model, or a validated body).
    let requestBody = obj(op.requestBody);
    if (requestBody && (obj(requestBody.content)?.$default !== undefined || o.validator?.validateRequestBody === true)) {
      for (const n of schemaRefs(requestBody)) this.validatorModels.add(n);
      requestBody = undefined;
    }
    const bodyPart = this.part('REQUEST_BODY', method, path);
    if (requestBody && bodyPart?.description !== undefined && requestBody.$ref === undefined) requestBody = { ...requestBody, description: bodyPart.description };
    // Responses: API Gateway's and anygate's generated ones, and a mock's answer, are not the contract's.
    const responses: Json = {};
    for (const [status, raw] of Object.entries(obj(op.responses) ?? {})) {
      const r = obj(raw);
      if (!r) continue;
      const own = this.part('RESPONSE', method, path, { statusCode: status });
      if (!own && status === 'default' && r.description === 'Backend response, passed through') continue;
      if (!own && o.mock && r.description === 'Mock response' && r.content === undefined) continue;
      if (r.$ref !== undefined) responses[status] = r;
      else {
        const { description, ...rest } = r;
        const d = own?.description ?? (GENERATED_RESPONSE(status, description) ? undefined : description);
        responses[status] = { ...(d !== undefined ? { description: d } : {}), ...rest };
      }
    }
    const shaped: Json = {
      ...(str(op.summary) ?? str(methodPart.summary) ? { summary: str(op.summary) ?? str(methodPart.summary) } : {}),
      ...(params.length ? { parameters: params } : {}),
      ...(requestBody ? { requestBody } : {}),
      ...(Object.keys(responses).length ? { responses } : {}),
      ...(op.deprecated === true || methodPart.deprecated === true ? { deprecated: true } : {}),
      ...(obj(op.externalDocs) ?? obj(methodPart.externalDocs) ? { externalDocs: obj(op.externalDocs) ?? obj(methodPart.externalDocs) } : {}),
      // Swagger 2.0 reads produces / consumes from the operation.
      ...(op.produces !== undefined ? { produces: op.produces } : {}),
      ...(op.consumes !== undefined ? { consumes: op.consumes } : {}),
    };
    // The reader merges the path item's parameters itself: they are in `params` already.
    const contract = this.reader.operation({}, shaped, where, documentPointer('paths', o.path)) as Json | undefined;
    if (!contract) return { description };
    // A model the route's own part names (`<route>Body`, `<route>Response200`) may come back inline.
    const safe = o.id !== undefined ? toSafeName(o.id).replace(/-/g, '') : undefined;
    const body = obj(contract.requestBody);
    const mark = (content: unknown, part: string) => {
      Object.values(obj(content) ?? {}).forEach((m, i) => {
        const ref = schemaRefs(obj(m)?.schema);
        const name = obj(obj(m)?.schema)?.$ref !== undefined && Object.keys(obj(obj(m)!.schema)!).length === 1 ? ref[0] : undefined;
        if (safe && name === `${safe}${part}${i ? i + 1 : ''}`) this.owned.set(name, { where: `${where}` });
      });
    };
    mark(body?.content, 'Body');
    for (const [status, r] of Object.entries(obj(contract.responses) ?? {})) mark(obj(r)?.content, `Response${status}`);
    for (const n of schemaRefs(contract)) this.refCount.set(n, (this.refCount.get(n) ?? 0) + 1);
    this.contracts.push({ contract, routeAt: where });
    return { contract, description };
  }

  private resolve(p: Json): unknown {
    try {
      return this.ctx.refs.resolveFrom(p, '#/paths', this.file).value;
    } catch {
      return undefined;
    }
  }

  /**
   * Inlines the models routes own, puts the others in `draft.components`, and reports what was
   * read: each model, each documentation part (mapped or not), the reader's warnings.
   * A contract whose route was not added (a duplicate, a bad path) is left out with it.
   */
  finish(draft: SpecDraft): void {
    const log = this.log;
    if (this.refused) {
      log.lost(this.file, this.base, 'API contract', this.refused);
      return;
    }
    const components = this.reader.result() ?? {};
    const schemas = { ...(obj(components.schemas) ?? {}) };
    // Refs between models count too: a model another one names stays a component.
    for (const s of Object.values(schemas)) for (const n of schemaRefs(s)) this.refCount.set(n, (this.refCount.get(n) ?? 0) + 2);
    const inline = new Set([...this.owned.keys()].filter((n) => this.refCount.get(n) === 1 && n in schemas));
    const replace = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(replace);
      if (!v || typeof v !== 'object') return v;
      const o = v as Json;
      const ref = typeof o.$ref === 'string' ? /^#\/components\/schemas\/([^/]+)$/.exec(o.$ref)?.[1] : undefined;
      if (ref && inline.has(decodeURIComponent(ref)) && Object.keys(o).length === 1) return schemas[decodeURIComponent(ref)];
      return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, replace(x)]));
    };
    for (const c of this.contracts) {
      const i = draft.routes.findIndex((r) => r.contract === c.contract);
      if (i < 0) continue;
      const route = draft.routes[i]!;
      route.contract = replace(c.contract) as Json;
      log.mapped(this.file, this.base + c.routeAt.slice(1), 'method contract (summary, parameters, request body, responses)', `routes[${i}].contract`);
    }
    for (const n of this.validatorModels) {
      if (this.refCount.has(n) || !(n in schemas)) continue;
      delete schemas[n];
      log.mapped(this.file, this.at(...this.modelsKey!, n), `model ${n}`, "the route's validation.bodySchema (its request validator's model)");
    }
    for (const n of inline) {
      delete schemas[n];
      log.mapped(this.file, this.at(...this.modelsKey!, n), `model ${n}`, 'inline in the contract of the route that owns it');
    }
    const kept: Json = { ...components, ...(Object.keys(schemas).length ? { schemas } : {}) };
    if (!Object.keys(schemas).length) delete kept.schemas;
    if (Object.keys(kept).length) {
      draft.components = { ...(draft.components ?? {}), ...kept };
      for (const [kind, map] of Object.entries(kept))
        for (const n of Object.keys(obj(map) ?? {})) log.mapped(this.file, kind === 'schemas' && this.modelsKey ? this.at(...this.modelsKey, n) : this.at(...(this.ctx.swagger2 ? [kind === 'schemas' ? 'definitions' : kind] : ['components', kind]), n), kind === 'schemas' ? `model ${n}` : `contract component ${kind}/${n}`, `components.${kind}.${n}`);
    }
    for (const p of this.parts) {
      const type = String(p.location.type);
      if (this.usedParts.has(p)) log.mapped(this.file, p.at, `documentation part ${type}`, type === 'METHOD' ? 'routes[].contract, description, tags' : 'routes[].contract');
      else if (type === 'API' && (p.properties.description === undefined || p.properties.description === draft.description)) {
        if (typeof p.properties.description === 'string') draft.description ??= p.properties.description;
        log.mapped(this.file, p.at, 'documentation part API', 'description');
      } else if (type === 'API') log.lost(this.file, p.at, 'documentation part API', `its description differs from the API's own (${JSON.stringify(draft.description)}), which is kept; ${BY_HAND}`);
      else log.lost(this.file, p.at, `documentation part ${type}`, `${PARAMETER_PARTS[type] || ['METHOD', 'REQUEST_BODY', 'RESPONSE'].includes(type) ? 'it names no method of the API read' : `a ${type} part has no place in the contract`}; ${BY_HAND}`);
    }
    const version = obj(this.doc['x-amazon-apigateway-documentation'])?.version;
    if (version !== undefined) log.mapped(this.file, this.at('x-amazon-apigateway-documentation', 'version'), 'documentation version', 'set by synth (the spec version and a hash of the parts)');
    for (const w of this.ctx.warnings) log.lost(this.file, this.base + w.where.replace(/^#/, ''), 'contract part', `${w.message}; ${BY_HAND}`);
  }
}
