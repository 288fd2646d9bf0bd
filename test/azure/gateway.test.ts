import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { toGatewaySpec } from '../../lib/model/normalize';
import * as pulumi from '@pulumi/pulumi';
import { recordRegisteredOutputs, registeredOutputs, settle, valueOf, type Recorded } from '../pulumi-mocks';

const recorded: Recorded[] = [];
pulumi.runtime.setMocks(
  {
    newResource: (args) => {
      recorded.push({ type: args.type, name: args.name, inputs: args.inputs });
      return { id: `${args.name}-id`, state: { ...args.inputs, gatewayUrl: 'https://petstore.azure-api.net', name: args.inputs.name ?? args.name } };
    },
    call: (args) => {
      if (args.token.includes('getApiManagementService')) return { gatewayUrl: 'https://existing.azure-api.net' };
      if (args.token.includes('listSubscriptionSecrets')) return { primaryKey: `listed-key-${args.inputs.sid}` };
      return {};
    },
  },
  'anygate',
  'test',
  false,
);
recordRegisteredOutputs();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { AzureApimGateway } = require('../../providers/azure/gateway') as typeof import('../../providers/azure/gateway');

const petstore = toGatewaySpec(parse(readFileSync(path.join(__dirname, '../../examples/petstore/gateway.yaml'), 'utf8')));

describe('AzureApimGateway with Pulumi mocks (petstore, prod stage)', () => {
  const gw = AzureApimGateway.fromSpec('petstore', {
    gateway: petstore,
    resourceGroupName: 'rg-apis',
    serviceName: 'contoso-apim',
    functions: { 'orders-fn': { url: 'https://orders-fn.azurewebsites.net/api', key: 'fn-key-value' } },
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
    expect(count('NamedValue')).toBe(2);
    expect(count('ApiSchema')).toBe(1);
    expect(count('Logger')).toBe(1);
    expect(count('ApiDiagnostic')).toBe(1);
    expect(recorded.find((r) => r.type === 'anygate:azure:ApimGateway')).toBeDefined();
  });

  it('passes the right inputs', () => {
    expect(byName('petstore-api').inputs).toMatchObject({ resourceGroupName: 'rg-apis', serviceName: 'contoso-apim', apiId: 'petstore-prod', path: 'prod/v1', protocols: ['https'], subscriptionRequired: false, subscriptionKeyParameterNames: { header: 'x-api-key', query: 'subscription-key' } });
    expect(byName('petstore-policy').inputs).toMatchObject({ policyId: 'policy', format: 'rawxml', value: gw.plan.apiPolicy });
    expect(byName('petstore-op-files').inputs).toMatchObject({ method: '*', urlTemplate: '/files/{*path}', templateParameters: [{ name: 'path', type: 'string', required: true }] });
    expect(byName('petstore-op-listPets').inputs.request.queryParameters).toEqual([{ name: 'limit', type: 'string', required: false }, { name: 'species', type: 'string', required: false }]);
    expect(byName('petstore-op-createPet').inputs.request.representations).toEqual([{ contentType: 'application/json', schemaId: 'anygate-bodies', typeName: 'createPetBody' }]);
    expect(byName('petstore-backend-orders').inputs.url).toBe('https://orders-fn.azurewebsites.net/api');
    expect(byName('petstore-backend-pets').inputs.url).toBe('https://pets.internal.example.com');
    expect(byName('petstore-backend-orders').inputs.credentials).toEqual({ header: { 'x-functions-key': ['{{petstore-prod-fn-orders-fn-key}}'] } });
    expect(byName('petstore-nv-petstore-prod-fn-orders-fn-key').inputs).toMatchObject({ namedValueId: 'petstore-prod-fn-orders-fn-key', secret: true });
    expect(byName('petstore-sub-petstore-acme').inputs).toMatchObject({ sid: 'petstore-prod-acme', scope: 'petstore-product-petstore-gold-id', state: 'active' });
    expect(byName('petstore-sub-petstore-acme').inputs.primaryKey).toBeUndefined();
    expect(byName('petstore-product-petstore-gold-policy').inputs.value).toContain('<quota calls="1000000" renewal-period="2592000"/>');
  });

  it('chains every write that locks the Api (schema, policies, operations, product links) with dependsOn', () => {
    const chain = gw.graph.entries.filter((e) => /:(ApiSchema|ApiPolicy|ApiOperation|ApiOperationPolicy|ProductApi|ApiDiagnostic)$/.test(e.type));
    expect(chain.length).toBeGreaterThan(10);
    for (let i = 1; i < chain.length; i++) expect(chain[i].dependsOn).toContain(chain[i - 1].name);
    expect(chain[0].dependsOn).toContain('petstore-api');
  });

  it('exports the stage gateway URL, product and subscription ids, and the subscription keys as a secret', async () => {
    expect(await valueOf(gw.gatewayUrl)).toBe('https://existing.azure-api.net/prod/v1');
    expect(await valueOf(gw.productIds)).toEqual({ 'petstore-prod-free': 'petstore-product-petstore-free-id', 'petstore-prod-gold': 'petstore-product-petstore-gold-id' });
    expect(Object.keys(await valueOf(gw.subscriptionIds))).toEqual(['petstore-prod-acme', 'petstore-prod-trial-user']);
    expect(await valueOf(gw.subscriptionKeys)).toEqual({ 'petstore-prod-acme': 'listed-key-petstore-prod-acme', 'petstore-prod-trial-user': 'listed-key-petstore-prod-trial-user' });
    expect(await pulumi.isSecret(gw.subscriptionKeys)).toBe(true);
  });

  it('registers its outputs: the gateway URL, the hostname and the key references (product and subscription ids, secret keys)', async () => {
    expect(await valueOf(gw.hostname)).toBe('existing.azure-api.net');
    const outputs = registeredOutputs(gw);
    expect(Object.keys(outputs).sort()).toEqual(['apiId', 'dnsRecords', 'gatewayUrl', 'hostname', 'productIds', 'subscriptionIds', 'subscriptionKeys']);
    expect(await valueOf(outputs.gatewayUrl as pulumi.Output<string>)).toBe('https://existing.azure-api.net/prod/v1');
    expect(await valueOf(outputs.hostname as pulumi.Output<string>)).toBe('existing.azure-api.net');
    expect(await pulumi.isSecret(outputs.subscriptionKeys as pulumi.Output<unknown>)).toBe(true);
  });

  it('keeps the function key secret and the resource list equal to the plan', async () => {
    const nv = gw.graph.entries.find((e) => e.name === 'petstore-nv-petstore-prod-fn-orders-fn-key')!;
    expect(nv.dependsOn).toEqual([]);
    expect(gw.graph.entries.map((e) => e.name)).toEqual(gw.plan.resources.map((r) => `petstore-${r.name}`));
    expect(gw.graph.entries.map((e) => e.dependsOn)).toEqual(gw.plan.resources.map((r) => r.dependsOn.map((d) => `petstore-${d}`)));
  });

  it('resolves a stage: dev points the pets backend at its own URL', async () => {
    const dev = AzureApimGateway.fromSpec('petstore-dev', { gateway: petstore, stage: 'dev', resourceGroupName: 'rg', serviceName: 'svc', functions: { 'orders-fn': { url: 'https://f', key: 'k' } } });
    await valueOf(dev.gatewayUrl);
    await settle();
    expect(recorded.find((r) => r.name === 'petstore-dev-backend-pets')!.inputs.url).toBe('https://pets.dev.example.com');
  });

  it('can create the service', async () => {
    const created = AzureApimGateway.fromSpec('fresh', { gateway: petstore, sku: 'Developer', resourceGroupName: 'rg', service: { name: 'fresh-apim', publisherEmail: 'ops@example.com', publisherName: 'Ops' }, functions: { 'orders-fn': { url: 'https://f', key: 'k' } } });
    expect(await valueOf(created.gatewayUrl)).toBe('https://petstore.azure-api.net/prod/v1');
    await settle();
    expect(recorded.find((r) => r.name === 'fresh-service')!.inputs).toMatchObject({ serviceName: 'fresh-apim', sku: { name: 'Developer', capacity: 1 }, publisherEmail: 'ops@example.com' });
  });

  it('payments (alternative credentials): the Api takes the key in X-Api-Key or api_key, subscriptions optional, policies as planned', async () => {
    const spec = toGatewaySpec(parse(readFileSync(path.join(__dirname, '../../examples/payments/gateway.yaml'), 'utf8')));
    const pay = AzureApimGateway.fromSpec('payments', { gateway: spec, resourceGroupName: 'rg', serviceName: 'svc' });
    await valueOf(pay.gatewayUrl);
    await settle();
    const at = (n: string) => recorded.find((r) => r.name === n)!.inputs;
    expect(at('payments-api')).toMatchObject({ apiId: 'payments-prod', subscriptionRequired: false, subscriptionKeyParameterNames: { header: 'X-Api-Key', query: 'api_key' } });
    expect(at('payments-op-listPayments-policy').value).toBe(pay.plan.operations.find((o) => o.id === 'listPayments')!.policy);
    expect(at('payments-op-listPayments-policy').value).toContain('context.Subscription == null');
    expect(at('payments-op-refundPayment-policy').value).toContain('<set-status code="403" reason="Forbidden"/>');
  });

  it('fails with the fix when a function binding is missing', () => {
    expect(() => AzureApimGateway.fromSpec('nofn', { gateway: petstore, resourceGroupName: 'rg', serviceName: 'svc' })).toThrow(/function binding "orders-fn" has no Azure Function: pass functions: \{ 'orders-fn': \{ url: <function base URL>, key: <function key> \} \}/);
  });

  it('warns about a function passed under a name the spec binds to nothing', () => {
    const warn = jest.spyOn(pulumi.log, 'warn').mockImplementation(async () => undefined);
    try {
      AzureApimGateway.fromSpec('extra-fn', { gateway: petstore, resourceGroupName: 'rg', serviceName: 'svc', functions: { 'orders-fn': { url: 'https://f', key: 'k' }, 'order-fn': { url: 'https://f', key: 'k' } } });
      expect(warn.mock.calls.map((c) => c[0]).filter((m) => m.includes('unused-function-binding'))).toEqual([
        'functions "order-fn" passed to AzureApimGateway is not bound by the spec, so it is unused (the spec\'s function bindings: orders-fn); check the name against the backends\' and authorizers\' binding [azure-unused-function-binding]',
      ]);
    } finally {
      warn.mockRestore();
    }
  });
});
