/**
 * Azure Monitor for `observability.objectives` and `observability.dashboards`: log alert rules
 * (ScheduledQueryRule) and an Application Insights workbook over the access-log lines the trace
 * policy writes to Application Insights (providers/azure/emit/access-log.ts). API Management's own
 * metrics cannot carry a ratio (a metric alert compares one metric to a threshold) nor a
 * percentile, so the 5xx and 429 ratios are KQL over the log, as multiwindow burn-rate rules with
 * the thresholds AWS and Kubernetes use (lib/model/objectives.ts), and a latency objective is a
 * percentile over three 5-minute bins that tile the rule's 15-minute window. Pure: the plan data and KQL only; resources.ts lists them.
 */
import { createHash } from 'node:crypto';
import { burnDescription, burnObjectives, burnThreshold, burnWindows, type ObjectiveSpec } from '../../lib/model/objectives';
import type { GatewaySpec } from '../../lib/model/types';
import { DASHBOARD_PANELS as PANELS, DASHBOARD_PERCENTILES } from '../../lib/observability/panels';
import { argRef, type PlanValue } from '../shared/resources';
import { kqlList, kqlString, kqlTimespan } from './kql';

/** One log alert rule of an objective. */
export interface ApimAlert {
  /** Resource key and rule name suffix (stable: objective, kind, severity). */
  readonly key: string;
  readonly objective: string;
  readonly kind: 'availability' | 'throttled' | 'latency';
  /** page: severity 1; ticket: severity 2 (Azure Monitor severities, 0 the worst). */
  readonly severity: 'page' | 'ticket';
  /** The error-ratio threshold (burn rate) or the latency in ms. */
  readonly threshold: number;
  /** Burn-rate rules: the long and short windows; latency: three 5-minute bins. */
  readonly windowMinutes: number;
  readonly shortWindowMinutes?: number;
  readonly evaluationMinutes: number;
  readonly description: string;
  /** The KQL: a row comes back when the rule should fire. */
  readonly query: string;
  readonly actionGroups: string[];
}

export interface ApimDashboard {
  /** The workbook's resource name: a GUID, derived from the api id so it never changes. */
  readonly id: string;
  readonly displayName: string;
  /**
   * The workbook's content (Notebook/1.0), its serializedData once the Application Insights id in
   * `fallbackResourceIds` is known: the resource the queries run on when the workbook is opened
   * outside that resource (from the gallery, a link, Azure Monitor's Workbooks page).
   */
  readonly notebook: { readonly [key: string]: PlanValue };
}

/** The access-log lines of one gateway and stage, parsed into `l` (routes: only theirs). */
export function accessLogLines(spec: GatewaySpec, stage: string, routes: readonly string[] = []): string {
  return [
    'traces',
    '| where message startswith "{\\"time\\""',
    '| extend l = parse_json(message)',
    `| where tostring(l.target) == "azure" and tostring(l.gateway) == ${kqlString(spec.name)} and tostring(l.stage) == ${kqlString(stage)}`,
    ...(routes.length ? [`| where tostring(l.routeId) in ${kqlList(routes)}`] : []),
  ].join('\n');
}

/** A latency objective's rule window, and the bins it is cut into (each must be over the limit). */
const LATENCY_WINDOW_MINUTES = 15;
const LATENCY_BINS = 3;

/**
 * The latency rule's KQL: the percentile in each of `bins` equal bins that tile the rule's window
 * exactly. bin() would cut at wall-clock 5-minute marks, so a window starting at 10:02 would see
 * four bins, two of them partial (a 2-minute bin could decide the alert); bin_at anchored at now()
 * ends the last bin at the evaluation time, and the explicit range keeps exactly the window
 * (older rows, or one stamped at now(), would make a fourth bin) whatever range the rule gives.
 */
export function latencyQuery(lines: string, percentile: number, thresholdMs: number, windowMinutes: number, bins: number): string {
  const bin = kqlTimespan(windowMinutes / bins);
  return [
    lines,
    `| where timestamp > ago(${kqlTimespan(windowMinutes)}) and timestamp < now()`,
    `| summarize p = percentile(todouble(l.latencyMs), ${percentile}) by bin_at(timestamp, ${bin}, now())`,
    `| summarize over = countif(p > ${thresholdMs}), bins = count()`,
    `| where bins == ${bins} and over == bins`,
  ].join('\n');
}

function objectiveAlerts(spec: GatewaySpec, stage: string, o: ObjectiveSpec): ApimAlert[] {
  const lines = accessLogLines(spec, stage, o.routes);
  const out: ApimAlert[] = [];
  const burn = (kind: 'availability' | 'throttled', objective: number, bad: string, what: string) => {
    for (const w of burnWindows(o.windowDays)) {
      const t = burnThreshold(objective, w.burnRate);
      const short = kqlTimespan(w.shortMinutes);
      const query = [
        lines,
        `| summarize longRatio = todouble(countif(${bad})) / count(), shortRatio = todouble(countif(${bad} and timestamp > ago(${short}))) / countif(timestamp > ago(${short}))`,
        `| where longRatio > ${t} and shortRatio > ${t}`,
      ].join('\n');
      out.push({
        key: `${o.name}-${kind}-${w.severity}`,
        objective: o.name,
        kind,
        severity: w.severity,
        threshold: t,
        windowMinutes: w.longMinutes,
        shortWindowMinutes: w.shortMinutes,
        evaluationMinutes: w.severity === 'page' ? 5 : 15,
        description: burnDescription(o, stage, what, t, kqlTimespan(w.longMinutes), short, objective, w),
        query,
        actionGroups: o.notify.actionGroupIds,
      });
    }
  };
  const bad = { availability: 'toint(l.status) >= 500', throttled: 'toint(l.status) == 429' };
  for (const b of burnObjectives(o)) burn(b.kind, b.objectivePercent, bad[b.kind], b.what);
  if (o.latency) {
    const l = o.latency;
    out.push({
      key: `${o.name}-latency-ticket`,
      objective: o.name,
      kind: 'latency',
      severity: 'ticket',
      threshold: l.thresholdMs,
      windowMinutes: LATENCY_WINDOW_MINUTES,
      evaluationMinutes: LATENCY_WINDOW_MINUTES / LATENCY_BINS,
      description: `${o.name} (${stage}): p${l.percentile} latency above ${l.thresholdMs} ms for ${LATENCY_WINDOW_MINUTES} minutes`,
      query: latencyQuery(lines, l.percentile, l.thresholdMs, LATENCY_WINDOW_MINUTES, LATENCY_BINS),
      actionGroups: o.notify.actionGroupIds,
    });
  }
  return out;
}

/** Every objective's alert rules for one stage. */
export function apimAlerts(spec: GatewaySpec, stage: string): ApimAlert[] {
  return spec.observability.objectives.flatMap((o) => objectiveAlerts(spec, stage, o));
}

/** A GUID (version-5 layout) from a name: workbooks are named by GUID, and this one must stay put. */
export function stableGuid(name: string): string {
  const h = createHash('sha1').update(`anygate:${name}`).digest('hex');
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The stage's workbook: the six panels over the access log; undefined unless dashboards are on. */
export function apimDashboard(spec: GatewaySpec, stage: string, apiId: string): ApimDashboard | undefined {
  if (!spec.observability.dashboards) return undefined;
  const lines = accessLogLines(spec, stage);
  const kql = (name: string, title: string, query: string, visualization: string) => ({
    type: 3,
    name,
    customWidth: '50',
    content: { version: 'KqlItem/1.0', title, query: `${lines}\n${query}`, size: 0, queryType: 0, resourceType: 'microsoft.insights/components', visualization, timeContext: { durationMs: 86_400_000 } },
  });
  const percentiles = DASHBOARD_PERCENTILES.map((p) => `p${p} = percentile(todouble(l.latencyMs), ${p})`).join(', ');
  const items = [
    { type: 1, name: 'title', content: { json: `## ${spec.name} (${stage})\nFrom the access log in Application Insights (anygate).` } },
    kql('requests', PANELS.requests, '| summarize requests = count() by bin(timestamp, 5m)', 'timechart'),
    kql('errors', PANELS.errors, '| where toint(l.status) >= 400\n| summarize count() by class = strcat(tostring(toint(l.status) / 100), "xx"), bin(timestamp, 5m)', 'timechart'),
    kql('latency', PANELS.latency, `| summarize ${percentiles} by bin(timestamp, 5m)`, 'timechart'),
    kql('throttled', PANELS.throttled, '| where toint(l.status) == 429\n| summarize throttled = count() by bin(timestamp, 5m)', 'timechart'),
    { type: 1, name: 'cache', customWidth: '50', content: { json: `### ${PANELS.cache}\nAPI Management's access log has no cache outcome (the cache-lookup policy sets none the trace can read): see the service's Cache metrics.` } },
    kql('consumers', PANELS.consumers, '| summarize requests = count() by consumer = tostring(l.consumer)\n| top 10 by requests', 'table'),
  ];
  const notebook = { version: 'Notebook/1.0', items, isLocked: false, fallbackResourceIds: [argRef('applicationInsights.resourceId')] };
  return { id: stableGuid(`${apiId}-dashboard`), displayName: `${spec.name} (${stage})`, notebook: notebook as unknown as ApimDashboard['notebook'] };
}
