/**
 * The AWS reader's contract read-back (lib/adopt/aws-contract.ts): what it takes from anygate's own
 * body (the round trip of examples/contract on aws is in test/adopt/roundtrip.test.ts), what it
 * takes from an export anygate did not write, and what it must not take for contract.
 */
import * as path from 'node:path';
import { emittedTree } from '../../bin/adopt/emitted';
import { adopt, sourceTreeOf } from '../../lib/adopt';
import { loadSpecFile } from '../../lib/model/load';
import { validateGateway } from '../../lib/model/normalize';
import { openApiErrors } from '../validators';

type Json = Record<string, any>;
const root = path.join(__dirname, '..', '..');
const example = (name: string) => loadSpecFile(path.join(root, 'examples', name, 'gateway.yaml')).spec;
const template = () => JSON.parse(emittedTree(example('contract'), 'aws').files.get('aws/template.json')!) as Json;
const readTemplate = (t: Json) => adopt('aws', sourceTreeOf('aws', { 'aws/template.json': JSON.stringify(t) }));
const readExport = (doc: Json) => adopt('aws', sourceTreeOf('aws', { 'api.json': JSON.stringify(doc) }));
const routes = (r: ReturnType<typeof adopt>) => (r.input as { routes: Json[] }).routes;
const byId = (r: ReturnType<typeof adopt>) => Object.fromEntries(routes(r).map((x) => [x.id, x]));

describe('the AWS contract read back from anygate’s body', () => {
  it('takes descriptions from the documentation parts, a route’s own model inline and a shared one as a component', () => {
    const r = readTemplate(template());
    const ids = byId(r);
    expect(ids.listPayments.contract).toEqual({
      summary: 'Payments, newest first',
      parameters: [{ in: 'query', name: 'limit', required: false, schema: { type: 'string' }, description: 'At most this many' }],
      // listPaymentsResponse200 is the route's own model: inline, and not a component.
      responses: { '200': { description: 'A page of payments', content: { 'application/json': { schema: { type: 'array', items: { $ref: '#/components/schemas/Payment' } } } } } },
    });
    expect(ids.listPayments.description).toBeUndefined();
    expect(ids.createPayment.contract.requestBody).toEqual({ required: true, description: 'The payment to make', content: { 'application/json': { schema: { $ref: '#/components/schemas/Payment' } } } });
    expect(ids.getPayment.contract.parameters).toEqual([{ in: 'path', name: 'id', required: true, schema: { type: 'string' }, description: 'The payment id' }]);
    const components = (r.input as Json).components;
    expect(Object.keys(components.schemas).sort()).toEqual(['Error', 'Payment']);
    // draft-04's null (anyOf with enum [null]) is kept: it is 2020-12 too, and synth writes it back the same.
    expect(components.schemas.Payment.properties.status.anyOf).toEqual([{ type: 'string' }, { enum: [null] }]);
    expect(validateGateway(r.input).errors).toEqual([]);
    const contract = r.findings.filter((f) => f.at.includes('x-amazon-apigateway-documentation') || /contract|model /.test(f.construct));
    expect(contract.filter((f) => f.status !== 'mapped')).toEqual([]);
  });

  it('reports a documentation part naming no method, and a kind with no place in the contract, where they are', () => {
    const t = template();
    const parts = t.Resources.Api.Properties.Body['x-amazon-apigateway-documentation'].documentationParts as Json[];
    parts.push({ location: { type: 'METHOD', path: '/refunds', method: 'POST' }, properties: { summary: 'Refund' } }, { location: { type: 'MODEL', name: 'Payment' }, properties: { title: 'A payment' } });
    const lost = readTemplate(t).findings.filter((f) => f.status === 'lost' && /documentation part/.test(f.construct));
    expect(lost).toEqual([
      expect.objectContaining({ construct: 'documentation part METHOD', at: `/Resources/Api/Properties/Body/x-amazon-apigateway-documentation/documentationParts/${parts.length - 2}`, reason: expect.stringMatching(/names no method of the API read/) }),
      expect.objectContaining({ construct: 'documentation part MODEL', at: `/Resources/Api/Properties/Body/x-amazon-apigateway-documentation/documentationParts/${parts.length - 1}`, reason: expect.stringMatching(/a MODEL part has no place in the contract/) }),
    ]);
  });

  it('does not follow a $ref outside the body: the contract reported lost, naming it, the routes kept', () => {
    const t = template();
    t.Resources.Api.Properties.Body.components.schemas.Error = { $ref: 'errors.json#/Error' };
    const r = readTemplate(t);
    expect(routes(r).every((x) => x.contract === undefined)).toBe(true);
    expect(r.findings.filter((f) => f.construct === 'API contract')).toEqual([expect.objectContaining({ status: 'lost', at: '/Resources/Api/Properties/Body', reason: expect.stringContaining('"errors.json#/Error"') })]);
    expect(routes(r)).toHaveLength(3);
  });

  it('does not take for contract what validation, cache keys, authorizers and mocks declare (petstore)', () => {
    const r = readTemplate(JSON.parse(emittedTree(example('petstore'), 'aws').files.get('aws/template.json')!));
    // petstore publishes no contract: validation's body model and required headers, the cache
    // key's query parameters, the API key header and the mock's answer stay where they belong.
    expect(routes(r).filter((x) => x.contract)).toEqual([]);
    expect(r.findings.filter((f) => /^model /.test(f.construct)).map((f) => f.mappedTo)).toEqual(["the route's validation.bodySchema (its request validator's model)"]);
    expect(routes(r).find((x) => x.id === 'createPet')!.validation.bodySchema).toEqual(expect.objectContaining({ required: ['name'] }));
  });
});

describe('the AWS contract read back from an export anygate did not write', () => {
  const exported = (): Json => ({
    openapi: '3.0.1',
    info: { title: 'shop', version: '2024-01-01' },
    paths: {
      '/orders/{id}': {
        get: {
          operationId: 'GetOrder',
          summary: 'One order',
          description: 'Read from the orders table',
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }, { name: 'expand', in: 'query', schema: { type: 'string' } }],
          responses: { '200': { description: '200 response', content: { 'application/json': { schema: { $ref: '#/components/schemas/Order' } } } }, '404': { description: 'No such order' } },
          'x-amazon-apigateway-integration': { type: 'http_proxy', httpMethod: 'GET', uri: 'https://orders.example.com/orders/{id}', requestParameters: { 'integration.request.path.id': 'method.request.path.id' } },
        },
      },
    },
    components: { schemas: { Order: { type: 'object', properties: { total: { type: 'number', minimum: 0, exclusiveMinimum: true } } }, Empty: { title: 'Empty Schema', type: 'object' } } },
  });

  it('reads the summary as the summary and the description as the route description, and the models as components in 2020-12 form', () => {
    const r = readExport(exported());
    const route = routes(r)[0]!;
    expect(route.description).toBe('Read from the orders table');
    expect(route.contract).toEqual({
      summary: 'One order',
      // API Gateway's own "200 response" is not a description the contract said.
      parameters: [{ name: 'expand', in: 'query', schema: { type: 'string' } }],
      responses: { '200': { content: { 'application/json': { schema: { $ref: '#/components/schemas/Order' } } } }, '404': { description: 'No such order' } },
    });
    const schemas = (r.input as Json).components.schemas;
    // draft-04's boolean exclusiveMinimum is 2020-12's number.
    expect(schemas.Order.properties.total).toEqual({ type: 'number', exclusiveMinimum: 0 });
    expect(Object.keys(schemas).sort()).toEqual(['Empty', 'Order']);
    expect(validateGateway(r.input).errors).toEqual([]);
  });

  it('publishes what it read again: the synthesized body is valid OpenAPI and says the same contract', () => {
    const v = validateGateway(readExport(exported()).input);
    const body = JSON.parse(emittedTree(v.spec!, 'aws').files.get('aws/template.json')!).Resources.Api.Properties.Body;
    expect(openApiErrors(body)).toBe('');
    const op = body.paths['/orders/{id}'].get;
    expect(op.summary).toBe('One order');
    expect(op.parameters).toEqual(expect.arrayContaining([{ in: 'query', name: 'expand', required: false, schema: { type: 'string' } }]));
    expect(op.responses['404']).toEqual({ description: 'No such order' });
    expect(body.components.schemas.Order).toEqual({ type: 'object', properties: { total: { type: 'number', minimum: 0, exclusiveMinimum: true } } });
  });

  it('reads a Swagger 2.0 body parameter and definitions (a SAM DefinitionBody)', () => {
    const doc: Json = {
      swagger: '2.0',
      info: { title: 'locations', version: '1' },
      paths: { '/locations': { put: { parameters: [{ in: 'body', name: 'Location', required: true, schema: { $ref: '#/definitions/Location' } }], responses: { '200': { description: '200 response' } }, 'x-amazon-apigateway-integration': { type: 'aws_proxy', httpMethod: 'POST', uri: 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:1:function:f/invocations' } } } },
      definitions: { Location: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } },
    };
    const r = readExport(doc);
    expect(routes(r)[0]!.contract).toEqual({ requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Location' } } } }, responses: { '200': { description: '' } } });
    expect(r.findings).toEqual(expect.arrayContaining([expect.objectContaining({ status: 'mapped', at: '/definitions/Location', mappedTo: 'components.schemas.Location' })]));
  });
});

describe('the AWS contract read back from a CloudFormation Resource/Method tree', () => {
  const lambdaUri = 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:1:function:f/invocations';
  const method = (id: string, props: Json) => ({ Type: 'AWS::ApiGateway::Method', Properties: { RestApiId: { Ref: 'Api' }, ResourceId: { Ref: 'Orders' }, AuthorizationType: 'NONE', Integration: { Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST', Uri: lambdaUri }, ...props } });
  const tree = (): Json => ({
    Resources: {
      Api: { Type: 'AWS::ApiGateway::RestApi', Properties: { Name: 'orders' } },
      Orders: { Type: 'AWS::ApiGateway::Resource', Properties: { RestApiId: { Ref: 'Api' }, ParentId: { 'Fn::GetAtt': ['Api', 'RootResourceId'] }, PathPart: 'orders' } },
      OrderModel: { Type: 'AWS::ApiGateway::Model', Properties: { RestApiId: { Ref: 'Api' }, Name: 'Order', ContentType: 'application/json', Schema: { $schema: 'http://json-schema.org/draft-04/schema#', type: 'object', required: ['total'], properties: { total: { type: 'number', minimum: 0, exclusiveMinimum: true } } } } },
      // A Schema given as JSON text, as CloudFormation also takes it.
      ErrorModel: { Type: 'AWS::ApiGateway::Model', Properties: { RestApiId: { Ref: 'Api' }, Name: 'Error', ContentType: 'application/json', Schema: JSON.stringify({ type: 'object', properties: { message: { type: 'string' } } }) } },
      NewOrder: { Type: 'AWS::ApiGateway::Model', Properties: { RestApiId: { Ref: 'Api' }, Name: 'NewOrder', ContentType: 'application/json', Schema: { type: 'object', required: ['items'], properties: { items: { type: 'array' } } } } },
      BodyValidator: { Type: 'AWS::ApiGateway::RequestValidator', Properties: { RestApiId: { Ref: 'Api' }, ValidateRequestBody: true, ValidateRequestParameters: false } },
      ListOrders: method('ListOrders', {
        HttpMethod: 'GET',
        MethodResponses: [
          { StatusCode: 200, ResponseModels: { 'application/json': { Ref: 'OrderModel' } }, ResponseParameters: { 'method.response.header.X-Total': true, 'method.response.header.Link': false } },
          { StatusCode: '404', ResponseModels: { 'application/json': 'Error' } },
          { StatusCode: '204', ResponseModels: { 'application/json': 'Empty' } },
        ],
      }),
      PutOrder: method('PutOrder', { HttpMethod: 'PUT', RequestModels: { 'application/json': 'Order' } }),
      CreateOrder: method('CreateOrder', { HttpMethod: 'POST', RequestValidatorId: { Ref: 'BodyValidator' }, RequestModels: { 'application/json': { Ref: 'NewOrder' } }, MethodResponses: [{ StatusCode: '201' }] }),
      PatchOrder: method('PatchOrder', { HttpMethod: 'PATCH', RequestModels: { 'application/json': 'Missing' } }),
    },
  });

  it('reads request models, method responses and the models into the contract and validation', () => {
    const r = readTemplate(tree());
    const ids = byId(r);
    const ref = (n: string) => ({ schema: { $ref: `#/components/schemas/${n}` } });
    expect(ids.ListOrders.contract).toEqual({
      responses: {
        '200': { content: { 'application/json': ref('Order') }, headers: { 'X-Total': { required: true, schema: { type: 'string' } }, Link: { schema: { type: 'string' } } } },
        '404': { content: { 'application/json': ref('Error') } },
        // API Gateway's built-in Empty model says nothing of the body.
        '204': { content: { 'application/json': {} } },
      },
    });
    expect(ids.PutOrder.contract).toEqual({ requestBody: { content: { 'application/json': ref('Order') } } });
    // The validator checks the body against NewOrder: the route's validation, not its contract.
    expect(ids.CreateOrder.validation).toEqual({ bodySchema: { type: 'object', required: ['items'], properties: { items: { type: 'array' } } } });
    expect(ids.CreateOrder.contract).toEqual({ responses: { '201': {} } });
    // A model the template does not define: reported, and the method's contract leaves it out.
    expect(ids.PatchOrder.contract).toBeUndefined();
    const schemas = (r.input as Json).components.schemas;
    expect(Object.keys(schemas).sort()).toEqual(['Error', 'Order']);
    // draft-04 in, the model's 2020-12 form out (no $schema; a boolean exclusiveMinimum is a number).
    expect(schemas.Order).toEqual({ type: 'object', required: ['total'], properties: { total: { type: 'number', exclusiveMinimum: 0 } } });
    expect(schemas.Error).toEqual({ type: 'object', properties: { message: { type: 'string' } } });
    expect(r.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ status: 'mapped', at: '/Resources/OrderModel', construct: 'model Order', mappedTo: 'components.schemas.Order' }),
        expect.objectContaining({ status: 'mapped', at: '/Resources/NewOrder', construct: 'model NewOrder', mappedTo: "the route's validation.bodySchema (its request validator's model)" }),
        expect.objectContaining({ status: 'mapped', at: '/Resources/ListOrders/Properties/MethodResponses/0', mappedTo: 'routes[].contract.responses.200' }),
        expect.objectContaining({ status: 'mapped', at: '/Resources/PutOrder/Properties/RequestModels', mappedTo: 'routes[].contract.requestBody' }),
        expect.objectContaining({ status: 'mapped', at: '/Resources/CreateOrder/Properties/RequestModels', mappedTo: 'routes[].validation.bodySchema' }),
        expect.objectContaining({ status: 'lost', at: '/Resources/PatchOrder/Properties/RequestModels/application~1json', construct: 'request model' }),
      ]),
    );
    expect(r.findings.some((f) => /RequestModels/.test(f.at) && /not read/.test(f.reason ?? ''))).toBe(false);
  });

  it('publishes what it read: the imported spec validates and its synthesized body is valid OpenAPI with the same models', () => {
    const v = validateGateway(readTemplate(tree()).input);
    expect(v.errors).toEqual([]);
    const body = JSON.parse(emittedTree(v.spec!, 'aws').files.get('aws/template.json')!).Resources.Api.Properties.Body;
    expect(openApiErrors(body)).toBe('');
    expect(body.components.schemas.Order).toEqual({ type: 'object', required: ['total'], properties: { total: { type: 'number', minimum: 0, exclusiveMinimum: true } } });
    expect(body.paths['/orders'].put.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Order' });
    expect(Object.keys(body.paths['/orders'].get.responses)).toEqual(expect.arrayContaining(['200', '204', '404']));
  });
});
