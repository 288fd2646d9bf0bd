/**
 * Kubernetes observability objects: the EnvoyProxy telemetry (access log in the one schema as
 * Envoy command operators, OpenTelemetry tracing with W3C trace context), a PrometheusRule per
 * stage for `observability.objectives` over Envoy's own metrics (lib/observability/metrics.ts),
 * a Grafana dashboard per stage as a ConfigMap (the Grafana sidecar's `grafana_dashboard` label),
 * and, on a Gateway anygate creates, the PodMonitor that scrapes its proxies. The PrometheusRule
 * and PodMonitor carry kubernetes.monitoring.labels for Prometheus' selectors. Emitters only emit;
 * what Envoy cannot log or alert on is in the records' differences.
 */
import { alertIdPart, burnObjectives, burnThreshold, burnWindows, type ObjectiveSpec } from '../../lib/model/objectives';
import type { GatewaySpec } from '../../lib/model/types';
import { CLUSTER_LABEL, CODE_CLASS_LABEL, ENVOY_METRICS as M } from '../../lib/observability/metrics';
import type { KubernetesSettings } from './gateway';
import { dnsLabel } from './names';
import type { K8sObject, KubernetesCompileOptions } from './plan';
import { routeStats, stageClusterPattern } from './route-stats';
import { API_KEY_CLIENT_HEADER } from './security';
import { promDuration } from '../shared/promql';

/** Envoy command operators per schema field (a lone operator keeps its type in a JSON log: numbers stay numbers). */
export const ENVOY_ACCESS_LOG_FIELDS: Readonly<Record<string, string>> = {
  time: '%START_TIME%',
  requestId: '%REQ(X-REQUEST-ID)%',
  target: 'kubernetes',
  routeId: '%ROUTE_NAME%',
  method: '%REQ(:METHOD)%',
  // The path as the client sent it (before rewrites); Envoy's operator keeps the query string.
  path: '%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%',
  status: '%RESPONSE_CODE%',
  latencyMs: '%DURATION%',
  backendLatencyMs: '%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%',
  consumer: `%REQ(${API_KEY_CLIENT_HEADER.toUpperCase()})%`,
  authReason: '%RESPONSE_CODE_DETAILS%',
  clientIp: '%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%',
  userAgent: '%REQ(USER-AGENT)%',
  bytesIn: '%BYTES_RECEIVED%',
  bytesOut: '%BYTES_SENT%',
  traceId: '%TRACE_ID%',
};

/** Where traces go when the options name no collector: an OpenTelemetry collector Service (OTLP/gRPC). @default otel-collector.monitoring:4317 */
export const DEFAULT_COLLECTOR = { name: 'otel-collector', namespace: 'monitoring', port: 4317 } as const;

const EG = 'gateway.envoyproxy.io/v1alpha1';

/**
 * Whether the proxies trace: the stages' setting (each defaults to observability.tracing), which is
 * one for all of them, since one Gateway and its EnvoyProxy serve every stage (stages that differ
 * are refused: kubernetesTracingChecks). A stage's `tracing: false` turns it off.
 */
export function kubernetesTracing(spec: GatewaySpec): boolean {
  return Object.values(spec.stages).some((st) => st.tracing);
}

/**
 * The EnvoyProxy the proxies of a Gateway anygate creates read their telemetry from; undefined when
 * anygate attaches to an existing Gateway (its proxies belong to the platform: a note gives the
 * settings) or when neither access logs nor tracing is on.
 */
export function envoyProxyObject(spec: GatewaySpec, s: KubernetesSettings, options: KubernetesCompileOptions): K8sObject | undefined {
  const o = spec.observability;
  const tracing = kubernetesTracing(spec);
  if (!s.create || (!o.accessLogs && !tracing)) return undefined;
  const telemetry: Record<string, unknown> = {};
  if (o.accessLogs) {
    telemetry.accessLog = { settings: [{ format: { type: 'JSON', json: { ...ENVOY_ACCESS_LOG_FIELDS } }, sinks: [{ type: 'File', file: { path: '/dev/stdout' } }] }] };
  }
  if (tracing) {
    const c = options.telemetry?.collector ?? DEFAULT_COLLECTOR;
    // OpenTelemetry propagates W3C trace context (traceparent) to the backends.
    telemetry.tracing = { samplingRate: 100, provider: { type: 'OpenTelemetry', backendRefs: [{ group: '', kind: 'Service', name: c.name, namespace: c.namespace, port: c.port }] } };
  }
  return { apiVersion: EG, kind: 'EnvoyProxy', metadata: { name: envoyProxyName(spec), namespace: s.gateway.namespace! }, spec: { telemetry } };
}

export const envoyProxyName = (spec: GatewaySpec) => dnsLabel(spec.name, 'telemetry');

/** The PromQL label matcher of an objective's clusters in one stage. */
function clusters(spec: GatewaySpec, stage: string, namespace: string, routes: readonly string[], options: KubernetesCompileOptions): string {
  if (!routes.length) return `${CLUSTER_LABEL}=~"${stageClusterPattern(namespace)}"`;
  const stats = routeStats(spec, stage, options);
  return `${CLUSTER_LABEL}=~"${routes.map((r) => stats.get(r)!.cluster).join('|')}"`;
}

const rate = (metric: string, sel: string, window: string) => `sum(rate(${metric}{${sel}}[${window}]))`;
const win = promDuration;

function objectiveRules(spec: GatewaySpec, stage: string, namespace: string, o: ObjectiveSpec, options: KubernetesCompileOptions): Record<string, unknown>[] {
  const sel = clusters(spec, stage, namespace, o.routes, options);
  const labels = (severity: string) => ({ severity, objective: o.name, gateway: spec.name, stage, ...(o.notify.alertmanagerReceiver ? { receiver: o.notify.alertmanagerReceiver } : {}) });
  const out: Record<string, unknown>[] = [];
  const burn = (kind: string, objective: number, ratio: (w: string) => string, what: string) => {
    for (const w of burnWindows(o.windowDays)) {
      const t = burnThreshold(objective, w.burnRate);
      out.push({
        alert: `${pascal(o.name)}${kind}Burn${pascal(w.severity)}`,
        expr: `(${ratio(win(w.longMinutes))}) > ${t}\nand\n(${ratio(win(w.shortMinutes))}) > ${t}`,
        labels: labels(w.severity),
        annotations: { summary: `${o.name} (${stage}): ${what} burns the ${o.windowDays}-day error budget ${w.burnRate}x too fast`, description: `${what} above ${t} over ${win(w.longMinutes)} and ${win(w.shortMinutes)} (objective ${objective}%)` },
      });
    }
  };
  const limited = (w: string) => rate(M.globalRateLimited.name, sel, w);
  const ratios = {
    availability: (w: string) => `${rate(M.upstreamRequestsByClass.name, `${sel},${CODE_CLASS_LABEL}="5"`, w)}\n/\n${rate(M.upstreamRequests.name, sel, w)}`,
    throttled: (w: string) => `${limited(w)}\n/\n(${rate(M.upstreamRequests.name, sel, w)} + ${limited(w)})`,
  };
  for (const b of burnObjectives(o)) burn(pascal(b.kind), b.objectivePercent, ratios[b.kind], b.what);
  if (o.latency) {
    const q = o.latency.percentile / 100;
    out.push({
      alert: `${pascal(o.name)}Latency`,
      expr: `histogram_quantile(${q}, sum by (le) (rate(${M.upstreamTime.name}_bucket{${sel}}[5m]))) > ${o.latency.thresholdMs}`,
      for: '15m',
      labels: labels('ticket'),
      annotations: { summary: `${o.name} (${stage}): p${o.latency.percentile} latency above ${o.latency.thresholdMs} ms for 15 minutes` },
    });
  }
  return out;
}

const pascal = alertIdPart;

/** The labels Prometheus' selectors need on the PrometheusRule and PodMonitor (spec kubernetes.monitoring.labels). */
export const monitoringLabels = (spec: GatewaySpec): Record<string, string> => ({ ...spec.kubernetes?.monitoring?.labels });
const labelled = (spec: GatewaySpec) => (Object.keys(monitoringLabels(spec)).length ? { labels: monitoringLabels(spec) } : {});

/** The stage's PrometheusRule; undefined without objectives. */
export function prometheusRule(spec: GatewaySpec, stage: string, namespace: string, options: KubernetesCompileOptions): K8sObject | undefined {
  const objectives = spec.observability.objectives;
  if (!objectives.length) return undefined;
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: dnsLabel(spec.name, 'objectives'), namespace, ...labelled(spec) },
    spec: { groups: objectives.map((o) => ({ name: `${spec.name}-${o.name}`, rules: objectiveRules(spec, stage, namespace, o, options) })) },
  };
}

/**
 * Envoy Gateway's proxy pods (v1.9, internal/infrastructure/kubernetes/proxy): labelled with their
 * Gateway's name and namespace, and serving Envoy's statistics on the container port `metrics`
 * (19001, /stats/prometheus). They run in Envoy Gateway's own namespace (default
 * envoy-gateway-system), or in the Gateway's in its Gateway Namespace Mode.
 */
export const ENVOY_PROXY_PODS = {
  labels: { component: 'app.kubernetes.io/component', managedBy: 'app.kubernetes.io/managed-by', name: 'app.kubernetes.io/name', gatewayName: 'gateway.envoyproxy.io/owning-gateway-name', gatewayNamespace: 'gateway.envoyproxy.io/owning-gateway-namespace' },
  metricsPort: { name: 'metrics', number: 19001, path: '/stats/prometheus' },
  /** Envoy Gateway's namespace in its Helm chart's install (the quickstart's). */
  controllerNamespace: 'envoy-gateway-system',
} as const;

/** The label selector of one Gateway's proxy pods. */
export function proxyPodLabels(gateway: { readonly name: string; readonly namespace: string }): Record<string, string> {
  const l = ENVOY_PROXY_PODS.labels;
  return { [l.component]: 'proxy', [l.managedBy]: 'envoy-gateway', [l.name]: 'envoy', [l.gatewayName]: gateway.name, [l.gatewayNamespace]: gateway.namespace };
}

/**
 * The PodMonitor that has Prometheus scrape the proxies of a Gateway anygate creates, so the alerts
 * and dashboards have series to read; beside the EnvoyProxy, in the Gateway's namespace. It selects
 * the pods in Envoy Gateway's namespace and the Gateway's (the two places Envoy Gateway runs them).
 * Undefined when anygate attaches to an existing Gateway (a note says what to scrape) or when
 * neither objectives nor dashboards read the statistics.
 */
export function podMonitor(spec: GatewaySpec, s: KubernetesSettings): K8sObject | undefined {
  const o = spec.observability;
  if (!s.create || (!o.objectives.length && !o.dashboards)) return undefined;
  const gateway = { name: s.gateway.name, namespace: s.gateway.namespace! };
  const port = ENVOY_PROXY_PODS.metricsPort;
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PodMonitor',
    metadata: { name: dnsLabel(spec.name, 'proxies'), namespace: gateway.namespace, ...labelled(spec) },
    spec: {
      selector: { matchLabels: proxyPodLabels(gateway) },
      namespaceSelector: { matchNames: [...new Set([ENVOY_PROXY_PODS.controllerNamespace, gateway.namespace])].sort() },
      podMetricsEndpoints: [{ port: port.name, path: port.path }],
    },
  };
}

/** Where a stage's dashboard ConfigMap goes: kubernetes.monitoring.dashboardsNamespace (then named after the stage too: stages share it), else the stage's namespace. */
export function dashboardPlace(spec: GatewaySpec, stage: string, namespace: string): { name: string; namespace: string } {
  const shared = spec.kubernetes?.monitoring?.dashboardsNamespace;
  return shared ? { name: dnsLabel(spec.name, stage, 'dashboard'), namespace: shared } : { name: dnsLabel(spec.name, 'dashboard'), namespace };
}

/** The label Grafana's dashboard sidecar loads ConfigMaps by (the Grafana chart's sidecar.dashboards.label default). */
export const GRAFANA_DASHBOARD_LABEL = 'grafana_dashboard';

/** The stage's Grafana dashboard (a ConfigMap the Grafana sidecar loads); undefined unless dashboards are on. */
export function grafanaDashboard(spec: GatewaySpec, stage: string, namespace: string): K8sObject | undefined {
  if (!spec.observability.dashboards) return undefined;
  const sel = `${CLUSTER_LABEL}=~"${stageClusterPattern(namespace)}"`;
  let id = 0;
  const panel = (title: string, x: number, y: number, targets: [string, string][], unit = 'short') => ({
    id: ++id, type: 'timeseries', title, gridPos: { x, y, w: 12, h: 8 }, datasource: { type: 'prometheus', uid: '${datasource}' },
    fieldConfig: { defaults: { unit }, overrides: [] },
    targets: targets.map(([expr, legendFormat], i) => ({ refId: String.fromCharCode(65 + i), expr, legendFormat })),
  });
  const text = (title: string, x: number, y: number, content: string) => ({ id: ++id, type: 'text', title, gridPos: { x, y, w: 12, h: 8 }, options: { mode: 'markdown', content } });
  const q = (p: number) => `histogram_quantile(${p}, sum by (le) (rate(${M.upstreamTime.name}_bucket{${sel}}[5m])))`;
  const dashboard = {
    title: `${spec.name} (${stage})`,
    uid: dnsLabel(spec.name, stage).slice(0, 40),
    schemaVersion: 39,
    tags: ['anygate', spec.name],
    time: { from: 'now-6h', to: 'now' },
    templating: { list: [{ name: 'datasource', type: 'datasource', query: 'prometheus' }] },
    panels: [
      panel('Requests', 0, 0, [[`${rate(M.upstreamRequests.name, sel, '5m')} + ${rate(M.globalRateLimited.name, sel, '5m')}`, 'requests/s']], 'reqps'),
      panel('Errors by class', 12, 0, [[`sum by (${CODE_CLASS_LABEL}) (rate(${M.upstreamRequestsByClass.name}{${sel},${CODE_CLASS_LABEL}=~"4|5"}[5m]))`, '{{' + CODE_CLASS_LABEL + '}}xx']], 'reqps'),
      panel('Latency p50 / p90 / p99 (ms)', 0, 8, [[q(0.5), 'p50'], [q(0.9), 'p90'], [q(0.99), 'p99']], 'ms'),
      panel('Throttled (429)', 12, 8, [[rate(M.globalRateLimited.name, sel, '5m'), 'rate-limit service'], [`sum(rate(${M.localRateLimited.name}[5m]))`, 'local (whole proxy)']], 'reqps'),
      text('Cache hit ratio', 0, 16, 'Envoy Gateway has no response cache: no routes are cached on this target.'),
      text('Top consumers', 12, 16, 'Envoy has no per-consumer metric. From the access log (field `consumer`), which the proxy pods write (in envoy-gateway-system unless Envoy Gateway runs them beside their Gateway), e.g. in Loki: `topk(10, sum by (consumer) (count_over_time({namespace="envoy-gateway-system"} | json | gateway=' + JSON.stringify(spec.name) + ' | stage=' + JSON.stringify(stage) + ' [1h])))`.'),
    ],
  };
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { ...dashboardPlace(spec, stage, namespace), labels: { [GRAFANA_DASHBOARD_LABEL]: '1' } },
    data: { [`${dnsLabel(spec.name, stage)}.json`]: JSON.stringify(dashboard, null, 2) },
    // A ConfigMap has data and no spec (kubectl's strict field validation refuses one).
  } as unknown as K8sObject;
}
