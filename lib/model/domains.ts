/**
 * Custom domains and mutual TLS: the `domains:` section of a spec. A domain is a host name the
 * gateway answers on (beside the cloud's default host), the certificate each target serves it
 * with, the base path the API sits under on that host, the stage it serves, and optionally mutual
 * TLS: which client certificates are trusted, and what of the certificate the backend sees.
 *
 * Certificates and truststores are cloud resources the spec names, per target, and never holds:
 * an ACM ARN, a Key Vault secret id, a Google-managed or Certificate Manager certificate, a
 * Kubernetes Secret. Which target needs which is the capability records' business; here every
 * form is checked for its shape, so a typo is a located error before any target is asked.
 */
import { z } from 'zod';
import type { SpecIssue } from './errors';
import { SAFE_NAME_PATTERN, SAFE_NAME_RULE } from './names';

// RFC 1123 labels; lower case only (API Gateway refuses upper case, and host names compare without case).
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const BASE_PATH_SEGMENT = /^[A-Za-z0-9._~-]+$/;

/** ACM certificate ARN (any partition). */
export const ACM_ARN = /^arn:aws(?:-cn|-us-gov)?:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/;
/** Key Vault secret identifier, optionally versioned (what APIM's hostname keyVaultId takes). */
export const KEY_VAULT_SECRET_ID = /^https:\/\/[a-z0-9](?:[a-z0-9-]{1,22}[a-z0-9])\.vault\.(?:azure\.net|azure\.cn|usgovcloudapi\.net)\/secrets\/[A-Za-z0-9-]{1,127}(?:\/[0-9a-f]{32})?$/;
/** A Certificate Manager certificate, or `google-managed` (the load balancer provisions one). */
export const GOOGLE_CERTIFICATE = /^(?:google-managed|projects\/[a-z][a-z0-9-]{4,28}[a-z0-9]\/locations\/[a-z0-9-]+\/certificates\/[A-Za-z0-9_-]{1,63})$/;
/** A Kubernetes Secret of type kubernetes.io/tls: `name` or `namespace/name`. */
export const KUBERNETES_SECRET = /^(?:[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?\/)?[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;
/** A truststore (PEM bundle) in S3, as API Gateway's MutualTlsAuthentication.TruststoreUri takes it. */
export const S3_URI = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/[A-Za-z0-9!_.*'()/-]+$/;
/** An S3 object version id (opaque; `null` for an object stored before versioning was enabled). */
export const S3_VERSION_ID = /^[A-Za-z0-9._+/=-]{1,1024}$/;
/** A certificate thumbprint (SHA-1, hex), as APIM's validate-client-certificate issuer-thumbprint takes it. */
export const THUMBPRINT = /^[0-9A-Fa-f]{40}$/;

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

const Certificates = z.strictObject({
  aws: z.string().regex(ACM_ARN, { message: 'must be an ACM certificate ARN such as arn:aws:acm:eu-west-1:123456789012:certificate/abcd-1234' }).optional().meta({ description: 'ACM certificate ARN (in us-east-1 for an edge endpoint). Default: the domain cannot be served on AWS.' }),
  azure: z.string().regex(KEY_VAULT_SECRET_ID, { message: 'must be a Key Vault secret id such as https://my-vault.vault.azure.net/secrets/api-cert' }).optional().meta({ description: "Key Vault secret id of the certificate (APIM reads it with the service's managed identity). Default: the domain cannot be served on Azure." }),
  apigee: z.string().regex(GOOGLE_CERTIFICATE, { message: 'must be google-managed or a Certificate Manager certificate projects/<p>/locations/<l>/certificates/<c>' }).optional().meta({ description: "`google-managed`, or a Certificate Manager certificate for the load balancer in front of Apigee. Default: the domain cannot be served on Apigee." }),
  kubernetes: z.string().regex(KUBERNETES_SECRET, { message: 'must be a TLS Secret name (lower-case DNS subdomain), optionally namespace/name' }).optional().meta({ description: "TLS Secret (kubernetes.io/tls) of the Gateway listener, `name` or `namespace/name`. Default: the domain cannot be served on Kubernetes." }),
});

/** Which target a single certificate string belongs to, by its form. */
export function certificateTarget(value: string): keyof z.output<typeof Certificates> | undefined {
  if (ACM_ARN.test(value)) return 'aws';
  if (KEY_VAULT_SECRET_ID.test(value)) return 'azure';
  if (GOOGLE_CERTIFICATE.test(value)) return 'apigee';
  if (KUBERNETES_SECRET.test(value)) return 'kubernetes';
  return undefined;
}

const CertificateInput = z.union([
  z.string().refine((v) => certificateTarget(v) !== undefined, {
    message: 'must be an ACM certificate ARN, a Key Vault secret id (https://<vault>.vault.azure.net/secrets/<name>), google-managed, a Certificate Manager certificate or a Kubernetes TLS Secret name; or a mapping with one per target',
  }),
  Certificates,
]);

const Truststore = z
  .strictObject({
    aws: z.string().regex(S3_URI, { message: 'must be an S3 URI such as s3://my-bucket/truststore.pem' }).optional().meta({ description: 'S3 URI of the PEM truststore (API Gateway MutualTlsAuthentication). Default: mutual TLS cannot be served on AWS.' }),
    azure: z.array(z.string().regex(THUMBPRINT, { message: 'must be a certificate thumbprint (40 hex digits)' })).min(1).optional().meta({ description: "Thumbprints of the CA certificates a client certificate must be issued by (validate-client-certificate issuer-thumbprint); the chain must also validate against the service's CA certificates. Default: mutual TLS cannot be served on Azure." }),
    awsVersion: z
      .string()
      .regex(S3_VERSION_ID, { message: 'must be an S3 object version id (the VersionId that s3api put-object or list-object-versions prints)' })
      .optional()
      .meta({ description: 'S3 object version of the truststore (MutualTlsAuthentication.TruststoreVersion; the bucket must be versioned). API Gateway re-reads the truststore only when this changes: to rotate it, upload the new bundle and set its version here. Default: none: the domain keeps the truststore it last read, and a new object at the same URI is not picked up.' }),
    // Apigee X checks client certificates at a load balancer anygate does not create: a trust config
    // here would enable nothing, so it is refused where it is rather than read as mutual TLS.
    apigee: z
      .unknown()
      .superRefine((_, ctx) => ctx.addIssue({ code: 'custom', message: 'is not read: Apigee X checks client certificates at the external load balancer (a server TLS policy with this trust config), which anygate does not create, and synth refuses mtls for apigee; remove it, and configure the load balancer yourself' }))
      .optional()
      // not: {} tells editors and the published JSON Schema that no value is accepted.
      .meta({ description: 'Refused: mutual TLS on Apigee X lives on the external load balancer, which anygate does not create (docs/domains.md).', not: {} }),
    kubernetes: z
      .strictObject({
        kind: z.enum(['ConfigMap', 'Secret']).optional().meta({ description: 'Kind of the object holding ca.crt.', default: 'ConfigMap' }),
        name: z.string().regex(KUBERNETES_SECRET, { message: 'must be an object name (lower-case DNS subdomain), optionally namespace/name' }).meta({ description: 'Name of the ConfigMap or Secret holding the CA bundle under ca.crt, `name` or `namespace/name`.' }),
      })
      .optional()
      .meta({ description: 'ConfigMap or Secret holding the CA bundle (ClientTrafficPolicy tls.clientValidation.caCertificateRefs). Default: mutual TLS cannot be served on Kubernetes.' }),
  })
  .describe('Where each target finds the CA certificates client certificates must chain to.');

export const Mtls = z
  .strictObject({
    truststore: Truststore.meta({ description: 'The CA certificates trusted for client certificates, per target.' }),
    clientCertificate: z
      .strictObject({
        headers: z
          .strictObject({
            subject: z.string().regex(HEADER_NAME, { message: 'must be an HTTP header name' }).optional().meta({ description: "Header the backend receives the client certificate's subject in. Default: not sent." }),
            fingerprint: z.string().regex(HEADER_NAME, { message: 'must be an HTTP header name' }).optional().meta({ description: "Header the backend receives the client certificate's fingerprint in. Default: not sent." }),
          })
          .optional()
          .meta({ description: 'Headers that carry what the gateway verified of the client certificate to the backend (any such header the client sends is replaced).' }),
      })
      .optional()
      .meta({ description: 'What the backend learns of the client certificate. Default: nothing.' }),
  })
  .describe('Mutual TLS: clients must present a certificate that chains to the truststore.');

export const Domain = z
  .strictObject({
    name: z.string().superRefine((v, ctx) => { const p = hostnameProblem(v); if (p) ctx.addIssue({ code: 'custom', message: p }); }).meta({ description: 'Host name (RFC 1123, lower case), e.g. `api.example.com`; a wildcard `*.example.com` only as the whole first label.' }),
    certificate: CertificateInput.meta({ description: 'The server certificate: one string (its form says the target) or a mapping with one per target (aws, azure, apigee, kubernetes).' }),
    basePath: z.string().superRefine((v, ctx) => { const p = parseDomainBasePath(v); if (!p.ok) ctx.addIssue({ code: 'custom', message: p.message }); }).optional().meta({ description: 'Path the API sits under on this host; several segments allowed (`v1/orders`). Default: the host root.' }),
    endpoint: z.enum(['regional', 'edge', 'private']).optional().meta({ description: 'How the host is reached: regional, edge (through a CDN) or private (inside a network).', default: 'regional' }),
    stage: z.string().regex(SAFE_NAME_PATTERN, { message: `must be a stage name: ${SAFE_NAME_RULE}` }).optional().meta({ description: 'The stage this host serves. Default: `prod` when the spec has it, else the first stage.' }),
    mtls: Mtls.optional().meta({ description: 'Mutual TLS on this host. Default: clients need no certificate.' }),
  })
  .describe('A custom domain the gateway answers on.');

export type DomainInput = z.input<typeof Domain>;

/** A domain as every compiler reads it: defaults applied, certificates per target. */
export interface DomainSpec {
  /** Lower-case host name. */
  readonly name: string;
  readonly certificate: { readonly aws?: string; readonly azure?: string; readonly apigee?: string; readonly kubernetes?: string };
  /** `''` for the host root, else segments joined by `/` without leading or trailing slash. */
  readonly basePath: string;
  readonly endpoint: 'regional' | 'edge' | 'private';
  readonly stage: string;
  readonly mtls?: MtlsSpec;
}

export interface MtlsSpec {
  readonly truststore: {
    readonly aws?: string;
    /** S3 object version of `aws` (TruststoreVersion). @default - the latest version at creation */
    readonly awsVersion?: string;
    readonly azure?: string[];
    /** Never set: Apigee's mutual TLS is refused (the model refuses `truststore.apigee`). */
    readonly apigee?: undefined;
    readonly kubernetes?: { readonly kind: 'ConfigMap' | 'Secret'; readonly name: string };
  };
  /** What the backend learns of the certificate (the input's shape, so a normalized spec is valid input). */
  readonly clientCertificate: {
    /** Headers set on the backend request. @default {} */
    readonly headers: { readonly subject?: string; readonly fingerprint?: string };
  };
}

/** Why a host name is not an RFC 1123 host name anygate can serve, or undefined when it is. */
export function hostnameProblem(name: string): string | undefined {
  if (name !== name.toLowerCase()) return `must be lower case (got ${JSON.stringify(name)}; write ${JSON.stringify(name.toLowerCase())})`;
  if (name.length > 253) return `is ${name.length} characters; a host name has at most 253`;
  if (name.endsWith('.')) return 'must not end with a dot';
  if (/^\d+(\.\d+){3}$/.test(name) || name.includes(':')) return 'must be a host name, not an IP address or host:port';
  const labels = name.split('.');
  const wildcard = labels[0] === '*';
  if (labels.slice(wildcard ? 1 : 0).some((l) => l.includes('*'))) return 'a wildcard must be the whole first label (*.example.com)';
  const rest = wildcard ? labels.slice(1) : labels;
  if (rest.length < 2) return wildcard ? 'a wildcard needs at least two labels after it (*.example.com, not *.com)' : 'must have at least two labels (api.example.com)';
  const bad = rest.find((l) => !LABEL.test(l));
  if (bad !== undefined) return `label ${JSON.stringify(bad)} must be 1-63 characters of a-z, 0-9 and -, not starting or ending with -`;
  if (/^\d+$/.test(rest[rest.length - 1])) return 'the last label must not be all digits';
  return undefined;
}

/** The base path without surrounding slashes, or a problem. */
export function parseDomainBasePath(raw: string | undefined): { ok: true; value: string } | { ok: false; message: string } {
  const value = (raw ?? '').replace(/^\/+|\/+$/g, '');
  if (value === '') return { ok: true, value };
  for (const seg of value.split('/')) {
    if (seg === '') return { ok: false, message: `must not contain empty segments (got ${JSON.stringify(raw)})` };
    if (seg === '.' || seg === '..') return { ok: false, message: `must not contain . or .. segments (got ${JSON.stringify(raw)})` };
    if (!BASE_PATH_SEGMENT.test(seg)) return { ok: false, message: `segment ${JSON.stringify(seg)} may hold only letters, digits and . _ ~ - (no parameters, spaces or escapes)` };
  }
  return { ok: true, value };
}

/** True for a base path of two or more segments (`v1/orders`). */
export const isMultiLevel = (basePath: string): boolean => basePath.includes('/');

/** The stage a domain serves when it names none. */
export function defaultDomainStage(stages: readonly string[]): string {
  return stages.includes('prod') ? 'prod' : [...stages].sort()[0];
}

/** Cross-entry rules (host names and base paths are checked by the schema): stage references, one entry per host, a truststore. */
export function checkDomains(domains: z.output<typeof Domain>[] | undefined, stages: ReadonlySet<string>, issues: SpecIssue[]): void {
  const seen = new Map<string, number>();
  (domains ?? []).forEach((d, i) => {
    const at = ['domains', i];
    const prior = seen.get(d.name);
    if (prior !== undefined) issues.push({ path: [...at, 'name'], message: `${d.name} is already declared at domains[${prior}]; declare each host once`, severity: 'error' });
    else seen.set(d.name, i);
    if (d.stage !== undefined && stages.size > 0 && !stages.has(d.stage)) {
      issues.push({ path: [...at, 'stage'], rule: 'unknown-reference', message: `unknown stage ${JSON.stringify(d.stage)}; stages: ${[...stages].sort().join(', ')}`, severity: 'error' });
    }
    if (d.stage !== undefined && stages.size === 0 && d.stage !== 'prod') {
      issues.push({ path: [...at, 'stage'], rule: 'unknown-reference', message: `unknown stage ${JSON.stringify(d.stage)}; the spec declares no stages, so its one stage is prod`, severity: 'error' });
    }
    const t = d.mtls?.truststore;
    if (d.mtls && t && !t.aws && !t.azure && !t.kubernetes) {
      issues.push({ path: [...at, 'mtls', 'truststore'], message: 'names no truststore: set at least one of aws, azure, kubernetes', severity: 'error' });
    }
    if (t?.awsVersion !== undefined && !t.aws) issues.push({ path: [...at, 'mtls', 'truststore', 'awsVersion'], message: 'is the S3 version of truststore.aws, which is not set: set aws to the truststore\'s S3 URI, or remove awsVersion', severity: 'error' });
    const h = d.mtls?.clientCertificate?.headers;
    if (h?.subject && h.fingerprint && h.subject.toLowerCase() === h.fingerprint.toLowerCase()) {
      issues.push({ path: [...at, 'mtls', 'clientCertificate', 'headers'], message: 'subject and fingerprint must go in different headers', severity: 'error' });
    }
  });
}

/** The canonical domains, in host-name order; validation has run. */
export function normalizeDomains(domains: z.output<typeof Domain>[] | undefined, stages: readonly string[]): DomainSpec[] | undefined {
  if (!domains?.length) return undefined;
  return domains
    .map((d): DomainSpec => {
      const certificate = typeof d.certificate === 'string' ? { [certificateTarget(d.certificate)!]: d.certificate } : d.certificate;
      const t = d.mtls?.truststore;
      return {
        name: d.name,
        certificate,
        basePath: (parseDomainBasePath(d.basePath) as { value: string }).value,
        endpoint: d.endpoint ?? 'regional',
        stage: d.stage ?? defaultDomainStage(stages),
        ...(d.mtls && t
          ? {
              mtls: {
                truststore: {
                  ...(t.aws ? { aws: t.aws } : {}),
                  ...(t.awsVersion ? { awsVersion: t.awsVersion } : {}),
                  ...(t.azure ? { azure: [...new Set(t.azure.map((x) => x.toUpperCase()))].sort() } : {}),
                  ...(t.kubernetes ? { kubernetes: { kind: t.kubernetes.kind ?? 'ConfigMap', name: t.kubernetes.name } } : {}),
                },
                clientCertificate: { headers: { ...d.mtls.clientCertificate?.headers } },
              },
            }
          : {}),
      };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
