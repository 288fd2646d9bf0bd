/**
 * dns.txt: the DNS records a user creates for the spec's custom domains, per target, with where
 * each record's value comes from once deployed (the values are the clouds' own host names and
 * addresses, known only after deployment).
 */
import { domainConstructId } from '../../providers/aws/domains';
import type { Target } from '../../lib/capabilities/types';
import type { GatewaySpec } from '../../lib/model/types';

const WHERE: Record<Target, (host: string, stage: string) => string> = {
  aws: (host) => `CNAME to the DomainName's regional (or CloudFront) name: stack output <AwsGateway id>Dns${domainConstructId(host)}; or a Route 53 ALIAS A record to it`,
  azure: () => "CNAME to the service's own host, <service>.azure-api.net (component output dnsRecords)",
  apigee: () => "A / AAAA to the external load balancer in front of Apigee (its forwarding rule's IP address); that load balancer serves the certificate",
  kubernetes: () => 'A / AAAA (or CNAME) to the Gateway address: kubectl get gateway <name> -n <namespace> -o jsonpath={.status.addresses[0].value}',
};

/** The text of dns.txt, or undefined when the spec declares no domain. */
export function dnsText(spec: GatewaySpec, targets: readonly Target[]): string | undefined {
  if (!spec.domains?.length) return undefined;
  const lines = [`# DNS records for ${spec.name}'s custom domains (anygate synth). Create them after deploying.`, ''];
  for (const d of spec.domains) {
    lines.push(`${d.name} (stage ${d.stage}${d.basePath ? `, base path /${d.basePath}` : ''}${d.mtls ? ', mutual TLS' : ''})`);
    for (const t of targets) lines.push(`  ${t}: ${WHERE[t](d.name, d.stage)}`);
    lines.push('');
  }
  return lines.join('\n');
}
