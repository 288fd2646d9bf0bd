/**
 * `anygate dev` over HTTPS: the spec's domains of the running stage, by Host, with their mutual
 * TLS rules applied the way the profile's target applies them. AWS and Envoy refuse a client
 * without a valid certificate in the handshake (dev closes the connection: no HTTP answer); APIM
 * answers 401 from validate-client-certificate. Verified certificates reach the backend as the
 * target sends them: the spec's headers (APIM: SHA-1 thumbprint), or x-forwarded-client-cert (Envoy).
 */
import type { TLSSocket } from 'node:tls';
import type { IncomingMessage } from 'node:http';
import type { DomainSpec } from '../lib/model/domains';
import type { GatewaySpec } from '../lib/model/types';
import type { Profile } from './profiles';

export type DomainDecision =
  | { readonly kind: 'pass'; readonly headers: Record<string, string>; readonly stripPrefix?: string }
  /** The target fails the TLS handshake: no HTTP response. */
  | { readonly kind: 'handshake' }
  /** The target answers 401 (APIM's validate-client-certificate). */
  | { readonly kind: 'unauthorized' };

/** The domain a Host names (an exact host, else a wildcard one label deep), among the stage's. */
export function domainOf(spec: GatewaySpec, stage: string, host: string | undefined): DomainSpec | undefined {
  const h = (host ?? '').replace(/:\d+$/, '').toLowerCase();
  const ds = (spec.domains ?? []).filter((d) => d.stage === stage);
  return ds.find((d) => d.name === h) ?? ds.find((d) => d.name.startsWith('*.') && h.endsWith(d.name.slice(1)) && !h.slice(0, -d.name.length + 1).includes('.'));
}

const hex = (fingerprint: string) => fingerprint.replace(/:/g, '');

/** What the profile's gateway does with this request on this host. */
export function decideDomain(spec: GatewaySpec, stage: string, profile: Profile, req: IncomingMessage): DomainDecision {
  const d = domainOf(spec, stage, req.headers.host);
  // A stage with an mTLS domain requires a certificate on every host (APIM, Envoy) or is reachable through its domains only (AWS).
  const mtls = d?.mtls ?? (spec.domains ?? []).find((x) => x.stage === stage && x.mtls)?.mtls;
  const stripPrefix = profile === 'aws' && d?.basePath ? `/${d.basePath}` : undefined;
  if (!mtls) return { kind: 'pass', headers: {}, ...(stripPrefix ? { stripPrefix } : {}) };
  const socket = req.socket as TLSSocket;
  const cert = typeof socket.getPeerCertificate === 'function' ? socket.getPeerCertificate() : undefined;
  if (!socket.authorized || !cert || !cert.fingerprint256) return profile === 'azure' ? { kind: 'unauthorized' } : { kind: 'handshake' };
  const subject = Object.entries(cert.subject ?? {}).map(([k, v]) => `${k}=${v}`).join(', ');
  const headers: Record<string, string> = {};
  const want = mtls.clientCertificate.headers;
  if (profile === 'kubernetes') {
    if (want.subject || want.fingerprint) headers['x-forwarded-client-cert'] = `Hash=${hex(cert.fingerprint256).toLowerCase()};Subject="${subject.replace(/"/g, '\\"')}"`;
  } else {
    if (want.subject) headers[want.subject.toLowerCase()] = subject;
    if (want.fingerprint) headers[want.fingerprint.toLowerCase()] = profile === 'azure' ? hex(cert.fingerprint).toUpperCase() : hex(cert.fingerprint256).toLowerCase();
  }
  return { kind: 'pass', headers, ...(stripPrefix ? { stripPrefix } : {}) };
}
