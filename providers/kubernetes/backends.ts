/**
 * Where a rule sends requests: HTTP backends as a selector-less Service with an EndpointSlice of
 * the backend's host name or address (the default: Envoy Gateway routes to it on a default
 * install), or as Envoy Gateway `Backend` objects (`backendKind: Backend`, which needs the Backend
 * API enabled); either way https is verified by a BackendTLSPolicy against the system CAs and the URL's host
 * name (an https URL with an IP address is refused by the records: kubernetes-backends.ts).
 * Weighted targets are weighted backendRefs; function bindings Service references given per stage.
 *
 * Not an ExternalName Service: Envoy Gateway v1.9 refuses those as route backends
 * (ResolvedRefs False, "use an Envoy Gateway Backend resource with an FQDN endpoint instead",
 * internal/gatewayapi/route.go); its "Routing outside Kubernetes" task uses a Service and an
 * EndpointSlice of addressType FQDN, as here.
 */
import type { GatewaySpec, KubernetesBackendKind } from '../../lib/model/types';
import { EG_API } from './filters';
import { backendObjectName, bindingServiceName, stageBackendUrls } from '../../lib/capabilities/targets/kubernetes-names';
import type { K8sObject, ServiceRef } from './plan';

export interface BackendTarget {
  /** backendRef of the rule. */
  readonly ref: Record<string, unknown>;
  /** Path prefix of the backend URL (`/api`), '' for none. */
  readonly pathPrefix: string;
  /** True for HTTP backends, Backend or Service (the Host is rewritten to the backend's host name). */
  readonly isBackend: boolean;
}

export interface StageBackends {
  readonly objects: K8sObject[];
  readonly targets: Map<string, BackendTarget[]>;
}

const IPV4 = /^(\d{1,3}\.){3}\d{1,3}$/;

function endpoint(u: URL): Record<string, unknown> {
  const port = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (IPV4.test(host) || host.includes(':')) return { ip: { address: host, port } };
  return { fqdn: { hostname: host, port } };
}

/** The EndpointSlice address type of a host: IPv4, IPv6 or FQDN. */
function addressType(host: string): 'IPv4' | 'IPv6' | 'FQDN' {
  return IPV4.test(host) ? 'IPv4' : host.includes(':') ? 'IPv6' : 'FQDN';
}

/** A selector-less Service and the EndpointSlice that gives it the backend's one address. */
function serviceObjects(name: string, u: URL, namespace: string): K8sObject[] {
  const port = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
  const host = u.hostname.replace(/^\[|\]$/g, '');
  // Envoy Gateway pairs Service and EndpointSlice ports by name (both must carry one).
  const portName = u.protocol === 'https:' ? 'https' : 'http';
  const service: K8sObject = { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { ports: [{ name: portName, port, protocol: 'TCP', targetPort: port }] } };
  const slice = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name, namespace, labels: { 'kubernetes.io/service-name': name } },
    addressType: addressType(host),
    ports: [{ name: portName, port, protocol: 'TCP' }],
    endpoints: [{ addresses: [host] }],
  };
  // An EndpointSlice has no spec: its fields sit at the top level.
  return [service, slice as unknown as K8sObject];
}

/** Services with an EndpointSlice, or Envoy Gateway Backends (kind), + BackendTLSPolicy for https, for the URLs of one backend. */
export function httpObjects(gateway: string, backend: string, urls: { url: string; weight?: number }[], namespace: string, kind: KubernetesBackendKind): { objects: K8sObject[]; targets: BackendTarget[] } {
  const objects: K8sObject[] = [];
  const targets: BackendTarget[] = urls.map(({ url, weight }, i) => {
    const u = new URL(url);
    const name = backendObjectName(gateway, backend, i, urls.length);
    const port = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
    if (kind === 'Backend') objects.push({ apiVersion: EG_API, kind: 'Backend', metadata: { name, namespace }, spec: { endpoints: [endpoint(u)] } });
    else objects.push(...serviceObjects(name, u, namespace));
    if (u.protocol === 'https:') {
      objects.push({
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'BackendTLSPolicy',
        metadata: { name, namespace },
        spec: {
          targetRefs: [kind === 'Backend' ? { group: 'gateway.envoyproxy.io', kind: 'Backend', name } : { group: '', kind: 'Service', name }],
          validation: { hostname: u.hostname, wellKnownCACertificates: 'System' },
        },
      });
    }
    const ref: Record<string, unknown> = kind === 'Backend' ? { group: 'gateway.envoyproxy.io', kind: 'Backend', name } : { kind: 'Service', name, port };
    if (weight !== undefined) ref.weight = weight;
    return { ref, pathPrefix: u.pathname.replace(/\/+$/, ''), isBackend: true };
  });
  return { objects, targets };
}

function serviceTarget(svc: ServiceRef, namespace: string): BackendTarget {
  const ref: Record<string, unknown> = { kind: 'Service', name: svc.name, port: svc.port ?? 80 };
  if (svc.namespace && svc.namespace !== namespace) ref.namespace = svc.namespace;
  return { ref, pathPrefix: '', isBackend: false };
}

/** The Service of a function binding in a stage (options, or one named after the binding). */
export function bindingService(functions: Readonly<Record<string, ServiceRef>> | undefined, binding: string): ServiceRef {
  return bindingServiceName(functions, binding);
}

/** Every backend the stage's routes use, as objects and the rule targets of each backend name. */
export function stageBackends(spec: GatewaySpec, stage: string, namespace: string, functions: Readonly<Record<string, ServiceRef>> | undefined, kind: KubernetesBackendKind): StageBackends {
  const objects: K8sObject[] = [];
  const targets = new Map<string, BackendTarget[]>();
  const used = [...new Set(spec.routes.map((r) => r.backend))].sort();
  for (const name of used) {
    const b = spec.backends[name];
    // LLM backends are the AI Gateway's (llm.ts).
    if (b.type === 'mock' || b.type === 'llm') continue;
    if (b.type === 'function') {
      targets.set(name, [serviceTarget(bindingService(functions, b.binding), namespace)]);
      continue;
    }
    const r = httpObjects(spec.name, name, stageBackendUrls(spec, stage, name), namespace, kind);
    objects.push(...r.objects);
    targets.set(name, r.targets);
  }
  return { objects, targets };
}
