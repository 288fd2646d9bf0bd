/**
 * The contract parts of a source document and of its export, compared structurally and written
 * independently of the importer: order, `x-anygate` and the OpenAPI 3.0 / 3.1 spelling of the same
 * schema (`nullable` or a `null` type, boolean or numeric exclusive bounds) aside; path-item
 * parameters count as the operations' (OpenAPI's own rule). An operation is found in the export
 * by method and path shape, its path parameters by position: the export holds paths that differ
 * only in parameter names as one path item (OpenAPI 3.1 forbids them side by side).
 */
import { canonical } from '../../lib/model/normalize';

type Obj = Record<string, any>;
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const esc = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

/** One schema spelling for both dialects. */
export function dialectNeutral(v: unknown, names = false): unknown {
  if (Array.isArray(v)) return v.map((x) => dialectNeutral(x));
  // A map of names (properties, components...): every value is a schema or part, never data.
  if (names && v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, dialectNeutral(x)]));
  if (!v || typeof v !== 'object') return v;
  // 3.0 ignores a $ref's siblings; 3.1 allows summary and description on a Reference Object.
  if (typeof (v as Obj).$ref === 'string') return Object.fromEntries(Object.entries(v).filter(([k]) => ['$ref', 'summary', 'description'].includes(k)));
  // Example values, defaults and enums are data; a media type's `examples` map holds Example Objects.
  const data = (k: string, x: unknown) => ['example', 'default', 'enum', 'const', 'value'].includes(k) || (k === 'examples' && Array.isArray(x));
  const o: Obj = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, data(k, x) ? x : dialectNeutral(x, ['properties', 'patternProperties', '$defs', 'definitions'].includes(k))]));
  if (o.nullable === true && typeof o.type === 'string') {
    o.type = [o.type, 'null'];
    if (Array.isArray(o.enum) && !o.enum.includes(null)) o.enum = [...o.enum, null];
    delete o.nullable;
  }
  for (const [flag, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']]) {
    if (o[flag] === true) {
      o[flag] = o[bound];
      delete o[bound];
    } else if (o[flag] === false) delete o[flag];
  }
  return o;
}

const same = (a: unknown, b: unknown) => JSON.stringify(canonical(dialectNeutral(a))) === JSON.stringify(canonical(dialectNeutral(b)));

function resolve(doc: Obj, v: any): any {
  for (let i = 0; i < 20 && v && typeof v.$ref === 'string' && v.$ref.startsWith('#/'); i++) {
    v = v.$ref.slice(2).split('/').reduce((n: any, k: string) => n?.[decodeURIComponent(k).replace(/~1/g, '/').replace(/~0/g, '~')], doc);
  }
  return v;
}

/** Parameters by `in:name` (path-item ones merged, the operation's win). */
function parameters(doc: Obj, item: Obj, op: Obj): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const p of [...(item.parameters ?? []), ...(op.parameters ?? [])]) {
    const r = resolve(doc, p);
    out.set(`${r?.in}:${r?.in === 'header' ? String(r?.name).toLowerCase() : r?.name}`, p);
  }
  return out;
}

function responses(r: Obj | undefined): Obj {
  return Object.fromEntries(Object.entries(r ?? {}).filter(([k]) => !k.startsWith('x-')).map(([k, v]) => [k.toLowerCase() === 'default' ? 'default' : k.toUpperCase(), v]));
}

export interface Difference {
  /** JSON pointer of the source operation or component. */
  readonly where: string;
  readonly what: string;
}

function operations(doc: Obj): { path: string; method: string; item: Obj; op: Obj; where: string }[] {
  return Object.entries<Obj>(doc.paths ?? {}).flatMap(([p, item]) =>
    [...METHODS, 'x-anygate-any-method', 'x-amazon-apigateway-any-method'].filter((m) => item?.[m]).map((m) => ({ path: p, method: m, item, op: item[m], where: `#/paths/${esc(p)}/${esc(m)}` })),
  );
}

/** A path's parameter names in order, and its shape (the names erased). */
const names = (p: string) => [...p.matchAll(/\{([^}]*)\}/g)].map((m) => m[1].replace(/\+$/, ''));
const shape = (p: string) => p.replace(/(.)\/+$/, '$1').replace(/\{[^}]*\}/g, '{}');

/**
 * The export's operation of a source operation, and the export's name of each of its path
 * parameters: the export writes one path item per path shape (OpenAPI forbids `/a/{x}` beside
 * `/a/{y}`), so an operation may sit under a path that names its parameters otherwise.
 */
function exportedOp(exported: Obj, path: string, method: string): { op: Obj; rename: Map<string, string> } | undefined {
  const key = method === 'x-amazon-apigateway-any-method' ? 'x-anygate-any-method' : method;
  const at = Object.keys(exported.paths ?? {}).find((p) => shape(p) === shape(path) && exported.paths[p]?.[key]);
  if (at === undefined) return undefined;
  const to = names(at);
  return { op: exported.paths[at][key], rename: new Map(names(path).map((n, i) => [n, to[i]])) };
}

/** Source parameters as the export names them: a path parameter renamed by position (written inline, as export writes it). */
function renamed(doc: Obj, ps: Map<string, unknown>, rename: Map<string, string>): Map<string, unknown> {
  return new Map(
    [...ps].map(([k, p]) => {
      const name = k.startsWith('path:') ? rename.get(k.slice(5).replace(/\+$/, '')) : undefined;
      if (name === undefined || `path:${name}` === k.replace(/\+$/, '')) return [k, p];
      const r = resolve(doc, p);
      return [`path:${name}`, { ...r, name: String(r.name).endsWith('+') ? `${name}+` : name }];
    }),
  );
}

/** An exported parameter without the extension that records a `$ref` export had to write inline. */
const withoutExtension = (p: unknown) => (p && typeof p === 'object' && 'x-anygate' in p ? Object.fromEntries(Object.entries(p).filter(([k]) => k !== 'x-anygate')) : p);

/** Every contract part of `source` that `exported` does not hold equal (3.x documents). */
export function contractDifferences(source: Obj, exported: Obj): Difference[] {
  if (source.swagger !== undefined) return swagger2Differences(source, exported);
  const out: Difference[] = [];
  for (const { path, method, item, op, where } of operations(source)) {
    const found = exportedOp(exported, path, method);
    if (!found) {
      out.push({ where, what: 'operation missing' });
      continue;
    }
    const x = found.op;
    if (op.summary !== x.summary) out.push({ where, what: `summary ${JSON.stringify(op.summary)} -> ${JSON.stringify(x.summary)}` });
    if (op.operationId !== undefined && op.operationId !== x.operationId) out.push({ where, what: `operationId ${op.operationId} -> ${x.operationId}` });
    if ((op.deprecated === true) !== (x.deprecated === true)) out.push({ where, what: 'deprecated' });
    const ps = renamed(source, parameters(source, item, op), found.rename);
    const px = parameters(exported, {}, x);
    for (const [k, p] of ps) if (!same(p, withoutExtension(px.get(k)))) out.push({ where, what: `parameter ${k}` });
    // A path parameter the source forgot (every path parameter is required): the export adds it.
    for (const k of px.keys()) if (!ps.has(k) && !(k.startsWith('path:') && ![...ps.keys()].some((s) => s.startsWith(`${k.replace(/\+$/, '')}`)))) out.push({ where, what: `parameter ${k} added` });
    if (!same(op.requestBody, x.requestBody)) out.push({ where, what: 'requestBody' });
    const rs = responses(op.responses);
    if (Object.keys(rs).length && !same(rs, responses(x.responses))) out.push({ where, what: 'responses' });
  }
  for (const [kind, map] of Object.entries<Obj>(source.components ?? {})) {
    if (kind === 'securitySchemes' || kind === 'pathItems') continue;
    for (const [name, v] of Object.entries(map)) if (!same(v, exported.components?.[kind]?.[name])) out.push({ where: `#/components/${kind}/${esc(name)}`, what: 'component' });
  }
  return out;
}

/** Swagger 2.0: what the documented 2.0 -> 3.1 mapping keeps, by name. */
function swagger2Differences(source: Obj, exported: Obj): Difference[] {
  const out: Difference[] = [];
  for (const { path, method, item, op, where } of operations(source)) {
    const found = exportedOp(exported, path, method);
    if (!found) {
      out.push({ where, what: 'operation missing' });
      continue;
    }
    const x = found.op;
    if (op.summary !== x.summary) out.push({ where, what: 'summary' });
    const ps = [...renamed(source, parameters(source, item, op), found.rename).keys()];
    const named = ps.filter((k) => !k.startsWith('body:') && !k.startsWith('formData:')).sort();
    const px = [...parameters(exported, {}, x).keys()].filter((k) => !k.startsWith('path:') || named.some((n) => n.startsWith(k.replace(/\+$/, '')))).sort();
    if (JSON.stringify(named) !== JSON.stringify(px)) out.push({ where, what: `parameters ${named} -> ${px}` });
    if (ps.some((k) => k.startsWith('body:') || k.startsWith('formData:')) !== (x.requestBody !== undefined)) out.push({ where, what: 'requestBody' });
    const codes = Object.keys(responses(op.responses)).sort();
    if (codes.length && JSON.stringify(codes) !== JSON.stringify(Object.keys(responses(x.responses)).sort())) out.push({ where, what: 'responses' });
    for (const [code, r] of Object.entries(responses(op.responses))) {
      if (r?.schema !== undefined && !resolve(exported, responses(x.responses)[code])?.content) out.push({ where, what: `response ${code} content` });
    }
  }
  for (const name of Object.keys(source.definitions ?? {})) if (exported.components?.schemas?.[name] === undefined) out.push({ where: `#/definitions/${esc(name)}`, what: 'definition' });
  return out;
}
