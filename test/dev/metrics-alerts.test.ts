/**
 * dev's /metrics answers the Kubernetes target's own queries: every series selector in the
 * PrometheusRule of the objectives and in the Grafana dashboard that the kubernetes compiler emits
 * for a stage matches series in `anygate dev`'s exposition for that stage, so the alerts can be
 * tried against dev before they are deployed.
 */
import { startDev, type DevServer } from '../../dev/server';
import { mockToken } from '../../dev/mock-idp';
import { toGatewaySpec } from '../../lib/model/normalize';
import { compileKubernetes } from '../../providers/kubernetes/compile';
import { observedSpec } from '../observability/fixture';
import { echoBackend, get, isolateDevHome, type EchoBackend } from './helpers';
import { parseExposition, type Sample } from './prometheus-text';

isolateDevHome();

interface Selector {
  readonly text: string;
  readonly metric: string;
  readonly matchers: { label: string; op: string; value: string }[];
}

const PROMQL_KEYWORDS = new Set(['sum', 'rate', 'by', 'and', 'or', 'unless', 'histogram_quantile', 'le', 'without', 'on', 'ignoring', 'topk', 'count_over_time', 'json']);

/** The instant-vector selectors of a PromQL expression: `metric{label op "value", ...}` or a bare metric name. */
export function selectors(expr: string): Selector[] {
  const out: Selector[] = [];
  const re = /([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\{([^}]*)\})?/g;
  // Names inside strings and the label lists of by (...) / without (...) are not metrics (blanked, offsets kept).
  const stripped = expr.replace(/"(?:[^"\\]|\\.)*"/g, (s) => s.replace(/[a-zA-Z_:]/g, 'x')).replace(/\b(by|without)\s*\([^)]*\)/g, (s) => ' '.repeat(s.length));
  for (const m of stripped.matchAll(re)) {
    const metric = m[1];
    if (PROMQL_KEYWORDS.has(metric) || /^\d/.test(metric) || !metric.startsWith('envoy_')) continue;
    const original = expr.slice(m.index!, m.index! + m[0].length);
    const body = /\{([^}]*)\}/.exec(original)?.[1] ?? '';
    const matchers = [...body.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g)].map((x) => ({ label: x[1], op: x[2], value: x[3].replace(/\\(.)/g, '$1') }));
    out.push({ text: original, metric, matchers });
  }
  return out;
}

/** PromQL's matcher semantics: regular expressions are fully anchored. */
function matches(s: Sample, sel: Selector): boolean {
  if (s.name !== sel.metric) return false;
  return sel.matchers.every(({ label, op, value }) => {
    const v = s.labels[label] ?? '';
    if (op === '=') return v === value;
    if (op === '!=') return v !== value;
    const re = new RegExp(`^(?:${value})$`);
    return op === '=~' ? re.test(v) : !re.test(v);
  });
}

describe("dev /metrics and the kubernetes target's alerts", () => {
  const spec = toGatewaySpec(observedSpec());
  let dev: DevServer;
  let backend: EchoBackend;
  let samples: Sample[];

  beforeAll(async () => {
    backend = await echoBackend();
    dev = await startDev({ spec, port: 0, clock: 'virtual', mockIdp: true, backends: { api: backend.url }, env: { ANYGATE_DEV_KEY_ACME: 'acme-key-0123456789' }, publishAdminToken: false });
    const token = `Bearer ${mockToken(spec, { authorizer: 'jwt', scopes: ['items:read'], nowMs: dev.clock.now() })}`;
    expect((await get(`${dev.url}/items/7`, { headers: { authorization: token } })).status).toBe(200);
    expect((await get(`${dev.url}/items`, { method: 'POST', headers: { 'x-api-key': 'acme-key-0123456789' }, body: '{}' })).status).toBe(502);
    expect((await get(`${dev.url}/health`)).status).toBe(200);
    samples = [...parseExposition((await get(`${dev.url}/metrics`)).text).values()].flatMap((f) => f.samples);
  });
  afterAll(async () => {
    await dev.close();
    await backend.close();
  });

  it("every selector of the stage's PrometheusRule and Grafana dashboard finds dev's series", () => {
    const stage = compileKubernetes(spec).stages.find((s) => s.stage === dev.stage)!;
    const rule = stage.objects.find((o) => o.kind === 'PrometheusRule')!;
    const exprs = (rule.spec as { groups: { rules: { expr: string }[] }[] }).groups.flatMap((g) => g.rules.map((r) => r.expr));
    const dashboard = stage.objects.find((o) => o.kind === 'ConfigMap')!;
    const panels = Object.values((dashboard as unknown as { data: Record<string, string> }).data).flatMap((json) => (JSON.parse(json) as { panels: { targets?: { expr: string }[] }[] }).panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)));
    const all = [...exprs, ...panels].flatMap(selectors);
    expect(new Set(all.map((s) => s.metric))).toEqual(new Set(['envoy_cluster_upstream_rq_xx', 'envoy_cluster_upstream_rq_total', 'envoy_cluster_ratelimit_over_limit', 'envoy_cluster_upstream_rq_time_bucket', 'envoy_http_local_rate_limit_rate_limited']));
    const missing = all.filter((sel) => !samples.some((s) => matches(s, sel))).map((s) => s.text);
    expect(missing).toEqual([]);
  });

  it('the selector reader finds what it should, and dev does not match a foreign cluster', () => {
    const sel = selectors('sum by (envoy_response_code_class) (rate(envoy_cluster_upstream_rq_xx{envoy_cluster_name=~"httproute/other/.*",envoy_response_code_class="5"}[5m])) / sum(rate(envoy_cluster_upstream_rq_total[5m]))');
    expect(sel.map((s) => [s.metric, s.matchers.length])).toEqual([
      ['envoy_cluster_upstream_rq_xx', 2],
      ['envoy_cluster_upstream_rq_total', 0],
    ]);
    expect(samples.some((s) => matches(s, sel[0]))).toBe(false);
    expect(samples.some((s) => matches(s, sel[1]))).toBe(true);
  });
});
