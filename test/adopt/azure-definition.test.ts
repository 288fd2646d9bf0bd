/**
 * The contract of an API Management API's own definition, read onto its routes: an APIOps
 * `specification.yaml`, and an ARM template's API (inline `value`, operations' responses and
 * parameters against `apis/schemas`). What does not map is in the loss report, where it is.
 */
import { adopt, sourceTreeOf } from '../../lib/adopt';
import { validateGateway } from '../../lib/model/normalize';

type Json = Record<string, any>;
const routes = (r: ReturnType<typeof adopt>) => (r.input as { routes: Json[] }).routes;
const byId = (r: ReturnType<typeof adopt>) => Object.fromEntries(routes(r).map((x) => [x.id, x]));

const SPEC = `openapi: 3.0.1
info: { title: items, version: '1.0' }
paths:
  /items:
    get:
      operationId: get-items
      summary: Get items
      description: Newest first
      tags: [items]
      parameters:
        - { name: page, in: query, schema: { type: integer, minimum: 1 } }
      responses:
        '200': { description: Items returned., content: { application/json: { schema: { type: array, items: { $ref: '#/components/schemas/Item' } } } } }
    post:
      operationId: create-item
      requestBody: { content: { application/json: { schema: { $ref: '#/components/schemas/Item' } } } }
      responses: { '201': { description: Item created. } }
components:
  schemas:
    Item: { type: object, properties: { name: { type: string, nullable: true } } }
`;

const apiops = (spec: string, extra: Record<string, string> = {}) =>
  adopt(
    'azure',
    sourceTreeOf('azure', {
      'apis/items/apiInformation.json': JSON.stringify({ properties: { displayName: 'items', path: 'items', serviceUrl: 'https://items.example.com', subscriptionRequired: false } }),
      'apis/items/specification.yaml': spec,
      ...extra,
    }),
  );

describe('the contract of an APIOps specification', () => {
  it('gives each route its summary, parameters, body and responses, its description and tags, and the components (3.1 form)', () => {
    const r = apiops(SPEC);
    const ids = byId(r);
    expect(ids['get-items'].contract).toEqual({
      summary: 'Get items',
      parameters: [{ name: 'page', in: 'query', schema: { type: 'integer', minimum: 1 } }],
      responses: { '200': { description: 'Items returned.', content: { 'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/Item' } } } } } },
    });
    // The summary is the contract's; the description is the route's.
    expect(ids['get-items'].description).toBe('Newest first');
    expect(ids['get-items'].tags).toEqual(['items']);
    expect(ids['create-item'].contract.requestBody).toEqual({ content: { 'application/json': { schema: { $ref: '#/components/schemas/Item' } } } });
    expect((r.input as Json).components.schemas.Item.properties.name).toEqual({ type: ['string', 'null'] });
    expect(r.findings.filter((f) => f.file === 'apis/items/specification.yaml' && f.status !== 'mapped')).toEqual([]);
    expect(validateGateway(r.input).errors).toEqual([]);
  });

  it('reports a specification that refers outside itself, and reads the routes', () => {
    const r = apiops(SPEC.replace("$ref: '#/components/schemas/Item' } } } }\n      responses: { '201'", "$ref: 'item.json' } } } }\n      responses: { '201'"));
    expect(routes(r)).toHaveLength(2);
    expect(routes(r).every((x) => x.contract === undefined)).toBe(true);
    expect(r.findings.filter((f) => f.construct === 'API contract')).toEqual([expect.objectContaining({ status: 'lost', file: 'apis/items/specification.yaml', reason: expect.stringContaining('"item.json"') })]);
  });
});

describe('the contract of an ARM template', () => {
  const template = (api: Json, more: Json[] = []) => ({
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    resources: [{ type: 'Microsoft.ApiManagement/service/apis', name: "[concat(parameters('svc'), '/items')]", properties: { displayName: 'items', path: 'items', serviceUrl: 'https://items.example.com', subscriptionRequired: false, ...api } }, ...more],
  });
  const arm = (t: Json) => adopt('azure', sourceTreeOf('azure', { 'template.json': JSON.stringify(t) }));

  it('reads an inline OpenAPI value (format openapi, YAML): operations and their contract, located under the value', () => {
    const r = arm(template({ format: 'openapi', value: SPEC }));
    expect(byId(r)['get-items'].contract.summary).toBe('Get items');
    expect(r.findings).toEqual(expect.arrayContaining([expect.objectContaining({ status: 'mapped', at: '/resources/0/properties/value/paths/~1items/get', mappedTo: 'routes[0].contract' })]));
  });

  it('reports a linked definition as lost, where it is', () => {
    const r = arm(template({ format: 'openapi-link', value: 'https://example.com/openapi.yaml' }));
    expect(r.findings.filter((f) => f.construct === 'API specification')).toEqual([expect.objectContaining({ status: 'lost', at: '/resources/0/properties/value', reason: expect.stringMatching(/a link is not followed/) })]);
  });

  it('reads operations’ responses, representations and parameters against the API schema', () => {
    const op = {
      type: 'Microsoft.ApiManagement/service/apis/operations',
      name: "[concat(parameters('svc'), '/items/get-item')]",
      properties: {
        method: 'GET',
        urlTemplate: '/items/{id}',
        templateParameters: [{ name: 'id', type: 'integer', required: true }],
        request: { queryParameters: [{ name: 'fields', type: 'string', required: false, description: 'Fields to return' }] },
        responses: [{ statusCode: 200, description: 'The item', representations: [{ contentType: 'application/json', schemaId: 'items-schema', typeName: 'Item' }] }],
      },
    };
    const schema = { type: 'Microsoft.ApiManagement/service/apis/schemas', name: "[concat(parameters('svc'), '/items/items-schema')]", properties: { contentType: 'application/vnd.oai.openapi.components+json', document: { components: { schemas: { Item: { type: 'object' } } } } } };
    const r = arm(template({}, [op, schema]));
    expect(byId(r)['get-item'].contract).toEqual({
      responses: { '200': { description: 'The item', content: { 'application/json': { schema: { $ref: '#/components/schemas/Item' } } } } },
      parameters: [
        { name: 'id', in: 'path', required: true, schema: { type: 'integer' } },
        { name: 'fields', in: 'query', description: 'Fields to return', schema: { type: 'string' } },
      ],
    });
    expect((r.input as Json).components.schemas).toEqual({ Item: { type: 'object' } });
    expect(r.findings).toEqual(expect.arrayContaining([expect.objectContaining({ status: 'mapped', at: '/resources/2', construct: 'API schema (contract)' })]));
    expect(validateGateway(r.input).errors).toEqual([]);
  });
});
