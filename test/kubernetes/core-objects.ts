/**
 * Checks of the two core objects HTTP backends become by default (a selector-less Service and its
 * EndpointSlice), which have no CRD in ../shared/schemas/k8s: the fields and formats the API
 * server's validation requires of them (core/v1 ServiceSpec, discovery.k8s.io/v1 EndpointSlice),
 * plus what Envoy Gateway v1.9 needs to route to them (the kubernetes.io/service-name label, port
 * names on both sides: internal/gatewayapi/route.go matches EndpointSlice ports by the Service
 * port's name; no ExternalName, which it refuses as a backend).
 */
import type { K8sObject } from '../../providers/kubernetes/plan';

const DNS_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
// IANA_SVC_NAME: at most 15 characters, a-z 0-9 -, at least one letter, no -- and no - at an end.
const portName = (n: unknown) => typeof n === 'string' && n.length <= 15 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(n) && /[a-z]/.test(n) && !n.includes('--');
const port = (p: unknown) => Number.isInteger(p) && (p as number) >= 1 && (p as number) <= 65_535;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

export function serviceProblems(o: K8sObject): string[] {
  const out: string[] = [];
  const spec = o.spec as any;
  if (o.apiVersion !== 'v1') out.push(`apiVersion ${o.apiVersion}`);
  if (!DNS_1035.test(o.metadata.name) || o.metadata.name.length > 63) out.push(`name ${o.metadata.name} is not a DNS-1035 label`);
  if (spec.type !== undefined && spec.type !== 'ClusterIP') out.push(`type ${spec.type}: Envoy Gateway routes to ClusterIP Services (ExternalName is refused as a backend)`);
  if (spec.selector !== undefined) out.push('a selector: the EndpointSlice would be replaced by the selected pods');
  const ports: any[] = spec.ports ?? [];
  if (!ports.length) out.push('no ports');
  for (const p of ports) {
    if (!portName(p.name)) out.push(`port name ${p.name} is not an IANA service name (Envoy Gateway matches EndpointSlice ports by it)`);
    if (!port(p.port)) out.push(`port ${p.port}`);
    if (p.targetPort !== undefined && !port(p.targetPort)) out.push(`targetPort ${p.targetPort}`);
    if (!['TCP', 'UDP', 'SCTP'].includes(p.protocol ?? 'TCP')) out.push(`protocol ${p.protocol}`);
  }
  if (new Set(ports.map((p) => p.name)).size !== ports.length) out.push('port names repeat');
  return out;
}

export function endpointSliceProblems(o: K8sObject): string[] {
  const out: string[] = [];
  const any = o as unknown as Record<string, any>;
  if (o.apiVersion !== 'discovery.k8s.io/v1') out.push(`apiVersion ${o.apiVersion}`);
  if ('spec' in any) out.push('an EndpointSlice has no spec');
  if (!DNS_1123_SUBDOMAIN.test(o.metadata.name) || o.metadata.name.length > 253) out.push(`name ${o.metadata.name}`);
  if (!o.metadata.labels?.['kubernetes.io/service-name']) out.push('no kubernetes.io/service-name label: no Service would use it');
  const type = any.addressType;
  if (!['IPv4', 'IPv6', 'FQDN'].includes(type)) out.push(`addressType ${type}`);
  const endpoints: any[] = any.endpoints ?? [];
  if (endpoints.length > 1000) out.push('over 1000 endpoints');
  for (const e of endpoints) {
    const addrs: any[] = e.addresses ?? [];
    if (addrs.length < 1 || addrs.length > 100) out.push('an endpoint needs 1 to 100 addresses');
    for (const a of addrs) {
      const ok = type === 'IPv4' ? IPV4.test(a) : type === 'IPv6' ? typeof a === 'string' && a.includes(':') && /^[0-9a-fA-F:.]+$/.test(a) : typeof a === 'string' && a.length <= 253 && DNS_1123_SUBDOMAIN.test(a);
      if (!ok) out.push(`address ${a} is not ${type}`);
    }
  }
  const ports: any[] = any.ports ?? [];
  if (ports.length > 100) out.push('over 100 ports');
  for (const p of ports) {
    if (p.name === undefined) out.push('a port without a name (Envoy Gateway reads the name)');
    else if (p.name !== '' && !portName(p.name)) out.push(`port name ${p.name}`);
    if (!port(p.port)) out.push(`port ${p.port}`);
    if (!['TCP', 'UDP', 'SCTP'].includes(p.protocol ?? 'TCP')) out.push(`protocol ${p.protocol}`);
  }
  return out;
}
