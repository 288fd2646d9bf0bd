/**
 * Conformance cases for a stage behind a mutual TLS domain (docs/domains.md): a request that
 * presents the client certificate conform was given reaches the route, and one without a
 * certificate is refused the way the profile's target refuses it: API Management answers 401
 * (validate-client-certificate, in the error contract's form when the spec uses it); API Gateway
 * and Envoy fail the TLS handshake, so no HTTP answer comes at all. Apigee refuses `mtls` by
 * record (it belongs to the load balancer anygate does not create): no cases.
 */
import type { GatewaySpec, RouteSpec } from '../../lib/model/types';
import type { Profile } from '../profiles';
import type { ConformVector } from './vectors';

/** True when the stage is served behind a domain with mutual TLS (every host of it then asks for a certificate). */
export function stageHasMtls(spec: GatewaySpec, stage: string): boolean {
  return (spec.domains ?? []).some((d) => d.stage === stage && d.mtls);
}

/**
 * The two mTLS cases on one sample route (the first the generator can call with credentials), or
 * none when the stage has no mTLS domain.
 * @param refusedUnauthorized what the profile's 401 looks like under the spec's error mode
 */
export function mtlsCases(spec: GatewaySpec, stage: string, profile: Profile, sample: { route: RouteSpec; request: ConformVector['request'] } | undefined, refusedUnauthorized: ConformVector['expect']): ConformVector[] {
  if (!sample || profile === 'apigee' || !stageHasMtls(spec, stage)) return [];
  const { route, request } = sample;
  const refused: ConformVector['expect'] = profile === 'azure' ? refusedUnauthorized : { connectionRefused: true };
  return [
    { name: 'mTLS: a request with a trusted client certificate passes', route: route.id, advanceSeconds: 3600, request: { ...request, clientCertificate: true }, expect: { statusNot: [401, 403, 429] } },
    { name: `mTLS: a request without a client certificate is refused (${profile === 'azure' ? '401' : 'TLS handshake'})`, route: route.id, request: { ...request, clientCertificate: false }, expect: refused },
  ];
}
