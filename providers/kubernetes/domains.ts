/**
 * Custom domains on Envoy Gateway: an HTTPS listener per domain on the emitted Gateway (its host
 * name, its TLS Secret, routes from its stage's namespace only) and, for mutual TLS, a
 * ClientTrafficPolicy on that listener (tls.clientValidation with the CA ConfigMap or Secret, and
 * the verified Subject and Hash in x-forwarded-client-cert). A stage with mTLS domains attaches
 * its HTTPRoutes to those listeners only, so no other listener reaches it without a certificate.
 */
import type { DomainSpec } from '../../lib/model/domains';
import type { GatewaySpec } from '../../lib/model/types';
import { dnsLabel } from './names';
import { stageMetersCertificates } from '../../lib/model/client-certificates';
import type { K8sObject } from './plan';

const GW_GROUP = 'gateway.networking.k8s.io';

/** `api.example.com` -> `domain-api.example.com` (a valid SectionName; `*` becomes `wildcard`). */
export const domainListenerName = (host: string): string => `domain-${host.replace(/^\*\./, 'wildcard.')}`;

const stageDomains = (spec: GatewaySpec, stage: string): DomainSpec[] => (spec.domains ?? []).filter((d) => d.stage === stage);

/** `namespace/name` or `name` (the Gateway's namespace). */
function objectRef(ref: string, kind: 'Secret' | 'ConfigMap'): Record<string, unknown> {
  const [ns, name] = ref.includes('/') ? ref.split('/') : [undefined, ref];
  return { group: '', kind, name, ...(ns ? { namespace: ns } : {}) };
}

/** One HTTPS listener per domain; routes only from the namespace of the stage it serves. */
export function domainListeners(spec: GatewaySpec, namespaceOf: (stage: string) => string): Record<string, unknown>[] {
  return (spec.domains ?? []).map((d) => ({
    name: domainListenerName(d.name),
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
      const forward = subject || stageMetersCertificates(spec, d.stage);
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
          targetRefs: [{ group: GW_GROUP, kind: 'Gateway', name: gateway.name, sectionName: domainListenerName(d.name) }],
          tls: { clientValidation: { caCertificateRefs: [ca] } },
          // Sanitize (the default) drops a client's own x-forwarded-client-cert; SanitizeSet replaces it with what Envoy verified.
          headers: { xForwardedClientCert: forward ? { mode: 'SanitizeSet', ...(subject ? { certDetailsToAdd: ['Subject'] } : {}) } : { mode: 'Sanitize' } },
        },
      };
      return [policy, ...grant];
    });
}

/** The listeners a stage's HTTPRoutes attach to when it has mTLS domains; undefined: every listener, as before. */
export function mtlsSections(spec: GatewaySpec, stage: string): string[] | undefined {
  const ds = stageDomains(spec, stage).filter((d) => d.mtls);
  return ds.length ? ds.map((d) => domainListenerName(d.name)) : undefined;
}

/** Route host names: the configured ones plus the stage's domains (unset stays unset: every listener's host). */
export function routeHostnames(spec: GatewaySpec, stage: string, configured: readonly string[] | undefined): string[] | undefined {
  if (!configured) return undefined;
  return [...new Set([...configured, ...stageDomains(spec, stage).map((d) => d.name)])];
}
