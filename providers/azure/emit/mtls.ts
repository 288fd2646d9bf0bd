/**
 * Mutual TLS on API Management: the host names of the stage's domains (negotiateClientCertificate
 * asks the client for its certificate in the handshake) and, first in the API policy,
 * validate-client-certificate with the truststore's issuer thumbprints, then the headers that carry
 * what was verified to the backend. APIM routes by path, so the check covers every host (records:
 * lib/capabilities/targets/domain-records.ts). Certificate consumers (lib/model/client-certificates.ts)
 * are metered by the certificate's SHA-256: APIM's own Thumbprint is SHA-1, so a policy expression
 * hashes the certificate's DER bytes.
 */
import type { GatewaySpec } from '../../../lib/model/types';
import { el, type XNode } from '../xml';
import type { EmitContext } from './context';
import { certificateConsumers, stageMetersCertificates } from '../../../lib/model/client-certificates';
import { csString } from '../expressions';
import { QUOTA_SECONDS, rateWindow } from './limits';

/** One Proxy hostname configuration of the service (azure-native HostnameConfigurationArgs). */
export interface ApimHostname {
  readonly type: 'Proxy';
  readonly hostName: string;
  /** Key Vault secret id of the certificate; the service's managed identity reads it. */
  readonly keyVaultId: string;
  readonly negotiateClientCertificate: boolean;
}

const stageDomains = (spec: GatewaySpec, stage: string) => (spec.domains ?? []).filter((d) => d.stage === stage);

/** The stage's host names; assertSupported has checked that each has a Key Vault certificate. */
export function apimHostnames(spec: GatewaySpec, stage: string): ApimHostname[] {
  return stageDomains(spec, stage).map((d) => ({ type: 'Proxy', hostName: d.name, keyVaultId: d.certificate.azure!, negotiateClientCertificate: Boolean(d.mtls) }));
}

/** validate-client-certificate and the certificate headers, when the stage's domains ask for mutual TLS (they agree: records). */
export function clientCertificatePolicies(spec: GatewaySpec, ctx: EmitContext): XNode[] {
  const mtls = stageDomains(spec, ctx.stage).find((d) => d.mtls)?.mtls;
  if (!mtls) return [];
  const identities = (mtls.truststore.azure ?? []).map((t) => el('identity', { 'issuer-thumbprint': t }));
  const out: XNode[] = [
    el('validate-client-certificate', { 'validate-revocation': 'true', 'validate-trust': 'true', 'validate-not-before': 'true', 'validate-not-after': 'true', 'ignore-error': 'false' }, el('identities', {}, ...identities)),
  ];
  const h = (name: string) => ctx.strings.header(name, 'gateway', 'mtls.headers', 'clientCertificate.headers');
  const { subject, fingerprint } = mtls.clientCertificate.headers;
  if (subject) out.push(el('set-header', { name: h(subject), 'exists-action': 'override' }, el('value', {}, '@(context.Request.Certificate.Subject)')));
  if (fingerprint) out.push(el('set-header', { name: h(fingerprint), 'exists-action': 'override' }, el('value', {}, '@(context.Request.Certificate.Thumbprint)')));
  return out;
}

/** The context variable holding the verified certificate's SHA-256 (lower-case hex, "" without one). */
export const CERTIFICATE_SHA256_VARIABLE = 'anygate-client-cert-sha256';

// SHA256, BitConverter and X509Certificate2 are among the types policy expressions may use.
const SHA256_EXPRESSION = '@(context.Request.Certificate == null ? "" : BitConverter.ToString(System.Security.Cryptography.SHA256.Create().ComputeHash(context.Request.Certificate.RawData)).Replace("-", "").ToLowerInvariant())';

/**
 * Each certificate consumer's plan, on a stage behind mutual TLS: the fingerprint, then a choose
 * with one branch per consumer whose plan limits anything, each on counters of its own (the
 * counters are service-wide: names.counter prefixes the API and stage).
 */
export function certificatePlanPolicies(spec: GatewaySpec, ctx: EmitContext): XNode[] {
  if (!stageMetersCertificates(spec, ctx.stage)) return [];
  const fp = `(string)context.Variables[${csString(CERTIFICATE_SHA256_VARIABLE)}]`;
  const branches = certificateConsumers(spec).flatMap((c) => {
    const plan = spec.plans[c.plan];
    const limits: XNode[] = [];
    if (plan?.rateLimit) {
      const w = rateWindow(plan.rateLimit);
      limits.push(el('rate-limit-by-key', { calls: w.calls, 'renewal-period': w.period, 'counter-key': ctx.names.counter(`cert-${c.name}-rate`) }));
    }
    if (plan?.quota) limits.push(el('quota-by-key', { calls: plan.quota.limit, 'renewal-period': QUOTA_SECONDS[plan.quota.period], 'counter-key': ctx.names.counter(`cert-${c.name}-quota`) }));
    return limits.length ? [el('when', { condition: `@(${fp} == ${csString(c.sha256)})` }, ...limits)] : [];
  });
  if (!branches.length) return [];
  return [el('set-variable', { name: CERTIFICATE_SHA256_VARIABLE, value: SHA256_EXPRESSION }), el('choose', {}, ...branches)];
}
