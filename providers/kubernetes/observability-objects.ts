/** The stage's observability objects and the operator notes they need (see observability.ts). */
import type { GatewaySpec } from '../../lib/model/types';
import type { KubernetesSettings } from './gateway';
import { DEFAULT_COLLECTOR, ENVOY_PROXY_PODS, envoyProxyObject, GRAFANA_DASHBOARD_LABEL, grafanaDashboard, kubernetesTracing, monitoringLabels, podMonitor, prometheusRule } from './observability';
import type { K8sObject, KubernetesCompileOptions, KubernetesStagePlan } from './plan';
import { targetWarning } from '../../lib/capabilities/warnings';

export function observabilityObjects(spec: GatewaySpec, stage: string, namespace: string, settings: KubernetesSettings, options: KubernetesCompileOptions, objects: readonly K8sObject[]): K8sObject[] {
  const proxy = envoyProxyObject(spec, settings, options);
  // A Gateway anygate creates reads its proxies' settings from the EnvoyProxy beside it.
  const gateway = objects.find((o) => o.kind === 'Gateway');
  if (proxy && gateway) (gateway.spec as Record<string, unknown>).infrastructure = { parametersRef: { group: 'gateway.envoyproxy.io', kind: 'EnvoyProxy', name: proxy.metadata.name } };
  return [proxy, podMonitor(spec, settings), prometheusRule(spec, stage, namespace, options), grafanaDashboard(spec, stage, namespace)].filter((o): o is K8sObject => o !== undefined);
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
  const emitted = (kind: string) => stages.flatMap((s) => s.objects.filter((o) => o.kind === kind));
  const rules = emitted('PrometheusRule').length > 0;
  const monitors = emitted('PodMonitor').length > 0;
  const labels = monitoringLabels(spec);
  const labelText = Object.entries(labels).map(([k, v]) => `${k}: ${v}`).join(', ');
  if ((rules || monitors) && !labelText) {
    const kinds = [rules && 'PrometheusRule', monitors && 'PodMonitor'].filter(Boolean).join(' and ');
    const selectors = [rules && 'ruleSelector', monitors && 'podMonitorSelector'].filter(Boolean).join(' and ');
    out.push(targetWarning('kubernetes-observability-setup', `the ${kinds} ha${rules && monitors ? 've' : 's'} no labels, and Prometheus (Prometheus Operator) loads only the ones its ${selectors} match${rules && monitors ? '' : 'es'}${rules ? ', else no alert ever fires' : ''}: kube-prometheus-stack's select release: <its Helm release name>, so set kubernetes.monitoring.labels, e.g. { release: kube-prometheus-stack }`));
  }
  if (!settings.create && (rules || emitted('ConfigMap').length)) {
    out.push(targetWarning('kubernetes-observability-setup', `the alerts and dashboards read Envoy's Prometheus statistics, which nothing scrapes on a Gateway anygate does not create: add a PodMonitor (monitoring.coreos.com/v1) ${scrapeText(settings, stages)}${labelText ? `, labelled ${labelText} like the PrometheusRule` : ''}`));
  }
  const dashboards = emitted('ConfigMap');
  if (dashboards.length) {
    const where = [...new Set(dashboards.map((d) => d.metadata.namespace!))].sort().join(', ');
    out.push(
      targetWarning(
        'kubernetes-observability-setup',
        spec.kubernetes?.monitoring?.dashboardsNamespace
          ? `the dashboards are ConfigMaps labelled ${GRAFANA_DASHBOARD_LABEL} in namespace ${where} (kubernetes.monitoring.dashboardsNamespace): Grafana's dashboard sidecar loads them when that is Grafana's namespace or one its sidecar.dashboards.searchNamespace names`
          : `the dashboards are ConfigMaps labelled ${GRAFANA_DASHBOARD_LABEL} in the stage namespace${where.includes(',') ? 's' : ''} ${where}, and Grafana's dashboard sidecar watches only Grafana's namespace by default: set kubernetes.monitoring.dashboardsNamespace to Grafana's namespace, or its sidecar.dashboards.searchNamespace to ALL`,
      ),
    );
  }
  return out;
}

/** What the PodMonitor of a Gateway anygate does not create selects: its proxy pods' labels and metrics port. */
function scrapeText(settings: KubernetesSettings, stages: readonly KubernetesStagePlan[]): string {
  const l = ENVOY_PROXY_PODS.labels;
  const p = ENVOY_PROXY_PODS.metricsPort;
  // No namespace in the parentRef: each stage's routes attach to a Gateway in their own namespace.
  const gatewayNamespaces = settings.gateway.namespace ? [settings.gateway.namespace] : [...new Set(stages.map((s) => s.namespace))].sort();
  const namespace = gatewayNamespaces.length === 1 ? gatewayNamespaces[0] : `the stage's namespace (${gatewayNamespaces.join(', ')})`;
  const selector = `${l.gatewayName}: ${settings.gateway.name}, ${l.gatewayNamespace}: ${namespace}`;
  return `in Envoy Gateway's namespace (default ${ENVOY_PROXY_PODS.controllerNamespace}; where it runs the Gateway's proxy pods) with selector.matchLabels { ${selector} } and podMetricsEndpoints [{ port: ${p.name}, path: ${p.path} }] (container port ${p.number})`;
}
