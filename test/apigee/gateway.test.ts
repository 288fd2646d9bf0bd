import * as path from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { toGatewaySpec } from '../../lib/model/normalize';
import { installMocks, settle, valueOf } from '../pulumi-mocks';
import { scratch } from '../validators';

const recorded = installMocks({ latestRevisionId: '3', credentials: [{ consumerKey: 'k', consumerSecret: 's' }] });
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ApigeeGateway } = require('../../providers/apigee/gateway') as typeof import('../../providers/apigee/gateway');

const petstore = toGatewaySpec(parse(readFileSync(path.join(__dirname, '../../examples/petstore/gateway.yaml'), 'utf8')));

describe('ApigeeGateway with Pulumi mocks (petstore)', () => {
  const bundleDir = scratch('apigee-pulumi');
  const gw = new ApigeeGateway('petstore', { gateway: petstore, orgId: 'my-project', functions: { 'orders-fn': 'orders-abc.a.run.app' }, bundleDir });
  const byName = (n: string) => recorded.find((r) => r.name === n)!;

  beforeAll(async () => {
    await valueOf(gw.revision);
    await settle();
  });

  it('creates the proxy from the zip written under the work dir', () => {
    const api = byName('petstore-proxy');
    expect(api.type).toBe('gcp:apigee/api:Api');
    expect(api.inputs).toMatchObject({ orgId: 'my-project', name: 'petstore' });
    expect(api.inputs.configBundle.startsWith(bundleDir)).toBe(true);
    expect(existsSync(api.inputs.configBundle)).toBe(true);
  });

  it('deploys the revision to every environment with override', () => {
    for (const env of ['dev', 'prod']) {
      expect(byName(`petstore-deploy-${env}`).inputs).toEqual({ orgId: 'my-project', environment: env, api: 'petstore', revision: 3, override: true });
    }
  });

  it('creates target servers per environment, products, developers and apps', () => {
    expect(byName('petstore-ts-petstore-pets-dev').inputs).toMatchObject({ envId: 'organizations/my-project/environments/dev', name: 'petstore-pets', host: 'pets.dev.example.com', port: 443, sSlInfo: { enabled: true } });
    expect(byName('petstore-ts-petstore-orders-prod').inputs).toMatchObject({ host: 'orders-abc.a.run.app' });
    expect(byName('petstore-product-petstore-gold').inputs).toMatchObject({ name: 'petstore-gold', quota: '1000000', quotaInterval: '1', quotaTimeUnit: 'month', proxies: ['petstore'], environments: ['dev', 'prod'], attributes: [{ name: 'anygate-rate', value: '100ps' }] });
    expect(byName('petstore-dev-acme').inputs).toMatchObject({ email: 'acme@petstore.anygate.invalid' });
    expect(byName('petstore-app-acme').inputs).toMatchObject({ name: 'petstore-acme', apiProducts: ['petstore-gold'] });
  });

  it('records the graph: deployments depend on the proxy and the target servers', () => {
    const deploy = gw.graph.entries.find((e) => e.name === 'petstore-deploy-prod')!;
    expect(deploy.dependsOn).toEqual(expect.arrayContaining(['petstore-proxy', 'petstore-ts-petstore-pets-prod']));
  });

  it('exports app credentials as secrets', async () => {
    expect(await valueOf(gw.credentials)).toEqual({ acme: [{ consumerKey: 'k', consumerSecret: 's' }], 'trial-user': [{ consumerKey: 'k', consumerSecret: 's' }] });
  });

  it('fails with the fix when a function binding has no host', () => {
    expect(() => new ApigeeGateway('x', { gateway: petstore, orgId: 'p' })).toThrow(/function binding "orders-fn" has no host: pass functions: \{ 'orders-fn': '<service host>' \}/);
  });
});
