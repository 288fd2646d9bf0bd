import * as path from 'node:path';
import { writeFileSync } from 'node:fs';
import { compileAzure } from '../../providers/azure/compile';
import { toGatewaySpec } from '../../lib/model/normalize';
import { refusals } from '../helpers';
import { apimPolicyErrors, scratch } from '../validators';
import { domainSpec, KEY_VAULT, plainSpec, portableSpec, THUMB } from './fixtures';

describe('Azure custom domains and mutual TLS', () => {
  const plan = compileAzure(toGatewaySpec(portableSpec()), { stage: 'prod' });

  it('plans the stage\'s host name with its Key Vault certificate and client-certificate negotiation', () => {
    expect(plan.hostnames).toEqual([{ type: 'Proxy', hostName: 'api.example.com', keyVaultId: KEY_VAULT, negotiateClientCertificate: true }]);
    expect(plan.enableClientCertificate).toBeUndefined();
  });

  it('validates the client certificate first in the API policy, then sends subject and thumbprint to the backend; the XSD accepts it', () => {
    const inbound = plan.apiPolicy.slice(plan.apiPolicy.indexOf('<inbound>'));
    expect(inbound).toMatch(/^<inbound>\s*<base\/>\s*<validate-client-certificate validate-revocation="true" validate-trust="true" validate-not-before="true" validate-not-after="true" ignore-error="false">\s*<identities>\s*<identity issuer-thumbprint="A1B2C3D4E5F60718293A4B5C6D7E8F9012345678"\/>/);
    expect(plan.apiPolicy).toContain(THUMB);
    expect(plan.apiPolicy).toMatch(/<set-header name="X-Client-Subject" exists-action="override">\s*<value>@\(context.Request.Certificate.Subject\)<\/value>/);
    expect(plan.apiPolicy).toMatch(/<set-header name="X-Client-Fingerprint" exists-action="override">\s*<value>@\(context.Request.Certificate.Thumbprint\)<\/value>/);
    const file = path.join(scratch('domains-azure'), 'api.xml');
    writeFileSync(file, plan.apiPolicy);
    expect(apimPolicyErrors([file])).toBe('');
  });

  it('Consumption asks for certificates service-wide (enableClientCertificate)', () => {
    const s = portableSpec();
    s.domains.pop();
    const consumption = compileAzure(toGatewaySpec({ ...s, azure: { sku: 'Consumption' } }), { stage: 'prod' });
    expect(consumption.enableClientCertificate).toBe(true);
  });

  it('adding a domain without mTLS changes no resource of the stage', () => {
    const s = plainSpec();
    s.domains = [{ name: 'api.example.com', certificate: KEY_VAULT }];
    const before = compileAzure(toGatewaySpec(plainSpec()), { stage: 'prod' });
    const after = compileAzure(toGatewaySpec(s), { stage: 'prod' });
    expect(after.resources).toEqual(before.resources);
    expect(after.hostnames).toHaveLength(1);
  });

  it('refuses by record: a domain base path, mixed mTLS on one stage, several hosts or a wildcard where the SKU has none', () => {
    const refused = (input: Record<string, any>, sku?: string) => refusals(() => compileAzure(toGatewaySpec(sku ? { ...input, azure: { sku } } : input), { stage: 'prod' }));
    expect(refused(domainSpec(), 'Premium')).toEqual(expect.arrayContaining([expect.stringMatching(/one path on every host of an API Management service, so a host cannot add its own prefix; put the prefix in the spec's basePath/)]));
    const mixed = portableSpec();
    mixed.domains.push({ name: 'open.example.com', certificate: KEY_VAULT });
    expect(refused(mixed, 'Premium')).toEqual([expect.stringMatching(/stage prod: domain api\.example\.com requires client certificates and open\.example\.com does not/)]);
    expect(refused(portableSpec(), 'Basic')).toEqual([expect.stringMatching(/2 domains .*one custom gateway host name per service/)]);
    const wild = plainSpec();
    wild.domains = [{ name: '*.example.com', certificate: KEY_VAULT }];
    expect(refused(wild, 'Consumption')).toEqual([expect.stringMatching(/\*\.example\.com: Consumption takes no wildcard host names/)]);
  });
});
