import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { toGatewaySpec } from '../../lib/model/normalize';
import { installMocks, settle, valueOf } from '../pulumi-mocks';

const recorded = installMocks({ gatewayUrl: 'https://petstore.azure-api.net' });
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { AzureApimGateway } = require('../../providers/azure/gateway') as typeof import('../../providers/azure/gateway');

const petstore = toGatewaySpec(parse(readFileSync(path.join(__dirname, '../../examples/petstore/gateway.yaml'), 'utf8')));

describe('AzureApimGateway with Pulumi mocks (petstore, prod stage)', () => {
  const gw = new AzureApimGateway('petstore', {
    gateway: petstore,
    resourceGroupName: 'rg-apis',
    serviceName: 'contoso-apim',
    functions: { 'orders-fn': 'https://orders-fn.azurewebsites.net/api' },
    applicationInsights: { instrumentationKey: 'ikey' },
  });
  const byName = (n: string) => recorded.find((r) => r.name === n)!;

  beforeAll(async () => {
    await valueOf(gw.gatewayUrl);
    await settle();
  });

  it('creates the API, one operation per route, the policies, products, subscriptions and backends', () => {
    const types = recorded.filter((r) => r.type.startsWith('azure-native:apimanagement')).map((r) => r.type.split(':')[2]);
    const count = (t: string) => types.filter((x) => x === t).length;
    expect(count('Api')).toBe(1);
    expect(count('ApiOperation')).toBe(7);
    expect(count('ApiPolicy')).toBe(1);
    expect(count('ApiOperationPolicy')).toBe(gw.plan.operations.filter((o) => o.policy).length);
    expect(count('Product')).toBe(2);
    expect(count('ProductPolicy')).toBe(2);
    expect(count('ProductApi')).toBe(2);
    expect(count('Subscription')).toBe(2);
    expect(count('Backend')).toBe(2);
    expect(count('NamedValue')).toBe(1);
    expect(count('ApiSchema')).toBe(1);
    expect(count('Logger')).toBe(1);
    expect(count('ApiDiagnostic')).toBe(1);
    expect(recorded.find((r) => r.type === 'anygate:azure:ApimGateway')).toBeDefined();
  });

  it('passes the right inputs', () => {
    expect(byName('petstore-api').inputs).toMatchObject({ resourceGroupName: 'rg-apis', serviceName: 'contoso-apim', apiId: 'petstore', path: 'v1', protocols: ['https'], subscriptionRequired: false, subscriptionKeyParameterNames: { header: 'x-api-key', query: 'subscription-key' } });
    expect(byName('petstore-policy').inputs).toMatchObject({ policyId: 'policy', format: 'rawxml', value: gw.plan.apiPolicy });
    expect(byName('petstore-op-files').inputs).toMatchObject({ method: '*', urlTemplate: '/files/{*path}', templateParameters: [{ name: 'path', type: 'string', required: true }] });
    expect(byName('petstore-op-listPets').inputs.request.queryParameters).toEqual([{ name: 'limit', type: 'string', required: false }, { name: 'species', type: 'string', required: false }]);
    expect(byName('petstore-op-createPet').inputs.request.representations).toEqual([{ contentType: 'application/json', schemaId: 'anygate-bodies', typeName: 'createPetBody' }]);
    expect(byName('petstore-backend-orders').inputs.url).toBe('https://orders-fn.azurewebsites.net/api');
    expect(byName('petstore-backend-pets').inputs.url).toBe('https://pets.internal.example.com');
    expect(byName('petstore-sub-petstore-acme').inputs).toMatchObject({ sid: 'petstore-acme', scope: 'petstore-product-petstore-gold-id', state: 'active' });
    expect(byName('petstore-sub-petstore-acme').inputs.primaryKey).toBeUndefined();
    expect(byName('petstore-product-petstore-gold-policy').inputs.value).toContain('<quota calls="1000000" renewal-period="2592000"/>');
  });

  it('chains every write that locks the Api (schema, policies, operations, product links) with dependsOn', () => {
    const chain = gw.graph.entries.filter((e) => /:(ApiSchema|ApiPolicy|ApiOperation|ApiOperationPolicy|ProductApi|ApiDiagnostic)$/.test(e.type));
    expect(chain.length).toBeGreaterThan(10);
    for (let i = 1; i < chain.length; i++) expect(chain[i].dependsOn).toContain(chain[i - 1].name);
    expect(chain[0].dependsOn).toContain('petstore-api');
  });

  it('exports the gateway URL, product and subscription ids', async () => {
    expect(await valueOf(gw.gatewayUrl)).toBe('https://existing.azure-api.net/v1');
    expect(await valueOf(gw.productIds)).toEqual({ 'petstore-free': 'petstore-product-petstore-free-id', 'petstore-gold': 'petstore-product-petstore-gold-id' });
    expect(Object.keys(await valueOf(gw.subscriptionIds))).toEqual(['petstore-acme', 'petstore-trial-user']);
  });

  it('resolves a stage: dev points the pets backend at its own URL', async () => {
    const dev = new AzureApimGateway('petstore-dev', { gateway: petstore, stage: 'dev', resourceGroupName: 'rg', serviceName: 'svc', functions: { 'orders-fn': 'https://f' } });
    await valueOf(dev.gatewayUrl);
    await settle();
    expect(recorded.find((r) => r.name === 'petstore-dev-backend-pets')!.inputs.url).toBe('https://pets.dev.example.com');
  });

  it('can create the service', async () => {
    const created = new AzureApimGateway('fresh', { gateway: petstore, resourceGroupName: 'rg', service: { name: 'fresh-apim', sku: 'Developer', publisherEmail: 'ops@example.com', publisherName: 'Ops' }, functions: { 'orders-fn': 'https://f' } });
    expect(await valueOf(created.gatewayUrl)).toBe('https://petstore.azure-api.net/v1');
    await settle();
    expect(recorded.find((r) => r.name === 'fresh-service')!.inputs).toMatchObject({ serviceName: 'fresh-apim', sku: { name: 'Developer', capacity: 1 }, publisherEmail: 'ops@example.com' });
  });

  it('fails with the fix when a function binding is missing', () => {
    expect(() => new AzureApimGateway('nofn', { gateway: petstore, resourceGroupName: 'rg', serviceName: 'svc' })).toThrow(/needs function binding "orders-fn": pass functions: \{ 'orders-fn': <function base URL> \}/);
  });
});
