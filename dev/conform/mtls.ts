/**
 * Conformance cases for a stage behind a mutual TLS domain (docs/domains.md): a request that
 * presents the client certificate conform was given reaches the route, and one without a
 * certificate is refused the way the profile's target refuses it: API Management answers 401
 * (validate-client-certificate, in the error contract's form when the spec uses it); API Gateway
 * and Envoy fail the TLS handshake, so no HTTP answer comes at all. Apigee refuses `mtls` by
 * record (it belongs to the load balancer anygate does not create): no cases.
 */
import type { GatewaySpec, RouteSpec } from '../../lib/model/types';
import { consumerOfCertificate } from '../../lib/model/client-certificates';
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

/** What the certificate consumer's case needs from the generator (limits as the profile counts them, refusals in the spec's error mode). */
export interface CertificatePlanHelpers {
  /** Requests the route's other limits let through (route, stage, an API key's plan). */
  readonly capacity: (r: RouteSpec) => number | undefined;
  /** Requests one rate limit lets through at once on the profile. */
  readonly rate: (l: { requestsPerSecond: number; burst: number }) => number;
  readonly maxRepeat: number;
  readonly rateLimited: ConformVector['expect'];
  readonly quotaExceeded: ConformVector['expect'];
}

/**
 * When the certificate conform presents is a certificate consumer's (lib/model/client-certificates.ts),
 * its plan meters the sample route: one more request than the plan's rate limit (or a small quota)
 * lets through is refused. Without such a certificate: no case (the certificate is let in unmetered,
 * which the present-certificate case covers).
 */
export function certificateConsumerCases(spec: GatewaySpec, stage: string, profile: Profile, sample: { route: RouteSpec; request: ConformVector['request'] } | undefined, sha256: string | undefined, h: CertificatePlanHelpers): ConformVector[] {
  const consumer = consumerOfCertificate(spec, stage, sha256);
  if (!sample || !consumer || profile === 'apigee') return [];
  const plan = spec.plans[consumer.plan];
  const other = h.capacity(sample.route);
  const request = { ...sample.request, clientCertificate: true };
  if (plan?.rateLimit) {
    const n = Math.min(h.rate(plan.rateLimit), other ?? Infinity);
    if (n + 1 > h.maxRepeat) return [];
    return [{ name: `mTLS: certificate consumer ${consumer.name} over its plan's rate limit (${n + 1} requests)`, route: sample.route.id, advanceSeconds: 3600, request: { ...request, repeat: n + 1 }, expect: h.rateLimited }];
  }
  if (plan?.quota && plan.quota.limit + 1 <= h.maxRepeat && (other === undefined || other > plan.quota.limit)) {
    return [{ name: `mTLS: certificate consumer ${consumer.name} over its plan's quota (${plan.quota.limit + 1} requests)`, route: sample.route.id, advanceSeconds: 3600, request: { ...request, repeat: plan.quota.limit + 1 }, expect: h.quotaExceeded }];
  }
  return [];
}
