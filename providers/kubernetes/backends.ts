/**
 * Where a rule sends requests: HTTP backends as Envoy Gateway `Backend` objects (one FQDN or IP
 * endpoint each, https verified by a BackendTLSPolicy against the system CAs), weighted targets
 * as weighted backendRefs, function bindings as Service references given per stage.
 */
import type { GatewaySpec, HttpBackendSpec } from '../../lib/model/types';
import { EG_API } from './filters';
import { dnsLabel } from './names';
import type { K8sObject, ServiceRef } from './plan';

export interface BackendTarget {
  /** backendRef of the rule. */
  readonly ref: Record<string, unknown>;
  /** Path prefix of the backend URL (`/api`), '' for none. */
  readonly pathPrefix: string;
  /** True for Envoy Gateway Backends (the Host is rewritten to the backend's). */
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

/** Envoy Gateway Backends (+ BackendTLSPolicy for https) for the URLs of one backend. */
export function httpObjects(gateway: string, backend: string, urls: { url: string; weight?: number }[], namespace: string): { objects: K8sObject[]; targets: BackendTarget[] } {
  const objects: K8sObject[] = [];
  const targets: BackendTarget[] = urls.map(({ url, weight }, i) => {
    const u = new URL(url);
    const name = dnsLabel(gateway, backend, ...(urls.length > 1 ? [String(i + 1)] : []));
    objects.push({ apiVersion: EG_API, kind: 'Backend', metadata: { name, namespace }, spec: { endpoints: [endpoint(u)] } });
    if (u.protocol === 'https:') {
      objects.push({
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'BackendTLSPolicy',
        metadata: { name, namespace },
        spec: {
          targetRefs: [{ group: 'gateway.envoyproxy.io', kind: 'Backend', name }],
          validation: { hostname: u.hostname, wellKnownCACertificates: 'System' },
        },
      });
    }
    const ref: Record<string, unknown> = { group: 'gateway.envoyproxy.io', kind: 'Backend', name };
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
  return functions?.[binding] ?? { name: dnsLabel(binding) };
}

/** Every backend the stage's routes use, as objects and the rule targets of each backend name. */
export function stageBackends(spec: GatewaySpec, stage: string, namespace: string, functions: Readonly<Record<string, ServiceRef>> | undefined): StageBackends {
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
    const override = spec.stages[stage].backends[name]?.url;
    const http = b as HttpBackendSpec;
    const urls = override ? [{ url: override }] : http.targets ? http.targets.map((t) => ({ url: t.url, weight: t.weight })) : [{ url: http.url! }];
    const r = httpObjects(spec.name, name, urls, namespace);
    objects.push(...r.objects);
    targets.set(name, r.targets);
  }
  return { objects, targets };
}
