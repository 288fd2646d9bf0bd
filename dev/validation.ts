/**
 * Request validation before the backend is called: required query parameters and headers, body
 * size, media type and JSON Schema (ajv). Returns the refusal the profile's gateway would give.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import type { ComponentsSpec } from '../lib/model/contract';
import { contractChecks, isJsonMediaType, mediaTypeMatches, type ContractChecks, type ParameterCheck } from '../lib/model/contract-validation';
import type { RouteSpec } from '../lib/model/types';
import type { Profile, Refusal } from './profiles';

/** Largest request body each gateway accepts: 10 MB on API Gateway and Apigee. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** validate-content max-size the Azure compiler emits on routes with a body schema. */
export const AZURE_VALIDATED_BODY_BYTES = 102_400;

export type ValidationResult = { readonly ok: true } | { readonly ok: false; readonly refusal: Refusal; readonly detail?: string };

export interface RequestValidator {
  check(route: RouteSpec, req: { query: URLSearchParams; headers: Record<string, string | undefined>; body: Buffer; params?: Record<string, string> }): ValidationResult;
}

/** Largest body the profile accepts on `route`. */
export function bodyLimit(profile: Profile, route: RouteSpec | undefined): number {
  return profile === 'azure' && route?.validation?.bodySchema ? AZURE_VALIDATED_BODY_BYTES : MAX_BODY_BYTES;
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
      if (req.body.length > bodyLimit(profile, route)) return { ok: false, refusal: 'tooLarge' };
      if (!v) return { ok: true };
      const c = contract.check(route, req);
      if (!c.ok) return c;
      for (const q of v.requiredQuery ?? []) if (!req.query.has(q)) return { ok: false, refusal: 'badRequest', detail: `Missing required request parameters: [${q}]` };
      for (const h of v.requiredHeaders ?? []) if (req.headers[h.toLowerCase()] === undefined) return { ok: false, refusal: 'badRequest', detail: `Missing required request parameters: [${h}]` };
      if (!v.bodySchema) return { ok: true };
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
      return { ok: true };
    },
  };
}

type Req = Parameters<RequestValidator['check']>[1];

/**
 * `validation.contract` in dev: the route's contract checks (lib/model/contract-validation.ts) with
 * ajv's 2020-12 dialect, the contract's own (OpenAPI 3.1). Parameters arrive as text and are coerced
 * to their schema's types first, as the gateways read them; a body of an undeclared media type is
 * 415 (400 on the aws profile, which checks it against the $default model, and on the azure profile,
 * whose validate-content answers 400 for an unspecified content type in the inbound section).
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
  return {
    check(route: RouteSpec, req: Req): ValidationResult {
      const { checks, fns } = entry(route);
      if (!checks) return { ok: true };
      for (const p of checks.parameters) {
        const value = valueOf(p, req);
        if (value === undefined) {
          if (p.required) return { ok: false, refusal: 'badRequest', detail: `Missing required request parameters: [${p.name}]` };
          continue;
        }
        if (p.schema === undefined) continue;
        const f = fn(params, fns, p, p.schema, true);
        if (!f({ value })) return { ok: false, refusal: 'badRequest', detail: `Invalid ${p.in} parameter ${p.name}: ${params.errorsText(f.errors, { dataVar: p.name })}` };
      }
      const body = checks.body;
      if (!body) return { ok: true };
      if (req.body.length === 0) return body.required ? { ok: false, refusal: 'badRequest', detail: 'Missing required request body' } : { ok: true };
      const type = req.headers['content-type'] ?? '';
      const media = body.content.find((m) => mediaTypeMatches(m.type, type));
      if (!media) return { ok: false, refusal: profile === 'aws' || profile === 'azure' ? 'badRequest' : 'unsupportedMediaType', detail: 'Invalid request body' };
      if (media.schema === undefined || !isJsonMediaType(media.type)) return { ok: true };
      let doc: unknown;
      try {
        doc = JSON.parse(req.body.toString('utf8'));
      } catch {
        return { ok: false, refusal: 'badRequest', detail: 'Invalid request body' };
      }
      const f = fn(bodies, fns, media, media.schema, false);
      if (!f(doc)) return { ok: false, refusal: 'badRequest', detail: `Invalid request body: ${bodies.errorsText(f.errors)}` };
      return { ok: true };
    },
  };
}
