/**
 * The same objective alerts at the same thresholds on every target (one burn-rate arithmetic,
 * lib/model/objectives.ts), every dashboard has the same panels, and every access-log field a
 * target cannot fill is named in its record, so `anygate portability` shows it.
 */
import { portability } from '../../lib/capabilities/portability';
import { differenceLines } from '../../lib/capabilities/format';
import { toGatewaySpec } from '../../lib/model/normalize';
import { ACCESS_LOG_FIELD_NAMES } from '../../lib/observability/access-log';
import { DASHBOARD_PANELS } from '../../lib/observability/panels';
import { APIGEE_ACCESS_LOG_FIELDS } from '../../providers/apigee/access-log';
import { compileApigee } from '../../providers/apigee/compile';
import { compileAws } from '../../providers/aws/compile';
import { AWS_ACCESS_LOG_FIELDS } from '../../providers/aws/observability';
import { AZURE_ACCESS_LOG_FIELD_NAMES } from '../../providers/azure/emit/access-log';
import { compileAzure } from '../../providers/azure/compile';
import { compileKubernetes } from '../../providers/kubernetes/compile';
import { ENVOY_ACCESS_LOG_FIELDS } from '../../providers/kubernetes/observability';
import { observedSpec } from './fixture';

/** The fixture, gateway-wide only (Apigee's metrics have no route label). */
function spec() {
  const s = observedSpec();
  delete s.observability.objectives[1].routes;
  return toGatewaySpec(s);
}

type Key = string;
const key = (objective: string, kind: string, severity: string) => `${objective} ${kind} ${severity}`;

describe('observability across targets', () => {
  const s = spec();

  it('an objective\'s alert thresholds are the same on AWS, Kubernetes, Azure and Apigee', () => {
    const aws = new Map<Key, number>();
    for (const a of compileAws(s).observability.stages.prod.alarms) {
      const m = /^(ShopSlo|ItemsRead)Prod(Availability|Throttled|Latency)(Page|Ticket)?(Long|Short)?$/.exec(a.id)!;
      const objective = m[1] === 'ShopSlo' ? 'shop-slo' : 'items-read';
      aws.set(key(objective, m[2].toLowerCase(), (m[3] ?? 'Ticket').toLowerCase()), a.threshold);
    }
    const k8s = new Map<Key, number>();
    const rule = compileKubernetes(s).stages.find((x) => x.stage === 'prod')!.objects.find((o) => o.kind === 'PrometheusRule')!;
    for (const g of (rule.spec as any).groups) {
      for (const r of g.rules) {
        const m = /^(ShopSlo|ItemsRead)(Availability|Throttled|Latency)(?:Burn(Page|Ticket))?$/.exec(r.alert)!;
        k8s.set(key(r.labels.objective, m[2].toLowerCase(), r.labels.severity), Number(/> ([0-9.]+)\s*$/.exec(r.expr)![1]));
      }
    }
    const azure = new Map(compileAzure(s, { stage: 'prod' }).alerts!.map((a) => [key(a.objective, a.kind, a.severity), a.threshold]));
    const apigee = new Map(compileApigee(s).alerts!.filter((a) => a.stage === 'prod').map((a) => [key(a.objective, a.kind, a.severity), a.threshold]));
    const sorted = (m: Map<Key, number>) => [...m.entries()].sort();
    expect(sorted(azure)).toEqual(sorted(aws));
    expect(sorted(apigee)).toEqual(sorted(aws));
    expect(sorted(k8s)).toEqual(sorted(aws));
    // 99.9% over 30 days pages at 14.4x (0.0144), 99.5% at 14.4x as well.
    expect(azure.get(key('shop-slo', 'availability', 'page'))).toBe(0.0144);
    expect(azure.get(key('items-read', 'availability', 'ticket'))).toBe(0.007);
    // And each target's query carries that number.
    for (const a of compileAzure(s, { stage: 'prod' }).alerts!) expect(a.query).toContain(`> ${a.threshold}`);
    for (const a of compileApigee(s).alerts!) expect(a.query).toContain(`> ${a.threshold}`);
  });

  it('every dashboard has the same six panels', () => {
    const cw = compileAws(s).observability.stages.prod.dashboard!.widgets.map((w: any) => w.properties.title ?? w.properties.markdown.split('\n')[0].replace(/^### /, ''));
    expect(cw).toEqual(Object.values(DASHBOARD_PANELS));
    const cm = compileKubernetes(s).stages[0].objects.find((o) => o.kind === 'ConfigMap')!;
    const grafana = JSON.parse(Object.values((cm as any).data)[0] as string).panels.map((p: any) => p.title);
    expect(grafana).toEqual(Object.values(DASHBOARD_PANELS));
  });

  it('every access-log field a target cannot fill is named in that target\'s record, and portability shows it', () => {
    const filled: Record<string, string[]> = {
      aws: ['gateway', ...Object.keys(AWS_ACCESS_LOG_FIELDS)],
      azure: [...AZURE_ACCESS_LOG_FIELD_NAMES],
      apigee: Object.keys(APIGEE_ACCESS_LOG_FIELDS),
      kubernetes: Object.keys(ENVOY_ACCESS_LOG_FIELDS),
    };
    // Azure's list is what its trace policy writes.
    const policy = compileAzure(s, { stage: 'prod' }).apiPolicy;
    expect([...new Set([...policy.matchAll(/JProperty\((?:"|&quot;)(\w+)/g)].map((m) => m[1]))]).toEqual(AZURE_ACCESS_LOG_FIELD_NAMES);
    const lines = differenceLines(portability(s, ['aws', 'azure', 'apigee', 'kubernetes']));
    for (const [target, fields] of Object.entries(filled)) {
      const missing = ACCESS_LOG_FIELD_NAMES.filter((f) => !fields.includes(f));
      expect(missing.length).toBeGreaterThan(0);
      const text = lines.filter((l) => l.startsWith('access logs on ') && l.includes(`on ${target}`)).join('\n');
      for (const f of missing) expect({ target, field: f, named: new RegExp(`\\b${f}\\b`).test(text) }).toEqual({ target, field: f, named: true });
    }
  });
});
