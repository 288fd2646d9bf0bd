/**
 * The contract published in API Gateway's OpenAPI body (providers/aws/routes/contract.ts): a model
 * for every declared JSON request body and concrete-status response, documentation parts for what
 * a method response or parameter cannot hold, and nothing that changes what API Gateway checks.
 */
import { toGatewaySpec } from '../../lib/model/normalize';
import { compileAws } from '../../providers/aws/compile';
import { componentModelNames } from '../../providers/aws/routes/models';
import { openApiErrors } from '../validators';
import { resourcesOfType, synthAws } from './helpers';

const input = {
  name: 'shop',
  version: '2.0.0',
  description: 'The shop',
  backends: { api: { type: 'http', url: 'https://api.example.com' }, ok: { type: 'mock', statusCode: 202, body: { ok: true } } },
  components: {
    schemas: { Item: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } }, getItemResponse200: { type: 'string' } },
    responses: { NotFound: { description: 'No such item', content: { 'application/json': { schema: { type: 'object', properties: { error: { type: 'string' } } } } } } },
    requestBodies: { ItemBody: { description: 'The item to store', required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Item' } } } } },
  },
  routes: [
    {
      id: 'getItem', method: 'GET', path: '/items/{id}', backend: 'api', auth: 'none', tags: ['items'],
      validation: { requiredQuery: ['tenant'] },
      contract: {
        summary: 'One item',
        parameters: [
          { name: 'id', in: 'path', required: true, description: 'The item id', schema: { type: 'string' } },
          { name: 'expand', in: 'query', required: true, description: 'What to expand', schema: { type: 'string' } },
          { name: 'filter[name]', in: 'query', schema: { type: 'string' } },
        ],
        responses: {
          '200': { description: 'The item', headers: { ETag: { schema: { type: 'string' } } }, content: { 'application/json': { schema: { type: 'object', properties: { item: { $ref: '#/components/schemas/Item' } } } }, 'text/csv': { schema: { type: 'string' } } } },
          '404': { $ref: '#/components/responses/NotFound' },
          '5XX': { description: 'Trouble' },
        },
      },
    },
    { id: 'putItem', method: 'PUT', path: '/items/{id}', backend: 'ok', auth: 'none', contract: { requestBody: { $ref: '#/components/requestBodies/ItemBody' }, responses: { '202': { description: 'Accepted' } } } },
    { id: 'plain', method: 'GET', path: '/plain', backend: 'api', auth: 'none' },
  ],
};
const spec = toGatewaySpec(input);
const body = compileAws(spec).body as any;
const op = (p: string, m: string) => body.paths[p][m];

describe('the contract in the API Gateway body', () => {
  it('models every declared JSON body and concrete-status response (shared component models, inline ones per route)', () => {
    const get = op('/items/{id}', 'get');
    expect(Object.keys(get.responses)).toEqual(['200', '404']);
    // text/csv is no JSON: no model (it stays in anygate export).
    expect(get.responses['200']).toEqual({ description: 'The item', headers: { ETag: { schema: { type: 'string' } } }, content: { 'application/json': { schema: { $ref: '#/components/schemas/getItemResponse200' } } } });
    expect(get.responses['404'].content['application/json'].schema.$ref).toBe('#/components/schemas/getItemResponse404');
    const models = body.components.schemas;
    // The component named like an inline model would get a model of its own under another name.
    expect(componentModelNames(spec).get('getItemResponse200')).toBe('GetItemResponse2002');
    expect(models.getItemResponse200).toEqual({ type: 'object', properties: { item: { $ref: '#/components/schemas/Item' } } });
    expect(models.Item).toEqual({ type: 'object', required: ['name'], properties: { name: { type: 'string' } } });
    expect(op('/items/{id}', 'put').requestBody).toEqual({ required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Item' } } } });
  });

  it('documents the method, parameters, body and responses as documentation parts', () => {
    const doc = body['x-amazon-apigateway-documentation'];
    // The snapshot's name: the spec's version and a hash of the parts (snapshots cannot change).
    expect(doc.version).toMatch(/^2\.0\.0-[0-9a-f]{12}$/);
    const parts = doc.documentationParts.map((p: any) => [p.location.type, p.location.method ?? '', p.location.name ?? p.location.statusCode ?? '', p.properties]);
    expect(parts).toEqual([
      ['API', '', '', { description: 'The shop' }],
      ['METHOD', 'GET', '', { summary: 'One item', tags: ['items'] }],
      ['PATH_PARAMETER', 'GET', 'id', { description: 'The item id' }],
      ['QUERY_PARAMETER', 'GET', 'expand', { description: 'What to expand' }],
      ['REQUEST_BODY', 'PUT', '', { description: 'The item to store' }],
      ['RESPONSE', 'GET', '200', { description: 'The item' }],
      ['RESPONSE', 'GET', '404', { description: 'No such item' }],
      ['RESPONSE', 'PUT', '202', { description: 'Accepted' }],
    ]);
  });

  it('publishes parameters without enforcing what the route did not ask to validate', () => {
    const params = op('/items/{id}', 'get').parameters.map((p: any) => `${p.in} ${p.name} ${p.required}`);
    // The route validates requiredQuery (a params validator): the contract's required `expand` is
    // published optional, or the validator would enforce it. `filter[name]` is no method parameter name.
    expect(params).toEqual(['path id true', 'query expand false', 'query tenant true']);
    expect(op('/items/{id}', 'get')['x-amazon-apigateway-request-validator']).toBe('params');
    expect(op('/items/{id}', 'put')['x-amazon-apigateway-request-validator']).toBeUndefined();
  });

  it("keeps a mock's status and headers beside the contract's responses; a route without a contract keeps the default response", () => {
    expect(op('/items/{id}', 'put').responses['202']).toMatchObject({ description: 'Accepted' });
    expect(op('/items/{id}', 'put')['x-amazon-apigateway-integration'].responses.default.statusCode).toBe('202');
    expect(op('/plain', 'get').responses).toEqual({ default: { description: 'Backend response, passed through' } });
  });

  it('is a valid OpenAPI 3.0 document (openapi-spec-validator)', () => {
    expect(openApiErrors(body)).toBe('');
  });

  it('every stage publishes the parts as one documentation snapshot, a new one when they change (CloudFormation)', () => {
    const { json } = synthAws(input);
    const versions = resourcesOfType(json, 'AWS::ApiGateway::DocumentationVersion');
    expect(versions).toHaveLength(1);
    const [id, version] = versions[0]!;
    expect(version.Properties.DocumentationVersion).toBe(body['x-amazon-apigateway-documentation'].version);
    for (const [, stage] of resourcesOfType(json, 'AWS::ApiGateway::Stage')) expect(stage.Properties.DocumentationVersion).toEqual({ Ref: id });
    const changed = compileAws(toGatewaySpec({ ...input, description: 'The shop, now documented otherwise' })).body as any;
    expect(changed['x-amazon-apigateway-documentation'].version).not.toBe(body['x-amazon-apigateway-documentation'].version);
  });

  it('a description alone is documented; nothing to document, no snapshot; past the quota of parts, none and a warning', () => {
    const described = { name: 'd', version: '1', description: 'Only a description', backends: { api: { type: 'http', url: 'https://api.example.com' } }, routes: [{ id: 'a', method: 'GET', path: '/a', backend: 'api', auth: 'none' }] };
    const plan = compileAws(toGatewaySpec(described));
    expect((plan.body as any)['x-amazon-apigateway-documentation'].documentationParts).toEqual([{ location: { type: 'API' }, properties: { description: 'Only a description' } }]);
    const bare = compileAws(toGatewaySpec({ ...described, description: undefined }));
    expect((bare.body as any)['x-amazon-apigateway-documentation']).toBeUndefined();
    expect(bare.documentationVersion).toBeUndefined();
    const many = toGatewaySpec({ ...described, routes: Array.from({ length: 2001 }, (_, i) => ({ id: `r${i}`, method: 'GET', path: `/r${i % 250}/${Math.floor(i / 250)}`, backend: 'api', auth: 'none', contract: { summary: `route ${i}` } })) });
    const big = compileAws(many);
    expect((big.body as any)['x-amazon-apigateway-documentation']).toBeUndefined();
    expect(big.warnings.join('\n')).toMatch(/2002 documentation parts, over API Gateway's quota of 2000 per REST API/);
  });
});
