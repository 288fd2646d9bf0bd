/**
 * AWS: the access log in the one schema, objectives as CloudWatch alarms (burn-rate pairs under
 * composite alarms, percentile thresholds), the 429 metric filter and the dashboard; cfn-lint on
 * the template.
 */
import * as path from 'node:path';
import { writeFileSync } from 'node:fs';
import { ACCESS_LOG_FIELD_NAMES } from '../../lib/observability/access-log';
import { awsAccessLogFormat } from '../../providers/aws/observability';
import { resourcesOfType, synthAws } from '../aws/helpers';
import { cfnLintErrors, scratch } from '../validators';
import { refusals } from '../helpers';
import { observedSpec } from './fixture';

describe('AWS observability', () => {
  const { json } = synthAws(observedSpec());
  const stage = resourcesOfType(json, 'AWS::ApiGateway::Stage')[0][1];

  it('writes the access log with the schema\'s field names, in its order, as JSON once API Gateway fills the variables', () => {
    const format = stage.Properties.AccessLogSetting.Format;
    expect(format).toBe(awsAccessLogFormat('shop'));
    // What API Gateway would write for a refused request (`-` where it has no value).
    const line = format.replace(/\$context\.[A-Za-z.]+/g, (v: string) => (v === '$context.status' ? '429' : v === '$context.responseLatency' ? '3' : '-'));
    const parsed = JSON.parse(line);
    const names = Object.keys(parsed);
    expect(names.every((n) => ACCESS_LOG_FIELD_NAMES.includes(n))).toBe(true);
    expect(names).toEqual(ACCESS_LOG_FIELD_NAMES.filter((n) => names.includes(n)));
    expect(parsed).toMatchObject({ target: 'aws', gateway: 'shop', status: 429, latencyMs: 3 });
  });

  it('turns each ratio objective into long and short window alarms under one composite per severity', () => {
    const composites = resourcesOfType(json, 'AWS::CloudWatch::CompositeAlarm');
    // shop-slo: availability and 429 ratio, page and ticket each; items-read: availability page and ticket.
    expect(composites.map(([id]) => id.replace(/^GatewayAlarm|[0-9A-F]{8}$/g, '')).sort()).toEqual(['ItemsReadProdAvailabilityPage', 'ItemsReadProdAvailabilityTicket', 'ShopSloProdAvailabilityPage', 'ShopSloProdAvailabilityTicket', 'ShopSloProdThrottledPage', 'ShopSloProdThrottledTicket']);
    const page = composites.find(([id]) => id.includes('ShopSloProdAvailabilityPage'))![1];
    expect(page.Properties.AlarmActions).toEqual(['arn:aws:sns:us-east-1:123456789012:oncall']);
    expect(JSON.stringify(page.Properties.AlarmRule)).toMatch(/ALARM\(\\"".*AND ALARM/);
    const alarms = Object.fromEntries(resourcesOfType(json, 'AWS::CloudWatch::Alarm').map(([id, r]) => [id.replace(/Gateway|[0-9A-F]{8}$/g, ''), r.Properties]));
    const long = alarms['AlarmShopSloProdAvailabilityPageLong'];
    // 30 days: 14.4x burn of a 0.1% budget over one hour.
    expect(long).toMatchObject({ Threshold: 0.0144, EvaluationPeriods: 1, TreatMissingData: 'notBreaching' });
    expect(long.Metrics[0]).toMatchObject({ Expression: '(m0)/(m1)', ReturnData: true });
    expect(long.Metrics[1].MetricStat).toMatchObject({ Period: 3600, Stat: 'Sum', Metric: { Namespace: 'AWS/ApiGateway', MetricName: '5XXError', Dimensions: [{ Name: 'ApiName', Value: 'shop' }, { Name: 'Stage', Value: 'prod' }] } });
    expect(long.AlarmActions).toBeUndefined();
    // A 7-day window: 2% of the budget in an hour is a 3.36x burn of 0.5%.
    expect(alarms['AlarmItemsReadProdAvailabilityPageLong'].Threshold).toBe(0.0168);
    expect(alarms['AlarmItemsReadProdAvailabilityPageLong'].Metrics[1].MetricStat.Metric.Dimensions).toEqual([
      { Name: 'ApiName', Value: 'shop' }, { Name: 'Stage', Value: 'prod' }, { Name: 'Resource', Value: '/items/{id}' }, { Name: 'Method', Value: 'GET' },
    ]);
    expect(alarms['AlarmShopSloProdThrottledPageShort'].Metrics[1].MetricStat.Metric).toMatchObject({ Namespace: 'anygate/shop', MetricName: 'Throttled' });
  });

  it('alarms on a latency percentile with a plain threshold', () => {
    const [, a] = resourcesOfType(json, 'AWS::CloudWatch::Alarm').find(([id]) => id.includes('ShopSloProdLatency'))!;
    expect(a.Properties).toMatchObject({ MetricName: 'Latency', ExtendedStatistic: 'p99', Threshold: 800, Period: 300, EvaluationPeriods: 3, AlarmActions: ['arn:aws:sns:us-east-1:123456789012:oncall'] });
  });

  it('counts 429s from the access log, and draws one dashboard per stage with the six panels', () => {
    const [, filter] = resourcesOfType(json, 'AWS::Logs::MetricFilter')[0];
    expect(filter.Properties).toMatchObject({ FilterPattern: '{ $.status = 429 }', MetricTransformations: [{ MetricNamespace: 'anygate/shop', MetricName: 'Throttled', MetricValue: '1' }] });
    const [, dash] = resourcesOfType(json, 'AWS::CloudWatch::Dashboard')[0];
    expect(dash.Properties.DashboardName).toBe('shop-prod');
    const body = JSON.stringify(dash.Properties.DashboardBody);
    for (const title of ['Requests', 'Errors by class', 'Latency p50 / p90 / p99 (ms)', 'Throttled (429)', 'Cache hit ratio', 'Top consumers']) expect(body).toContain(title);
    expect(body).toContain('stats count(*) as requests by consumer');
  });

  it('turns on X-Ray on the stage', () => {
    expect(stage.Properties.TracingEnabled).toBe(true);
  });

  it('keeps alarm ids unique when two route ids (or an objective and a stage) spell one id; the others keep their ids', () => {
    const s = observedSpec();
    s.routes.push({ id: 'get-item', method: 'GET', path: '/items/{id}/tags', backend: 'api', auth: 'none' });
    // shop x slo-prod and shop-slo x prod both spell ShopSloProd.
    s.stages = { prod: {}, 'slo-prod': {} };
    s.observability.objectives.push({ name: 'lat', routes: ['getItem', 'get-item'], latency: { percentile: 99, thresholdMs: 500 } }, { name: 'shop', availability: 99 });
    const ids = resourcesOfType(synthAws(s).json, 'AWS::CloudWatch::Alarm').map(([id]) => id.replace(/^Gateway|[0-9A-F]{8}$/g, ''));
    expect(new Set(ids).size).toBe(ids.length);
    // The two routes' latency alarms: one base id, a suffix each.
    expect(ids.filter((id) => id.startsWith('AlarmLatProdLatencyGetItem')).map((id) => id.length)).toEqual([34, 34]);
    expect(ids).not.toContain('AlarmLatProdLatencyGetItem');
    // No collision, no change: the ids of the other alarms are as before.
    expect(ids).toEqual(expect.arrayContaining(['AlarmItemsReadProdLatencyGetItem', 'AlarmShopSloSloProdAvailabilityPageLong', 'AlarmShopProdAvailabilityPageLong']));
    expect(ids.filter((id) => id.startsWith('AlarmShopSloProdAvailabilityPageLong'))).toHaveLength(2);
  });

  it('refuses per-route objectives when detailed metrics are off: API Gateway publishes no Resource/Method metrics then', () => {
    const s = observedSpec();
    s.observability.metrics = false;
    expect(refusals(() => synthAws(s))).toEqual([
      'gateway observability.objectives aws: objective items-read (observability.objectives[1]): its alarms read route getItem by the Resource and Method dimensions, which API Gateway publishes only with detailed metrics, and observability.metrics is false (MetricsEnabled off): the alarms would never fire; set observability.metrics: true, or drop routes (the objective then covers the stage)',
    ]);
    // Gateway-wide objectives read the stage's metrics, which API Gateway always publishes.
    s.observability.objectives.pop();
    expect(refusals(() => synthAws(s))).toEqual([]);
  });

  it('passes cfn-lint', () => {
    const file = path.join(scratch('obs-aws'), 'template.json');
    writeFileSync(file, JSON.stringify(json));
    expect(cfnLintErrors(file)).toEqual([]);
  });
});
