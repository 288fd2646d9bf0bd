/**
 * ReferenceGrants for Services in other namespaces (a function binding or custom authorizer
 * given with a namespace): without one, the Gateway API refuses the cross-namespace reference.
 * One grant per namespace referenced, listing the Services (16 per grant, the CRD's limit).
 */
import { dnsLabel } from './names';
import type { K8sObject } from './plan';

const TO_MAX = 16;

interface Ref {
  readonly from: string;
  readonly namespace: string;
  readonly name: string;
}

function crossRefs(objects: readonly K8sObject[], namespace: string): Ref[] {
  const out: Ref[] = [];
  const take = (from: string, refs: any[] | undefined) => {
    for (const r of refs ?? []) if ((r.kind ?? 'Service') === 'Service' && r.namespace && r.namespace !== namespace) out.push({ from, namespace: r.namespace, name: r.name });
  };
  for (const o of objects) {
    const spec = o.spec as any;
    if (o.kind === 'HTTPRoute') for (const rule of spec.rules) take('HTTPRoute', rule.backendRefs);
    if (o.kind === 'SecurityPolicy') take('SecurityPolicy', spec.extAuth?.http?.backendRefs);
  }
  return out;
}

/** The grants the stage's objects need, sorted by namespace. */
export function referenceGrants(gateway: string, namespace: string, objects: readonly K8sObject[]): K8sObject[] {
  const refs = crossRefs(objects, namespace);
  const out: K8sObject[] = [];
  for (const ns of [...new Set(refs.map((r) => r.namespace))].sort()) {
    const mine = refs.filter((r) => r.namespace === ns);
    const from = [...new Set(mine.map((r) => r.from))].sort().map((kind) => ({ group: kind === 'HTTPRoute' ? 'gateway.networking.k8s.io' : 'gateway.envoyproxy.io', kind, namespace }));
    const names = [...new Set(mine.map((r) => r.name))].sort();
    for (let i = 0; i < names.length; i += TO_MAX) {
      out.push({
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'ReferenceGrant',
        metadata: { name: dnsLabel(gateway, namespace, ...(i ? [String(i / TO_MAX + 1)] : [])), namespace: ns },
        spec: { from, to: names.slice(i, i + TO_MAX).map((name) => ({ group: '', kind: 'Service', name })) },
      });
    }
  }
  return out;
}
