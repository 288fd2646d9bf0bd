/**
 * Request validation before the backend is called: required query parameters and headers, body
 * size, media type and JSON Schema (ajv). Returns the refusal the profile's gateway would give.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import type { RouteSpec } from '../lib/model/types';
import type { Profile, Refusal } from './profiles';

/** Largest request body each gateway accepts: 10 MB on API Gateway and Apigee. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;
/** validate-content max-size the Azure compiler emits on routes with a body schema. */
export const AZURE_VALIDATED_BODY_BYTES = 102_400;

export type ValidationResult = { readonly ok: true } | { readonly ok: false; readonly refusal: Refusal; readonly detail?: string };

export interface RequestValidator {
  check(route: RouteSpec, req: { query: URLSearchParams; headers: Record<string, string | undefined>; body: Buffer }): ValidationResult;
}

/** Largest body the profile accepts on `route`. */
export function bodyLimit(profile: Profile, route: RouteSpec | undefined): number {
  return profile === 'azure' && route?.validation?.bodySchema ? AZURE_VALIDATED_BODY_BYTES : MAX_BODY_BYTES;
}

export function createValidator(profile: Profile): RequestValidator {
  const ajv = new Ajv({ allErrors: false, strict: false });
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
