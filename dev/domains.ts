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

/**
 * The subject's attributes in certificate (DER) order, `TYPE=value` with the value escaped as RFC
 * 2253 does (Node's X509Certificate.subject: one per line). Without the peer's X509Certificate
 * (an older socket), the parsed subject's entries.
 */
function subjectRdns(socket: TLSSocket, cert: { subject?: object }): string[] {
  const x = typeof socket.getPeerX509Certificate === 'function' ? socket.getPeerX509Certificate() : undefined;
  if (x) return x.subject.split('\n').filter((l) => l !== '');
  // Node types the subject's fields as strings; a repeated attribute is an array all the same.
  return Object.entries((cert.subject ?? {}) as Record<string, string | string[]>).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${k}=${x.replace(/[,+"\\<>;]/g, (c) => `\\${c}`)}`));
}

/** An RFC 2253-escaped value back to its text: `\,` is `,`, `\XX` a byte (UTF-8). */
function unescape2253(v: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < v.length; i++) {
    if (v[i] === '\\' && /^[0-9A-Fa-f]{2}$/.test(v.slice(i + 1, i + 3))) {
      bytes.push(parseInt(v.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (v[i] === '\\' && i + 1 < v.length) bytes.push(...Buffer.from(v[++i]));
    else bytes.push(...Buffer.from(v[i]));
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * The subject as the profile's target gives it to the backend. Envoy's x-forwarded-client-cert
 * Subject is RFC 2253: most specific attribute first (the certificate's order reversed), `,`
 * between, special characters backslash-escaped (`CN=client1,O=Acme\, Inc.,C=US`). API
 * Management's context.Request.Certificate.Subject is .NET's X500DistinguishedName: reversed too,
 * `, ` between, a value with special characters in double quotes (`CN=client1, O="Acme, Inc.", C=US`).
 * AWS ($context.identity.clientCert.subjectDN; its profile forwards no certificate header, refused
 * by record) and Apigee (mtls refused by record) get RFC 2253.
 */
export function subjectDn(profile: Profile, rdns: readonly string[]): string {
  const reversed = [...rdns].reverse();
  if (profile !== 'azure') return reversed.join(',');
  return reversed
    .map((rdn) => {
      const eq = rdn.indexOf('=');
      const v = unescape2253(rdn.slice(eq + 1));
      return `${rdn.slice(0, eq)}=${/[,+=";<>#\n\r]|^\s|\s$/.test(v) || v === '' ? `"${v.replace(/"/g, '""')}"` : v}`;
    })
    .join(', ');
}

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
  const subject = subjectDn(profile, subjectRdns(socket, cert));
  const headers: Record<string, string> = {};
  const want = mtls.clientCertificate.headers;
  // Kubernetes sends x-forwarded-client-cert too, and sets the spec's headers from Envoy's
  // %DOWNSTREAM_PEER_SUBJECT% (RFC 2253) and %DOWNSTREAM_PEER_FINGERPRINT_256% (lower-case hex).
  if (profile === 'kubernetes' && (want.subject || want.fingerprint)) headers['x-forwarded-client-cert'] = `Hash=${hex(cert.fingerprint256).toLowerCase()};Subject="${subject.replace(/"/g, '\\"')}"`;
  if (want.subject) headers[want.subject.toLowerCase()] = subject;
  if (want.fingerprint) headers[want.fingerprint.toLowerCase()] = profile === 'azure' ? hex(cert.fingerprint).toUpperCase() : hex(cert.fingerprint256).toLowerCase();
  return { kind: 'pass', headers, ...(stripPrefix ? { stripPrefix } : {}) };
}
