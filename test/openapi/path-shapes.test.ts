/**
 * Routes whose paths differ only in parameter names (`GET /items/{id}`, `DELETE /items/{itemId}`)
 * are one path item of the exported document: OpenAPI 3.1 forbids "templated paths with the same
 * hierarchy but different templated names" (openapi-spec-validator does not catch it, code
 * generators and gateways importing the document break). The shape's first route in canonical order
 * names the parameters; the others' `in: path` parameters are renamed, and `x-anygate.path` keeps
 * each route's own path so that import gives back the same spec.
 */
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { SpecValidationError } from '../../lib/model/errors';
import { toGatewaySpec } from '../../lib/model/normalize';
import { pathShape, mustParsePath } from '../../lib/model/path';
import type { GatewaySpec } from '../../lib/model/types';
import { exportOpenApi, openApiFiles } from '../../lib/openapi/export';
import { importOpenApi } from '../../lib/openapi/import';
import { portalDocument } from '../../lib/openapi/publish';
import { openApiErrors, openApiFileErrors, scratch } from '../validators';

type Doc = Record<string, any>;

/** The repro spec (a GET and a DELETE on /items/{...} under two names, and a sub-resource under a third). */
const repro = () => ({
  name: 'shapes',
  backends: { api: { type: 'http', url: 'https://api.example.com' } },
  defaults: { backend: 'api', auth: 'none' },
  stages: { prod: {} },
  routes: [
    { method: 'GET', path: '/items/{id}' },
    { method: 'DELETE', path: '/items/{itemId}' },
    { method: 'GET', path: '/items/{key}/reviews' },
  ],
});

async function reimport(doc: Doc): Promise<GatewaySpec> {
  return toGatewaySpec((await importOpenApi(structuredClone(doc), 'export.json')).input);
}

/** Path keys of the document that have the same shape as another key (OpenAPI forbids any). */
function sameShapeKeys(doc: Doc): string[][] {
  const by = new Map<string, string[]>();
  for (const p of Object.keys(doc.paths)) {
    const shape = pathShape(mustParsePath(p));
    by.set(shape, [...(by.get(shape) ?? []), p]);
  }
  return [...by.values()].filter((ps) => ps.length > 1);
}

const pathParameters = (op: Doc) => (op.parameters ?? []).filter((p: Doc) => p.in === 'path');

describe('one path item per path shape', () => {
  it('the repro spec: one valid path item for /items/{...} with both operations, the DELETE renamed, and the same spec back', async () => {
    const spec = toGatewaySpec(repro());
    const doc = exportOpenApi(spec) as unknown as Doc;
    expect(openApiErrors(doc)).toBe('');
    expect(sameShapeKeys(doc)).toEqual([]);
    expect(Object.keys(doc.paths).sort()).toEqual(['/items/{id}', '/items/{key}/reviews']);
    const item = doc.paths['/items/{id}'];
    expect(Object.keys(item).sort()).toEqual(['delete', 'get']);
    expect(pathParameters(item.get)).toEqual([{ in: 'path', name: 'id', required: true, schema: { type: 'string' } }]);
    expect(pathParameters(item.delete)).toEqual([{ in: 'path', name: 'id', required: true, schema: { type: 'string' } }]);
    // The DELETE's own names travel in x-anygate.path; the route that names the item has none.
    expect(item.delete['x-anygate'].path).toBe('/items/{itemId}');
    expect(item.get['x-anygate'].path).toBeUndefined();
    // Another shape keeps its own names: OpenAPI forbids only identical hierarchies.
    expect(pathParameters(doc.paths['/items/{key}/reviews'].get).map((p: Doc) => p.name)).toEqual(['key']);
    const again = await reimport(doc);
    expect(again).toEqual(spec);
    expect(again.routes.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /items/{id}', 'DELETE /items/{itemId}', 'GET /items/{key}/reviews']);
  });

  it('the path item is named as most of its routes are, else as the first in canonical order (path, then method), whatever order the spec is written in', () => {
    const names = (routes: { method: string; path: string }[]) => {
      const doc = exportOpenApi(toGatewaySpec({ ...repro(), routes })) as unknown as Doc;
      return Object.entries<Doc>(doc.paths).map(([p, item]) => `${p}: ${Object.entries<Doc>(item).map(([m, op]) => `${m}${op['x-anygate'].path ? ` ${op['x-anygate'].path}` : ''}`).sort().join(', ')}`);
    };
    // A tie: /items/{id} sorts first.
    expect(names([...repro().routes].reverse())).toEqual(['/items/{id}: delete /items/{itemId}, get', '/items/{key}/reviews: get']);
    // Two routes on /items/{itemId}: their name, one route renamed.
    expect(names([{ method: 'PUT', path: '/items/{itemId}' }, ...repro().routes])).toEqual(['/items/{itemId}: delete, get /items/{id}, put', '/items/{key}/reviews: get']);
    // Three names once each: the first in canonical order.
    expect(names([{ method: 'POST', path: '/items/{a}' }, ...repro().routes])).toEqual(['/items/{a}: delete /items/{itemId}, get /items/{id}, post', '/items/{key}/reviews: get']);
  });

  it('documented path parameters keep their descriptions and schemas under the item\'s names; a $ref is written inline and comes back as the $ref', async () => {
    const input = {
      ...repro(),
      routes: [
        { id: 'getItem', method: 'GET', path: '/items/{id}', contract: { parameters: [{ in: 'path', name: 'id', required: true, description: 'The item', schema: { type: 'integer' } }] } },
        { id: 'deleteItem', method: 'DELETE', path: '/items/{itemId}', contract: { parameters: [{ $ref: '#/components/parameters/ItemId', description: 'The item to delete' }, { in: 'query', name: 'force', schema: { type: 'boolean' } }] } },
        {
          id: 'putItem', method: 'PUT', path: '/items/{key}',
          validation: { contract: true },
          transform: { request: { rewritePath: '/internal/{key}', setHeaders: { 'x-key': '${path.key}' } } },
          contract: { parameters: [{ in: 'path', name: 'key', required: true, description: 'The key', schema: { type: 'string', pattern: '^[a-z]+$' } }], requestBody: { content: { 'application/json': { schema: { type: 'object' } } } } },
        },
        // Two positions, named the other way round: each is renamed by position.
        { id: 'getPair', method: 'GET', path: '/pairs/{x}/of/{y}' },
        { id: 'putPair', method: 'PUT', path: '/pairs/{y}/of/{x}', contract: { parameters: [{ in: 'path', name: 'x', required: true, description: 'second', schema: { type: 'string' } }] } },
        // A parameter inside a segment (`{id}.json`) is the same position.
        { id: 'getDoc', method: 'GET', path: '/docs/{id}.json' },
        { id: 'putDoc', method: 'PUT', path: '/docs/{name}.json' },
      ],
      components: { parameters: { ItemId: { in: 'path', name: 'itemId', required: true, description: 'An item', schema: { type: 'string', format: 'uuid' } } } },
    };
    const spec = toGatewaySpec(input);
    const doc = exportOpenApi(spec) as unknown as Doc;
    expect(openApiErrors(doc)).toBe('');
    expect(sameShapeKeys(doc)).toEqual([]);
    expect(Object.keys(doc.paths).sort()).toEqual(['/docs/{id}.json', '/items/{id}', '/pairs/{x}/of/{y}']);
    const items = doc.paths['/items/{id}'];
    expect(Object.keys(items).sort()).toEqual(['delete', 'get', 'put']);
    expect(items.delete.parameters).toEqual([
      { in: 'path', name: 'id', required: true, description: 'The item to delete', schema: { type: 'string', format: 'uuid' }, 'x-anygate': { reference: { $ref: '#/components/parameters/ItemId', description: 'The item to delete' } } },
      { in: 'query', name: 'force', schema: { type: 'boolean' } },
    ]);
    expect(items.put.parameters).toEqual([{ in: 'path', name: 'id', required: true, description: 'The key', schema: { type: 'string', pattern: '^[a-z]+$' } }]);
    // The route's policy keeps its own names: they are the route's, the path item only documents.
    expect(items.put['x-anygate']).toMatchObject({ path: '/items/{key}', transform: { request: { rewritePath: '/internal/{key}', setHeaders: { 'x-key': '${path.key}' } } } });
    expect(doc.paths['/pairs/{x}/of/{y}'].put.parameters).toEqual([
      { in: 'path', name: 'y', required: true, description: 'second', schema: { type: 'string' } },
      { in: 'path', name: 'x', required: true, schema: { type: 'string' } },
    ]);
    expect(pathParameters(doc.paths['/docs/{id}.json'].put).map((p: Doc) => p.name)).toEqual(['id']);
    expect(await reimport(doc)).toEqual(spec);
    // The portal's document has no x-anygate, at any depth, and is valid too.
    const portal = portalDocument(spec);
    expect(JSON.stringify(portal)).not.toContain('x-anygate"');
    expect(openApiErrors(portal)).toBe('');
  });

  it('overlapping versions share the path item; one version\'s document and synth\'s openapi.json likewise', async () => {
    const input = {
      ...repro(),
      versions: { scheme: 'header', name: 'X-Version', list: [{ name: 'v1' }, { name: 'v2' }] },
      routes: [
        { method: 'GET', path: '/items/{id}' },
        { method: 'DELETE', path: '/items/{itemId}', versions: ['v2'] },
        { method: 'PUT', path: '/items/{key}', versions: ['v1'] },
      ],
    };
    const spec = toGatewaySpec(input);
    // Different methods never collide, whatever their versions: one document holds every route.
    expect(openApiFiles(spec).map((f) => f.file)).toEqual(['openapi.json']);
    const doc = exportOpenApi(spec) as unknown as Doc;
    expect(Object.keys(doc.paths)).toEqual(['/items/{id}']);
    expect(Object.keys(doc.paths['/items/{id}']).sort()).toEqual(['delete', 'get', 'put']);
    expect(openApiErrors(doc)).toBe('');
    expect(await reimport(doc)).toEqual(spec);
    const v2 = exportOpenApi(spec, { version: 'v2' }) as unknown as Doc;
    expect(Object.keys(v2.paths['/items/{id}']).sort()).toEqual(['delete', 'get']);
  });

  it('the same method on two names is one route: validation refuses it unless their versions are disjoint, and then export names both', () => {
    const s = repro();
    s.routes[1].method = 'GET';
    expect(() => toGatewaySpec(s)).toThrow(SpecValidationError);
    try {
      toGatewaySpec(s);
    } catch (e) {
      expect((e as SpecValidationError).issues.map((i) => i.message)).toContainEqual(expect.stringMatching(/^GET \/items\/\{itemId\} duplicates routes\[0\] \(GET \/items\/\{id\}\): the paths differ only in parameter names/));
    }
    const versioned = {
      ...s,
      versions: { scheme: 'header', name: 'X-Version', list: [{ name: 'v1' }, { name: 'v2' }] },
      routes: [{ id: 'one', method: 'GET', path: '/items/{id}', versions: ['v1'] }, { id: 'two', method: 'GET', path: '/items/{itemId}', versions: ['v2'] }],
    };
    const spec = toGatewaySpec(versioned);
    expect(() => exportOpenApi(spec)).toThrow(/^routes one and two are GET \/items\/\{id\} and GET \/items\/\{itemId\}, paths that differ only in parameter names \(OpenAPI holds them as one path\) \(in different versions\)/);
    expect(openApiFiles(spec).map((f) => [f.file, Object.keys(f.document.paths!)])).toEqual([
      ['openapi/v1.json', ['/items/{id}']],
      ['openapi/v2.json', ['/items/{itemId}']],
    ]);
  });

  it('import refuses an x-anygate.path of another shape, naming the operation and what to do', async () => {
    const doc = exportOpenApi(toGatewaySpec(repro())) as unknown as Doc;
    doc.paths['/items/{id}'].delete['x-anygate'].path = '/things/{itemId}';
    await expect(importOpenApi(doc, 'x.json')).rejects.toThrow(/x\.json#\/paths\/~1items~1\{id\}\/delete\/x-anygate\/path: DELETE \/items\/\{id\}: x-anygate.path "\/things\/\{itemId\}" is another path; it may only name the parameters of \/items\/\{id\} otherwise/);
  });
});

describe('the round trip over generated specs', () => {
  // Paths of a few shapes under several names each; contracts that document a path parameter inline or by $ref.
  const paths = ['/a/{id}', '/a/{key}', '/a/{id}/b', '/a/{k}/b', '/p/{x}/q/{y}', '/p/{y}/q/{x}', '/p/{u}/q/{v}', '/t/{n}.json', '/t/{m}.json', '/f/{rest+}', '/a'];
  const route = fc.record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'ANY'),
    path: fc.constantFrom(...paths),
    documented: fc.constantFrom('none', 'inline', 'ref'),
    rewrite: fc.boolean(),
  });
  const shapeOf = (p: string) => pathShape(mustParsePath(p));
  // ANY overlaps every method on its shape: one per shape, like two GETs.
  const input = fc.uniqueArray(route, { minLength: 1, maxLength: 8, selector: (r) => `${r.method === 'ANY' ? 'ANY' : r.method} ${shapeOf(r.path)}` }).map((routes) => ({
    ...repro(),
    routes: routes.filter((r, i) => !(r.method !== 'ANY' && routes.some((o, j) => j !== i && o.method === 'ANY' && shapeOf(o.path) === shapeOf(r.path)))).map((r) => {
      const names = [...r.path.matchAll(/\{([^}+]*)\+?\}/g)].map((m) => m[1]);
      const first = names[0];
      const parameters = first === undefined || r.documented === 'none' ? undefined : [r.documented === 'ref' ? { $ref: `#/components/parameters/${first}` } : { in: 'path', name: r.path.includes('+') ? `${first}+` : first, required: true, description: `the ${first}`, schema: { type: 'integer' } }];
      return {
        method: r.method,
        path: r.path,
        ...(parameters ? { contract: { parameters } } : {}),
        ...(r.rewrite && names.length ? { transform: { request: { rewritePath: `/backend${r.path}` } } } : {}),
      };
    }),
    components: { parameters: Object.fromEntries(['id', 'key', 'k', 'x', 'y', 'u', 'n', 'm', 'rest'].map((n) => [n, { in: 'path', name: n === 'rest' ? 'rest+' : n, required: true, description: `component ${n}`, schema: { type: 'string' } }])) },
  }));

  it('import(export(spec)) is the spec; every path item is its own shape, and every operation names the path item\'s parameters', async () => {
    const dir = scratch('oas-shapes');
    const files: string[] = [];
    await fc.assert(
      fc.asyncProperty(input, async (i) => {
        const spec = toGatewaySpec(i);
        const doc = exportOpenApi(spec) as unknown as Doc;
        expect(sameShapeKeys(doc)).toEqual([]);
        for (const [p, item] of Object.entries<Doc>(doc.paths)) {
          // `{rest+}` is declared as `rest` or `rest+` (API Gateway's convention; the model reads both).
          const names = [...p.matchAll(/\{([^}+]*)\+?\}/g)].map((m) => m[1]);
          const resolved = (x: Doc) => (typeof x.$ref === 'string' ? doc.components.parameters[x.$ref.split('/').pop()!] : x);
          for (const op of Object.values<Doc>(item)) expect(pathParameters({ parameters: (op.parameters ?? []).map(resolved) }).map((x: Doc) => x.name.replace(/\+$/, '')).sort()).toEqual([...names].sort());
        }
        expect(await reimport(doc)).toEqual(spec);
        if (files.length < 40) files.push(path.join(dir, `${files.length}.json`));
        if (files.length <= 40) writeFileSync(files[files.length - 1], JSON.stringify(doc));
      }),
      { numRuns: 300, seed: 2026_12_08 },
    );
    // One validator run over the first 40 documents (its start-up is most of its cost).
    expect(openApiFileErrors(files)).toBe('');
  });
});
