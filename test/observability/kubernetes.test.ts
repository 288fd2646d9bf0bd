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
    expect(of('PodMonitor')).toHaveLength(1);
    expect(of('PrometheusRule')).toHaveLength(1);
    expect(of('ConfigMap')).toHaveLength(1);
    // The checks can fail: a rule without expr, a sink of an unknown type.
    const rule = structuredClone(of('PrometheusRule')[0]);
    delete (rule.spec as any).groups[0].rules[0].expr;
    expect(k8sProblems(rule).join()).toMatch(/expr/);
    const monitor = structuredClone(of('PodMonitor')[0]);
    delete (monitor.spec as any).selector;
    expect(k8sProblems(monitor).join()).toMatch(/selector/);
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

  describe('what kube-prometheus-stack needs to load the objects', () => {
    const setup = (notes: string[]) => notes.filter((n) => n.endsWith('[kubernetes-observability-setup]'));
    const compiled = (kubernetes: Record<string, unknown>, edit: (s: Record<string, any>) => void = () => undefined) => {
      const s = observedSpec();
      edit(s);
      return compileKubernetes(toGatewaySpec({ ...s, kubernetes }));
    };
    const labelled = { createGateway: {}, monitoring: { labels: { release: 'kube-prometheus-stack', 'app.kubernetes.io/part-of': 'shop' }, dashboardsNamespace: 'monitoring' } };

    it('labels the PrometheusRule and the PodMonitor with kubernetes.monitoring.labels; the note asks for them while none are set', () => {
      const withLabels = compiled(labelled);
      const kinds = withLabels.stages[0].objects.filter((o) => o.kind === 'PrometheusRule' || o.kind === 'PodMonitor');
      expect(kinds.map((o) => o.kind).sort()).toEqual(['PodMonitor', 'PrometheusRule']);
      for (const o of kinds) expect(o.metadata.labels).toEqual({ release: 'kube-prometheus-stack', 'app.kubernetes.io/part-of': 'shop' });
      expect(withLabels.stages[0].objects.flatMap(k8sProblems)).toEqual([]);
      expect(setup(withLabels.notes).join('\n')).not.toMatch(/no labels/);
      // Unlabelled: Prometheus' default selectors skip both, and the note says so and what to set.
      expect(of('PrometheusRule')[0].metadata.labels).toBeUndefined();
      expect(of('PodMonitor')[0].metadata.labels).toBeUndefined();
      expect(setup(plan.notes)).toContain(
        "the PrometheusRule and PodMonitor have no labels, and Prometheus (Prometheus Operator) loads only the ones its ruleSelector and podMonitorSelector match, else no alert ever fires: kube-prometheus-stack's select release: <its Helm release name>, so set kubernetes.monitoring.labels, e.g. { release: kube-prometheus-stack } [kubernetes-observability-setup]",
      );
    });

    it('scrapes the proxy pods of the Gateway anygate creates, as Envoy Gateway v1.9 labels them, on their metrics port', () => {
      const [monitor] = of('PodMonitor');
      expect(monitor.metadata).toEqual({ name: 'shop-proxies', namespace: 'envoy-gateway-system' });
      expect(monitor.spec).toEqual({
        selector: { matchLabels: { 'app.kubernetes.io/component': 'proxy', 'app.kubernetes.io/managed-by': 'envoy-gateway', 'app.kubernetes.io/name': 'envoy', 'gateway.envoyproxy.io/owning-gateway-name': 'eg', 'gateway.envoyproxy.io/owning-gateway-namespace': 'envoy-gateway-system' } },
        namespaceSelector: { matchNames: ['envoy-gateway-system'] },
        podMetricsEndpoints: [{ port: 'metrics', path: '/stats/prometheus' }],
      });
      // The pod template of Envoy Gateway v1.9's proxy Deployment for Gateway default/default
      // (internal/infrastructure/kubernetes/proxy/testdata/deployments/default.yaml): the selector matches it.
      const podLabels = { 'app.kubernetes.io/component': 'proxy', 'app.kubernetes.io/managed-by': 'envoy-gateway', 'app.kubernetes.io/name': 'envoy', 'gateway.envoyproxy.io/owning-gateway-name': 'default', 'gateway.envoyproxy.io/owning-gateway-namespace': 'default' };
      const other = compiled({ createGateway: {}, gateway: { name: 'default', namespace: 'default' } }).stages[0].objects.find((o) => o.kind === 'PodMonitor')!;
      expect(Object.entries((other.spec as any).selector.matchLabels).every(([k, v]) => (podLabels as Record<string, string>)[k] === v)).toBe(true);
      // A Gateway outside Envoy Gateway's namespace: its proxies are in either (Gateway Namespace Mode puts them beside it).
      expect((other.spec as any).namespaceSelector).toEqual({ matchNames: ['default', 'envoy-gateway-system'] });
      expect(other.metadata.namespace).toBe('default');
      // Nothing reads the statistics: no PodMonitor, no note about labels.
      const logsOnly = compiled({ createGateway: {} }, (s) => (s.observability = { accessLogs: true }));
      expect(logsOnly.stages[0].objects.map((o) => o.kind)).not.toContain('PodMonitor');
      expect(setup(logsOnly.notes).join('\n')).not.toMatch(/PodMonitor|labels/);
      // Dashboards alone still need the statistics scraped.
      const dashboardsOnly = compiled({ createGateway: {} }, (s) => (s.observability = { dashboards: true }));
      expect(dashboardsOnly.stages[0].objects.map((o) => o.kind)).toContain('PodMonitor');
      expect(setup(dashboardsOnly.notes)).toContain("the PodMonitor has no labels, and Prometheus (Prometheus Operator) loads only the ones its podMonitorSelector matches: kube-prometheus-stack's select release: <its Helm release name>, so set kubernetes.monitoring.labels, e.g. { release: kube-prometheus-stack } [kubernetes-observability-setup]");
    });

    it('on a Gateway it does not create, emits no PodMonitor and says which pods, port and labels one must select', () => {
      const plan = compiled({ monitoring: { labels: { release: 'kps' } } });
      expect(plan.stages[0].objects.map((o) => o.kind)).not.toContain('PodMonitor');
      expect(setup(plan.notes)).toContain(
        "the alerts and dashboards read Envoy's Prometheus statistics, which nothing scrapes on a Gateway anygate does not create: add a PodMonitor (monitoring.coreos.com/v1) in Envoy Gateway's namespace (default envoy-gateway-system; where it runs the Gateway's proxy pods) with selector.matchLabels { gateway.envoyproxy.io/owning-gateway-name: eg, gateway.envoyproxy.io/owning-gateway-namespace: envoy-gateway-system } and podMetricsEndpoints [{ port: metrics, path: /stats/prometheus }] (container port 19001), labelled release: kps like the PrometheusRule [kubernetes-observability-setup]",
      );
      // Routes attached to a Gateway in their own namespace (no namespace in the compile options' parentRef).
      const own = compileKubernetes(toGatewaySpec({ ...observedSpec(), stages: { prod: {}, dev: {} } }), { gateway: { name: 'gw' } });
      expect(setup(own.notes).join('\n')).toMatch(/owning-gateway-name: gw, gateway\.envoyproxy\.io\/owning-gateway-namespace: the stage's namespace \(shop-dev, shop-prod\)/);
      // No labels: the note on the PrometheusRule alone.
      expect(setup(compiled({}).notes).join('\n')).toMatch(/the PrometheusRule has no labels, and Prometheus \(Prometheus Operator\) loads only the ones its ruleSelector matches, else no alert ever fires/);
    });

    it("puts every stage's dashboard in kubernetes.monitoring.dashboardsNamespace, named by stage; else the note says where they are and what to set", () => {
      const plan = compiled(labelled, (s) => (s.stages = { prod: {}, dev: {} }));
      const maps = plan.stages.flatMap((st) => st.objects.filter((o) => o.kind === 'ConfigMap')).map((o) => o.metadata);
      expect(maps.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
        { name: 'shop-dev-dashboard', namespace: 'monitoring', labels: { grafana_dashboard: '1' } },
        { name: 'shop-prod-dashboard', namespace: 'monitoring', labels: { grafana_dashboard: '1' } },
      ]);
      expect(setup(plan.notes)).toContain("the dashboards are ConfigMaps labelled grafana_dashboard in namespace monitoring (kubernetes.monitoring.dashboardsNamespace): Grafana's dashboard sidecar loads them when that is Grafana's namespace or one its sidecar.dashboards.searchNamespace names [kubernetes-observability-setup]");
      expect(setup(compiled({}, (s) => (s.stages = { prod: {}, dev: {} })).notes)).toContain(
        "the dashboards are ConfigMaps labelled grafana_dashboard in the stage namespaces shop-dev, shop-prod, and Grafana's dashboard sidecar watches only Grafana's namespace by default: set kubernetes.monitoring.dashboardsNamespace to Grafana's namespace, or its sidecar.dashboards.searchNamespace to ALL [kubernetes-observability-setup]",
      );
    });

    it('refuses labels and namespaces Kubernetes would not take, naming the spec path', () => {
      const refusal = (monitoring: Record<string, unknown>) => {
        try {
          toGatewaySpec({ ...observedSpec(), kubernetes: { monitoring } });
        } catch (e) {
          return (e as Error).message;
        }
        return undefined;
      };
      expect(refusal({ labels: { 'Release!': 'x' } })).toMatch(/kubernetes\.monitoring\.labels\["Release!"\]: key "Release!": must be a Kubernetes label key/);
      expect(refusal({ labels: { 'Example.com/release': 'x' } })).toMatch(/must be a Kubernetes label key/);
      expect(refusal({ labels: { ['a'.repeat(64)]: 'x' } })).toMatch(/must be a Kubernetes label key/);
      expect(refusal({ labels: { release: 'x'.repeat(64) } })).toMatch(/kubernetes\.monitoring\.labels\.release: .*63/);
      expect(refusal({ labels: { release: '-x' } })).toMatch(/kubernetes\.monitoring\.labels\.release: must be a Kubernetes label value/);
      expect(refusal({ dashboardsNamespace: 'Monitoring' })).toMatch(/kubernetes\.monitoring\.dashboardsNamespace: must be a Kubernetes namespace name/);
      expect(refusal({ labels: { 'app.kubernetes.io/part-of': 'shop', release: '', 'a_b.c-D': 'Z.9' }, dashboardsNamespace: 'monitoring' })).toBeUndefined();
    });
  });
});
