/**
 * Azure: objectives as log alert rules (ScheduledQueryRule) over the access log in Application
 * Insights, the workbook, the KQL string module, and the component with Pulumi mocks.
 */
import { resourceList } from '../../bin/synth/azure';
import { toGatewaySpec } from '../../lib/model/normalize';
import { DASHBOARD_PANELS } from '../../lib/observability/panels';
import { compileAzure } from '../../providers/azure/compile';
import { kqlList, kqlString } from '../../providers/azure/kql';
import { accessLogLines } from '../../providers/azure/observability';
import { refusals } from '../helpers';
import { installMocks, settle, valueOf } from '../pulumi-mocks';
import { observedSpec } from './fixture';

const recorded = installMocks({ gatewayUrl: 'https://shop.azure-api.net' });
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { AzureApimGateway } = require('../../providers/azure/gateway') as typeof import('../../providers/azure/gateway');

describe('Azure observability', () => {
  const spec = toGatewaySpec(observedSpec());
  const plan = compileAzure(spec, { stage: 'prod' });
  const rules = plan.resources.filter((r) => r.type === 'azure-native:monitor:ScheduledQueryRule');

  it('plans a page and a ticket rule per ratio, and one latency rule, per objective', () => {
    expect(rules.map((r) => r.name)).toEqual([
      'alert-shop-slo-availability-page',
      'alert-shop-slo-availability-ticket',
      'alert-shop-slo-throttled-page',
      'alert-shop-slo-throttled-ticket',
      'alert-shop-slo-latency-ticket',
      'alert-items-read-availability-page',
      'alert-items-read-availability-ticket',
      'alert-items-read-latency-ticket',
    ]);
    const page = rules[0].inputs as any;
    expect(page).toMatchObject({ kind: 'LogAlert', severity: 1, windowSize: 'PT1H', evaluationFrequency: 'PT5M', scopes: [{ $ref: 'arg', name: 'applicationInsights.resourceId' }], actions: { actionGroups: ['/subscriptions/0000/resourceGroups/ops/providers/microsoft.insights/actionGroups/oncall'] } });
    expect(page.criteria.allOf[0]).toMatchObject({ timeAggregation: 'Count', operator: 'GreaterThan', threshold: 0 });
    expect((rules[1].inputs as any).windowSize).toBe('PT6H');
    expect((rules[1].inputs as any).severity).toBe(2);
  });

  it('each burn-rate query compares both windows of the access log with the objective\'s threshold', () => {
    const q = (rules[0].inputs as any).criteria.allOf[0].query as string;
    // 99.9% over 30 days: 14.4x burns 0.0144 of the requests in 5xx.
    expect(q).toContain('| where tostring(l.target) == "azure" and tostring(l.gateway) == "shop" and tostring(l.stage) == "prod"');
    expect(q).toContain('countif(toint(l.status) >= 500 and timestamp > ago(5m))');
    expect(q).toContain('| where longRatio > 0.0144 and shortRatio > 0.0144');
    const throttled = (rules[2].inputs as any).criteria.allOf[0].query as string;
    expect(throttled).toContain('toint(l.status) == 429');
    expect(throttled).toContain('> 0.288');
    // A route objective reads only its routes' lines.
    const route = (rules[5].inputs as any).criteria.allOf[0].query as string;
    expect(route).toContain('| where tostring(l.routeId) in ("getItem")');
    const latency = (rules[7].inputs as any).criteria.allOf[0].query as string;
    expect(latency).toContain('countif(p > 300)');
    expect((rules[7].inputs as any).windowSize).toBe('PT15M');
  });

  it('the latency rule\'s bins tile its window: three 5-minute bins ending at the evaluation, not at wall-clock marks', () => {
    for (const r of rules.filter((x) => x.name.endsWith('-latency-ticket'))) {
      const q = (r.inputs as any).criteria.allOf[0].query as string;
      // bin() cuts at :00, :05...: a window from 10:02 to 10:17 got four bins, two partial.
      expect(q).not.toMatch(/\bbin\(/);
      const kept = /\| where timestamp > ago\((\d+)m\) and timestamp < now\(\)\n/.exec(q)!;
      const binned = /by bin_at\(timestamp, (\d+)m, now\(\)\)\n/.exec(q)!;
      const needed = /\| where bins == (\d+) and over == bins$/.exec(q)!;
      expect([kept, binned, needed].every(Boolean)).toBe(true);
      // The KQL's window is the rule's, cut into exactly the bins the last line requires, and the rule runs once per bin.
      expect(`PT${kept[1]}M`).toBe((r.inputs as any).windowSize);
      expect(Number(binned[1]) * Number(needed[1])).toBe(Number(kept[1]));
      expect((r.inputs as any).evaluationFrequency).toBe(`PT${binned[1]}M`);
    }
  });

  it('the workbook has the six panels over the same lines, and a GUID name that does not change', () => {
    const wb = plan.resources.find((r) => r.type === 'azure-native:applicationinsights:Workbook')!;
    const data = (wb.inputs as any).serializedData.value;
    expect((wb.inputs as any).serializedData.$ref).toBe('json');
    expect(data.version).toBe('Notebook/1.0');
    // Opened outside the Application Insights resource (gallery, link), the queries run on it.
    expect(data.fallbackResourceIds).toEqual([{ $ref: 'arg', name: 'applicationInsights.resourceId' }]);
    const titles = data.items.slice(1).map((i: any) => i.content.title ?? i.content.json.split('\n')[0].replace(/^### /, ''));
    expect(titles).toEqual(Object.values(DASHBOARD_PANELS));
    expect(data.items[1].content.query.startsWith(accessLogLines(spec, 'prod'))).toBe(true);
    expect((wb.inputs as any).resourceName).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect((compileAzure(spec, { stage: 'prod' }).resources.find((r) => r.name === 'dashboard')!.inputs as any).resourceName).toBe((wb.inputs as any).resourceName);
    const other = toGatewaySpec({ ...observedSpec(), name: 'shop2' });
    expect((compileAzure(other, { stage: 'prod' }).resources.find((r) => r.name === 'dashboard')!.inputs as any).resourceName).not.toBe((wb.inputs as any).resourceName);
  });

  it('resources.json (anygate synth) shows the workbook\'s serializedData as JSON text with the id as a placeholder', () => {
    const wb = resourceList(plan.resources, 'shop').find((r) => r.type === 'azure-native:applicationinsights:Workbook')!;
    const data = JSON.parse((wb.inputs as any).serializedData);
    expect(data.fallbackResourceIds).toEqual(['<arg applicationInsights.resourceId>']);
    expect(data.items.map((i: any) => i.name)).toEqual(['title', 'requests', 'errors', 'latency', 'throttled', 'cache', 'consumers']);
  });

  it('refuses objectives and dashboards without access logs, naming the fix', () => {
    const s = observedSpec();
    s.observability.accessLogs = false;
    const problems = refusals(() => compileAzure(toGatewaySpec(s), { stage: 'prod' }));
    expect(problems).toContain('gateway observability.objectives azure (Developer): the log alert rules read the access log in Application Insights (API Management\'s metrics carry no ratio or percentile); set observability.accessLogs: true');
    expect(problems.some((p) => p.includes('observability.dashboards') && p.includes('the workbook reads'))).toBe(true);
  });

  it('refuses objectives naming mock routes: return-response skips the outbound trace, so a mock writes no access-log line', () => {
    const s = observedSpec();
    s.observability.objectives[1].routes = ['getItem', 'get-health'];
    expect(refusals(() => compileAzure(toGatewaySpec(s), { stage: 'prod' }))).toEqual([
      'gateway observability.objectives azure (Developer): objective items-read (observability.objectives[1]): route get-health is a mock, answered with return-response in inbound, which skips the outbound trace that writes the access log: the rules would count none of its requests; drop it from routes',
    ]);
  });

  it('KQL literals escape what would end them; control characters are refused', () => {
    expect(kqlString('a"b\\c\td')).toBe('"a\\"b\\\\c\\td"');
    expect(kqlString('x" or 1==1 //')).toBe('"x\\" or 1==1 //"');
    expect(kqlList(['a', 'b'])).toBe('("a", "b")');
    expect(() => kqlString('a\u0001')).toThrow(/control character/);
  });

  it('the component creates the rules and the workbook in the Application Insights resource\'s location', async () => {
    const gw = AzureApimGateway.fromSpec('shop', { gateway: spec, stage: 'prod', resourceGroupName: 'rg', serviceName: 'apim', functions: { fn: { url: 'https://fn.azurewebsites.net/api', key: 'k' } }, applicationInsights: { instrumentationKey: 'ikey', resourceId: '/subscriptions/0000/resourceGroups/rg/providers/microsoft.insights/components/shop', location: 'westeurope' } });
    await valueOf(gw.gatewayUrl);
    await settle();
    const mine = recorded.filter((r) => r.type === 'azure-native:monitor:ScheduledQueryRule' || r.type === 'azure-native:applicationinsights:Workbook');
    expect(mine).toHaveLength(rules.length + 1);
    const page = mine.find((r) => r.name === 'shop-alert-shop-slo-availability-page')!;
    expect(page.inputs).toMatchObject({ location: 'westeurope', resourceGroupName: 'rg', scopes: ['/subscriptions/0000/resourceGroups/rg/providers/microsoft.insights/components/shop'], ruleName: 'shop-prod-shop-slo-availability-page' });
    const workbook = mine.find((r) => r.name === 'shop-dashboard')!.inputs;
    expect(workbook).toMatchObject({ sourceId: '/subscriptions/0000/resourceGroups/rg/providers/microsoft.insights/components/shop', kind: 'shared', category: 'workbook' });
    // serializedData is JSON text with the resource id resolved in fallbackResourceIds.
    const data = JSON.parse(workbook.serializedData);
    expect(data.fallbackResourceIds).toEqual(['/subscriptions/0000/resourceGroups/rg/providers/microsoft.insights/components/shop']);
    expect(data.items).toHaveLength(7);
    expect(() => AzureApimGateway.fromSpec('shop2', { gateway: spec, stage: 'prod', resourceGroupName: 'rg', serviceName: 'apim', functions: { fn: { url: 'https://fn.azurewebsites.net/api', key: 'k' } }, applicationInsights: { instrumentationKey: 'ikey' } })).toThrow(/pass applicationInsights: \{ instrumentationKey, resourceId, location \}/);
  });
});
