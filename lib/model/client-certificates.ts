/**
 * A client certificate as a plan identity: `consumers.<name>.clientCertificate.sha256`. On a
 * stage behind a mutual TLS domain, a request whose verified certificate has that SHA-256
 * fingerprint counts against the consumer's plan (quota and rate limit), on every route of the
 * stage; an API key, where a route takes one, still counts against its own consumer's plan.
 * A certificate the truststore accepts and no consumer names is let in and counted against no
 * plan (the truststore decides who enters; plans meter). SHA-256 is the one fingerprint every
 * gateway can compute (Envoy's XFCC Hash, a policy expression on APIM, Node's fingerprint256).
 */
import type { ConsumerSpec, GatewaySpec } from './types';

/** A SHA-256 fingerprint: 64 hex digits, or 32 colon-separated pairs (openssl x509 -fingerprint -sha256). */
export const SHA256_FINGERPRINT = /^(?:[0-9A-Fa-f]{64}|(?:[0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2})$/;

/** The canonical form: lower-case hex, no colons (Envoy's Hash and the header anygate dev compares). */
export const canonicalFingerprint = (raw: string): string => raw.replace(/:/g, '').toLowerCase();

/** A consumer identified by a certificate, with its canonical fingerprint. */
export interface CertificateConsumer {
  readonly name: string;
  readonly plan: string;
  readonly sha256: string;
}

/** True for a consumer that holds an API key (every consumer without a certificate does). */
export const holdsApiKey = (c: ConsumerSpec): boolean => !c.clientCertificate;

/** Names of the consumers that hold API keys, sorted. */
export function keyConsumers(spec: GatewaySpec): string[] {
  return Object.keys(spec.consumers).filter((n) => holdsApiKey(spec.consumers[n])).sort();
}

/** The consumers identified by a client certificate, by name. */
export function certificateConsumers(spec: GatewaySpec): CertificateConsumer[] {
  return Object.keys(spec.consumers)
    .sort()
    .flatMap((name) => {
      const c = spec.consumers[name];
      return c.clientCertificate ? [{ name, plan: c.plan, sha256: c.clientCertificate.sha256 }] : [];
    });
}

/** True when the stage is served behind mutual TLS and some consumer is identified by a certificate: its routes meter certificates. */
export function stageMetersCertificates(spec: GatewaySpec, stage: string): boolean {
  return certificateConsumers(spec).length > 0 && (spec.domains ?? []).some((d) => d.stage === stage && d.mtls);
}

/** The consumer a verified certificate's SHA-256 fingerprint names on this stage, if any. */
export function consumerOfCertificate(spec: GatewaySpec, stage: string, sha256: string | undefined): CertificateConsumer | undefined {
  if (!sha256 || !stageMetersCertificates(spec, stage)) return undefined;
  const fp = canonicalFingerprint(sha256);
  return certificateConsumers(spec).find((c) => c.sha256 === fp);
}
