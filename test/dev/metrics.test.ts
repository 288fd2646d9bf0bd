/**
 * dev's Prometheus endpoint: the text format parses strictly, it carries Envoy's metric names and
 * labels as the kubernetes target alerts on them (lib/observability/metrics.ts), on the clusters
 * Envoy Gateway would give each route (providers/kubernetes/route-stats.ts), and it counts the
 * mix of requests as Envoy would.
 */
import { startDev } from '../../dev/server';
import { escapeLabelValue, exposition, MetricFamily } from '../../dev/metrics/exposition';
import { toGatewaySpec } from '../../lib/model';
import { ENVOY_GATEWAY_LOCAL_RATE_LIMIT_PREFIX, ENVOY_METRICS } from '../../lib/observability/metrics';
import { routeStats } from '../../providers/kubernetes/route-stats';
import { get, isolateDevHome } from './helpers';
import { MIX, observedDev, sendMix, type ObservedDev } from './observability-kit';
import { parseExposition, valueOf, type Family } from './prometheus-text';

isolateDevHome();

const M = ENVOY_METRICS;

describe('dev /metrics', () => {
  let o: ObservedDev;
  let text: string;
  let contentType: string | null;
  let families: Map<string, Family>;
  let cluster: (routeId: string) => Record<string, string>;
  const hcm = { envoy_http_conn_manager_prefix: 'http-10080' };

  beforeAll(async () => {
    o = await observedDev();
    await sendMix(o);
    const r = await get(`${o.dev.url}/__anygate/metrics`);
    text = r.text;
    contentType = r.headers.get('content-type');
    families = parseExposition(text);
    const stats = routeStats(o.spec, o.dev.stage);
    cluster = (id) => ({ envoy_cluster_name: stats.get(id)!.cluster });
  });
  afterAll(() => o.close());

  it('serves the text format, version 0.0.4', () => {
    expect(contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(text).toMatch(/^# HELP envoy_/);
  });

  it('has every Envoy metric the kubernetes target uses, with its type and exactly its labels', () => {
    for (const m of Object.values(M)) {
      const f = families.get(m.name);
      expect(f?.type).toBe(m.type);
      for (const s of f!.samples) expect(Object.keys(s.labels).filter((l) => l !== 'le').sort()).toEqual([...m.labels].sort());
    }
    expect([...families.keys()].sort()).toEqual(Object.values(M).map((m) => m.name).sort());
  });

  it('counts every request downstream, by class, with its latency', () => {
    expect(valueOf(families, M.downstreamRequests.name, hcm)).toBe(MIX.length);
    const byClass = (c: string) => valueOf(families, M.downstreamRequestsByClass.name, { ...hcm, envoy_response_code_class: c });
    expect([byClass('2'), byClass('4'), byClass('5')]).toEqual([4, 4, 1]);
    expect(valueOf(families, `${M.downstreamTime.name}_count`, hcm)).toBe(MIX.length);
    expect(valueOf(families, `${M.downstreamTime.name}_sum`, hcm)).toBeGreaterThan(0);
  });

  it('counts upstream only what reached a backend, on the route rule clusters Envoy Gateway names', () => {
    expect(cluster('listPets').envoy_cluster_name).toMatch(/^httproute\/obs-[a-z]+\/obs-pets-1\/rule\/0$/);
    // The cache fill reached the backend; the hit, the 401 and the 403 did not.
    expect(valueOf(families, M.upstreamRequests.name, cluster('listPets'))).toBe(1);
    expect(valueOf(families, M.upstreamRequests.name, cluster('createOrder'))).toBe(1);
    expect(valueOf(families, M.upstreamRequests.name, cluster('broken'))).toBe(1);
    expect(valueOf(families, M.upstreamRequestsByClass.name, { ...cluster('broken'), envoy_response_code_class: '5' })).toBe(1);
    expect(valueOf(families, M.upstreamRequestsByCode.name, { ...cluster('broken'), envoy_response_code: '502' })).toBe(1);
    expect(valueOf(families, M.upstreamRequestsByClass.name, { ...cluster('listPets'), envoy_response_code_class: '2' })).toBe(1);
    expect(valueOf(families, `${M.upstreamTime.name}_count`, cluster('createOrder'))).toBe(1);
    // A mock is a direct response in Envoy Gateway: no cluster.
    expect(valueOf(families, M.upstreamRequests.name, cluster('status'))).toBeUndefined();
  });

  it('counts the plan limit refusal on the global rate limit, none on the local one', () => {
    expect(valueOf(families, M.globalRateLimited.name, cluster('createOrder'))).toBe(1);
    expect(valueOf(families, M.localRateLimited.name, { envoy_local_http_ratelimit_prefix: ENVOY_GATEWAY_LOCAL_RATE_LIMIT_PREFIX })).toBe(0);
  });

  it('answers /metrics too, unless a route of the spec takes that path', async () => {
    const alias = await get(`${o.dev.url}/metrics`);
    expect(alias.status).toBe(200);
    expect(parseExposition(alias.text).has(M.downstreamRequests.name)).toBe(true);
    // Behind the admin guard like the other admin endpoints.
    expect((await get(`${o.dev.url}/__anygate/metrics`, { headers: { origin: 'https://attacker.example' } })).status).toBe(403);
    const spec = toGatewaySpec({ name: 'm', backends: { m: { type: 'mock', statusCode: 200, body: { mine: true } } }, defaults: { backend: 'm', auth: 'none' }, routes: [{ method: 'GET', path: '/metrics' }] });
    const dev = await startDev({ spec, port: 0, publishAdminToken: false });
    try {
      expect((await get(`${dev.url}/metrics`)).json()).toEqual({ mine: true });
      expect((await get(`${dev.url}/__anygate/metrics`)).status).toBe(200);
    } finally {
      await dev.close();
    }
  });
});

describe('the exposition writer', () => {
  it('escapes label values and help, and writes histograms the reader accepts', () => {
    const c = new MetricFamily('x_total', 'counter', 'a \\ help\nline', ['route']);
    const nasty = 'a"b\\c\nd} e="f';
    c.inc({ route: nasty }, 2);
    const h = new MetricFamily('x_time', 'histogram', 'time', ['route'], [1, 10]);
    h.observe({ route: 'r' }, 0.5);
    h.observe({ route: 'r' }, 5);
    h.observe({ route: 'r' }, 50);
    const text = exposition([c, h]);
    expect(text).toContain(`x_total{route="${escapeLabelValue(nasty)}"} 2`);
    expect(text).toContain('# HELP x_total a \\\\ help\\nline');
    const f = parseExposition(text);
    expect(valueOf(f, 'x_total', { route: nasty })).toBe(2);
    expect([1, 10, Infinity].map((le) => valueOf(f, 'x_time_bucket', { le: le === Infinity ? '+Inf' : String(le) }))).toEqual([1, 2, 3]);
    expect(valueOf(f, 'x_time_sum')).toBe(55.5);
    expect(() => c.inc({ route: 'r' }, -1)).toThrow(/only goes up/);
    expect(() => new MetricFamily('bad-name', 'counter', '', [])).toThrow(/not a Prometheus name/);
  });

  it('is checked by a reader that refuses broken expositions', () => {
    expect(() => parseExposition('# TYPE a counter\na 1\n# TYPE b counter\nb 1\na{x="1"} 2\n')).toThrow(/split/);
    expect(() => parseExposition('a{x="1} 1\n')).toThrow(/bad label/);
    expect(() => parseExposition('# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n')).toThrow(/cumulative/);
    expect(() => parseExposition('# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n')).toThrow(/\+Inf/);
    expect(() => parseExposition('a 1')).toThrow(/line feed/);
    expect(() => parseExposition('a one\n')).toThrow(/not a float/);
  });
});
