/**
 * validation.contract and the published contract on Apigee: the 415 gate reads the Content-Type
 * without case and runs after OASValidation (parameters first, as every target and dev answer), and
 * the whole contract is bundled as OpenAPI 3.0 (resources/oas/contract.json) for the integrated
 * portal and API hub, valid by openapi-spec-validator, with apigeelint passing on the bundle.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { toGatewaySpec } from '../../lib/model/normalize';
import { compileApigee } from '../../providers/apigee/compile';
import { apigeelint, openApiErrors, scratch } from '../validators';

const spec = toGatewaySpec({
  name: 'shop',
  backends: { api: { type: 'http', url: 'https://api.example.com' } },
  components: { schemas: { Item: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, note: { type: ['string', 'null'] } } } } },
  routes: [
    {
      id: 'postItem', method: 'POST', path: '/items', backend: 'api', auth: 'none', validation: { contract: true },
      contract: {
        summary: 'Create an item',
        parameters: [{ name: 'version', in: 'query', required: true, schema: { type: 'string' } }],
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Item' } }, 'application/merge-patch+json': {} } },
        responses: { '201': { description: 'Created', content: { 'application/json': { schema: { $ref: '#/components/schemas/Item' } } } } },
      },
    },
    { id: 'getItem', method: 'GET', path: '/items/{id}', backend: 'api', auth: 'none', contract: { summary: 'One item', responses: { '200': { description: 'The item', content: { 'application/json': { schema: { $ref: '#/components/schemas/Item' } } } } } } },
  ],
});
const files = compileApigee(spec).files;
const flow = /<Flow name="postItem">([\s\S]*?)<\/Flow>/.exec(files['proxies/default.xml']!)![1]!;

describe('validation.contract on Apigee', () => {
  it('refuses an undeclared media type 415 after OASValidation, reading Content-Type without case', () => {
    const steps = [...flow.matchAll(/<Name>([^<]+)<\/Name>/g)].map((m) => m[1]);
    expect(steps.indexOf('OAS-contract')).toBeGreaterThanOrEqual(0);
    expect(steps.indexOf('RF-unsupported-media-type')).toBeGreaterThan(steps.indexOf('OAS-contract'));
    const condition = /<Name>RF-unsupported-media-type<\/Name>\s*<Condition>([^<]+)<\/Condition>/.exec(flow)![1]!.replace(/&quot;/g, '"');
    const m = /^\(request\.content != null\) and !\(request\.header\.Content-Type JavaRegex "\(\?i\)(.+)"\)$/.exec(condition);
    expect(m).not.toBeNull();
    // Java's (?i) is JavaScript's i flag; the rest of the pattern reads the same in both.
    const accepts = (type: string) => new RegExp(m![1]!, 'i').test(type);
    const verdicts = ['application/json', 'Application/JSON', 'application/json; charset=utf-8', 'application/json;charset=UTF-8', 'APPLICATION/MERGE-PATCH+JSON', 'application/jsonx', 'application/json-seq', 'text/plain', 'xapplication/json'].map((t) => [t, accepts(t)]);
    expect(verdicts).toEqual([
      ['application/json', true], ['Application/JSON', true], ['application/json; charset=utf-8', true], ['application/json;charset=UTF-8', true], ['APPLICATION/MERGE-PATCH+JSON', true],
      ['application/jsonx', false], ['application/json-seq', false], ['text/plain', false], ['xapplication/json', false],
    ]);
  });

  it('bundles the whole contract as OpenAPI 3.0 for the portal and API hub, without the gateway policy', () => {
    const doc = JSON.parse(files['resources/oas/contract.json']!);
    expect(doc.openapi).toBe('3.0.3');
    expect(Object.keys(doc.paths).sort()).toEqual(['/items', '/items/{id}']);
    expect(doc.paths['/items/{id}'].get.summary).toBe('One item');
    expect(doc.paths['/items'].post.responses['201'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Item' });
    expect(doc.components.schemas.Item.properties.note).toEqual({ type: 'string', nullable: true });
    expect(JSON.stringify(doc)).not.toContain('x-anygate"');
    expect(JSON.stringify(doc)).not.toContain('api.example.com');
    // The validator's spec keeps the validated operation only.
    expect(Object.keys(JSON.parse(files['resources/oas/anygate.json']!).paths)).toEqual(['/items']);
    expect(files['shop.xml']).toContain('<Resource>oas://contract.json</Resource>');
    expect(openApiErrors(doc)).toBe('');
  });

  it('apigeelint passes on the bundle', () => {
    const dir = scratch('apigee-contract');
    for (const [f, text] of Object.entries(files)) {
      const file = path.join(dir, 'apiproxy', f);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, text);
    }
    expect(apigeelint(dir).filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('publishes nothing beside a spec without a contract', () => {
    const plain = toGatewaySpec({ name: 'p', backends: { api: { type: 'http', url: 'https://api.example.com' } }, routes: [{ method: 'GET', path: '/a', backend: 'api', auth: 'none' }] });
    expect(Object.keys(compileApigee(plain).files).filter((f) => f.startsWith('resources/oas/'))).toEqual([]);
  });
});

describe('paths that differ only in parameter names', () => {
  it('share one path item in the validation document, the later route\'s path parameters renamed by position', () => {
    const body = { type: 'object', required: ['name'], properties: { name: { type: 'string' } } };
    const spec = toGatewaySpec({
      name: 'shapes',
      backends: { api: { type: 'http', url: 'https://api.example.com' } },
      defaults: { backend: 'api', auth: 'none' },
      routes: [
        { method: 'POST', path: '/items/{id}', validation: { bodySchema: body } },
        { method: 'PUT', path: '/items/{itemId}', validation: { contract: true }, contract: { parameters: [{ name: 'itemId', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z]+$' } }], requestBody: { required: true, content: { 'application/json': { schema: body } } } } },
      ],
    });
    const doc = JSON.parse(compileApigee(spec).files['resources/oas/anygate.json']!);
    expect(Object.keys(doc.paths)).toEqual(['/items/{id}']);
    expect(Object.keys(doc.paths['/items/{id}']).sort()).toEqual(['post', 'put']);
    expect(doc.paths['/items/{id}'].put.parameters).toEqual([{ name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[a-z]+$' } }]);
    expect(openApiErrors(doc)).toBe('');
  });
});
