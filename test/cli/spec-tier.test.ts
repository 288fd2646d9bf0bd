/**
 * The spec's own tier (`azure: { sku }`) is the one synth compiles at unless a flag overrides it,
 * and validate --target, portability and the report synth writes use the same tier
 * (lib/capabilities/portability.ts specTiers).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { scratch } from '../validators';
import { cli } from './run';

/** Two custom domains (one with `oneDomain`): API Management Basic and Consumption have one custom gateway host name per service. */
const spec = (sku: string, oneDomain = false) => `name: shop
backends:
  items: { type: http, url: https://items.example.com }
stages: { prod: {} }
azure: { sku: ${sku} }
domains:
  - name: api.example.com
    certificate: { azure: https://shop-vault.vault.azure.net/secrets/api-cert }
${oneDomain ? '' : `  - name: api2.example.com
    certificate: { azure: https://shop-vault.vault.azure.net/secrets/api-cert }
`}routes:
  - { method: GET, path: '/items/{id}', backend: items, auth: none }
`;

describe('the spec\'s azure.sku', () => {
  const dir = scratch('spec-tier');
  writeFileSync(path.join(dir, 'basic.yaml'), spec('Basic'));
  writeFileSync(path.join(dir, 'consumption.yaml'), spec('Consumption', true));

  it('validate --target, portability and synth refuse what the spec\'s tier cannot do; a flag wins over it', async () => {
    const refusal = /domain on azure \(Basic\): 2 domains \(api\.example\.com, api2\.example\.com\): API Management Basic has one custom gateway host name per service/;
    const validate = await cli(['validate', 'basic.yaml', '--target', 'azure'], dir);
    expect([validate.code, validate.out + validate.err]).toEqual([1, expect.stringMatching(refusal)]);
    const report = await cli(['portability', 'basic.yaml', '--target', 'azure'], dir);
    expect([report.code, report.out + report.err]).toEqual([1, expect.stringMatching(refusal)]);
    const synth = await cli(['synth', 'basic.yaml', '--target', 'azure', '--out', 'out-basic'], dir);
    expect([synth.code, synth.out]).toEqual([1, expect.stringMatching(refusal)]);
    // --azure-sku Developer (more than one host name) wins over the spec's Basic, everywhere.
    expect((await cli(['portability', 'basic.yaml', '--target', 'azure', '--azure-sku', 'Developer'], dir)).code).toBe(0);
    expect((await cli(['synth', 'basic.yaml', '--target', 'azure', '--azure-sku', 'Developer', '--out', 'out-dev'], dir)).code).toBe(0);
  });

  it('the report synth writes is headed with the SKU its plan.json has', async () => {
    expect((await cli(['synth', 'consumption.yaml', '--target', 'azure', '--out', 'out'], dir)).code).toBe(0);
    expect(JSON.parse(readFileSync(path.join(dir, 'out', 'azure', 'prod', 'plan.json'), 'utf8')).sku).toBe('Consumption');
    expect(readFileSync(path.join(dir, 'out', 'portability.md'), 'utf8')).toMatch(/^\| feature \| used by \| azure \(Consumption\) \|$/m);
    expect(JSON.parse((await cli(['portability', 'consumption.yaml', '--target', 'azure', '--json'], dir)).out).tiers).toEqual({ azureSku: 'Consumption' });
  });
});
