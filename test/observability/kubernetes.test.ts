/**
 * Kubernetes: the EnvoyProxy telemetry (access log in the one schema, OpenTelemetry tracing), the
 * PrometheusRule of the objectives over Envoy's metric names, and the Grafana dashboard ConfigMap;
 * every object against its CRD schema (prometheus-operator v0.93.0, Envoy Gateway v1.9.0).
 */
import { toGatewaySpec } from '../../lib/model/normalize';
import { ACCESS_LOG_FIELD_NAMES } from '../../lib/observability/access-log';
import { ENVOY_METRICS } from '../../lib/observability/metrics';
import { compileKubernetes } from '../../providers/kubernetes/compile';
import { routeStats } from '../../providers/kubernetes/route-stats';
import { ruleName } from '../../providers/kubernetes/rules';
import { k8sProblems } from '../kubernetes/crd';
import { observedSpec } from './fixture';

describe('Kubernetes observability', () => {
  // A Gateway anygate creates carries the EnvoyProxy (an existing one's proxies are the platform's).
  const spec = toGatewaySpec({ ...observedSpec(), kubernetes: { createGateway: {} } });
  const plan = compileKubernetes(spec);
  const objects = plan.stages[0].objects;
  const of = (kind: string) => objects.filter((o) => o.kind === kind);

  it('every object passes its CRD schema (or the ConfigMap rules)', () => {
    expect(objects.flatMap(k8sProblems)).toEqual([]);
    expect(of('EnvoyProxy')).toHaveLength(1);
    expect(of('PrometheusRule')).toHaveLength(1);
    expect(of('ConfigMap')).toHaveLength(1);
    // The checks can fail: a rule without expr, a sink of an unknown type.
    const rule = structuredClone(of('PrometheusRule')[0]);
    delete (rule.spec as any).groups[0].rules[0].expr;
    expect(k8sProblems(rule).join()).toMatch(/expr/);
    const proxy = structuredClone(of('EnvoyProxy')[0]);
    (proxy.spec as any).telemetry.accessLog.settings[0].sinks[0].type = 'Syslog';
    expect(k8sProblems(proxy).join()).toMatch(/sinks\/0\/type/);
  });

  it('the EnvoyProxy logs the schema\'s fields in its order and traces with OpenTelemetry', () => {
    const t = of('EnvoyProxy')[0].spec.telemetry as any;
    const json = t.accessLog.settings[0].format.json;
    const names = Object.keys(json);
    expect(names).toEqual(ACCESS_LOG_FIELD_NAMES.filter((n) => names.includes(n)));
    expect(json).toMatchObject({ target: 'kubernetes', status: '%RESPONSE_CODE%', routeId: '%ROUTE_NAME%', consumer: '%REQ(X-ANYGATE-CONSUMER)%' });
    expect(t.tracing.provider).toEqual({ type: 'OpenTelemetry', backendRefs: [{ group: '', kind: 'Service', name: 'otel-collector', namespace: 'monitoring', port: 4317 }] });
    expect((of('Gateway')[0].spec as any).infrastructure).toEqual({ parametersRef: { group: 'gateway.envoyproxy.io', kind: 'EnvoyProxy', name: 'shop-telemetry' } });
  });

  it('alerts on burn rates over the stage\'s clusters (or the objective\'s routes) with Envoy\'s metric names', () => {
    const groups = (of('PrometheusRule')[0].spec as any).groups;
    expect(groups.map((g: any) => g.name)).toEqual(['shop-shop-slo', 'shop-items-read']);
    const rules = Object.fromEntries(groups.flatMap((g: any) => g.rules).map((r: any) => [r.alert, r]));
    const page = rules['ShopSloAvailabilityBurnPage'];
    expect(page.expr).toBe(
      `(sum(rate(${ENVOY_METRICS.upstreamRequestsByClass.name}{envoy_cluster_name=~"httproute/shop-prod/.*",envoy_response_code_class="5"}[1h]))\n/\nsum(rate(envoy_cluster_upstream_rq_total{envoy_cluster_name=~"httproute/shop-prod/.*"}[1h]))) > 0.0144\nand\n(sum(rate(envoy_cluster_upstream_rq_xx{envoy_cluster_name=~"httproute/shop-prod/.*",envoy_response_code_class="5"}[5m]))\n/\nsum(rate(envoy_cluster_upstream_rq_total{envoy_cluster_name=~"httproute/shop-prod/.*"}[5m]))) > 0.0144`,
    );
    expect(page.labels).toEqual({ severity: 'page', objective: 'shop-slo', gateway: 'shop', stage: 'prod', receiver: 'shop-oncall' });
    expect(rules['ShopSloLatency']).toMatchObject({ for: '15m', expr: expect.stringContaining('histogram_quantile(0.99, sum by (le) (rate(envoy_cluster_upstream_rq_time_bucket{') });
    expect(rules['ShopSloThrottledBurnTicket'].expr).toContain('envoy_cluster_ratelimit_over_limit');
    // The per-route objective reads exactly its rule's cluster, where the HTTPRoute really puts it.
    const stats = routeStats(spec, 'prod').get('getItem')!;
    const route = of('HTTPRoute').find((r) => r.metadata.name === stats.httpRoute)!;
    expect((route.spec as any).rules[stats.ruleIndex].name).toBe(ruleName(spec.routes.find((r) => r.id === 'getItem')!));
    expect(rules['ItemsReadAvailabilityBurnTicket'].expr).toContain(`envoy_cluster_name=~"${stats.cluster}"`);
  });

  it('refuses objectives whose alerts would read series that never exist: mock routes, 429s of local rate limits only', () => {
    const refusal = (edit: (s: Record<string, any>) => void) => {
      const s = observedSpec();
      edit(s);
      try {
        compileKubernetes(toGatewaySpec(s));
      } catch (e) {
        return (e as Error).message;
      }
      return undefined;
    };
    // A mock is Envoy's direct response: no cluster httproute/<ns>/<route>/rule/<n>.
    expect(refusal((s) => (s.observability.objectives[1].routes = ['get-health']))).toMatch(/gateway: observability\.objectives on kubernetes: objective items-read \(observability\.objectives\[1\]\): route get-health is a mock \(Envoy's direct response, no backend\), so it has no upstream cluster .*; drop it from routes/);
    // A route rateLimit is a local limit: counted per listener, never in envoy_cluster_ratelimit_over_limit.
    expect(refusal((s) => {
      s.routes[0].rateLimit = { requestsPerSecond: 10, burst: 10 };
      s.observability.objectives[1] = { name: 'items-read', routes: ['getItem'], throttledPercent: 1 };
    })).toMatch(/objective items-read \(observability\.objectives\[1\]\): throttledPercent cannot see route getItem: a route rateLimit is Envoy's local rate limit, .*envoy_http_local_rate_limit_rate_limited.*Drop throttledPercent, or those routes from routes/);
    // A route Envoy never throttles (no limit) reads a 429 ratio of 0, which is what happens.
    expect(refusal((s) => (s.observability.objectives[1] = { name: 'items-read', routes: ['getItem'], throttledPercent: 1 }))).toBeUndefined();
    // The API-key route is metered by the plan: its 429s are the rate-limit service's.
    expect(refusal((s) => (s.observability.objectives[1] = { name: 'items-write', routes: ['post-items'], throttledPercent: 1 }))).toBeUndefined();
    // Gateway-wide objectives leave mocks out; the fixture's is fine.
    expect(refusal(() => undefined)).toBeUndefined();
  });

  it('traces as the stages say: a stage\'s tracing: false turns it off; stages that differ share one EnvoyProxy and are refused', () => {
    const proxyOf = (s: Record<string, any>) => compileKubernetes(toGatewaySpec({ ...s, kubernetes: { createGateway: {} } })).stages[0].objects.find((o) => o.kind === 'EnvoyProxy');
    const off = observedSpec();
    off.stages = { prod: { tracing: false } };
    expect((proxyOf(off)!.spec as any).telemetry.tracing).toBeUndefined();
    expect((proxyOf(off)!.spec as any).telemetry.accessLog).toBeDefined();
    const mixed = observedSpec();
    mixed.stages = { prod: {}, dev: { tracing: false } };
    expect(() => proxyOf(mixed)).toThrow(/gateway: observability\.tracing on kubernetes: stages prod trace and dev do not, but every stage is served by one Gateway whose EnvoyProxy holds the tracing settings: give every stage the same tracing/);
  });

  it('names the clusters of the rules compile emits when LLM routes (on the AI Gateway\'s route) sort among them; objectives naming an LLM route are refused', () => {
    const s: Record<string, any> = {
      name: 'golden',
      basePath: '/v1',
      backends: { model: { type: 'llm', provider: 'openai-compatible', url: 'https://llm.example.com/v1', model: 'gpt-4o-mini' }, api: { type: 'http', url: 'https://api.example.com' } },
      routes: [
        { id: 'chat', method: 'POST', path: '/chat/completions', backend: 'model', auth: 'none' },
        { id: 'aaa', method: 'GET', path: '/chat/aaa', backend: 'api', auth: 'none' },
        { id: 'zzz', method: 'GET', path: '/chat/zzz', backend: 'api', auth: 'none' },
      ],
    };
    const spec = toGatewaySpec(s);
    const emitted = compileKubernetes(spec).stages[0].objects.filter((o) => o.kind === 'HTTPRoute');
    const stats = routeStats(spec, 'prod');
    for (const id of ['aaa', 'zzz']) {
      const st = stats.get(id)!;
      const route = emitted.find((r) => r.metadata.name === st.httpRoute)!;
      expect((route.spec as any).rules[st.ruleIndex].name).toBe(ruleName(spec.routes.find((r) => r.id === id)!));
    }
    expect(stats.has('chat')).toBe(false);
    s.observability = { objectives: [{ name: 'chat', routes: ['chat'], availability: 99.9 }] };
    expect(() => compileKubernetes(toGatewaySpec(s))).toThrow(/objective chat \(observability\.objectives\[0\]\): route chat is an LLM route, served by Envoy AI Gateway's AIGatewayRoute/);
  });

  it('draws the six panels in a Grafana dashboard JSON', () => {
    const cm = of('ConfigMap')[0] as any;
    expect(cm.metadata.labels).toEqual({ grafana_dashboard: '1' });
    const dash = JSON.parse(cm.data['shop-prod.json']);
    expect(dash.panels.map((p: any) => p.title)).toEqual(['Requests', 'Errors by class', 'Latency p50 / p90 / p99 (ms)', 'Throttled (429)', 'Cache hit ratio', 'Top consumers']);
    expect(dash.panels[2].targets.map((t: any) => t.legendFormat)).toEqual(['p50', 'p90', 'p99']);
  });
});
