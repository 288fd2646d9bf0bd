/**
 * An unresolvable `$ref` in a part of an operation the gateway checks (`x-anygate.validation.contract`)
 * is an error naming the file, the JSON pointer and the operation: the empty schema the contract
 * would hold in its place checks nothing. Where nothing is enforced it stays a warning.
 */
import { importOpenApi } from '../../lib/openapi/import';
import { SpecValidationError } from '../../lib/model/errors';

const doc = (validation: unknown, extra: Record<string, unknown> = {}) => ({
  openapi: '3.0.3',
  info: { title: 'Refv', version: '1' },
  servers: [{ url: 'https://api.example.com' }],
  paths: {
    '/things/{id}': {
      post: {
        operationId: 'createThing',
        ...(validation === undefined ? {} : { 'x-anygate': { validation } }),
        parameters: [{ $ref: '#/components/parameters/Id' }],
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } } },
        responses: { '201': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/Gone' } } } } },
      },
    },
  },
  components: { parameters: { Id: { name: 'id', in: 'path', required: true, schema: { type: 'string' } } } },
  ...extra,
});
const BODY = '#/paths/~1things~1{id}/post/requestBody/content/application~1json/schema';

async function errorsOf(d: unknown): Promise<string[]> {
  try {
    await importOpenApi(d as Record<string, unknown>, '/specs/refv.yaml');
  } catch (e) {
    if (e instanceof SpecValidationError) return e.issues.map((i) => `${i.file}: ${i.message}`);
    throw e;
  }
  return [];
}

describe('unresolvable $refs where the gateway validates', () => {
  it('validation.contract: true makes a missing body schema an error (file, pointer, operation); the response schema stays a warning', async () => {
    const errors = await errorsOf(doc({ contract: true }));
    expect(errors).toEqual([expect.stringMatching(new RegExp(`^/specs/refv\\.yaml${BODY.replace(/[~{}/.]/g, '\\$&')}: POST /things/\\{id\\} \\(createThing\\): \\$ref "#/components/schemas/Thing" cannot be resolved.*turn validation\\.contract off`))]);
  });

  it('validation.contract.body: false leaves the body a warning and never fails the import', async () => {
    const r = await importOpenApi(doc({ contract: { body: false } }) as Record<string, unknown>, '/specs/refv.yaml');
    expect(r.warnings.filter((w) => w.kind === 'contract').map((w) => w.where)).toContain(BODY);
  });

  it('a missing parameter component is an error when parameters are validated', async () => {
    const d = doc({ contract: { body: false } }, { components: {} });
    expect(await errorsOf(d)).toEqual([expect.stringContaining('POST /things/{id} (createThing): $ref "#/components/parameters/Id" cannot be resolved')]);
  });

  it('without validation the same document imports, with warnings (the contract documents the API)', async () => {
    const r = await importOpenApi(doc(undefined) as Record<string, unknown>, '/specs/refv.yaml');
    expect(r.warnings.filter((w) => w.kind === 'contract').length).toBe(2);
  });

  it('--lenient skips such an operation (listed), never routes it unchecked', async () => {
    const d = doc({ contract: true });
    (d.paths as Record<string, unknown>)['/ok'] = { get: { operationId: 'ok', responses: { '200': { description: 'ok' } } } };
    const r = await importOpenApi(d as Record<string, unknown>, '/specs/refv.yaml', { lenient: true });
    expect(r.input.routes!.map((x) => x.id)).toEqual(['ok']);
    expect(r.warnings.filter((w) => w.kind === 'skipped').map((w) => w.message)).toEqual([expect.stringContaining('POST /things/{id} (createThing) is skipped (--lenient): #/paths/~1things~1{id}/post/requestBody/content/application~1json/schema: $ref "#/components/schemas/Thing" cannot be resolved')]);
  });
  it('a missing $ref inside a component the checked body reaches (through another component) is an error too; a component only responses use stays a warning', async () => {
    const components = {
      parameters: { Id: { name: 'id', in: 'path', required: true, schema: { type: 'string' } } },
      schemas: {
        Thing: { type: 'object', properties: { part: { $ref: '#/components/schemas/Part' } } },
        Part: { type: 'array', items: { $ref: '#/components/schemas/Missing' } },
        Gone: { type: 'object', properties: { x: { $ref: '#/components/schemas/AlsoMissing' } } },
      },
    };
    const errors = await errorsOf(doc({ contract: true }, { components }));
    expect(errors).toEqual([expect.stringMatching(/^\/specs\/refv\.yaml#\/components\/schemas\/Part\/items: POST \/things\/\{id\} \(createThing\): \$ref "#\/components\/schemas\/Missing" cannot be resolved.*\(in #\/components\/schemas\/Part, which this operation checks\)/)]);
    const r = await importOpenApi(doc({ contract: { body: false } }, { components }) as Record<string, unknown>, '/specs/refv.yaml');
    expect(r.warnings.filter((w) => w.kind === 'contract').map((w) => w.where).sort()).toEqual(['#/components/schemas/Gone/properties/x', '#/components/schemas/Part/items']);
  });
});
