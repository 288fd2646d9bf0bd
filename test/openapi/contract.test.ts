/**
 * Issue 35: the contract layer. Import keeps it (references as references, side files hoisted into
 * components, cycles kept, 3.0 and 2.0 read as 3.1), export gives it back, and import -> export ->
 * import is a fixed point; the model refuses a broken `$ref` where it is, and the builder declares it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Gateway } from '../../lib/model/builder';
import { toGatewaySpec, validateGateway } from '../../lib/model/normalize';
import type { GatewaySpec } from '../../lib/model/types';
import { exportOpenApi } from '../../lib/openapi/export';
import { importOpenApi } from '../../lib/openapi/import';
import { scratch } from '../validators';
import { contractDifferences } from './contract-compare';

type Doc = Record<string, any>;
const doc = (paths: Doc, extra: Doc = {}): Doc => ({ openapi: '3.1.0', info: { title: 'Pets', version: '1.0.0' }, servers: [{ url: 'https://pets.example.com' }], security: [], paths, ...extra });

function write(dir: string, name: string, value: unknown): string {
  const f = path.join(dir, name);
  mkdirSync(path.dirname(f), { recursive: true });
  writeFileSync(f, JSON.stringify(value));
  return f;
}

async function roundTrip(source: Doc, file = 'api.json'): Promise<{ spec: GatewaySpec; exported: Doc; again: GatewaySpec; warnings: string[] }> {
  const result = await importOpenApi(source, file);
  const spec = toGatewaySpec(result.input);
  const exported = exportOpenApi(spec) as unknown as Doc;
  const again = toGatewaySpec((await importOpenApi(structuredClone(exported), 'export.json')).input);
  return { spec, exported, again, warnings: result.warnings.map((w) => `${w.kind} ${w.where}: ${w.message}`) };
}

/** Every `$ref` replaced by its target (a cycle by a marker), for comparing what a reader sees. */
function deref(root: Doc, v: unknown, seen: string[] = []): unknown {
  if (Array.isArray(v)) return v.map((x) => deref(root, x, seen));
  if (!v || typeof v !== 'object') return v;
  const ref = (v as Doc).$ref;
  if (typeof ref === 'string') {
    const name = ref.split('/').pop()!;
    if (seen.includes(ref)) return { cycle: name };
    const target = ref.slice(2).split('/').reduce((n: any, k) => n?.[k], root);
    return deref(root, target, [...seen, ref]);
  }
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, deref(root, x, seen)]));
}

const petSchema = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string' }, tag: { type: ['string', 'null'] }, kind: { oneOf: [{ $ref: '#/components/schemas/Cat' }, { $ref: '#/components/schemas/Dog' }] }, parent: { $ref: '#/components/schemas/Pet' } },
};
const petDoc = () =>
  doc(
    {
      '/pets/{id}': {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
        get: {
          operationId: 'getPet',
          summary: 'One pet',
          deprecated: true,
          parameters: [{ $ref: '#/components/parameters/Verbose' }],
          responses: { '200': { description: 'The pet', headers: { 'x-rate': { schema: { type: 'integer' } } }, content: { 'application/json': { schema: { $ref: '#/components/schemas/Pet' }, examples: { rex: { $ref: '#/components/examples/Rex' } } } } }, '404': { $ref: '#/components/responses/NotFound' } },
        },
        put: { operationId: 'put.pet', requestBody: { required: true, content: { 'application/json': { schema: { allOf: [{ $ref: '#/components/schemas/Pet' }, { type: 'object', properties: { id: { type: 'integer' } } }] } } } }, responses: { default: { description: 'ok' } } },
      },
    },
    {
      components: {
        schemas: { Pet: petSchema, Cat: { type: 'object', properties: { meow: { type: 'boolean' } } }, Dog: { type: 'object' }, Unused: { type: 'string' } },
        parameters: { Verbose: { name: 'verbose', in: 'query', schema: { type: 'boolean' }, style: 'form', explode: false } },
        responses: { NotFound: { description: 'No such pet' } },
        examples: { Rex: { value: { name: 'Rex' } } },
      },
    },
  );

describe('import keeps the contract, export gives it back', () => {
  it('keeps references as references, every component, and round-trips to a fixed point', async () => {
    const source = petDoc();
    const { spec, exported, again } = await roundTrip(source);
    const get = spec.routes.find((r) => r.id === 'getPet')!;
    expect(get.contract?.summary).toBe('One pet');
    expect(get.contract?.responses?.['200']).toMatchObject({ content: { 'application/json': { schema: { $ref: '#/components/schemas/Pet' } } } });
    expect(Object.keys(spec.components!.schemas!)).toEqual(['Cat', 'Dog', 'Pet', 'Unused']);
    expect(spec.routes.find((r) => r.method === 'PUT')!.contract?.operationId).toBe('put.pet');
    expect(contractDifferences(source, exported)).toEqual([]);
    expect(again).toEqual(spec);
  });

  it('reads 3.0 schemas as 3.1: nullable becomes a null type, boolean exclusive bounds numbers', async () => {
    const source: Doc = { ...petDoc(), openapi: '3.0.3' };
    source.components.schemas.Pet = { ...petSchema, properties: { ...petSchema.properties, tag: { type: 'string', nullable: true } } };
    source.components.schemas.Age = { type: 'integer', nullable: true, minimum: 0, exclusiveMinimum: true, enum: [1, 2] };
    const { spec, exported, again } = await roundTrip(source);
    expect(spec.components!.schemas!.Age).toEqual({ type: ['integer', 'null'], exclusiveMinimum: 0, enum: [1, 2, null] });
    expect((spec.components!.schemas!.Pet as Doc).properties.tag).toEqual({ type: ['string', 'null'] });
    expect(contractDifferences(source, exported)).toEqual([]);
    expect(again).toEqual(spec);
  });

  it('hoists side-file $refs into components (relative to the file that holds them), keeping cycles', async () => {
    const dir = scratch('contract-side');
    write(dir, 'schemas/pet.json', { type: 'object', properties: { tag: { $ref: './tag.json#/Tag' }, children: { type: 'array', items: { $ref: './pet.json' } } } });
    write(dir, 'schemas/tag.json', { Tag: { type: 'string', maxLength: 20 } });
    write(dir, 'paths/pets.json', { post: { operationId: 'addPet', requestBody: { content: { 'application/json': { schema: { $ref: '../schemas/pet.json' } } } }, responses: { '201': { description: 'made' } } } });
    const source = doc({ '/pets': { $ref: './paths/pets.json' } });
    const f = write(dir, 'api.json', source);
    const { spec, exported, again } = await roundTrip(source, f);
    expect(spec.components?.schemas).toEqual({
      pet: { type: 'object', properties: { tag: { $ref: '#/components/schemas/Tag' }, children: { type: 'array', items: { $ref: '#/components/schemas/pet' } } } },
      Tag: { type: 'string', maxLength: 20 },
    });
    expect(deref(exported, exported.paths['/pets'].post.requestBody)).toEqual({
      content: { 'application/json': { schema: { type: 'object', properties: { tag: { type: 'string', maxLength: 20 }, children: { type: 'array', items: { cycle: 'pet' } } } } } },
    });
    expect(again).toEqual(spec);
  });

  it('a $ref it cannot follow is a located contract warning, never an error', async () => {
    const source = doc({ '/a': { get: { operationId: 'a', responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: './missing.json#/A' } } } } } } } });
    const { spec, warnings } = await roundTrip(source, path.join(scratch('contract-missing'), 'api.json'));
    expect(spec.routes[0].contract?.responses?.['200']).toEqual({ description: 'ok', content: { 'application/json': { schema: {} } } });
    expect(warnings).toEqual([expect.stringMatching(/^contract #\/paths\/~1a\/get\/responses\/200\/content\/application~1json\/schema: \$ref "\.\/missing\.json#\/A" cannot be resolved: file .* does not exist/)]);
  });

  it('reads Swagger 2.0: definitions, body and form parameters, responses by produces, collectionFormat', async () => {
    const source: Doc = {
      swagger: '2.0',
      info: { title: 'Pets', version: '1' },
      host: 'pets.example.com',
      schemes: ['https'],
      produces: ['application/json'],
      security: [],
      definitions: { Pet: { type: 'object', properties: { photo: { type: 'string', format: 'byte' }, name: { type: 'string', 'x-nullable': true } } } },
      parameters: { Tags: { name: 'tags', in: 'query', type: 'array', items: { type: 'string' }, collectionFormat: 'multi' } },
      paths: {
        '/pets': {
          post: { operationId: 'addPet', summary: 'Add', parameters: [{ name: 'body', in: 'body', required: true, schema: { $ref: '#/definitions/Pet' } }, { $ref: '#/parameters/Tags' }], responses: { 200: { description: 'ok', schema: { $ref: '#/definitions/Pet' }, headers: { 'x-id': { type: 'integer' } } } } },
          put: { operationId: 'upload', consumes: ['multipart/form-data'], parameters: [{ name: 'file', in: 'formData', type: 'file', required: true }], responses: { 204: { description: 'done' } } },
        },
      },
    };
    const { spec, exported, again } = await roundTrip(source);
    expect(spec.components).toEqual({
      schemas: { Pet: { type: 'object', properties: { photo: { type: 'string', format: 'byte' }, name: { type: ['string', 'null'] } } } },
      parameters: { Tags: { name: 'tags', in: 'query', style: 'form', explode: true, schema: { type: 'array', items: { type: 'string' } } } },
    });
    const post = exported.paths['/pets'].post;
    expect(post.requestBody).toEqual({ required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Pet' } } } });
    expect(post.parameters).toEqual([{ $ref: '#/components/parameters/Tags' }]);
    expect(post.responses['200']).toEqual({ description: 'ok', headers: { 'x-id': { schema: { type: 'integer' } } }, content: { 'application/json': { schema: { $ref: '#/components/schemas/Pet' } } } });
    expect(exported.paths['/pets'].put.requestBody).toEqual({ required: true, content: { 'multipart/form-data': { schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } }, required: ['file'] } } } });
    expect(contractDifferences(source, exported)).toEqual([]);
    expect(again).toEqual(spec);
  });

  it('a spec without a contract exports what its path and validation imply, and re-imports without one', async () => {
    const spec = toGatewaySpec({ name: 'plain', backends: { b: { type: 'http', url: 'https://b.example.com' } }, routes: [{ method: 'POST', path: '/x/{id}', backend: 'b', auth: 'none', validation: { requiredQuery: ['q'], bodySchema: { type: 'object' } } }] });
    const exported = exportOpenApi(spec) as unknown as Doc;
    expect(exported.paths['/x/{id}'].post.parameters.map((p: Doc) => `${p.in}:${p.name}`)).toEqual(['path:id', 'query:q']);
    const again = toGatewaySpec((await importOpenApi(exported, 'e.json')).input);
    expect(again.routes[0].contract).toBeUndefined();
    expect(again).toEqual(spec);
  });
});

describe('the model holds the contract', () => {
  it('refuses a $ref that names nothing, where it is used', () => {
    const r = validateGateway({
      name: 'g',
      backends: { b: { type: 'http', url: 'https://b.example.com' } },
      components: { schemas: { A: { $ref: '#/components/schemas/B' } } },
      routes: [{ method: 'GET', path: '/a', backend: 'b', auth: 'none', contract: { responses: { '200': { description: 'x', content: { 'application/json': { schema: { $ref: './a.json' } } } } } } }],
    });
    expect(r.errors.map((e) => `${e.path.join('.')}: ${e.message}`)).toEqual([
      'components.schemas.A: $ref "#/components/schemas/B" points at nothing: add components.schemas.B',
      'routes.0.contract.responses.200.content.application/json.schema: $ref "./a.json" must point at #/components/<kind>/<name> (kind: schemas, parameters, responses, requestBodies, headers, examples); side files and remote documents are read by import, not by the model',
    ]);
  });

  it('the builder declares components and route contracts', () => {
    const gw = new Gateway({ name: 'pets' });
    const b = gw.httpBackend('pets', 'https://pets.example.com');
    const pet = gw.component('schemas', 'Pet', { type: 'object', properties: { name: { type: 'string' } } });
    gw.route('GET /pets/{id}', { backend: b, auth: 'none', contract: { summary: 'One pet', responses: { '200': { description: 'The pet', content: { 'application/json': { schema: pet } } } } } });
    const exported = exportOpenApi(gw.toSpec()) as unknown as Doc;
    expect(exported.components.schemas.Pet).toEqual({ type: 'object', properties: { name: { type: 'string' } } });
    expect(exported.paths['/pets/{id}'].get).toMatchObject({ summary: 'One pet', parameters: [{ name: 'id', in: 'path' }], responses: { '200': { content: { 'application/json': { schema: { $ref: '#/components/schemas/Pet' } } } } } });
  });
});
