/**
 * Google Cloud Monitoring for Apigee X: `observability.objectives` as alert policies and
 * `observability.dashboards` as a dashboard per stage, over Apigee's own metrics
 * (apigee.googleapis.com/proxy/response_count, .../proxy/latencies on the apigee.googleapis.com/Proxy
 * resource) in PromQL, which Cloud Monitoring alert policies evaluate. The 5xx and 429 ratios are
 * multiwindow burn-rate conditions with the thresholds AWS and Kubernetes use (lib/model/objectives.ts);
 * a latency objective is a histogram_quantile threshold held 15 minutes. Pure: plan data only.
 */
import { burnDescription, burnObjectives, burnThreshold, burnWindows, type ObjectiveSpec } from '../../lib/model/objectives';
import type { GatewaySpec } from '../../lib/model/types';
import { DASHBOARD_PANELS as PANELS, DASHBOARD_PERCENTILES } from '../../lib/observability/panels';
import { argRef, type PlannedResource, type PlanValue } from '../shared/resources';
import { ACCESS_LOG_NAME } from './access-log';
import { promDuration } from '../shared/promql';

/** Apigee's metrics as Cloud Monitoring's PromQL names them. */
export const APIGEE_METRICS = {
  responses: 'apigee_googleapis_com:proxy_response_count',
  latencies: 'apigee_googleapis_com:proxy_latencies',
} as const;

/** One alert policy of an objective in one stage. */
export interface ApigeeAlert {
  /** Resource key (stable: objective, kind, severity, stage). */
  readonly key: string;
  readonly objective: string;
  readonly stage: string;
  readonly kind: 'availability' | 'throttled' | 'latency';
  readonly severity: 'page' | 'ticket';
  /** The error-ratio threshold (burn rate) or the latency in ms. */
  readonly threshold: number;
  readonly query: string;
  /** How long the condition must hold: 0 for burn rates (the short window resets them), 15 minutes for latency. */
  readonly durationSeconds: number;
  readonly description: string;
  readonly notificationChannels: string[];
}

/** A PromQL string literal (Go escapes; JSON's are a subset). */
const str = (s: string) => JSON.stringify(s);
const win = promDuration;

/** The label matcher of one proxy in one environment. */
export function proxySelector(proxy: string, environment: string): string {
  return `monitored_resource="apigee.googleapis.com/Proxy",proxy_name=${str(proxy)},env=${str(environment)}`;
}

const rate = (sel: string, extra: string, w: string) => `sum(rate(${APIGEE_METRICS.responses}{${sel}${extra}}[${w}]))`;

function objectiveAlerts(spec: GatewaySpec, proxy: string, stage: string, environment: string, o: ObjectiveSpec): ApigeeAlert[] {
  const sel = proxySelector(proxy, environment);
  const out: ApigeeAlert[] = [];
  const burn = (kind: 'availability' | 'throttled', objective: number, code: string, what: string) => {
    const ratio = (w: string) => `${rate(sel, `,response_code=~${str(code)}`, w)}\n/\n${rate(sel, '', w)}`;
    for (const w of burnWindows(o.windowDays)) {
      const t = burnThreshold(objective, w.burnRate);
      out.push({
        key: `${o.name}-${kind}-${w.severity}-${stage}`,
        objective: o.name,
        stage,
        kind,
        severity: w.severity,
        threshold: t,
        query: `(${ratio(win(w.longMinutes))}) > ${t}\nand\n(${ratio(win(w.shortMinutes))}) > ${t}`,
        durationSeconds: 0,
        description: burnDescription(o, stage, what, t, win(w.longMinutes), win(w.shortMinutes), objective, w),
        notificationChannels: o.notify.notificationChannels,
      });
    }
  };
  const codes = { availability: '5..', throttled: '429' };
  for (const b of burnObjectives(o)) burn(b.kind, b.objectivePercent, codes[b.kind], b.what);
  if (o.latency) {
    const l = o.latency;
    out.push({
      key: `${o.name}-latency-ticket-${stage}`,
      objective: o.name,
      stage,
      kind: 'latency',
      severity: 'ticket',
      threshold: l.thresholdMs,
      query: `histogram_quantile(${l.percentile / 100}, sum by (le) (rate(${APIGEE_METRICS.latencies}_bucket{${sel}}[5m]))) > ${l.thresholdMs}`,
      durationSeconds: 900,
      description: `${o.name} (${stage}): p${l.percentile} latency above ${l.thresholdMs} ms for 15 minutes`,
      notificationChannels: o.notify.notificationChannels,
    });
  }
  return out;
}

/** Every objective's alert policies, per stage (environment). */
export function apigeeAlerts(spec: GatewaySpec, proxy: string, environments: Record<string, string>): ApigeeAlert[] {
  return Object.keys(environments)
    .sort()
    .flatMap((stage) => spec.observability.objectives.flatMap((o) => objectiveAlerts(spec, proxy, stage, environments[stage], o)));
}

/**
 * The log-based metric behind the top-consumers panel: a counter of the access-log lines of this
 * gateway, labelled by consumer and stage. A Cloud Monitoring logs panel only lists lines; a metric
 * with the consumer as a label can be summed and ranked.
 */
export function consumerMetricName(proxy: string): string {
  return `anygate-${proxy}-requests-by-consumer`;
}

/** The top-consumers table: the metric summed per consumer, the ten largest over the chart's range. */
function consumersTable(spec: GatewaySpec, proxy: string, environment: string): Record<string, unknown> {
  if (!spec.observability.accessLogs) return { text: { format: 'MARKDOWN', content: 'Top consumers are counted from the access log, which is off (observability.accessLogs: false).' } };
  const filter = `metric.type=${str(`logging.googleapis.com/user/${consumerMetricName(proxy)}`)} AND metric.label.stage=${str(environment)}`;
  return {
    timeSeriesTable: {
      dataSets: [
        {
          timeSeriesQuery: {
            timeSeriesFilter: {
              filter,
              aggregation: { alignmentPeriod: '3600s', perSeriesAligner: 'ALIGN_SUM', crossSeriesReducer: 'REDUCE_SUM', groupByFields: ['metric.label.consumer'] },
              pickTimeSeriesFilter: { rankingMethod: 'METHOD_SUM', numTimeSeries: 10, direction: 'TOP' },
            },
          },
          tableTemplate: '${metric.labels.consumer}',
        },
      ],
      metricVisualization: 'NUMBER',
    },
  };
}

/** The stage's Cloud Monitoring dashboard (dashboardJson), with the six panels. */
export function apigeeDashboardJson(spec: GatewaySpec, proxy: string, stage: string, environment: string): string {
  const sel = proxySelector(proxy, environment);
  const chart = (title: string, queries: [string, string][]) => ({ title, xyChart: { dataSets: queries.map(([q, legend]) => ({ timeSeriesQuery: { prometheusQuery: q }, plotType: 'LINE', legendTemplate: legend })) } });
  const q = (p: number) => `histogram_quantile(${p / 100}, sum by (le) (rate(${APIGEE_METRICS.latencies}_bucket{${sel}}[5m])))`;
  const widgets = [
    chart(PANELS.requests, [[rate(sel, '', '5m'), 'requests/s']]),
    chart(PANELS.errors, [[rate(sel, ',response_code=~"4.."', '5m'), '4xx'], [rate(sel, ',response_code=~"5.."', '5m'), '5xx']]),
    chart(PANELS.latency, DASHBOARD_PERCENTILES.map((p): [string, string] => [q(p), `p${p}`])),
    chart(PANELS.throttled, [[rate(sel, ',response_code="429"', '5m'), '429/s']]),
    { title: PANELS.cache, text: { format: 'MARKDOWN', content: 'Apigee publishes no cache metric to Cloud Monitoring; cache hits show in Apigee analytics (the response cache policy\'s cachehit variable).' } },
    { title: PANELS.consumers, ...consumersTable(spec, proxy, environment) },
  ];
  const tiles = widgets.map((widget, i) => ({ xPos: (i % 2) * 24, yPos: Math.floor(i / 2) * 16, width: 24, height: 16, widget }));
  return JSON.stringify({ displayName: `${spec.name} (${stage})`, mosaicLayout: { columns: 48, tiles } });
}

/** The planned resource type ApigeeGateway turns into an ApigeeTraceConfig (providers/apigee/trace-config.ts). */
export const TRACE_CONFIG_TYPE = 'anygate:apigee:TraceConfig';

/**
 * The probability Apigee samples requests at when tracing is on: the API's highest (it refuses
 * more than 0.5), the nearest it comes to the other targets' 100%.
 */
export const TRACE_SAMPLING_RATE = 0.5;

/**
 * `tracing: true` per stage: the environment's trace config sending spans to Cloud Trace in the
 * project (the `project` argument, default the organization's), with the deployer's access token.
 */
export function traceResources(spec: GatewaySpec, environments: Record<string, string>): PlannedResource[] {
  return Object.keys(environments)
    .sort()
    .filter((stage) => spec.stages[stage]?.tracing)
    .map((stage) => ({
      type: TRACE_CONFIG_TYPE,
      name: `trace-${stage}`,
      inputs: { org: argRef('orgId'), environment: environments[stage], project: argRef('project'), samplingRate: TRACE_SAMPLING_RATE, accessToken: argRef('accessToken') },
      dependsOn: [],
    }));
}

/** The alert policies and dashboards as planned resources (project: the organization's, or the `project` argument). */
export function monitoringResources(spec: GatewaySpec, proxy: string, environments: Record<string, string>): PlannedResource[] {
  const project = argRef('project');
  const out: PlannedResource[] = apigeeAlerts(spec, proxy, environments).map((a) => ({
    type: 'gcp:monitoring/alertPolicy:AlertPolicy',
    name: `alert-${a.key}`,
    inputs: {
      project,
      displayName: `${proxy}: ${a.objective} ${a.kind} (${a.stage}, ${a.severity})`,
      combiner: 'OR',
      severity: a.severity === 'page' ? 'CRITICAL' : 'WARNING',
      documentation: { content: a.description, mimeType: 'text/markdown' },
      conditions: [{ displayName: `${a.objective} ${a.kind} (${a.stage}, ${a.severity})`, conditionPrometheusQueryLanguage: { query: a.query, duration: `${a.durationSeconds}s`, evaluationInterval: '60s' } }],
      notificationChannels: a.notificationChannels,
      alertStrategy: { autoClose: '1800s' },
    } as Record<string, PlanValue>,
    dependsOn: [],
  }));
  if (spec.observability.dashboards) {
    const metric = spec.observability.accessLogs ? 'consumer-metric' : undefined;
    // In the organization's project: a log-based metric counts the logs of its own project, and
    // MessageLogging writes to projects/{organization.name}.
    if (metric) {
      out.push({
        type: 'gcp:logging/metric:Metric',
        name: metric,
        inputs: {
          project: argRef('orgId'),
          name: consumerMetricName(proxy),
          description: `Access-log lines of gateway ${spec.name} by consumer and stage (anygate top-consumers panel)`,
          filter: `logName:${str(`logs/${ACCESS_LOG_NAME}`)} AND jsonPayload.gateway=${str(spec.name)}`,
          metricDescriptor: {
            metricKind: 'DELTA',
            valueType: 'INT64',
            unit: '1',
            labels: [
              { key: 'consumer', valueType: 'STRING', description: 'the developer app (consumer) that called' },
              { key: 'stage', valueType: 'STRING', description: 'the Apigee environment' },
            ],
          },
          labelExtractors: { consumer: 'EXTRACT(jsonPayload.consumer)', stage: 'EXTRACT(jsonPayload.stage)' },
        },
        dependsOn: [],
      });
    }
    for (const stage of Object.keys(environments).sort()) out.push({ type: 'gcp:monitoring/dashboard:Dashboard', name: `dashboard-${stage}`, inputs: { project, dashboardJson: apigeeDashboardJson(spec, proxy, stage, environments[stage]) }, dependsOn: metric ? [metric] : [] });
  }
  return out;
}
