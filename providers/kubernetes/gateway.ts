/**
 * Where the HTTPRoutes attach, from the spec's `kubernetes:` block and the compile options (the
 * options win, field by field), and, when asked (`createGateway`), the GatewayClass and Gateway
 * themselves. The Gateway is the same in every stage's file (kubectl apply is idempotent): its
 * listeners admit HTTPRoutes from the spec's stage namespaces only.
 */
import { DEFAULT_GATEWAY, resolveCreateGateway, type ResolvedCreateGateway } from '../../lib/capabilities/targets/kubernetes-options';
import type { GatewaySpec } from '../../lib/model/types';
import { clientTrafficPolicies, domainCrossNamespaceRefs, domainListeners } from './domains';
import { dnsLabel } from './names';
import { stageFunctions, stageNamespace } from '../../lib/capabilities/targets/kubernetes-names';
import type { K8sObject, KubernetesCompileOptions, ServiceRef } from './plan';

const GW_API = 'gateway.networking.k8s.io/v1';
const GW_GROUP = 'gateway.networking.k8s.io';

export interface KubernetesSettings {
  /** The parentRef: namespace unset means the route's own namespace. */
  readonly gateway: { readonly name: string; readonly namespace?: string; readonly sectionName?: string };
  readonly hostnames?: readonly string[];
  readonly create?: ResolvedCreateGateway;
  namespaceOf(stage: string): string;
  /** The Services of the stage's function bindings, by binding. */
  functionsOf(stage: string): Readonly<Record<string, ServiceRef>>;
}

/** The spec block merged with the compile options. */
export function kubernetesSettings(spec: GatewaySpec, options: KubernetesCompileOptions): KubernetesSettings {
  const k = spec.kubernetes ?? {};
  const given = options.gateway ?? { name: k.gateway?.name ?? DEFAULT_GATEWAY.name, namespace: k.gateway?.namespace ?? DEFAULT_GATEWAY.namespace, ...(k.gateway?.sectionName ? { sectionName: k.gateway.sectionName } : {}) };
  const createInput = options.createGateway ?? k.createGateway;
  const hostnames = options.hostnames ?? k.hostnames;
  // A Gateway anygate creates lives in a namespace it names, never in each stage's.
  const gateway = createInput && !given.namespace ? { ...given, namespace: DEFAULT_GATEWAY.namespace } : given;
  return {
    gateway,
    ...(hostnames?.length ? { hostnames } : {}),
    ...(createInput ? { create: resolveCreateGateway(createInput, gateway.name) } : {}),
    namespaceOf: (stage) => stageNamespace(spec, options, stage),
    // Binding by binding: the options' Service wins over the spec's.
    functionsOf: (stage) => stageFunctions(spec, options, stage),
  };
}

/** The HTTPRoute parentRef. */
export function parentRef(s: KubernetesSettings): Record<string, unknown> {
  const parent: Record<string, unknown> = { group: GW_GROUP, kind: 'Gateway', name: s.gateway.name };
  if (s.gateway.namespace) parent.namespace = s.gateway.namespace;
  if (s.gateway.sectionName) parent.sectionName = s.gateway.sectionName;
  return parent;
}

function listener(l: ResolvedCreateGateway['listeners'][number], stageNamespaces: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { name: l.name, port: l.port, protocol: l.protocol };
  if (l.hostname) out.hostname = l.hostname;
  if (l.protocol === 'HTTPS') {
    const certificateRefs = l.certificateRefs.map((c) => ({ group: '', kind: 'Secret', name: c.name, ...(c.namespace ? { namespace: c.namespace } : {}) }));
    out.tls = { mode: 'Terminate', certificateRefs };
  }
  // Only the stages' namespaces may attach routes (the default, Same, would admit none of them).
  out.allowedRoutes = {
    kinds: [{ group: GW_GROUP, kind: 'HTTPRoute' }],
    namespaces: { from: 'Selector', selector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: stageNamespaces }] } },
  };
  return out;
}

/** Secrets in another namespace than the Gateway's need a ReferenceGrant there. */
function certificateGrants(spec: GatewaySpec, s: KubernetesSettings, namespace: string, create: ResolvedCreateGateway): K8sObject[] {
  const refs: { namespace?: string; name: string; kind?: string }[] = [
    ...create.listeners.flatMap((l) => l.certificateRefs).filter((c) => c.namespace && c.namespace !== namespace),
    ...domainCrossNamespaceRefs(spec, namespace),
  ];
  return [...new Set(refs.map((c) => c.namespace!))].sort().map((ns) => ({
    apiVersion: GW_API,
    kind: 'ReferenceGrant',
    metadata: { name: dnsLabel(s.gateway.name, namespace, 'tls'), namespace: ns },
    spec: {
      from: [{ group: GW_GROUP, kind: 'Gateway', namespace }],
      to: [...new Set(refs.filter((c) => c.namespace === ns).map((c) => `${c.kind ?? 'Secret'}/${c.name}`))].sort().map((k) => ({ group: '', kind: k.split('/')[0], name: k.split('/')[1] })),
    },
  }));
}

/** The GatewayClass, Gateway (and its namespace and certificate grants) when asked, else nothing. */
export function gatewayObjects(spec: GatewaySpec, s: KubernetesSettings): K8sObject[] {
  const create = s.create;
  if (!create) return [];
  const namespace = s.gateway.namespace!;
  const stageNamespaces = [...new Set(Object.keys(spec.stages).map((st) => s.namespaceOf(st)))].sort();
  const gatewayClass: K8sObject = { apiVersion: GW_API, kind: 'GatewayClass', metadata: { name: create.className }, spec: { controllerName: create.controllerName } };
  const gateway: K8sObject = {
    apiVersion: GW_API,
    kind: 'Gateway',
    metadata: { name: s.gateway.name, namespace },
    spec: { gatewayClassName: create.className, listeners: [...create.listeners.map((l) => listener(l, stageNamespaces)), ...domainListeners(spec, s.namespaceOf)] },
  };
  const ns: K8sObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace }, spec: {} };
  return [ns, gatewayClass, gateway, ...certificateGrants(spec, s, namespace, create), ...clientTrafficPolicies(spec, { name: s.gateway.name, namespace })];
}
