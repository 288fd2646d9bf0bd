/** The stage's observability objects and the operator notes they need (see observability.ts). */
import type { GatewaySpec } from '../../lib/model/types';
import type { KubernetesSettings } from './gateway';
import { DEFAULT_COLLECTOR, envoyProxyObject, grafanaDashboard, kubernetesTracing, prometheusRule } from './observability';
import type { K8sObject, KubernetesCompileOptions, KubernetesStagePlan } from './plan';
import { targetWarning } from '../../lib/capabilities/warnings';

export function observabilityObjects(spec: GatewaySpec, stage: string, namespace: string, settings: KubernetesSettings, options: KubernetesCompileOptions, objects: readonly K8sObject[]): K8sObject[] {
  const proxy = envoyProxyObject(spec, settings, options);
  // A Gateway anygate creates reads its proxies' settings from the EnvoyProxy beside it.
  const gateway = objects.find((o) => o.kind === 'Gateway');
  if (proxy && gateway) (gateway.spec as Record<string, unknown>).infrastructure = { parametersRef: { group: 'gateway.envoyproxy.io', kind: 'EnvoyProxy', name: proxy.metadata.name } };
  return [proxy, prometheusRule(spec, stage, namespace, options), grafanaDashboard(spec, stage, namespace)].filter((o): o is K8sObject => o !== undefined);
}

export function observabilityNotes(spec: GatewaySpec, stages: readonly KubernetesStagePlan[], settings: KubernetesSettings): string[] {
  const out: string[] = [];
  let proxy: K8sObject | undefined;
  for (const s of stages) if ((proxy = s.objects.find((o) => o.kind === 'EnvoyProxy'))) break;
  const o = spec.observability;
  const tracing = kubernetesTracing(spec);
  if (!settings.create && (o.accessLogs || tracing)) {
    out.push(targetWarning('kubernetes-observability-setup', `the Gateway's proxies belong to the platform: for the access log in anygate's schema${tracing ? ' and OpenTelemetry tracing' : ''}, give its EnvoyProxy the telemetry that createGateway would emit (docs/observability.md; ENVOY_ACCESS_LOG_FIELDS in providers/kubernetes/observability.ts)`));
  }
  if ((proxy?.spec.telemetry as Record<string, unknown> | undefined)?.tracing) {
    out.push(targetWarning('kubernetes-observability-setup', `traces go over OTLP/gRPC to the collector Service the compile options name (telemetry.collector; default ${DEFAULT_COLLECTOR.namespace}/${DEFAULT_COLLECTOR.name}:${DEFAULT_COLLECTOR.port})`));
  }
  if (stages.some((s) => s.objects.some((o) => o.kind === 'PrometheusRule' || o.kind === 'ConfigMap'))) {
    out.push(targetWarning('kubernetes-observability-setup', "the alerts and dashboards read Envoy's Prometheus statistics (/stats/prometheus on the proxy pods): scrape them (a PodMonitor), and load ConfigMaps labelled grafana_dashboard into Grafana (its dashboard sidecar)"));
  }
  return out;
}
