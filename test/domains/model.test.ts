import { toGatewaySpec } from '../../lib/model/normalize';
import { hostnameProblem, parseDomainBasePath } from '../../lib/model/domains';
import { errorsOf } from '../helpers';

const base = () => ({
  name: 'shop',
  backends: { api: { type: 'http', url: 'https://api.example.com' } },
  routes: [{ method: 'GET', path: '/items/{id}', backend: 'api', auth: 'none' }],
  stages: { dev: {}, prod: {} },
});
const withDomains = (domains: unknown[]) => ({ ...base(), domains });
const ARN = 'arn:aws:acm:eu-west-1:123456789012:certificate/abcd-1234';

describe('domains: host names', () => {
  it.each([
    ['api.example.com', undefined],
    ['*.example.com', undefined],
    ['a-b.c-d.example', undefined],
    ['API.example.com', /lower case/],
    ['*.com', /at least two labels after it/],
    ['api.*.example.com', /whole first label/],
    ['localhost', /at least two labels/],
    ['-api.example.com', /label "-api"/],
    ['192.168.0.1', /not an IP address/],
    ['api.example.com:8443', /host:port/],
    [`${'a'.repeat(64)}.example.com`, /1-63 characters/],
    ['api.example.123', /all digits/],
  ])('%s', (name, problem) => {
    const p = hostnameProblem(name);
    if (problem) expect(p).toMatch(problem);
    else expect(p).toBeUndefined();
  });
});

describe('domains: base paths', () => {
  it('accepts multi-level paths and strips slashes', () => {
    expect(parseDomainBasePath('/v1/orders/')).toEqual({ ok: true, value: 'v1/orders' });
    expect(parseDomainBasePath(undefined)).toEqual({ ok: true, value: '' });
  });
  it.each([['v1//orders', /empty segments/], ['v1/../x', /\.\./], ['v1/{id}', /segment "\{id\}"/], ['v 1', /segment "v 1"/]])('refuses %s', (bp, m) => {
    const r = parseDomainBasePath(bp);
    expect(r.ok).toBe(false);
    expect((r as { message: string }).message).toMatch(m);
  });
});

describe('domains: validation is located', () => {
  it('names the entry and field of each problem', () => {
    const errors = errorsOf(
      withDomains([
        { name: 'Api.example.com', certificate: ARN },
        { name: 'b.example.com', certificate: 'arn:aws:acm:nope', basePath: 'v1//x', stage: 'qa' },
        { name: 'c.example.com', certificate: ARN, mtls: { truststore: {} } },
        { name: 'c.example.com', certificate: { azure: 'https://v.vault.azure.net/secrets/x' }, mtls: { truststore: { aws: 'https://bucket/key' } } },
      ]),
    );
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^domains\[0\]\.name: must be lower case/),
        expect.stringMatching(/^domains\[1\]\.basePath: must not contain empty segments/),
        expect.stringMatching(/^domains\[1\]\.certificate: must be an ACM certificate ARN, a Key Vault secret id/),
        expect.stringMatching(/^domains\[3\]\.certificate\.azure: must be a Key Vault secret id/),
        expect.stringMatching(/^domains\[3\]\.mtls\.truststore\.aws: must be an S3 URI/),
      ]),
    );
    // Entries whose structure parsed are also checked across entries.
    const second = errorsOf(withDomains([{ name: 'b.example.com', certificate: ARN, basePath: 'v1/x', stage: 'qa' }, { name: 'c.example.com', certificate: ARN, mtls: { truststore: {} } }, { name: 'c.example.com', certificate: ARN }]));
    expect(second).toEqual([
      'domains[0].stage: unknown stage "qa"; stages: dev, prod',
      'domains[1].mtls.truststore: names no truststore: set at least one of aws, azure, kubernetes',
      'domains[2].name: c.example.com is already declared at domains[1]; declare each host once',
    ]);
  });
});

describe('domains: truststores', () => {
  it('truststore.apigee is refused where it is: Apigee checks client certificates at a load balancer anygate does not create, so it would enable nothing', () => {
    const trust = 'projects/golden-project/locations/global/trustConfigs/golden-ca';
    expect(errorsOf(withDomains([{ name: 'c.example.com', certificate: ARN, mtls: { truststore: { aws: 's3://trust/ca.pem', apigee: trust } } }]))).toEqual([
      expect.stringMatching(/^domains\[0\]\.mtls\.truststore\.apigee: is not read: Apigee X checks client certificates at the external load balancer.*remove it/),
    ]);
  });

  it('truststore.awsVersion is an S3 version id of truststore.aws, kept in the canonical spec', () => {
    const d = (truststore: Record<string, unknown>) => withDomains([{ name: 'c.example.com', certificate: ARN, mtls: { truststore } }]);
    expect(toGatewaySpec(d({ aws: 's3://trust/ca.pem', awsVersion: 'Zs2.x_8-y' })).domains?.[0].mtls?.truststore).toEqual({ aws: 's3://trust/ca.pem', awsVersion: 'Zs2.x_8-y' });
    expect(errorsOf(d({ azure: ['ab'.repeat(20)], awsVersion: 'v1' }))).toEqual([expect.stringMatching(/^domains\[0\]\.mtls\.truststore\.awsVersion: is the S3 version of truststore\.aws, which is not set/)]);
    expect(errorsOf(d({ aws: 's3://trust/ca.pem', awsVersion: 'a b' }))).toEqual([expect.stringMatching(/^domains\[0\]\.mtls\.truststore\.awsVersion: must be an S3 object version id/)]);
  });
});

describe('domains: normalization', () => {
  it('classifies a certificate string by its form, applies defaults and sorts by host', () => {
    const spec = toGatewaySpec(
      withDomains([
        { name: 'z.example.com', certificate: 'gw-cert', basePath: '/v1/orders/' },
        { name: 'a.example.com', certificate: ARN, stage: 'dev', endpoint: 'edge', mtls: { truststore: { azure: ['ab'.repeat(20)] }, clientCertificate: { headers: { subject: 'X-Client-Subject' } } } },
      ]),
    );
    expect(spec.domains).toEqual([
      { name: 'a.example.com', certificate: { aws: ARN }, basePath: '', endpoint: 'edge', stage: 'dev', mtls: { truststore: { azure: ['AB'.repeat(20)] }, clientCertificate: { headers: { subject: 'X-Client-Subject' } } } },
      { name: 'z.example.com', certificate: { kubernetes: 'gw-cert' }, basePath: 'v1/orders', endpoint: 'regional', stage: 'prod' },
    ]);
  });
  it('a spec without domains has no domains key (existing output unchanged)', () => {
    expect('domains' in toGatewaySpec(base())).toBe(false);
  });
});
