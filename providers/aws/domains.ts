/**
 * Custom domains on API Gateway: one DomainName per spec domain, mapped to its stage by a
 * BasePathMapping (root or one segment) or an ApiGatewayV2 ApiMapping (several segments, which
 * BasePathMapping cannot carry). Pure: the binder (gateway.ts) turns these into constructs.
 */
import { createHash } from 'node:crypto';
import type { GatewaySpec } from '../../lib/model/types';
import { targetWarning } from '../../lib/capabilities/warnings';

export interface AwsDomainPlan {
  /** Construct id suffix: stable for a host name, so adding a domain replaces nothing. */
  readonly id: string;
  readonly name: string;
  readonly certificateArn: string;
  readonly endpointType: 'REGIONAL' | 'EDGE';
  readonly stage: string;
  /** `''` maps the host root. */
  readonly basePath: string;
  /** `apiMapping` (AWS::ApiGatewayV2::ApiMapping) for multi-level base paths, else `basePathMapping`. */
  readonly mapping: 'basePathMapping' | 'apiMapping';
  /** MutualTlsAuthentication.TruststoreUri. @default - no mutual TLS */
  readonly truststoreUri?: string;
  /** MutualTlsAuthentication.TruststoreVersion: the S3 object version API Gateway reads. @default - the latest version when the domain is created */
  readonly truststoreVersion?: string;
}

/** `api.example.com` -> `ApiExampleCom1a2b3c`: readable, and distinct for hosts that differ only in punctuation. */
export function domainConstructId(host: string): string {
  const words = host.replace(/^\*\./, 'wildcard.').split(/[.-]/).map((w) => w.charAt(0).toUpperCase() + w.slice(1));
  return `${words.join('')}${createHash('sha256').update(host).digest('hex').slice(0, 6)}`;
}

/** The domains of the compiled stages; assertSupported has checked certificates, endpoints and truststores. */
export function compileAwsDomains(spec: GatewaySpec, stageNames: readonly string[], warnings: string[]): AwsDomainPlan[] {
  const out: AwsDomainPlan[] = [];
  for (const d of spec.domains ?? []) {
    if (!stageNames.includes(d.stage)) {
      warnings.push(targetWarning('aws-domain-stage-not-deployed', `domain ${d.name} serves stage ${d.stage}, which is not deployed here; it is left out`));
      continue;
    }
    out.push({
      id: domainConstructId(d.name),
      name: d.name,
      certificateArn: d.certificate.aws!,
      endpointType: d.endpoint === 'edge' ? 'EDGE' : 'REGIONAL',
      stage: d.stage,
      basePath: d.basePath,
      mapping: d.basePath.includes('/') ? 'apiMapping' : 'basePathMapping',
      ...(d.mtls ? { truststoreUri: d.mtls.truststore.aws! } : {}),
      ...(d.mtls?.truststore.awsVersion ? { truststoreVersion: d.mtls.truststore.awsVersion } : {}),
    });
  }
  if (out.some((d) => d.truststoreUri)) {
    warnings.push(targetWarning('aws-mtls-execute-api-disabled', 'mutual TLS: the default execute-api endpoint is disabled, so clients cannot skip the certificate check; every stage is reached through its custom domains only'));
  }
  return out;
}
