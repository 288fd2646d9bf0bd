/**
 * The contract's schemas (OpenAPI 3.1: JSON Schema 2020-12) in the older dialects the gateways
 * validate with: JSON Schema draft-04 (API Gateway models) and the OpenAPI 3.0 Schema Object (APIM's
 * API schemas, Apigee's OASValidation). What can be said another way is rewritten (`const` -> `enum`,
 * numeric `exclusiveMinimum` -> `minimum` + `exclusiveMinimum: true`, `prefixItems` -> `items` array,
 * `dependentRequired` -> `dependencies`, a `$ref` with siblings (a `type` among them) -> `allOf`, type
 * arrays -> `anyOf` (draft-04, so API Gateway's OpenAPI 3.0 body stays valid) or `nullable` on each
 * typed alternative (OpenAPI 3.0, where `nullable` counts only beside a `type`)); what cannot (`if`/`then`/`else`, `unevaluatedProperties`, `contains`...) is
 * returned as a gap with its location, so a capability record refuses it by name instead of a
 * gateway checking less than the contract says.
 */
type Obj = Record<string, unknown>;

export type SchemaDialect = 'draft-04' | 'openapi-3.0';

/** A keyword the dialect cannot say, at a JSON pointer inside the converted schema. */
export interface DialectGap {
  readonly pointer: string;
  readonly keyword: string;
}

/** Keywords that validate and that neither dialect has. */
const NEVER = ['if', 'then', 'else', 'contains', 'minContains', 'maxContains', 'propertyNames', 'unevaluatedProperties', 'unevaluatedItems', '$dynamicRef', '$dynamicAnchor', '$recursiveRef', '$recursiveAnchor', '$anchor', '$defs', 'definitions', 'dependentSchemas'];
/** Keywords draft-04 has and OpenAPI 3.0 does not. */
const DRAFT04_ONLY = ['patternProperties', 'additionalItems', 'dependencies', 'dependentRequired', 'prefixItems'];

const DRAFT04_KEYWORDS = new Set(['$ref', 'title', 'description', 'default', 'multipleOf', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength', 'pattern', 'additionalItems', 'items', 'maxItems', 'minItems', 'uniqueItems', 'maxProperties', 'minProperties', 'required', 'additionalProperties', 'properties', 'patternProperties', 'dependencies', 'enum', 'type', 'allOf', 'anyOf', 'oneOf', 'not', 'format']);
const OAS30_KEYWORDS = new Set(['$ref', 'title', 'description', 'default', 'multipleOf', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength', 'pattern', 'items', 'maxItems', 'minItems', 'uniqueItems', 'maxProperties', 'minProperties', 'required', 'additionalProperties', 'properties', 'enum', 'type', 'allOf', 'anyOf', 'oneOf', 'not', 'format', 'nullable', 'discriminator', 'readOnly', 'writeOnly', 'xml', 'externalDocs', 'example', 'deprecated']);

const esc = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * `schema` in `dialect`, with `$ref`s to `#/components/schemas/<name>` renamed by `refName` (the
 * target's name for that component, and the prefix its references use), and the gaps it has.
 */
export function toDialect(schema: unknown, dialect: SchemaDialect, refName: (name: string) => string = (n) => `#/components/schemas/${n}`): { schema: Obj; gaps: DialectGap[] } {
  const gaps: DialectGap[] = [];
  const out = convert(schema, '', dialect, refName, gaps);
  return { schema: out, gaps };
}

function convert(v: unknown, ptr: string, d: SchemaDialect, refName: (name: string) => string, gaps: DialectGap[]): Obj {
  if (v === true || v === undefined) return {};
  if (v === false) return { not: {} };
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return {};
  const s = v as Obj;
  const sub = (x: unknown, p: string) => convert(x, `${ptr}/${p}`, d, refName, gaps);
  const out: Obj = {};
  const keep = d === 'draft-04' ? DRAFT04_KEYWORDS : OAS30_KEYWORDS;
  let types: string[] | undefined;
  let nullable = s.nullable === true;
  for (const [k, x] of Object.entries(s)) {
    if (NEVER.includes(k) || (d === 'openapi-3.0' && DRAFT04_ONLY.includes(k))) {
      gaps.push({ pointer: ptr, keyword: k });
      continue;
    }
    switch (k) {
      case '$ref': {
        const m = typeof x === 'string' ? /^#\/components\/schemas\/([^/]+)$/.exec(x) : null;
        if (!m) gaps.push({ pointer: ptr, keyword: `$ref ${JSON.stringify(x)}` });
        else out.$ref = refName(decodeURIComponent(m[1]).replace(/~1/g, '/').replace(/~0/g, '~'));
        break;
      }
      case 'type':
        types = Array.isArray(x) ? (x as string[]) : typeof x === 'string' ? [x] : undefined;
        break;
      case 'nullable':
        break;
      case 'const':
        out.enum = [x];
        break;
      case 'exclusiveMinimum':
      case 'exclusiveMaximum': {
        const bound = k === 'exclusiveMinimum' ? 'minimum' : 'maximum';
        if (typeof x === 'boolean') out[k] = x;
        else if (typeof x === 'number') {
          const other = s[bound];
          // Both bounds written: the stricter one holds.
          const stricter = typeof other !== 'number' || (bound === 'minimum' ? x >= other : x <= other);
          if (stricter) {
            out[bound] = x;
            out[k] = true;
          }
        }
        break;
      }
      case 'enum':
        // Both dialects require unique values; a repeated one adds nothing.
        out.enum = Array.isArray(x) ? x.filter((y, i) => x.findIndex((z) => JSON.stringify(z) === JSON.stringify(y)) === i) : x;
        break;
      case 'minimum':
      case 'maximum':
        if (out[k] === undefined) out[k] = x;
        break;
      case 'examples':
        if (d === 'openapi-3.0' && Array.isArray(x) && x.length && s.example === undefined) out.example = x[0];
        break;
      case 'required':
        // draft-04 (and OpenAPI 3.0) need at least one name.
        if (Array.isArray(x) && x.length) out.required = x;
        break;
      case 'properties':
      case 'patternProperties':
        out[k] = Object.fromEntries(Object.entries((x ?? {}) as Obj).map(([n, p]) => [n, sub(p, `${k}/${esc(n)}`)]));
        break;
      case 'additionalProperties':
      case 'additionalItems':
        out[k] = typeof x === 'boolean' ? x : sub(x, k);
        break;
      case 'not':
        out.not = sub(x, 'not');
        break;
      case 'allOf':
      case 'anyOf':
      case 'oneOf':
        out[k] = Array.isArray(x) ? x.map((y, i) => sub(y, `${k}/${i}`)) : [];
        break;
      case 'items':
        if (Array.isArray(x)) {
          if (d === 'openapi-3.0') gaps.push({ pointer: ptr, keyword: 'items (array)' });
          else out.items = x.map((y, i) => sub(y, `items/${i}`));
        } else if (s.prefixItems !== undefined) out.additionalItems = typeof x === 'boolean' ? x : sub(x, 'items');
        else out.items = sub(x, 'items');
        break;
      case 'prefixItems':
        out.items = Array.isArray(x) ? x.map((y, i) => sub(y, `prefixItems/${i}`)) : [];
        break;
      case 'dependentRequired':
      case 'dependencies': {
        const deps = (out.dependencies ??= {}) as Obj;
        for (const [n, y] of Object.entries((x ?? {}) as Obj)) deps[n] = Array.isArray(y) ? y : sub(y, `${k}/${esc(n)}`);
        break;
      }
      default:
        if (keep.has(k) || (d === 'openapi-3.0' && k.startsWith('x-'))) out[k] = x;
      // Anything else is an annotation (2020-12 ignores unknown keywords): the dialect gets none.
    }
  }
  if (out.$ref !== undefined) {
    // Both dialects ignore a $ref's siblings; 2020-12 applies them too. The type (and nullability)
    // too: `{ $ref, type }` keeps its type on an allOf beside the reference, not next to it.
    const { $ref, ...rest } = out;
    if (Object.keys(rest).some((k) => DRAFT04_KEYWORDS.has(k) && !ANNOTATIONS.has(k))) return typed({ allOf: [{ $ref }, rest] }, types, nullable, ptr, d, gaps);
    if (types) return typed({ ...rest, allOf: [{ $ref }] }, types, nullable, ptr, d, gaps);
    if (nullable && d === 'openapi-3.0') return { ...rest, anyOf: [{ $ref }, NULL_30] };
  }
  return typed(out, types, nullable, ptr, d, gaps);
}

/** Keywords that only annotate: harmless beside a `$ref` (ignored there, and meaning nothing). */
const ANNOTATIONS = new Set(['title', 'description', 'default']);

/**
 * null alone in OpenAPI 3.0, which has no `null` type: `nullable` counts only beside a `type`
 * (3.0.3), so a type that the enum then excludes.
 */
const NULL_30: Obj = { type: 'string', nullable: true, enum: [null] };

/** The JSON Schema type names `v` has (an integer is a number too). */
function typesOf(v: unknown): string[] {
  if (v === null) return ['null'];
  if (Array.isArray(v)) return ['array'];
  if (typeof v === 'number') return Number.isInteger(v) ? ['integer', 'number'] : ['number'];
  return [typeof v];
}

function typed(out: Obj, types: string[] | undefined, nullable: boolean, ptr: string, d: SchemaDialect, gaps: DialectGap[]): Obj {
  // A default of another type than the schema's is an annotation 2020-12 lets stand and both
  // dialects reject (OpenAPI 3.0 validators check it): left out, as it says nothing the schema does.
  if (types && out.default !== undefined && !typesOf(out.default).some((t) => types.includes(t) || (t === 'null' && nullable))) delete out.default;
  if (!types) {
    // nullable without a type: OpenAPI 3.0 ignores it (3.0.3: it adds null only to a `type` in
    // the same schema), so null becomes an alternative of its own. draft-04 keeps the old reading.
    if (nullable && d === 'openapi-3.0') return { anyOf: [out, NULL_30] };
    return out;
  }
  if (d === 'draft-04') {
    const all = nullable && !types.includes('null') ? [...types, 'null'] : types;
    if (all.length === 1 && all[0] !== 'null') out.type = all[0];
    // A union as anyOf (and null as enum [null]): the same meaning in draft-04, and still an
    // OpenAPI 3.0 Schema Object, which is what API Gateway's OpenAPI body must hold.
    else return withUnion(out, all.map((t) => (t === 'null' ? { enum: [null] } : { type: t })));
    return out;
  }
  const nonNull = types.filter((t) => t !== 'null');
  const isNullable = types.includes('null') || nullable;
  if (nonNull.length === 1) {
    out.type = nonNull[0];
    if (isNullable) out.nullable = true;
  } else if (nonNull.length > 1) {
    // OpenAPI 3.0 has one type per schema: a union becomes anyOf of single-type schemas, each
    // nullable when null is allowed (beside an anyOf, with no type, 3.0 ignores nullable).
    return withUnion(out, nonNull.map((t) => ({ type: t, ...(isNullable ? { nullable: true } : {}) })));
  } else gaps.push({ pointer: ptr, keyword: 'type: null' });
  return out;
}

/** `out` also requiring one of `alternatives` (beside an anyOf it already has, through allOf). */
function withUnion(out: Obj, alternatives: Obj[]): Obj {
  if (out.anyOf === undefined) return { ...out, anyOf: alternatives };
  return { ...out, allOf: [...((out.allOf as Obj[] | undefined) ?? []), { anyOf: alternatives }] };
}
