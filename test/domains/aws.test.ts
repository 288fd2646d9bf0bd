import * as path from 'node:path';
import { compileAws } from '../../providers/aws/compile';
import { toGatewaySpec } from '../../lib/model/normalize';
import { refusals } from '../helpers';
import { cfnLintErrors, scratch, writeJson } from '../validators';
import { resourcesOfType, synthAws } from '../aws/helpers';
import { ACM, ACM_US_EAST_1, domainSpec, plainSpec } from './fixtures';

/** The domain spec without the certificate headers, which AWS refuses. */
function awsSpec(): Record<string, any> {
  const s = domainSpec();
  delete s.domains[0].mtls.clientCertificate;
  return s;
}

describe('AWS custom domains', () => {
  const plain = synthAws(plainSpec());
  const withDomains = synthAws(awsSpec());

  it('emits a DomainName per domain with mTLS, a BasePathMapping (root) and an ApiMapping (multi-level), and DNS outputs', () => {
    const domains = resourcesOfType(withDomains.json, 'AWS::ApiGateway::DomainName').map(([, r]) => r.Properties);
    expect(domains).toEqual([
      { DomainName: 'api.example.com', EndpointConfiguration: { Types: ['REGIONAL'] }, MutualTlsAuthentication: { TruststoreUri: 's3://shop-trust/ca.pem' }, RegionalCertificateArn: ACM, SecurityPolicy: 'TLS_1_2' },
      { DomainName: 'dev.example.com', EndpointConfiguration: { Types: ['REGIONAL'] }, RegionalCertificateArn: ACM, SecurityPolicy: 'TLS_1_2' },
    ]);
    const [[, root]] = resourcesOfType(withDomains.json, 'AWS::ApiGateway::BasePathMapping');
    expect(root.Properties.BasePath).toBeUndefined();
    expect(root.Properties.Stage).toEqual({ Ref: expect.stringMatching(/^GatewayStageProd/) });
    const [[, multi]] = resourcesOfType(withDomains.json, 'AWS::ApiGatewayV2::ApiMapping');
    expect(multi.Properties).toMatchObject({ ApiMappingKey: 'shop/v1', Stage: { Ref: expect.stringMatching(/^GatewayStageDev/) } });
    const dns = Object.entries(withDomains.json.Outputs).filter(([k]) => k.startsWith('GatewayDns'));
    expect(dns.map(([, o]: [string, any]) => o.Value)).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^GatewayDomainApiExampleCom/), 'RegionalDomainName'] }, { 'Fn::GetAtt': [expect.stringMatching(/^GatewayDomainDevExampleCom/), 'RegionalDomainName'] }]);
    expect((dns[0][1] as any).Description).toMatch(/CNAME api\.example\.com/);
  });

  it('with execute-api off (mutual TLS), each stage\'s URL output is its custom domain (the execute-api URL would answer 403)', () => {
    const urls = Object.fromEntries(Object.entries(withDomains.json.Outputs as Record<string, any>).filter(([k]) => k.startsWith('GatewayUrl')).map(([k, o]) => [k.replace(/[0-9A-F]{8}$/, ''), o.Value]));
    expect(urls).toEqual({ GatewayUrlDev: 'https://dev.example.com/shop/v1/', GatewayUrlProd: 'https://api.example.com/' });
    // Without mutual TLS the outputs stay the stages' execute-api URLs.
    const plainUrls = Object.entries(plain.json.Outputs as Record<string, any>).filter(([k]) => k.startsWith('GatewayUrl')).map(([, o]) => JSON.stringify(o.Value));
    expect(plainUrls.every((v) => v.includes('execute-api'))).toBe(true);
  });

  it('truststore.awsVersion pins the S3 object version (TruststoreVersion), so a rotated truststore reaches the domain on deploy', () => {
    const s = awsSpec();
    s.domains[0].mtls.truststore.awsVersion = '3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY+MTRCxf3vjVBH40Nr8X8gdRQBpUMLUo';
    const domains = resourcesOfType(synthAws(s).json, 'AWS::ApiGateway::DomainName').map(([, r]) => r.Properties.MutualTlsAuthentication);
    expect(domains[0]).toEqual({ TruststoreUri: 's3://shop-trust/ca.pem', TruststoreVersion: '3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY+MTRCxf3vjVBH40Nr8X8gdRQBpUMLUo' });
  });

  it('mutual TLS disables the execute-api endpoint, so no client skips the certificate check', () => {
    const [[, api]] = resourcesOfType(withDomains.json, 'AWS::ApiGateway::RestApi');
    expect(api.Properties.DisableExecuteApiEndpoint).toBe(true);
    expect(withDomains.gateway.plan.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/execute-api endpoint is disabled/)]));
  });

  it('adding domains replaces no stateful resource: the logical ids of the API, deployment, stages, keys and plans are unchanged', () => {
    const stateful = ['AWS::ApiGateway::RestApi', 'AWS::ApiGateway::Deployment', 'AWS::ApiGateway::Stage', 'AWS::ApiGateway::ApiKey', 'AWS::ApiGateway::UsagePlan', 'AWS::ApiGateway::UsagePlanKey'];
    const ids = (json: Record<string, any>, types = stateful) => types.flatMap((t) => resourcesOfType(json, t).map(([id]) => id)).sort();
    const s = awsSpec();
    delete s.domains[0].mtls;
    const withoutMtls = synthAws(s).json;
    expect(ids(plain.json).length).toBeGreaterThanOrEqual(8);
    // Without mutual TLS nothing existing changes at all.
    expect(ids(withoutMtls)).toEqual(ids(plain.json));
    for (const id of ids(plain.json)) expect(withoutMtls.Resources[id]).toEqual(plain.json.Resources[id]);
    // Mutual TLS updates the RestApi in place (DisableExecuteApiEndpoint), which CDK answers with a
    // new Deployment snapshot that the same stages move to; nothing stateful is replaced.
    const kept = stateful.filter((t) => t !== 'AWS::ApiGateway::Deployment');
    expect(ids(withDomains.json, kept)).toEqual(ids(plain.json, kept));
    for (const id of ids(plain.json, kept)) {
      const { DisableExecuteApiEndpoint: _, ...after } = withDomains.json.Resources[id].Properties ?? {};
      const { DeploymentId: __, ...before } = plain.json.Resources[id].Properties ?? {};
      const { DeploymentId: ___, ...afterNoDeployment } = after as Record<string, unknown>;
      expect(afterNoDeployment).toEqual(before);
    }
  });

  it('passes cfn-lint', () => {
    const file = writeJson(path.join(scratch('domains-aws'), 'template.json'), withDomains.json);
    expect(cfnLintErrors(file)).toEqual([]);
  });

  it('refuses by record what API Gateway cannot do, naming the domain and the fix', () => {
    const refused = (mutate: (s: Record<string, any>) => void) => {
      const s = awsSpec();
      mutate(s);
      return refusals(() => compileAws(toGatewaySpec(s)));
    };
    expect(refused((s) => (s.domains[0].certificate = { azure: 'https://shop-vault.vault.azure.net/secrets/c' }))).toEqual([expect.stringMatching(/domain api\.example\.com has no certificate for aws: set certificate\.aws to an ACM certificate ARN/)]);
    expect(refused((s) => (s.domains[0].mtls.clientCertificate = { headers: { subject: 'X-S' } }))).toEqual([expect.stringMatching(/mtls\.headers.*no fingerprint variable/)]);
    expect(refused((s) => (s.domains[1].endpoint = 'edge'))).toEqual(expect.arrayContaining([expect.stringMatching(/edge-optimized domain needs its ACM certificate in us-east-1/), expect.stringMatching(/multi-level base paths on regional custom domains only/)]));
    expect(refused((s) => (s.domains[0].endpoint = 'private'))).toEqual(expect.arrayContaining([expect.stringMatching(/private custom domain names need AWS::ApiGateway::DomainNameV2/), expect.stringMatching(/mutual TLS on regional custom domains only/)]));
    expect(refused((s) => delete s.domains[0].mtls.truststore.aws)).toEqual([expect.stringMatching(/names no truststore for aws: set mtls\.truststore\.aws to an S3 URI/)]);
  });

  it('an edge domain with an us-east-1 certificate is a CloudFront-backed DomainName', () => {
    const s = plainSpec();
    s.domains = [{ name: 'www.example.com', certificate: ACM_US_EAST_1, endpoint: 'edge', basePath: 'shop' }];
    const { json } = synthAws(s);
    const [[, d]] = resourcesOfType(json, 'AWS::ApiGateway::DomainName');
    expect(d.Properties).toMatchObject({ CertificateArn: ACM_US_EAST_1, EndpointConfiguration: { Types: ['EDGE'] } });
    expect(resourcesOfType(json, 'AWS::ApiGateway::BasePathMapping')[0][1].Properties.BasePath).toBe('shop');
  });
});
