/**
 * Custom domains on Envoy Gateway: an HTTPS listener per domain on the emitted Gateway (its host
 * name, its TLS Secret, routes from its stage's namespace only) and, for mutual TLS, a
 * ClientTrafficPolicy on that listener (tls.clientValidation with the CA ConfigMap or Secret, and
 * the verified Subject and Hash in x-forwarded-client-cert). A stage with mTLS domains attaches
 * its HTTPRoutes to those listeners only, so no other listener reaches it without a certificate.
 * The certificate headers the spec names are set on every rule of such a stage from Envoy's own
 * command operators (certificateHeaders); the listener's policy strips a client's copies of them
 * (and of the consumer header where the plans meter certificates) before any filter runs.
 */
import type { DomainSpec } from '../../lib/model/domains';
import type { GatewaySpec } from '../../lib/model/types';
import { dnsLabel } from './names';
import { stageMetersCertificates } from '../../lib/model/client-certificates';
import type { K8sObject } from './plan';
import { API_KEY_CLIENT_HEADER } from './security';

const GW_GROUP = 'gateway.networking.k8s.io';

/**
 * Each domain's listener name: `api.example.com` -> `domain-api.example.com` (a valid
 * SectionName); a wildcard's `*` becomes `wildcard`, or `wildcard-<n>` (the first n from 2 whose
 * name no other domain has) when that name is a literal domain's, e.g. `*.example.com` beside
 * `wildcard.example.com`: Gateway listener names must be unique. Literal hosts keep their names,
 * and a wildcard keeps its name unless a literal host takes it: specs without such a pair get the
 * names they always had.
 */
export function domainListenerNames(spec: GatewaySpec): ReadonlyMap<string, string> {
  let names = listenerNames.get(spec);
  if (names) return names;
  const out = new Map<string, string>();
  const taken = new Set<string>();
  const ds = spec.domains ?? [];
  for (const d of ds) if (!d.name.startsWith('*.')) taken.add(`domain-${d.name}`);
  for (const d of ds) {
    if (!d.name.startsWith('*.')) {
      out.set(d.name, `domain-${d.name}`);
      continue;
    }
    const rest = d.name.slice(1);
    let name = `domain-wildcard${rest}`;
    for (let n = 2; taken.has(name); n++) name = `domain-wildcard-${n}${rest}`;
    taken.add(name);
    out.set(d.name, name);
  }
  listenerNames.set(spec, (names = out));
  return names;
}

const listenerNames = new WeakMap<GatewaySpec, ReadonlyMap<string, string>>();

/** The listener of one of the spec's domains. */
export const domainListenerName = (spec: GatewaySpec, host: string): string => domainListenerNames(spec).get(host)!;

const stageDomains = (spec: GatewaySpec, stage: string): DomainSpec[] => (spec.domains ?? []).filter((d) => d.stage === stage);

/** `namespace/name` or `name` (the Gateway's namespace). */
function objectRef(ref: string, kind: 'Secret' | 'ConfigMap'): Record<string, unknown> {
  const [ns, name] = ref.includes('/') ? ref.split('/') : [undefined, ref];
  return { group: '', kind, name, ...(ns ? { namespace: ns } : {}) };
}

/** One HTTPS listener per domain; routes only from the namespace of the stage it serves. */
export function domainListeners(spec: GatewaySpec, namespaceOf: (stage: string) => string): Record<string, unknown>[] {
  return (spec.domains ?? []).map((d) => ({
    name: domainListenerName(spec, d.name),
    port: 443,
    protocol: 'HTTPS',
    hostname: d.name,
    tls: { mode: 'Terminate', certificateRefs: [objectRef(d.certificate.kubernetes!, 'Secret')] },
    allowedRoutes: {
      kinds: [{ group: GW_GROUP, kind: 'HTTPRoute' }],
      namespaces: { from: 'Selector', selector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: [namespaceOf(d.stage)] }] } },
    },
  }));
}

/** TLS Secrets the domains name in other namespaces than the Gateway's (the Gateway's ReferenceGrants). */
export function domainCrossNamespaceRefs(spec: GatewaySpec, gatewayNamespace: string): { namespace: string; kind: 'Secret' | 'ConfigMap'; name: string }[] {
  const refs = (spec.domains ?? []).map((d) => ({ ref: d.certificate.kubernetes!, kind: 'Secret' as const }));
  return refs.filter((r) => r.ref.includes('/') && r.ref.split('/')[0] !== gatewayNamespace).map((r) => ({ namespace: r.ref.split('/')[0], kind: r.kind, name: r.ref.split('/')[1] }));
}

/** One ClientTrafficPolicy per mTLS domain, on its listener (and a ReferenceGrant for a CA object in another namespace). */
export function clientTrafficPolicies(spec: GatewaySpec, gateway: { name: string; namespace: string }): K8sObject[] {
  return (spec.domains ?? [])
    .filter((d) => d.mtls)
    .flatMap((d) => {
      const m = d.mtls!;
      const store = m.truststore.kubernetes!;
      const subject = Boolean(m.clientCertificate.headers.subject || m.clientCertificate.headers.fingerprint);
      // Certificate consumers' plan rules select on the Hash in x-forwarded-client-cert (traffic.ts).
      const metered = stageMetersCertificates(spec, d.stage);
      const forward = subject || metered;
      // Before routing and every filter: a client's own certificate headers (each rule sets the
      // verified ones, certificateHeaders) and, where the plans cover every rule, its consumer header
      // (only the API-key check may set it, after this; the plans' key rules select on it).
      const early = [...(metered ? [API_KEY_CLIENT_HEADER] : []), ...certificateHeaders(spec, d.stage).map((h) => h.name)];
      const ca = objectRef(store.name, store.kind);
      const name = dnsLabel(gateway.name, 'mtls', d.name);
      const grant: K8sObject[] =
        ca.namespace && ca.namespace !== gateway.namespace
          ? [{ apiVersion: `${GW_GROUP}/v1`, kind: 'ReferenceGrant', metadata: { name, namespace: ca.namespace as string }, spec: { from: [{ group: 'gateway.envoyproxy.io', kind: 'ClientTrafficPolicy', namespace: gateway.namespace }], to: [{ group: '', kind: store.kind, name: ca.name as string }] } }]
          : [];
      const policy: K8sObject = {
        apiVersion: 'gateway.envoyproxy.io/v1alpha1',
        kind: 'ClientTrafficPolicy',
        metadata: { name, namespace: gateway.namespace },
        spec: {
          targetRefs: [{ group: GW_GROUP, kind: 'Gateway', name: gateway.name, sectionName: domainListenerName(spec, d.name) }],
          tls: { clientValidation: { caCertificateRefs: [ca] } },
          // Sanitize (the default) drops a client's own x-forwarded-client-cert; SanitizeSet replaces it with what Envoy verified.
          headers: {
            xForwardedClientCert: forward ? { mode: 'SanitizeSet', ...(subject ? { certDetailsToAdd: ['Subject'] } : {}) } : { mode: 'Sanitize' },
            ...(early.length ? { earlyRequestHeaders: { remove: early } } : {}),
          },
        },
      };
      return [policy, ...grant];
    });
}

/** The listeners a stage's HTTPRoutes attach to when it has mTLS domains; undefined: every listener, as before. */
export function mtlsSections(spec: GatewaySpec, stage: string): string[] | undefined {
  const ds = stageDomains(spec, stage).filter((d) => d.mtls);
  return ds.length ? ds.map((d) => domainListenerName(spec, d.name)) : undefined;
}

/** Route host names: the configured ones plus the stage's domains (unset stays unset: every listener's host). */
export function routeHostnames(spec: GatewaySpec, stage: string, configured: readonly string[] | undefined): string[] | undefined {
  if (!configured) return undefined;
  return [...new Set([...configured, ...stageDomains(spec, stage).map((d) => d.name)])];
}

/**
 * The client-certificate headers the stage's mTLS domains name (they agree: the mtls record), as
 * RequestHeaderModifier `set` entries whose values are Envoy command operators, which Envoy
 * Gateway passes through to the route's request_headers_to_add (v1.9 buildXdsAddedHeaders) and
 * Envoy evaluates per request: the verified certificate's subject (RFC 2253) and its SHA-256
 * fingerprint (lower-case hex). `set` overwrites a client's own value. Empty without mTLS headers.
 */
export function certificateHeaders(spec: GatewaySpec, stage: string): { name: string; value: string }[] {
  const m = stageDomains(spec, stage).find((d) => d.mtls)?.mtls;
  if (!m) return [];
  const { subject, fingerprint } = m.clientCertificate.headers;
  return [...(subject ? [{ name: subject, value: '%DOWNSTREAM_PEER_SUBJECT%' }] : []), ...(fingerprint ? [{ name: fingerprint, value: '%DOWNSTREAM_PEER_FINGERPRINT_256%' }] : [])];
}
