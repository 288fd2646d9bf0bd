import * as path from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { toGatewaySpec } from '../../lib/model/normalize';
import { compileApigee } from '../../providers/apigee/compile';
import * as pulumi from '@pulumi/pulumi';
import { installMocks, recordRegisteredOutputs, registeredOutputs, settle, valueOf } from '../pulumi-mocks';
import { scratch } from '../validators';

const recorded = installMocks({ latestRevisionId: '3', credentials: [{ consumerKey: 'k', consumerSecret: 's' }] });
recordRegisteredOutputs();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ApigeeGateway } = require('../../providers/apigee/gateway') as typeof import('../../providers/apigee/gateway');

const petstore = toGatewaySpec(parse(readFileSync(path.join(__dirname, '../../examples/petstore/gateway.yaml'), 'utf8')));

describe('ApigeeGateway with Pulumi mocks (petstore)', () => {
  const bundleDir = scratch('apigee-pulumi');
  const gw = ApigeeGateway.fromSpec('petstore', { gateway: petstore, orgId: 'my-project', functions: { 'orders-fn': 'https://orders-abc.a.run.app' }, serviceAccount: 'proxy@my-project.iam.gserviceaccount.com', bundleDir, hostnames: { dev: 'dev.34-1-2-3.nip.io', prod: 'https://api.example.com/' } });
  const byName = (n: string) => recorded.find((r) => r.name === n)!;

  beforeAll(async () => {
    await valueOf(gw.revision);
    await settle();
  });

  it('creates exactly the plan\'s resources, under the component name (stable URNs)', () => {
    // The trace configs are dynamic resources (providers/apigee/trace-config.ts): Pulumi types them pulumi-nodejs:dynamic/....
    expect(recorded.filter((r) => r.type.startsWith('gcp:') || r.type === 'pulumi-nodejs:dynamic/apigee:TraceConfig').map((r) => r.name).sort()).toEqual(gw.plan.resources.map((r) => `petstore-${r.name}`).sort());
    expect(recorded.map((r) => r.name)).toEqual(expect.arrayContaining(['petstore-proxy', 'petstore-deploy-dev', 'petstore-deploy-prod', 'petstore-ts-petstore-pets-dev', 'petstore-dev-acme']));
  });

  it('creates the proxy from the zip written under the work dir', () => {
    const api = byName('petstore-proxy');
    expect(api.type).toBe('gcp:apigee/api:Api');
    expect(api.inputs).toMatchObject({ orgId: 'my-project', name: 'petstore' });
    expect(api.inputs.configBundle.startsWith(bundleDir)).toBe(true);
    expect(existsSync(api.inputs.configBundle)).toBe(true);
  });

  it('deploys the revision to every environment with override, as the service account that mints ID tokens', () => {
    for (const env of ['dev', 'prod']) {
      expect(byName(`petstore-deploy-${env}`).inputs).toEqual({ orgId: 'my-project', environment: env, api: 'petstore', revision: 3, override: true, serviceAccount: 'proxy@my-project.iam.gserviceaccount.com' });
    }
  });

  it('resolves references: target server hosts, ID-token audiences, products and apps per stage', () => {
    expect(byName('petstore-ts-petstore-pets-dev').inputs).toMatchObject({ envId: 'organizations/my-project/environments/dev', name: 'petstore-pets', host: 'pets.dev.example.com', port: 443, sSlInfo: { enabled: true } });
    expect(byName('petstore-ts-petstore-orders-prod').inputs).toMatchObject({ host: 'orders-abc.a.run.app' });
    expect(byName('petstore-kvm-prod').inputs).toEqual({ envId: 'organizations/my-project/environments/prod', name: 'anygate-petstore' });
    expect(byName('petstore-kvm-prod-orders-fn').inputs).toMatchObject({ name: 'orders-fn', value: 'https://orders-abc.a.run.app' });
    expect(byName('petstore-product-petstore-gold-prod').inputs).toMatchObject({ name: 'petstore-gold-prod', quota: '1000000', quotaInterval: '1', quotaTimeUnit: 'month', proxies: ['petstore'], environments: ['prod'], attributes: [{ name: 'anygate-rate', value: '100ps' }] });
    expect(byName('petstore-dev-acme').inputs).toMatchObject({ email: 'acme@petstore.anygate.invalid' });
    expect(byName('petstore-app-acme-prod').inputs).toMatchObject({ name: 'petstore-acme-prod', apiProducts: ['petstore-gold-prod'], developerEmail: 'acme@petstore.anygate.invalid' });
  });

  it('registers its outputs: URLs and hostnames by stage, the proxy, products, key references and secret credentials', async () => {
    expect(await valueOf(gw.hostnames)).toEqual({ dev: 'dev.34-1-2-3.nip.io', prod: 'api.example.com' });
    expect(await valueOf(gw.urls)).toEqual({ dev: 'https://dev.34-1-2-3.nip.io/v1', prod: 'https://api.example.com/v1' });
    expect(await valueOf(gw.keyReferences)).toMatchObject({ acme: { dev: { developer: expect.stringContaining('@'), app: expect.any(String) }, prod: expect.any(Object) } });
    const outputs = registeredOutputs(gw);
    expect(Object.keys(outputs).sort()).toEqual(['credentials', 'hostnames', 'keyReferences', 'productNames', 'proxyName', 'revision', 'urls']);
    expect(outputs.proxyName).toBe('petstore');
    expect(await pulumi.isSecret(outputs.credentials as pulumi.Output<unknown>)).toBe(true);
  });

  it('exports app credentials by consumer and stage, as secrets', async () => {
    const c = [{ consumerKey: 'k', consumerSecret: 's' }];
    expect(await valueOf(gw.credentials)).toEqual({ acme: { dev: c, prod: c }, 'trial-user': { dev: c, prod: c } });
    expect(await valueOf(gw.productNames)).toEqual({ free: { dev: 'petstore-free-dev', prod: 'petstore-free-prod' }, gold: { dev: 'petstore-gold-dev', prod: 'petstore-gold-prod' } });
  });

  it('fails with the fix when a function binding has no host or no service account', () => {
    const plan = compileApigee(petstore);
    expect(() => new ApigeeGateway('x', { plan, orgId: 'p' })).toThrow(/function binding "orders-fn" has no host: pass functions: \{ 'orders-fn': '<service host>' \}/);
    expect(() => new ApigeeGateway('y', { plan, orgId: 'p', functions: { 'orders-fn': 'h' } })).toThrow(/pass serviceAccount to ApigeeGateway/);
  });

  it('refuses a host that is not a string at construction (it failed inside an Output), and warns about a function under an unbound name', () => {
    const plan = compileApigee(petstore);
    const serviceAccount = 'proxy@p.iam.gserviceaccount.com';
    const wrong = { 'orders-fn': { url: 'https://orders-abc.a.run.app' } } as unknown as Record<string, string>;
    expect(() => new ApigeeGateway('z', { plan, orgId: 'p', serviceAccount, functions: wrong })).toThrow(/functions\["orders-fn"\] is object: ApigeeGateway takes the host \(or https URL\) of the Cloud Run service or function as a string/);
    const warn = jest.spyOn(pulumi.log, 'warn').mockImplementation(async () => undefined);
    try {
      new ApigeeGateway('w', { plan, orgId: 'p', serviceAccount, functions: { 'orders-fn': 'h', 'ordrs-fn': 'h' } });
      expect(warn.mock.calls.map((c) => c[0]).filter((m) => m.includes('unused-function-binding'))).toEqual([
        'functions "ordrs-fn" passed to ApigeeGateway is not bound by the spec, so it is unused (the spec\'s function bindings: orders-fn); check the name against the backends\' and authorizers\' binding [apigee-unused-function-binding]',
      ]);
    } finally {
      warn.mockRestore();
    }
  });

  it('refuses LLM guards without the service account that calls Model Armor, and takes the template as an input', () => {
    const guarded = toGatewaySpec({
      name: 'ai',
      observability: { accessLogs: false },
      backends: { model: { type: 'llm', provider: 'openai-compatible', url: 'https://llm.example.com/v1', model: 'm', guards: { promptSafety: {} } } },
      routes: [{ method: 'POST', path: '/chat/completions', backend: 'model', auth: 'none' }],
    });
    const args = { gateway: guarded, orgId: 'p', environmentType: 'COMPREHENSIVE' as const, bundleDir };
    expect(() => ApigeeGateway.fromSpec('g1', args)).toThrow(/Apigee applies the guard with a Model Armor template/);
    expect(() => ApigeeGateway.fromSpec('g2', { ...args, modelArmorTemplate: 'projects/p1-proj/locations/us-central1/templates/t' })).toThrow(
      /the proxy calls Model Armor \(LLM guards\) as the deployment's service account: pass serviceAccount to ApigeeGateway, grant it roles\/modelarmor\.user/,
    );
    const ok = ApigeeGateway.fromSpec('g3', { ...args, modelArmorTemplate: 'projects/p1-proj/locations/us-central1/templates/t', serviceAccount: 'proxy@p.iam.gserviceaccount.com' });
    expect(ok.plan.files['policies/SUP-model.xml']).toContain('<TemplateName>projects/p1-proj/locations/us-central1/templates/t</TemplateName>');
  });
});
