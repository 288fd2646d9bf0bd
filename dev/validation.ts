/**
 * Request validation before the backend is called: required query parameters and headers, body
 * size, media type and JSON Schema (ajv). Returns the refusal the profile's gateway would give.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import type { ComponentsSpec } from '../lib/model/contract';
import { contractChecks, isJsonMediaType, mediaTypeMatches, type ContractChecks, type MediaCheck, type ParameterCheck } from '../lib/model/contract-validation';
import type { RouteSpec } from '../lib/model/types';
import type { Profile, Refusal } from './profiles';

/** Largest request body each gateway accepts: 10 MB on API Gateway and Apigee. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;
/**
 * validate-content max-size the Azure compiler emits (providers/azure/emit/validation.ts); a larger
 * body is refused by the policy's size-exceeded-action prevent: 400, like every validation failure.
 */
export const AZURE_VALIDATED_BODY_BYTES = 102_400;

export type ValidationResult = { readonly ok: true } | { readonly ok: false; readonly refusal: Refusal; readonly detail?: string };

export interface RequestValidator {
  check(route: RouteSpec, req: { query: URLSearchParams; headers: Record<string, string | undefined>; body: Buffer; params?: Record<string, string> }): ValidationResult;
}

/** Largest body the profile reads on `route` (a larger one is 413 before anything else). */
export function bodyLimit(_profile: Profile, _route: RouteSpec | undefined): number {
  return MAX_BODY_BYTES;
}

/** Whether the Azure compiler emits validate-content on `route`: a body schema, or a contract body with a JSON schema. */
function azureValidatesContent(route: RouteSpec, checks: ContractChecks | undefined): boolean {
  return Boolean(route.validation?.bodySchema) || Boolean(checks?.body?.content.some((m) => m.schema !== undefined && isJsonMediaType(m.type)));
}

const OK: ValidationResult = { ok: true };

/** The body read as JSON and handed to `check`; 400 when it is not JSON (every profile answers so). */
function parsedBody(body: Buffer, check: (doc: unknown) => ValidationResult): ValidationResult {
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch {
    return { ok: false, refusal: 'badRequest', detail: 'Invalid request body' };
  }
  return check(doc);
}

export function createValidator(profile: Profile, components?: ComponentsSpec): RequestValidator {
  const ajv = new Ajv({ allErrors: false, strict: false });
  const contract = contractValidator(profile, components);
  const compiled = new Map<string, ValidateFunction>();
  const schemaFor = (route: RouteSpec) => {
    let v = compiled.get(route.id);
    if (!v) compiled.set(route.id, (v = ajv.compile(route.validation!.bodySchema!)));
    return v;
  };
  return {
    check(route, req) {
      const v = route.validation;
      if (req.body.length > MAX_BODY_BYTES) return { ok: false, refusal: 'tooLarge' };
      if (!v) return OK;
      // Parameters first, then the body's size, media type and schema: the order every target
      // answers in (APIM's validate-parameters before validate-content, Apigee's OASValidation
      // before its 415 gate).
      const p = contract.parameters(route, req);
      if (!p.ok) return p;
      for (const q of v.requiredQuery ?? []) if (!req.query.has(q)) return { ok: false, refusal: 'badRequest', detail: `Missing required request parameters: [${q}]` };
      for (const h of v.requiredHeaders ?? []) if (req.headers[h.toLowerCase()] === undefined) return { ok: false, refusal: 'badRequest', detail: `Missing required request parameters: [${h}]` };
      if (profile === 'azure' && req.body.length > AZURE_VALIDATED_BODY_BYTES && azureValidatesContent(route, contract.checks(route))) {
        return { ok: false, refusal: 'badRequest', detail: `The request body is larger than ${AZURE_VALIDATED_BODY_BYTES} bytes (validate-content max-size)` };
      }
      const b = contract.body(route, req);
      if (!b.ok) return b;
      if (!v.bodySchema) return OK;
      const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
      if (type !== 'application/json' && !type.endsWith('+json')) return { ok: false, refusal: 'unsupportedMediaType' };
      let doc: unknown;
      try {
        doc = JSON.parse(req.body.toString('utf8'));
      } catch {
        return { ok: false, refusal: 'badRequest', detail: 'Invalid request body' };
      }
      const validate = schemaFor(route);
      if (!validate(doc)) return { ok: false, refusal: 'badRequest', detail: `Invalid request body: ${ajv.errorsText(validate.errors)}` };
      return OK;
    },
  };
}

type Req = Parameters<RequestValidator['check']>[1];

/**
 * `validation.contract` in dev: the route's contract checks (lib/model/contract-validation.ts) with
 * ajv's 2020-12 dialect, the contract's own (OpenAPI 3.1). Parameters arrive as text and are coerced
 * to their schema's types first, as the gateways read them. A body of an undeclared media type is
 * 415, except:
 * - aws: API Gateway checks a body against the model of its media type, or the `$default` model
 *   (the first declared type's) when none matches, and a request without Content-Type as
 *   application/json; so an undeclared type passes when its body is JSON that schema accepts. An
 *   empty body is checked as `{}` (whatever requestBody.required says), and a required parameter
 *   sent blank is missing: API Gateway checks that it is "included and not blank".
 *   https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-method-request-validation.html
 * - azure: validate-content answers 400 for a content type the operation does not specify.
 */
function contractValidator(profile: Profile, components: ComponentsSpec | undefined) {
  // Components ride along in each compiled schema, so `#/components/schemas/X` resolves in place.
  const schemas = { schemas: components?.schemas ?? {} };
  const bodies = new Ajv2020({ allErrors: false, strict: false, validateFormats: false });
  const params = new Ajv2020({ allErrors: false, strict: false, validateFormats: false, coerceTypes: 'array' });
  const cache = new Map<string, { checks: ContractChecks | undefined; fns: Map<unknown, ValidateFunction> }>();
  const fn = (ajv: Ajv2020, fns: Map<unknown, ValidateFunction>, key: unknown, schema: unknown, wrap: boolean) => {
    let f = fns.get(key);
    if (!f) {
      const root = wrap ? { type: 'object', properties: { value: schema } } : { allOf: [schema] };
      fns.set(key, (f = ajv.compile({ ...root, components: schemas })));
    }
    return f;
  };
  const entry = (route: RouteSpec) => {
    let e = cache.get(route.id);
    if (!e) cache.set(route.id, (e = { checks: contractChecks(components, route), fns: new Map() }));
    return e;
  };
  const valueOf = (p: ParameterCheck, req: Req): string | string[] | undefined => {
    if (p.in === 'path') return req.params?.[p.name];
    if (p.in === 'header') return req.headers[p.name.toLowerCase()];
    if (p.in === 'cookie') {
      for (const part of (req.headers.cookie ?? '').split(';')) {
        const i = part.indexOf('=');
        if (i > 0 && part.slice(0, i).trim() === p.name) return decodeURIComponent(part.slice(i + 1).trim());
      }
      return undefined;
    }
    const all = req.query.getAll(p.name);
    return all.length === 0 ? undefined : all.length === 1 ? all[0] : all;
  };
  const blank = (value: string | string[]) => (Array.isArray(value) ? value.every((x) => x.trim() === '') : value.trim() === '');
  const checkBody = (fns: Map<unknown, ValidateFunction>, media: MediaCheck, doc: unknown): ValidationResult => {
    const f = fn(bodies, fns, media, media.schema, false);
    return f(doc) ? OK : { ok: false, refusal: 'badRequest', detail: `Invalid request body: ${bodies.errorsText(f.errors)}` };
  };
  return {
    checks: (route: RouteSpec) => entry(route).checks,
    parameters(route: RouteSpec, req: Req): ValidationResult {
      const { checks, fns } = entry(route);
      for (const p of checks?.parameters ?? []) {
        const value = valueOf(p, req);
        if (value === undefined || (profile === 'aws' && p.required && blank(value))) {
          if (p.required) return { ok: false, refusal: 'badRequest', detail: `Missing required request parameters: [${p.name}]` };
          continue;
        }
        if (p.schema === undefined) continue;
        const f = fn(params, fns, p, p.schema, true);
        if (!f({ value })) return { ok: false, refusal: 'badRequest', detail: `Invalid ${p.in} parameter ${p.name}: ${params.errorsText(f.errors, { dataVar: p.name })}` };
      }
      return OK;
    },
    body(route: RouteSpec, req: Req): ValidationResult {
      const { checks, fns } = entry(route);
      const body = checks?.body;
      if (!body) return OK;
      const type = req.headers['content-type'] ?? '';
      if (profile === 'aws') {
        // The model of the request's type (none: application/json), or $default: the first declared.
        const media = body.content.find((m) => mediaTypeMatches(m.type, type || 'application/json')) ?? body.content[0];
        if (!media || media.schema === undefined) return OK;
        if (req.body.length === 0) return checkBody(fns, media, {});
        return parsedBody(req.body, (doc) => checkBody(fns, media, doc));
      }
      if (req.body.length === 0) return body.required ? { ok: false, refusal: 'badRequest', detail: 'Missing required request body' } : OK;
      const media = body.content.find((m) => mediaTypeMatches(m.type, type));
      if (!media) return { ok: false, refusal: profile === 'azure' ? 'badRequest' : 'unsupportedMediaType', detail: 'Invalid request body' };
      if (media.schema === undefined || !isJsonMediaType(media.type)) return OK;
      return parsedBody(req.body, (doc) => checkBody(fns, media, doc));
    },
  };
}
