/**
 * Swagger 2.0 contract parts -> OpenAPI 3.1 ones, as the OpenAPI 3.0 specification's own
 * "upgrading from 2.0" rules map them: a body parameter becomes a request body (one media type per
 * `consumes`), formData parameters one form body, a response `schema` one content entry per
 * `produces`, and a parameter's or header's type keywords its `schema` (collectionFormat -> style).
 * Schemas themselves go through the caller's schema walker (refs and dialect).
 */
import { isObj, type Obj } from './context';

/** Keywords of a 2.0 non-body parameter, header or items object that belong in its `schema`. */
const SCHEMA_KEYS = ['type', 'format', 'items', 'default', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'enum', 'multipleOf'];

/** A 2.0 items/parameter/header object's type keywords as a JSON schema (`type: file` as binary). */
export function simpleSchema(p: Obj): Obj {
  const s: Obj = {};
  for (const k of SCHEMA_KEYS) if (p[k] !== undefined) s[k] = k === 'items' && isObj(p.items) ? simpleSchema(p.items) : p[k];
  if (s.type === 'file') Object.assign(s, { type: 'string', format: 'binary' });
  return s;
}

/** style/explode for a collectionFormat (multi: the query form, repeated). */
function style(p: Obj): Obj {
  switch (p.collectionFormat) {
    case 'multi':
      return { style: 'form', explode: true };
    case 'ssv':
      return { style: 'spaceDelimited', explode: false };
    case 'pipes':
      return { style: 'pipeDelimited', explode: false };
    case 'csv':
    case undefined:
      return p.type === 'array' ? (p.in === 'query' || p.in === 'formData' ? { style: 'form', explode: false } : {}) : {};
    default:
      return {};
  }
}

const extensions = (o: Obj): Obj => Object.fromEntries(Object.entries(o).filter(([k]) => k.startsWith('x-')));

/** A 2.0 query, path or header parameter as an OpenAPI 3.1 Parameter Object. */
export function parameter(p: Obj, schema: (s: unknown) => unknown): Obj {
  return {
    name: p.name,
    in: p.in,
    ...(p.description !== undefined ? { description: p.description } : {}),
    // A path parameter is always required (both versions say so); some real documents omit it.
    ...(p.in === 'path' ? { required: true } : p.required !== undefined ? { required: p.required } : {}),
    ...(p.allowEmptyValue !== undefined ? { allowEmptyValue: p.allowEmptyValue } : {}),
    ...style(p),
    schema: schema(simpleSchema(p)),
    ...extensions(p),
  };
}

/** A 2.0 header as an OpenAPI 3.1 Header Object. */
export function header(h: Obj, schema: (s: unknown) => unknown): Obj {
  return { ...(h.description !== undefined ? { description: h.description } : {}), schema: schema(simpleSchema(h)), ...extensions(h) };
}

/** The request body of a 2.0 body parameter, or of an operation's formData parameters. */
export function requestBody(body: Obj | undefined, form: Obj[], consumes: string[], schema: (s: unknown) => unknown): Obj | undefined {
  if (body) {
    const s = schema(body.schema ?? {});
    return {
      ...(body.description !== undefined ? { description: body.description } : {}),
      ...(body.required ? { required: true } : {}),
      content: Object.fromEntries(consumes.map((m) => [m, { schema: s }])),
      ...extensions(body),
    };
  }
  if (!form.length) return undefined;
  const multipart = consumes.includes('multipart/form-data') || form.some((p) => p.type === 'file');
  const required = form.filter((p) => p.required).map((p) => String(p.name));
  const properties = Object.fromEntries(form.map((p) => [String(p.name), schema({ ...simpleSchema(p), ...(p.description !== undefined ? { description: p.description } : {}) })]));
  return {
    ...(required.length ? { required: true } : {}),
    content: { [multipart ? 'multipart/form-data' : 'application/x-www-form-urlencoded']: { schema: { type: 'object', properties, ...(required.length ? { required } : {}) } } },
  };
}

/** A 2.0 response as an OpenAPI 3.1 Response Object (one content entry per produced media type). */
export function response(r: Obj, produces: string[], schema: (s: unknown) => unknown): Obj {
  const examples: Obj = isObj(r.examples) ? r.examples : {};
  const content = r.schema !== undefined ? Object.fromEntries(produces.map((m) => [m, { schema: schema(r.schema), ...(examples[m] !== undefined ? { example: examples[m] } : {}) }])) : undefined;
  return {
    description: typeof r.description === 'string' ? r.description : '',
    ...(isObj(r.headers) ? { headers: Object.fromEntries(Object.entries(r.headers).map(([n, h]) => [n, isObj(h) ? header(h, schema) : h])) } : {}),
    ...(content ? { content } : {}),
    ...extensions(r),
  };
}
