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
  | { readonly kind: 'unauthorized' }
  /**
   * API Gateway answers 403 `{"message":"Forbidden"}` itself, before any API or stage: a custom
   * domain path outside its base path mapping, or the execute-api endpoint an mTLS domain disabled.
   */
  | { readonly kind: 'forbidden'; readonly reason: string };

/** API Gateway's own answer where no API is reached (no gateway response applies): 403 Forbidden. */
export const AWS_FORBIDDEN = { status: 403, headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'ForbiddenException' }, body: '{"message":"Forbidden"}' } as const;

/**
 * On AWS an mTLS domain disables the API's execute-api endpoint (providers/aws/compile.ts
 * disableExecuteApiEndpoint), for every stage: a stage is then reached through its own custom
 * domains only. The mTLS domain that does so, when there is one.
 */
export function executeApiDisabledBy(spec: GatewaySpec): DomainSpec | undefined {
  return (spec.domains ?? []).find((d) => d.mtls);
}

/**
 * Said at start on the aws profile when the running stage is unreachable there: the execute-api
 * endpoint is disabled (an mTLS domain) and the stage has no custom domain of its own.
 */
export function awsUnreachableStage(spec: GatewaySpec, stage: string, profile: Profile): string | undefined {
  if (profile !== 'aws') return undefined;
  const by = executeApiDisabledBy(spec);
  if (!by || (spec.domains ?? []).some((d) => d.stage === stage)) return undefined;
  return `stage ${stage}: unreachable on AWS: domain ${by.name} (stage ${by.stage}) has mutual TLS, which disables the API's execute-api endpoint for every stage, and stage ${stage} has no custom domain; dev answers 403 {"message":"Forbidden"} to every request, as API Gateway does. Give stage ${stage} a domain, or run another profile`;
}

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
  let stripPrefix: string | undefined;
  if (profile === 'aws') {
    // A stage without a custom domain is reached through execute-api only, which an mTLS domain disables (every stage).
    // (A host naming none of the stage's domains, on a stage that has some, stands for them: dev's own address, conform.)
    const by = d || (spec.domains ?? []).some((x) => x.stage === stage) ? undefined : executeApiDisabledBy(spec);
    if (by) return { kind: 'forbidden', reason: `the execute-api endpoint is disabled: domain ${by.name} has mutual TLS (API Gateway answers 403 on it for every stage)` };
    // A custom domain serves the API under its base path mapping only; API Gateway answers other paths itself.
    if (d?.basePath) {
      stripPrefix = `/${d.basePath}`;
      const url = req.url ?? '/';
      if (!(url === stripPrefix || url.startsWith(`${stripPrefix}/`) || url.startsWith(`${stripPrefix}?`))) return { kind: 'forbidden', reason: `domain ${d.name} maps the API under /${d.basePath} only` };
    }
  }
  // A stage with an mTLS domain requires a certificate on every host (dev's own address stands for its domains).
  const mtls = d?.mtls ?? (spec.domains ?? []).find((x) => x.stage === stage && x.mtls)?.mtls;
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
