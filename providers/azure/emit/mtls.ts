/**
 * Mutual TLS on API Management: the host names of the stage's domains (negotiateClientCertificate
 * asks the client for its certificate in the handshake) and, first in the API policy,
 * validate-client-certificate with the truststore's issuer thumbprints, then the headers that carry
 * what was verified to the backend. APIM routes by path, so the check covers every host (records:
 * lib/capabilities/targets/domain-records.ts).
 */
import type { GatewaySpec } from '../../../lib/model/types';
import { el, type XNode } from '../xml';
import type { EmitContext } from './context';

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
