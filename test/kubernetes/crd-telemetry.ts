/**
 * Checks of the two observability objects the shared CRD folder has no schema for: EnvoyProxy
 * (its spec.telemetry schema, cut unchanged from Envoy Gateway v1.9.0's CRD into
 * test/fixtures/envoy-gateway/envoyproxy-telemetry.schema.json, plus the CEL rules anygate could
 * break) and a core ConfigMap (no spec; string data under valid keys).
 */
import Ajv, { type ValidateFunction } from 'ajv';
import * as path from 'node:path';
import type { K8sObject } from '../../providers/kubernetes/plan';

let telemetry: ValidateFunction | undefined;
const fixture = () => require(path.join(__dirname, '..', 'fixtures', 'envoy-gateway', 'envoyproxy-telemetry.schema.json'));

export function envoyProxyProblems(o: K8sObject): string[] {
  const f = fixture();
  const out: string[] = [];
  if (o.apiVersion !== `${f.group}/${f.version}`) out.push(`apiVersion ${o.apiVersion}, the CRD serves ${f.group}/${f.version}`);
  const keys = Object.keys(o.spec);
  if (keys.some((k) => k !== 'telemetry')) out.push(`spec fields beyond telemetry (${keys.join(', ')}) are not checked here`);
  telemetry ??= new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(f.telemetry);
  if (!telemetry(o.spec.telemetry)) out.push(...(telemetry.errors ?? []).map((e) => `spec.telemetry${e.instancePath}: ${e.message}`));
  // CEL rules of tracing.provider (x-kubernetes-validations).
  const p = (o.spec.telemetry as any)?.tracing?.provider;
  if (p) {
    if (!p.host && !p.backendRefs?.length) out.push('tracing.provider: host or backendRefs needs to be set');
    if (p.backendRef) out.push('tracing.provider: backendRef is not supported');
    for (const b of p.backendRefs ?? []) {
      if (!['Service', 'Backend'].includes(b.kind)) out.push('tracing.provider.backendRefs: Service or Backend only');
      if ((b.group ?? '') === '' && b.kind === 'Service' && b.port === undefined) out.push('tracing.provider.backendRefs: a Service needs a port');
    }
  }
  return out;
}

const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

export function configMapProblems(o: K8sObject): string[] {
  const out: string[] = [];
  const any = o as unknown as Record<string, unknown>;
  if (o.apiVersion !== 'v1') out.push(`apiVersion ${o.apiVersion}`);
  if ('spec' in any) out.push('a ConfigMap has no spec');
  for (const [k, v] of Object.entries((any.data ?? {}) as Record<string, unknown>)) {
    if (!CONFIG_KEY.test(k) || k.length > 253) out.push(`data key ${k} is not a valid ConfigMap key`);
    if (typeof v !== 'string') out.push(`data ${k} is not a string`);
  }
  return out;
}
