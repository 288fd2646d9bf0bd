import { dnsText } from '../../bin/synth/dns';
import { toGatewaySpec } from '../../lib/model/normalize';
import { domainSpec, plainSpec } from './fixtures';

describe('dns.txt', () => {
  it('names, per domain and target, the record to create and where its value comes from', () => {
    const text = dnsText(toGatewaySpec(domainSpec()), ['aws', 'azure', 'apigee', 'kubernetes'])!;
    expect(text.split('\n').slice(2, 8)).toEqual([
      'api.example.com (stage prod, mutual TLS)',
      expect.stringMatching(/^ {2}aws: CNAME to the DomainName's regional \(or CloudFront\) name: stack output <AwsGateway id>DnsApiExampleCom[0-9a-f]{6}; or a Route 53 ALIAS/),
      expect.stringMatching(/^ {2}azure: CNAME to the service's own host, <service>\.azure-api\.net/),
      expect.stringMatching(/^ {2}apigee: A \/ AAAA to the external load balancer/),
      expect.stringMatching(/^ {2}kubernetes: A \/ AAAA \(or CNAME\) to the Gateway address/),
      '',
    ]);
    expect(text).toContain('dev.example.com (stage dev, base path /shop/v1)');
  });
  it('is not written for a spec without domains', () => {
    expect(dnsText(toGatewaySpec(plainSpec()), ['aws'])).toBeUndefined();
  });
});
