/**
 * The contract of a CloudFormation Resource/Method tree (a RestApi without a Body), read back: the
 * API's models (AWS::ApiGateway::Model, JSON Schema draft-04) and each method's `RequestModels`
 * and `MethodResponses` (status codes, response models, response headers). The body of such an
 * API is what `aws-contract.ts` reads from an OpenAPI body; here the same parts come from
 * resources, shaped as OpenAPI 3.0 and read by the OpenAPI importer's reader
 * (lib/openapi/contract.ts), so models come back in the model's 2020-12 form as they do from a body.
 *
 * A method's request model under a request validator that validates bodies is the route's
 * `validation.bodySchema` (as a body's validator model is); otherwise the request body of its
 * contract. A model is referenced from the contract (`components.schemas.<Name>`); API Gateway's
 * built-in `Empty` model says nothing of the body (the media type is kept, without a schema).
 */
import { ContractReader } from '../openapi/contract';
import { ImportContext } from '../openapi/context';
import { RefResolver } from '../openapi/refs';
import { arr, obj, str } from './data';
import type { SpecDraft } from './draft';
import { pointer, type FindingLog } from './findings';

type Json = Record<string, unknown>;

/** API Gateway's built-in model that says nothing of a body (no resource defines it). */
const EMPTY = 'Empty';

/** One AWS::ApiGateway::Model of the API. */
interface TreeModel {
  readonly logical: string;
  readonly name: string;
  readonly schema?: Json;
}

/** Where a method is and what the reader needs of it. */
export interface TreeMethod {
  readonly logical: string;
  readonly props: Json;
  /** The method's request validator validates bodies. */
  readonly validatesBody: boolean;
}

/** What one method's contract read gives: the contract, and a validated body's schema. */
export interface TreeMethodContract {
  readonly contract?: Json;
  readonly bodySchema?: Json;
}

/** The contract reader of one template's Resource/Method tree. */
export class TreeContractReader {
  private readonly models = new Map<string, TreeModel>();
  private readonly byLogical = new Map<string, TreeModel>();
  private readonly reader: ContractReader;
  private readonly ctx: ImportContext;
  /** Models a contract refers to, and those a validated body took. */
  private readonly referenced = new Set<string>();
  private readonly validated = new Set<string>();

  constructor(
    resources: Json,
    api: string,
    private readonly file: string,
    private readonly log: FindingLog,
  ) {
    const schemas: Json = {};
    for (const [logical, r] of Object.entries(resources)) {
      const res = obj(r);
      if (res?.Type !== 'AWS::ApiGateway::Model') continue;
      const p = obj(res.Properties) ?? {};
      if (str(obj(p.RestApiId)?.Ref) !== api) continue;
      const name = str(p.Name) ?? logical;
      let schema: Json | undefined;
      if (typeof p.Schema === 'string') {
        try {
          schema = obj(JSON.parse(p.Schema));
        } catch {
          schema = undefined;
        }
      } else schema = obj(p.Schema);
      if (!schema) {
        log.lost(file, pointer(['Resources', logical, 'Properties', 'Schema']), `model ${name}`, 'its Schema is not a JSON Schema object (or JSON text of one); copy it into components.schemas by hand');
        continue;
      }
      // draft-04's `$schema` names the dialect API Gateway reads; the model's own dialect is 2020-12.
      const { $schema: _dialect, ...rest } = schema;
      const model = { logical, name, schema: rest };
      this.models.set(name, model);
      this.byLogical.set(logical, model);
      schemas[name] = rest;
    }
    const doc = { openapi: '3.0.3', info: { title: api, version: '0' }, paths: {}, components: { schemas } };
    this.ctx = new ImportContext(doc, file, new RefResolver(doc, file), false, []);
    this.reader = new ContractReader(this.ctx);
    this.reader.readComponents();
  }

  /** The model a RequestModels / ResponseModels value names: a name, or `!Ref` of the model resource (which gives its name). */
  private model(v: unknown): { name: string; model?: TreeModel } | undefined {
    const ref = str(obj(v)?.Ref);
    if (ref !== undefined) {
      const m = this.byLogical.get(ref);
      return m ? { name: m.name, model: m } : undefined;
    }
    const name = str(v);
    return name === undefined ? undefined : { name, model: this.models.get(name) };
  }

  /** A media type map from a models map; undefined (with a finding) when a model is unknown. */
  private content(models: Json, at: string, what: string): Json | undefined {
    const out: Json = {};
    for (const [type, v] of Object.entries(models)) {
      const m = this.model(v);
      if (m?.model) {
        out[type] = { schema: { $ref: `#/components/schemas/${encodeURIComponent(m.name)}` } };
        this.referenced.add(m.name);
      } else if (m?.name === EMPTY) out[type] = {};
      else {
        this.log.lost(this.file, `${at}/${pointer([type]).slice(1)}`, what, `model ${JSON.stringify(m?.name ?? v)} is not an AWS::ApiGateway::Model of this API in the template; the contract leaves it out`);
        return undefined;
      }
    }
    return Object.keys(out).length ? out : undefined;
  }

  /** The contract of one method (its request models and method responses), in the model's form. */
  method(m: TreeMethod): TreeMethodContract {
    const at = pointer(['Resources', m.logical, 'Properties']);
    const shaped: Json = {};
    let bodySchema: Json | undefined;
    const requestModels = obj(m.props.RequestModels);
    if (requestModels) {
      const json = this.model(requestModels['application/json']);
      if (m.validatesBody && json?.model) {
        // The validator checks the body against the model: the route's validation, as a body's validator model is.
        bodySchema = obj(this.reader.result()?.schemas?.[json.name]);
        this.validated.add(json.name);
        this.log.mapped(this.file, `${at}/RequestModels`, 'request model (validated)', 'routes[].validation.bodySchema');
      } else {
        const content = this.content(requestModels, `${at}/RequestModels`, 'request model');
        if (content) {
          shaped.requestBody = { content };
          this.log.mapped(this.file, `${at}/RequestModels`, 'request models', 'routes[].contract.requestBody');
        }
      }
    }
    const responses: Json = {};
    arr(m.props.MethodResponses).forEach((raw, i) => {
      const r = obj(raw);
      const status = typeof r?.StatusCode === 'number' ? String(r.StatusCode) : str(r?.StatusCode);
      const rat = `${at}/MethodResponses/${i}`;
      if (!r || !status || !/^[1-5][0-9]{2}$/.test(status)) {
        this.log.lost(this.file, rat, 'method response', `status code ${JSON.stringify(r?.StatusCode)} is not an HTTP status; it is left out of the contract`);
        return;
      }
      const content = obj(r.ResponseModels) ? this.content(obj(r.ResponseModels)!, `${rat}/ResponseModels`, 'response model') : undefined;
      const headers: Json = {};
      for (const [k, v] of Object.entries(obj(r.ResponseParameters) ?? {})) {
        const h = /^method\.response\.header\.(.+)$/.exec(k);
        if (h) headers[h[1]!] = { ...(v === true ? { required: true } : {}), schema: { type: 'string' } };
        else this.log.lost(this.file, `${rat}/ResponseParameters/${pointer([k]).slice(1)}`, 'method response parameter', 'only response headers (method.response.header.*) have a place in the contract');
      }
      // API Gateway keeps no description of a method response: none is invented.
      responses[status] = { ...(content ? { content } : {}), ...(Object.keys(headers).length ? { headers } : {}) };
      this.log.mapped(this.file, rat, 'method response', `routes[].contract.responses.${status}`);
    });
    if (Object.keys(responses).length) shaped.responses = responses;
    if (!Object.keys(shaped).length) return { bodySchema };
    const contract = this.reader.operation({}, shaped, pointer(['paths', m.logical, 'method']), pointer(['paths', m.logical])) as Json | undefined;
    return { contract, bodySchema };
  }

  /**
   * Puts the models the contracts refer to, and those nothing took, in `draft.components` and
   * reports each model and the reader's warnings. Call once every method was read.
   */
  finish(draft: SpecDraft): void {
    const schemas = obj(this.reader.result()?.schemas) ?? {};
    const kept: Json = {};
    for (const m of this.models.values()) {
      const at = pointer(['Resources', m.logical]);
      if (this.validated.has(m.name) && !this.referenced.has(m.name)) {
        this.log.mapped(this.file, at, `model ${m.name}`, "the route's validation.bodySchema (its request validator's model)");
        continue;
      }
      if (schemas[m.name] === undefined) continue;
      kept[m.name] = schemas[m.name];
      this.log.mapped(this.file, at, `model ${m.name}`, `components.schemas.${m.name}`);
    }
    if (Object.keys(kept).length) draft.components = { ...(draft.components ?? {}), schemas: { ...(obj(draft.components?.schemas) ?? {}), ...kept } };
    for (const w of this.ctx.warnings) this.log.lost(this.file, '', 'contract part', `${w.message} (at ${w.where} of the models read from the template)`);
  }
}
