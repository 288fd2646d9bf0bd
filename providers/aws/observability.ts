/**
 * AWS observability, as plain data the binder turns into CloudFormation: the stage access-log
 * format in the one access-log schema (lib/observability/access-log.ts), CloudWatch alarms for
 * `observability.objectives` (burn-rate pairs under a composite alarm where metric math can
 * express a ratio, a plain threshold on a latency percentile), the access-log metric filter that
 * counts 429s (API Gateway has no 429 metric), and one CloudWatch dashboard per stage.
 */
import { createHash } from 'node:crypto';
import { alertIdPart, burnObjectives, burnThreshold, burnWindows, type ObjectiveSpec } from '../../lib/model/objectives';
import { TextMemo } from '../../lib/model/text-memo';
import type { GatewaySpec } from '../../lib/model/types';

/** `$context` variables per schema field (REST API access logging). Absent fields: see the records' differences. */
export const AWS_ACCESS_LOG_FIELDS: Readonly<Record<string, { readonly value: string; readonly quoted: boolean }>> = {
  time: { value: '$context.requestTime', quoted: true },
  requestId: { value: '$context.requestId', quoted: true },
  target: { value: 'aws', quoted: true },
  stage: { value: '$context.stage', quoted: true },
  routeId: { value: '$context.httpMethod $context.resourcePath', quoted: true },
  method: { value: '$context.httpMethod', quoted: true },
  path: { value: '$context.path', quoted: true },
  pathTemplate: { value: '$context.resourcePath', quoted: true },
  // Always set, so written as JSON numbers.
  status: { value: '$context.status', quoted: false },
  latencyMs: { value: '$context.responseLatency', quoted: false },
  // `-` when there is no value, so quoted (a bare `-` is not JSON).
  backendLatencyMs: { value: '$context.integrationLatency', quoted: true },
  consumer: { value: '$context.identity.apiKeyId', quoted: true },
  authReason: { value: '$context.error.message', quoted: true },
  clientIp: { value: '$context.identity.sourceIp', quoted: true },
  userAgent: { value: '$context.identity.userAgent', quoted: true },
  bytesOut: { value: '$context.responseLength', quoted: true },
  traceId: { value: '$context.xrayTraceId', quoted: true },
};

/** The format of each gateway name asked for (a function of the name alone). */
const FORMATS = new TextMemo<string>();

/** The stage's access-log format: one JSON object per line with the schema's field names. */
export function awsAccessLogFormat(gateway: string): string {
  return FORMATS.get(gateway, accessLogFormat);
}

function accessLogFormat(gateway: string): string {
  const parts = [['gateway', JSON.stringify(gateway)], ...Object.entries(AWS_ACCESS_LOG_FIELDS).map(([k, f]) => [k, f.quoted ? `"${f.value}"` : f.value])];
  // Field order as the schema lists it: gateway goes after target.
  const order = ['time', 'requestId', 'target', 'gateway', 'stage', 'routeId', 'method', 'path', 'pathTemplate', 'status', 'latencyMs', 'backendLatencyMs', 'consumer', 'authReason', 'clientIp', 'userAgent', 'bytesOut', 'traceId'];
  const byName = new Map(parts.map(([k, v]) => [k, v]));
  return `{${order.map((k) => `"${k}":${byName.get(k)}`).join(',')}}`;
}

/** A CloudWatch metric as an alarm or dashboard reads it. */
export interface AwsMetric {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Record<string, string>;
}

/** A metric alarm: a single statistic, or a metric-math expression over `metrics`. */
export interface AwsAlarm {
  /** Logical id suffix and alarm name suffix (stable: objective, stage, kind, window). */
  readonly id: string;
  readonly description: string;
  readonly threshold: number;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  /** Plain alarm: the metric and its statistic (`Sum`, `p99`...). */
  readonly metric?: AwsMetric & { readonly stat: string };
  /** Math alarm: the expression (over m0..mN) and its metrics, each summed over the period. */
  readonly expression?: string;
  readonly metrics?: AwsMetric[];
  /** SNS topics notified; empty on the windows of a composite (the composite notifies). */
  readonly actions: string[];
}

export interface AwsCompositeAlarm {
  readonly id: string;
  readonly description: string;
  /** Ids of the alarms that must all be in ALARM. */
  readonly allOf: string[];
  readonly actions: string[];
}

export interface AwsStageObservability {
  readonly alarms: AwsAlarm[];
  readonly composites: AwsCompositeAlarm[];
  /** Access-log metric filter counting 429s into `Throttled` (namespace `anygate/<api>`), when an objective or dashboard reads it. */
  readonly throttledMetric?: AwsMetric;
  /** Dashboard name and widgets; `{"$logGroup": true}` marks where the binder puts the access log group's name. */
  readonly dashboard?: { readonly name: string; readonly widgets: Record<string, unknown>[] };
}

export interface AwsObservabilityPlan {
  readonly accessLogFormat: string;
  readonly stages: Record<string, AwsStageObservability>;
}

const NS = 'AWS/ApiGateway';

/** CloudWatch's Resource dimension of each route: its path in the body (variable names as API Gateway has them). */
function resourcePaths(body: Record<string, unknown>): Map<string, { resource: string; method: string }> {
  const out = new Map<string, { resource: string; method: string }>();
  for (const [p, ops] of Object.entries((body.paths ?? {}) as Record<string, Record<string, { operationId?: string }>>)) {
    for (const [m, op] of Object.entries(ops)) {
      if (op && typeof op === 'object' && op.operationId) out.set(op.operationId, { resource: p, method: m === 'x-amazon-apigateway-any-method' ? 'ANY' : m.toUpperCase() });
    }
  }
  return out;
}

const pascal = alertIdPart;

/**
 * The alarms of a plan with the parts their ids were spelled from: the objective, the stage and the
 * alarm's own words (kind, severity, window, route). pascal() drops punctuation, so two different
 * parts lists can spell one id (routes `get-item` and `getItem`; objective `shop` in stage
 * `slo-prod` and `shop-slo` in `prod`): uniqueAlarmIds renames only those.
 */
interface Drafts {
  readonly parts: Map<AwsAlarm | AwsCompositeAlarm, readonly string[]>;
  /** A composite's windows, as objects: their ids may still change. */
  readonly windows: Map<AwsCompositeAlarm, AwsAlarm[]>;
}

function objectiveAlarms(spec: GatewaySpec, stage: string, o: ObjectiveSpec, paths: ReturnType<typeof resourcePaths>, throttled: AwsMetric | undefined, drafts: Drafts): { alarms: AwsAlarm[]; composites: AwsCompositeAlarm[] } {
  const api = { ApiName: spec.name, Stage: stage };
  const scopes = o.routes.length ? o.routes.map((r) => ({ ...api, Resource: paths.get(r)!.resource, Method: paths.get(r)!.method })) : [api];
  const metric = (metricName: string, dimensions: Record<string, string>): AwsMetric => ({ namespace: NS, metricName, dimensions });
  const base = `${pascal(o.name)}${pascal(stage)}`;
  const alarms: AwsAlarm[] = [];
  const composites: AwsCompositeAlarm[] = [];
  const push = <T extends AwsAlarm | AwsCompositeAlarm>(list: T[], x: T, words: readonly string[]) => {
    list.push(x);
    drafts.parts.set(x, [o.name, stage, ...words]);
    return x;
  };
  const ratio = (kind: string, objective: number, errors: AwsMetric[], what: string) => {
    const totals = scopes.map((d) => metric('Count', d));
    const metrics = [...errors, ...totals];
    const sum = (from: number, n: number) => Array.from({ length: n }, (_, i) => `m${from + i}`).join('+');
    const expression = `(${sum(0, errors.length)})/(${sum(errors.length, totals.length)})`;
    for (const w of burnWindows(o.windowDays)) {
      const windows: AwsAlarm[] = [];
      for (const [label, minutes] of [['Long', w.longMinutes], ['Short', w.shortMinutes]] as const) {
        const id = `${base}${kind}${pascal(w.severity)}${label}`;
        windows.push(push(alarms, { id, description: `${o.name} (${stage}): ${what} over ${minutes} minutes above ${w.burnRate}x the budget of a ${objective}% objective`, threshold: burnThreshold(objective, w.burnRate), periodSeconds: minutes * 60, evaluationPeriods: 1, expression, metrics, actions: [] }, [kind, w.severity, label]));
      }
      const composite = push(composites, { id: `${base}${kind}${pascal(w.severity)}`, description: `${o.name} (${stage}): ${what} burns the ${o.windowDays}-day error budget ${w.burnRate}x too fast (${w.severity})`, allOf: windows.map((a) => a.id), actions: o.notify.snsTopicArns }, [kind, w.severity]);
      drafts.windows.set(composite, windows);
    }
  };
  // Throttling counts come from the access-log metric filter, when there is one.
  const errors = { availability: scopes.map((d) => metric('5XXError', d)), throttled: throttled ? [throttled] : undefined };
  for (const b of burnObjectives(o)) {
    const bad = errors[b.kind];
    if (bad) ratio(pascal(b.kind), b.objectivePercent, bad, b.what);
  }
  if (o.latency) {
    const l = o.latency;
    scopes.forEach((d, i) => {
      const route = o.routes[i];
      push(alarms, {
        id: `${base}Latency${route ? pascal(route) : ''}`,
        description: `${o.name} (${stage}${route ? `, route ${route}` : ''}): p${l.percentile} latency above ${l.thresholdMs} ms for 15 minutes`,
        threshold: l.thresholdMs,
        periodSeconds: 300,
        evaluationPeriods: 3,
        metric: { ...metric('Latency', d), stat: `p${l.percentile}` },
        actions: o.notify.snsTopicArns,
      }, ['Latency', ...(route ? [route] : [])]);
    });
  }
  return { alarms, composites };
}

/**
 * Every alarm's id, unique across the plan (the binder makes `Alarm<id>` constructs in one scope,
 * every stage's together). An id only one alarm spells is kept as it is (logical ids of deployed
 * alarms never change); the alarms that share one each get a suffix from a hash of their own parts,
 * so no two of them keep the same id, whatever order the spec lists them in.
 */
function uniqueAlarmIds(stages: Record<string, AwsStageObservability>, drafts: Drafts): Record<string, AwsStageObservability> {
  const all = Object.values(stages).flatMap((s) => [...s.alarms, ...s.composites]);
  const count = new Map<string, number>();
  for (const a of all) count.set(a.id, (count.get(a.id) ?? 0) + 1);
  if (all.every((a) => count.get(a.id) === 1)) return stages;
  const ids = new Map(all.map((a) => [a, count.get(a.id) === 1 ? a.id : `${a.id}${createHash('sha256').update(JSON.stringify(drafts.parts.get(a))).digest('hex').slice(0, 8).toUpperCase()}`]));
  if (new Set(ids.values()).size !== all.length) throw new Error(`anygate: alarm ids collide after disambiguation: ${[...ids.values()].filter((x, i, l) => l.indexOf(x) !== i).join(', ')}`);
  const out: Record<string, AwsStageObservability> = {};
  for (const [stage, s] of Object.entries(stages)) {
    out[stage] = {
      ...s,
      alarms: s.alarms.map((a) => ({ ...a, id: ids.get(a)! })),
      composites: s.composites.map((c) => ({ ...c, id: ids.get(c)!, allOf: drafts.windows.get(c)!.map((a) => ids.get(a)!) })),
    };
  }
  return out;
}

function dashboard(spec: GatewaySpec, stage: string, throttled: AwsMetric | undefined, hasLogs: boolean): { name: string; widgets: Record<string, unknown>[] } {
  const d = ['ApiName', spec.name, 'Stage', stage];
  const m = (name: string, extra: Record<string, unknown> = {}) => [NS, name, ...d, extra];
  const widget = (title: string, x: number, y: number, properties: Record<string, unknown>, type = 'metric') => ({ type, x, y, width: 12, height: 6, properties: { title, region: { $region: true }, ...properties } });
  const text = (title: string, x: number, y: number, markdown: string) => ({ type: 'text', x, y, width: 12, height: 6, properties: { markdown: `### ${title}\n${markdown}` } });
  const widgets: Record<string, unknown>[] = [
    widget('Requests', 0, 0, { metrics: [m('Count', { stat: 'Sum' })], view: 'timeSeries', period: 60 }),
    widget('Errors by class', 12, 0, { metrics: [m('4XXError', { stat: 'Sum' }), m('5XXError', { stat: 'Sum' })], view: 'timeSeries', period: 60 }),
    widget('Latency p50 / p90 / p99 (ms)', 0, 6, { metrics: [m('Latency', { stat: 'p50' }), m('Latency', { stat: 'p90' }), m('Latency', { stat: 'p99' })], view: 'timeSeries', period: 60 }),
    throttled
      ? widget('Throttled (429)', 12, 6, { metrics: [[throttled.namespace, throttled.metricName, 'Stage', stage, { stat: 'Sum' }]], view: 'timeSeries', period: 60 })
      : text('Throttled (429)', 12, 6, 'Needs access logs (observability.accessLogs): API Gateway has no 429 metric.'),
    widget('Cache hit ratio', 0, 12, { metrics: [m('CacheHitCount', { id: 'h', stat: 'Sum', visible: false }), m('CacheMissCount', { id: 'mi', stat: 'Sum', visible: false }), [{ expression: 'h/(h+mi)', label: 'hit ratio', id: 'r' }]], view: 'timeSeries', period: 300 }),
    hasLogs
      ? { type: 'log', x: 12, y: 12, width: 12, height: 6, properties: { title: 'Top consumers', region: { $region: true }, view: 'table', query: { $logsQuery: 'stats count(*) as requests by consumer | sort requests desc | limit 10' } } }
      : text('Top consumers', 12, 12, 'Needs access logs (observability.accessLogs).'),
  ];
  return { name: `${spec.name}-${stage}`, widgets };
}

/** The plan's observability part: pure, from the spec and the compiled body. */
export function awsObservability(spec: GatewaySpec, body: Record<string, unknown>, stageNames: readonly string[]): AwsObservabilityPlan {
  const paths = resourcePaths(body);
  const o = spec.observability;
  const stages: Record<string, AwsStageObservability> = {};
  const drafts: Drafts = { parts: new Map(), windows: new Map() };
  for (const stage of stageNames) {
    const wantsThrottled = o.accessLogs && (o.dashboards || o.objectives.some((x) => x.throttledPercent !== undefined));
    const throttledMetric: AwsMetric | undefined = wantsThrottled ? { namespace: `anygate/${spec.name}`, metricName: 'Throttled', dimensions: { Stage: stage } } : undefined;
    const parts = o.objectives.map((x) => objectiveAlarms(spec, stage, x, paths, throttledMetric, drafts));
    stages[stage] = {
      alarms: parts.flatMap((p) => p.alarms),
      composites: parts.flatMap((p) => p.composites),
      ...(throttledMetric ? { throttledMetric } : {}),
      ...(o.dashboards ? { dashboard: dashboard(spec, stage, throttledMetric, o.accessLogs) } : {}),
    };
  }
  return { accessLogFormat: awsAccessLogFormat(spec.name), stages: uniqueAlarmIds(stages, drafts) };
}
