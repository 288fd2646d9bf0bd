/**
 * Apigee: the access log in the one schema (MessageLogging to Cloud Logging in the PostClientFlow,
 * every run-time value escapeJSON'd, spec strings as JSON literals), the latency step of the shared
 * script, objectives as Cloud Monitoring alert policies, the dashboard, and the component with
 * Pulumi mocks. apigeelint runs on the bundles of the golden cases (test/golden/features).
 */
import { runInNewContext } from 'node:vm';
import { XMLParser } from 'fast-xml-parser';
import { toGatewaySpec } from '../../lib/model/normalize';
import { ACCESS_LOG_FIELD_NAMES } from '../../lib/observability/access-log';
import { DASHBOARD_PANELS } from '../../lib/observability/panels';
import { accessLogTemplate, APIGEE_ACCESS_LOG_FIELDS } from '../../providers/apigee/access-log';
import { compileApigee } from '../../providers/apigee/compile';
import { jsonLiteral } from '../../providers/apigee/conditions';
import { SCRIPT_SOURCE } from '../../providers/apigee/script';
import { refusals } from '../helpers';
import { installMocks, settle, valueOf } from '../pulumi-mocks';
import { scratch } from '../validators';
import { observedSpec } from './fixture';

const recorded = installMocks({ latestRevisionId: '2' });
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ApigeeGateway } = require('../../providers/apigee/gateway') as typeof import('../../providers/apigee/gateway');

/** The fixture with its route objective made gateway-wide (Apigee's metrics have no route label). */
function apigeeSpec(mutate: (s: Record<string, any>) => void = () => {}) {
  const s = observedSpec();
  delete s.observability.objectives[1].routes;
  mutate(s);
  return toGatewaySpec(s);
}

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' });

describe('Apigee observability', () => {
  const spec = apigeeSpec();
  const plan = compileApigee(spec);

  it('logs the schema\'s fields in its order; the line is JSON once Apigee fills the template', () => {
    const names = Object.keys(APIGEE_ACCESS_LOG_FIELDS);
    expect(names).toEqual(ACCESS_LOG_FIELD_NAMES.filter((n) => names.includes(n)));
    const ml = xml.parse(plan.files['policies/ML-access-log.xml']).MessageLogging;
    expect(ml.CloudLogging.LogName).toBe('projects/{organization.name}/logs/anygate-access');
    expect(ml.CloudLogging.Message['#text']).toBe(accessLogTemplate());
    // Run-time values as Apigee would put them in (escapeJSON escapes quotes); the route's fields as
    // the timing script writes them from the flow's name and description, which the route flow's
    // shared step (AM-log-route) copied: the result is one schema line.
    const flow = [xml.parse(plan.files['proxies/default.xml']).ProxyEndpoint.Flows.Flow].flat().find((f: any) => f['@name'] === 'getItem');
    expect([flow.Request.Step].flat()[0].Name).toBe('AM-log-route');
    const copied = [xml.parse(plan.files['policies/AM-log-route.xml']).AssignMessage.AssignVariable].flat();
    expect(copied.map((v: any) => [v.Name, v.Ref])).toEqual([['anygate.log.flowName', 'current.flow.name'], ['anygate.log.flowDescription', 'current.flow.description']]);
    const script: Record<string, unknown> = { 'anygate.log.flowName': flow['@name'], 'anygate.log.flowDescription': flow.Description };
    runInNewContext(SCRIPT_SOURCE, { context: { getVariable: (n: string) => script[n] ?? null, setVariable: (n: string, v: unknown) => (script[n] = v) }, properties: { mode: 'timing' } });
    const vars: Record<string, string> = { 'anygate.log.gateway': jsonLiteral('shop'), 'anygate.log.routeId': script['anygate.log.routeId'] as string, 'anygate.log.pathTemplate': script['anygate.log.pathTemplate'] as string, 'anygate.log.latencyMs': '12', 'anygate.log.backendLatencyMs': 'null', 'anygate.log.traceId': '"4bf92f3577b34da6a3ce929d0e0e4736"', 'response.status.code': '401' };
    const line = accessLogTemplate()
      .replace(/\{timeFormatUTCMs\([^)]*\)\}/, '2026-12-07T09:00:00.000Z')
      .replace(/\{escapeJSON\(([^)]+)\)\}/g, (_, v: string) => JSON.stringify(`a"b\\${v}`).slice(1, -1))
      .replace(/\{([A-Za-z.]+)\}/g, (_, v: string) => vars[v]);
    const parsed = JSON.parse(line);
    expect(parsed).toMatchObject({ target: 'apigee', gateway: 'shop', routeId: 'getItem', pathTemplate: '/items/{id}', status: 401, latencyMs: 12, backendLatencyMs: null, traceId: '4bf92f3577b34da6a3ce929d0e0e4736', stage: 'a"b\\environment.name' });
    // No spec brace reaches the template: the value is \u-escaped, as conditions.ts's literals are.
    expect(vars['anygate.log.pathTemplate']).toBe('"/items/\\u007bid\\u007d"');
    expect(jsonLiteral('a"b{c}é')).toBe('"a\\"b\\u007bc\\u007d\\u00e9"');
  });

  it('runs the message logging in the PostClientFlow, the timing at the end of the response and of the fault rule', () => {
    const pe = xml.parse(plan.files['proxies/default.xml']).ProxyEndpoint;
    expect(pe.PostClientFlow.Response.Step.Name).toBe('ML-access-log');
    expect(pe.PostFlow.Response.Step.Name).toBe('JS-log-timing');
    const fault = [pe.DefaultFaultRule.Step].flat();
    expect(fault[fault.length - 1].Name).toBe('JS-log-timing');
    expect([pe.PreFlow.Request.Step].flat()[0].Name).toBe('AM-log-init');
  });

  it('the timing step measures the gateway and backend latencies', () => {
    const vars: Record<string, unknown> = { 'client.received.start.timestamp': String(Date.now() - 50), 'target.sent.start.timestamp': '1000', 'target.received.end.timestamp': '1030' };
    const context = { getVariable: (n: string) => vars[n] ?? null, setVariable: (n: string, v: unknown) => (vars[n] = v) };
    runInNewContext(SCRIPT_SOURCE, { context, properties: { mode: 'timing' } });
    expect(Number(vars['anygate.log.latencyMs'])).toBeGreaterThanOrEqual(50);
    expect(vars['anygate.log.backendLatencyMs']).toBe('30');
    delete vars['target.sent.start.timestamp'];
    runInNewContext(SCRIPT_SOURCE, { context, properties: { mode: 'timing' } });
    expect(vars['anygate.log.backendLatencyMs']).toBe('null');
  });

  it('the same step logs the W3C trace id of the request\'s traceparent, as a JSON string, and null for anything else', () => {
    const traceId = (traceparent: unknown) => {
      const vars: Record<string, unknown> = { 'request.header.traceparent': traceparent };
      runInNewContext(SCRIPT_SOURCE, { context: { getVariable: (n: string) => vars[n] ?? null, setVariable: (n: string, v: unknown) => (vars[n] = v) }, properties: { mode: 'timing' } });
      return vars['anygate.log.traceId'];
    };
    expect(traceId('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toBe('"4bf92f3577b34da6a3ce929d0e0e4736"');
    expect(JSON.parse(traceId('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00') as string)).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    // Absent, malformed, an all-zero (invalid) id, or an injection attempt: null.
    for (const bad of [null, '', 'junk', '00-00000000000000000000000000000000-00f067aa0ba902b7-01', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01","x":"1', '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01']) expect(traceId(bad)).toBe('null');
    // The template reads it, the PreFlow defaults it.
    expect(APIGEE_ACCESS_LOG_FIELDS.traceId).toBe('{anygate.log.traceId}');
    expect(plan.files['policies/AM-log-init.xml']).toContain('<Name>anygate.log.traceId</Name>');
  });

  it('plans burn-rate alert policies per environment in PromQL over the proxy\'s metrics', () => {
    const alerts = plan.resources.filter((r) => r.type === 'gcp:monitoring/alertPolicy:AlertPolicy');
    const stages = Object.keys(plan.environments).length;
    expect(alerts).toHaveLength(stages * 8);
    const page = alerts.find((r) => r.name === 'alert-shop-slo-availability-page-prod')!.inputs as any;
    expect(page).toMatchObject({ combiner: 'OR', severity: 'CRITICAL', notificationChannels: ['projects/shop-prod/notificationChannels/123'], project: { $ref: 'arg', name: 'project' } });
    const q = page.conditions[0].conditionPrometheusQueryLanguage;
    expect(q.duration).toBe('0s');
    expect(q.query).toContain('apigee_googleapis_com:proxy_response_count{monitored_resource="apigee.googleapis.com/Proxy",proxy_name="shop",env="prod",response_code=~"5.."}[1h]');
    expect(q.query).toContain('[5m]))) > 0.0144');
    const latency = alerts.find((r) => r.name === 'alert-items-read-latency-ticket-prod')!.inputs as any;
    expect(latency.conditions[0].conditionPrometheusQueryLanguage).toMatchObject({ duration: '900s' });
    expect(latency.conditions[0].conditionPrometheusQueryLanguage.query).toContain('histogram_quantile(0.9, sum by (le) (rate(apigee_googleapis_com:proxy_latencies_bucket{');
  });

  it('a dashboard per environment with the six panels', () => {
    const d = plan.resources.find((r) => r.name === 'dashboard-prod')!;
    const json = JSON.parse((d.inputs as any).dashboardJson);
    expect(json.mosaicLayout.tiles.map((t: any) => t.widget.title)).toEqual(Object.values(DASHBOARD_PANELS));
    // Top consumers: a ranked table (ten largest sums) over a log-based metric labelled by consumer, not a list of log lines.
    const consumers = json.mosaicLayout.tiles[5].widget.timeSeriesTable.dataSets[0];
    const metric = plan.resources.find((r) => r.type === 'gcp:logging/metric:Metric')!;
    const m = metric.inputs as any;
    expect(consumers.timeSeriesQuery.timeSeriesFilter).toEqual({
      filter: `metric.type="logging.googleapis.com/user/${m.name}" AND metric.label.stage="${plan.environments.prod}"`,
      aggregation: { alignmentPeriod: '3600s', perSeriesAligner: 'ALIGN_SUM', crossSeriesReducer: 'REDUCE_SUM', groupByFields: ['metric.label.consumer'] },
      pickTimeSeriesFilter: { rankingMethod: 'METHOD_SUM', numTimeSeries: 10, direction: 'TOP' },
    });
    expect(m.filter).toBe('logName:"logs/anygate-access" AND jsonPayload.gateway="shop"');
    expect(m.labelExtractors).toEqual({ consumer: 'EXTRACT(jsonPayload.consumer)', stage: 'EXTRACT(jsonPayload.stage)' });
    expect(m.metricDescriptor.labels.map((l: any) => l.key)).toEqual(['consumer', 'stage']);
    // The labels it extracts are the access log's own fields, and the metric counts in the logs' project.
    expect(Object.keys(APIGEE_ACCESS_LOG_FIELDS)).toEqual(expect.arrayContaining(['consumer', 'stage', 'gateway']));
    expect(m.project).toEqual({ $ref: 'arg', name: 'orgId' });
    expect(d.dependsOn).toEqual([metric.name]);
  });

  it('without access logs the consumers panel says why, and no metric is made', () => {
    const p = compileApigee(apigeeSpec((s) => (s.observability.accessLogs = false)));
    expect(p.resources.some((r) => r.type === 'gcp:logging/metric:Metric')).toBe(false);
    const tile = JSON.parse((p.resources.find((r) => r.name === 'dashboard-prod')!.inputs as any).dashboardJson).mosaicLayout.tiles[5].widget;
    expect(tile.title).toBe(DASHBOARD_PANELS.consumers);
    expect(tile.text.content).toContain('observability.accessLogs: false');
  });

  it('refuses an objective over routes, and a deployment without a service account, naming the fix', () => {
    expect(refusals(() => compileApigee(toGatewaySpec(observedSpec())))).toEqual([expect.stringContaining('gateway observability.objectives apigee (INTERMEDIATE): objective items-read (observability.objectives[1]): Apigee\'s Cloud Monitoring metrics (apigee.googleapis.com/proxy/*) have no route label')]);
    const plain = compileApigee(toGatewaySpec({ name: 'plain', backends: { api: { type: 'http', url: 'https://api.example.com' } }, routes: [{ id: 'getItem', method: 'GET', path: '/items/{id}', backend: 'api', auth: 'none' }] }));
    expect(() => new ApigeeGateway('nosa', { plan: plain, orgId: 'p' })).toThrow(/pass serviceAccount to ApigeeGateway \(grant it roles\/logging.logWriter, enable the Cloud Logging API in the project, and let the deployer act as it: iam.serviceAccounts.actAs\)/);
  });

  it('the component creates the alert policies and dashboards in the organization\'s project', async () => {
    const gw = new ApigeeGateway('shop', { plan, orgId: 'shop-prod', serviceAccount: 'proxy@shop-prod.iam.gserviceaccount.com', functions: Object.fromEntries(plan.bindings.map((b) => [b, 'https://fn.a.run.app'])), bundleDir: scratch('apigee-obs-zip') });
    await valueOf(gw.revision);
    await settle();
    const policies = recorded.filter((r) => r.type === 'gcp:monitoring/alertPolicy:AlertPolicy');
    expect(policies.length).toBe(plan.resources.filter((r) => r.type === 'gcp:monitoring/alertPolicy:AlertPolicy').length);
    expect(policies[0].inputs.project).toBe('shop-prod');
    expect(recorded.filter((r) => r.type === 'gcp:monitoring/dashboard:Dashboard').map((r) => r.name).sort()).toEqual(Object.keys(plan.environments).sort().map((s) => `shop-dashboard-${s}`));
    const metric = recorded.find((r) => r.type === 'gcp:logging/metric:Metric')!;
    expect(metric.name).toBe('shop-consumer-metric');
    expect(metric.inputs).toMatchObject({ project: 'shop-prod', labelExtractors: { consumer: 'EXTRACT(jsonPayload.consumer)' } });
    expect(recorded.find((r) => r.name === 'shop-deploy-prod')!.inputs.serviceAccount).toBe('proxy@shop-prod.iam.gserviceaccount.com');
  });
});
