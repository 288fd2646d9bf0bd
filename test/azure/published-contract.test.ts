/**
 * What API Management publishes of a route's contract without validating it: the declared query
 * and header parameters on the operation (documentation: never required where the route's own
 * validate-parameters would then check them), and the API schema's types whole, their `$ref`s to
 * other types included (a `$ref` is data there, not a deploy-time reference).
 */
import * as path from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';
import { resourceList } from '../../bin/synth/azure';
import { toGatewaySpec } from '../../lib/model/normalize';
import { compileAzure } from '../../providers/azure/compile';
import { apimPolicyErrors, openApiErrors, scratch } from '../validators';

type Spec = Record<string, any>;
const contractExample = (): Spec => parse(readFileSync(path.join(__dirname, '../../examples/contract/gateway.yaml'), 'utf8'));
const operation = (s: Spec, id: string) => compileAzure(toGatewaySpec(s), { stage: 'prod' }).operations.find((o) => o.id === id)!;

describe('the contract API Management publishes without validation', () => {
  it('declares the contract’s query and header parameters on the operation, with their types and descriptions', () => {
    expect(operation(contractExample(), 'listPayments').queryParameters).toEqual([{ name: 'limit', type: 'integer', required: false, description: 'At most this many' }]);
    expect(operation(contractExample(), 'createPayment').headers).toEqual([{ name: 'Idempotency-Key', type: 'string', required: true, description: 'Repeats of a key create one payment' }]);
    // A path parameter stays what the path implies, with the declaration's description (the portal shows it).
    expect(operation(contractExample(), 'getPayment').templateParameters).toEqual([{ name: 'id', type: 'string', required: true, description: 'The payment id' }]);
  });

  it('declares them as optional strings where the route’s own validate-parameters would check them', () => {
    const s = contractExample();
    s.routes[0].validation = { requiredQuery: ['cursor'] };
    s.routes[0].contract.parameters.push({ name: 'sort', in: 'query', required: true, schema: { type: 'string', enum: ['asc', 'desc'] } });
    const op = operation(s, 'listPayments');
    expect(op.queryParameters).toEqual([
      { name: 'cursor', type: 'string', required: true },
      { name: 'limit', type: 'string', required: false, description: 'At most this many' },
      { name: 'sort', type: 'string', required: false },
    ]);
    // Only the route's own requirement is validated; the policy validates with XSD-valid XML.
    const dir = scratch('apim-published');
    const file = path.join(dir, 'listPayments.xml');
    writeFileSync(file, op.policy!);
    expect(op.policy).toContain('<validate-parameters');
    expect(apimPolicyErrors([file])).toBe('');
  });

  it('keeps every $ref of the API schema: an inline array response keeps its items, and the schema is valid OpenAPI 3.0', () => {
    const graph = resourceList(compileAzure(toGatewaySpec(contractExample()), { stage: 'prod' }).resources, 'payments-contract');
    const schema = graph.find((r) => r.type === 'azure-native:apimanagement:ApiSchema')!.inputs as { components: { schemas: Record<string, any> } };
    expect(schema.components.schemas.listPaymentsResponse200).toEqual({ type: 'array', items: { $ref: '#/components/schemas/Payment' } });
    expect(openApiErrors({ openapi: '3.0.3', info: { title: 'schema', version: '1' }, paths: {}, components: schema.components })).toBe('');
  });

  it('keeps a component’s $ref to another component', () => {
    const s = contractExample();
    s.components.schemas.Page = { type: 'object', properties: { items: { type: 'array', items: { $ref: '#/components/schemas/Payment' } }, next: { $ref: '#/components/schemas/Error' } } };
    s.routes[0].contract.responses['200'].content['application/json'].schema = { $ref: '#/components/schemas/Page' };
    const graph = resourceList(compileAzure(toGatewaySpec(s), { stage: 'prod' }).resources, 'payments-contract');
    const schemas = (graph.find((r) => r.type === 'azure-native:apimanagement:ApiSchema')!.inputs as { components: { schemas: Record<string, any> } }).components.schemas;
    expect(schemas.Page.properties).toEqual({ items: { type: 'array', items: { $ref: '#/components/schemas/Payment' } }, next: { $ref: '#/components/schemas/Error' } });
  });
});
