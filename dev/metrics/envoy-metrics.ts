/**
 * dev's Prometheus metrics (`GET /__anygate/metrics`, and `/metrics` when no route takes it):
 * Envoy's own statistics, with the names and labels the kubernetes target's PrometheusRule and
 * Grafana dashboard query (lib/observability/metrics.ts), counted from dev's requests as Envoy
 * Gateway would count them. So an alert's expression can be tried against `anygate dev` first.
 *
 * What Envoy counts where, and so dev:
 * - downstream (`envoy_http_downstream_rq_*`, per listener): every request, the gateway's own
 *   401/403/429 answers included;
 * - upstream (`envoy_cluster_upstream_rq_*`, per route rule's cluster): only requests that reached
 *   an HTTP or function backend; the router's own 502/503/504 count there too. Mocks (a direct
 *   response in Envoy Gateway) and cache hits reach no cluster;
 * - `envoy_cluster_ratelimit_over_limit`: refusals by the global rate-limit service (plan rate
 *   limits and quotas), on the route's cluster; `envoy_http_local_rate_limit_rate_limited`:
 *   refusals by the local rate limit (route limits; dev's stage throttle, refused on kubernetes,
 *   is counted here too).
 */
import { ENVOY_GATEWAY_LOCAL_RATE_LIMIT_PREFIX, ENVOY_HISTOGRAM_BUCKETS_MS, ENVOY_METRICS, type EnvoyMetric } from '../../lib/observability/metrics';
import type { GatewaySpec } from '../../lib/model/types';
import { kubernetesSettings } from '../../providers/kubernetes/gateway';
import { routeStats } from '../../providers/kubernetes/route-stats';
import type { AccessRecord } from '../access-log';
import { exposition, MetricFamily, type SeriesHandle } from './exposition';
import { genAiTokenUsage } from './gen-ai';
import type { AnsweredUsage } from '../token-limits';

/** Status code classes as label values. */
const CODE_CLASS = ['0', '1', '2', '3', '4', '5'];

/** The value of `key` in `map`, made by `make` the first time. */
function once<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) map.set(key, (v = make()));
  return v;
}

/**
 * Envoy Gateway's stat prefix of a listener's HTTP connection manager: `http-<port>` (`https-` with
 * TLS), the port being the container port, which adds 10000 to a privileged one (80 -> 10080).
 */
export function listenerStatPrefix(spec: GatewaySpec): string {
  let first: { protocol: string; port: number } | undefined;
  try {
    first = kubernetesSettings(spec, {}).create?.listeners[0];
  } catch {
    first = undefined;
  }
  const l = first ?? { protocol: 'HTTP', port: 80 };
  return `${l.protocol === 'HTTPS' ? 'https' : 'http'}-${l.port < 1024 ? l.port + 10000 : l.port}`;
}

/** Each route's cluster name in the stage (Envoy Gateway's `httproute/<ns>/<route>/rule/<i>`). */
export function routeClusters(spec: GatewaySpec, stage: string): Map<string, string> {
  try {
    return new Map([...routeStats(spec, stage)].map(([id, s]) => [id, s.cluster]));
  } catch {
    // A kubernetes block the target would refuse: dev on another profile still counts, by route id.
    return new Map(spec.routes.map((r) => [r.id, r.id]));
  }
}

const family = (m: EnvoyMetric) => new MetricFamily(m.name, m.type === 'histogram' ? 'histogram' : 'counter', m.help, m.labels, m.type === 'histogram' ? ENVOY_HISTOGRAM_BUCKETS_MS : []);

export class DevMetrics {
  private readonly f = Object.fromEntries(Object.entries(ENVOY_METRICS).map(([k, m]) => [k, family(m)])) as Record<keyof typeof ENVOY_METRICS, MetricFamily>;
  /** LLM token use (gen-ai.ts), after Envoy's families: with an LLM backend only. */
  private readonly tokenUsage?: MetricFamily;
  private readonly clusters: Map<string, string>;
  private readonly hcm: Record<string, string>;

  constructor(spec: GatewaySpec, stage: string) {
    const M = ENVOY_METRICS;
    this.clusters = routeClusters(spec, stage);
    if (Object.values(spec.backends).some((b) => b.type === 'llm')) this.tokenUsage = genAiTokenUsage();
    this.hcm = { [M.downstreamRequests.labels[0]]: listenerStatPrefix(spec) };
    // Series at zero from the start, so the alerts' ratios read 0 rather than nothing before the
    // first request, error or refusal: the totals Envoy has from its start, and the 5xx class and
    // the global rate limit's refusals (Envoy makes those on first use) that the PrometheusRule divides.
    this.f.downstreamRequests.touch(this.hcm);
    this.f.localRateLimited.touch({ [M.localRateLimited.labels[0]]: ENVOY_GATEWAY_LOCAL_RATE_LIMIT_PREFIX });
    const planLimits = Object.values(spec.plans).some((p) => p.rateLimit || p.quota);
    for (const r of spec.routes) {
      if (spec.backends[r.backend].type !== 'mock') {
        this.f.upstreamRequests.touch(this.cluster(r.id));
        this.f.upstreamRequestsByClass.touch({ ...this.cluster(r.id), [M.upstreamRequestsByClass.labels[1]]: '5' });
      }
      const keyed = r.auth !== 'none' && r.auth.some((alt) => alt.some((n) => spec.authorizers[n].type === 'apiKey'));
      if (planLimits && keyed) this.f.globalRateLimited.touch(this.cluster(r.id));
    }
  }

  private cluster(routeId: string): Record<string, string> {
    return { [ENVOY_METRICS.upstreamRequests.labels[0]]: this.clusters.get(routeId) ?? routeId };
  }

  /** Counts one request. */
  record(r: AccessRecord): void {
    const M = ENVOY_METRICS;
    const codeClass = CODE_CLASS[Math.floor(r.status / 100)] ?? String(Math.floor(r.status / 100));
    const d = (this.downstream ??= { total: this.f.downstreamRequests.bind(this.hcm), time: this.f.downstreamTime.bind(this.hcm), byClass: new Map() });
    d.total.inc();
    // The series in hand first: the function making one is made only when it is missing.
    (d.byClass.get(codeClass) ?? once(d.byClass, codeClass, () => this.f.downstreamRequestsByClass.bind({ ...this.hcm, [M.downstreamRequestsByClass.labels[1]]: codeClass }))).inc();
    d.time.observe(r.latencyMs);
    if (r.routeId !== null && r.backendLatencyMs !== null) {
      const c = this.upstream(r.routeId);
      (c.total ??= this.f.upstreamRequests.bind(c.labels)).inc();
      (c.byClass.get(codeClass) ?? once(c.byClass, codeClass, () => this.f.upstreamRequestsByClass.bind({ ...c.labels, [M.upstreamRequestsByClass.labels[1]]: codeClass }))).inc();
      (c.byCode.get(r.status) ?? once(c.byCode, r.status, () => this.f.upstreamRequestsByCode.bind({ ...c.labels, [M.upstreamRequestsByCode.labels[1]]: String(r.status) }))).inc();
      (c.time ??= this.f.upstreamTime.bind(c.labels)).observe(r.backendLatencyMs);
    }
    if (r.limitScope === 'plan' && r.routeId !== null) this.f.globalRateLimited.inc(this.cluster(r.routeId));
    else if (r.limitScope) this.f.localRateLimited.inc({ [M.localRateLimited.labels[0]]: ENVOY_GATEWAY_LOCAL_RATE_LIMIT_PREFIX });
  }

  /** The series every request counts, made on the first (the labels are the same each time). */
  private downstream?: { readonly total: SeriesHandle; readonly time: SeriesHandle; readonly byClass: Map<string, SeriesHandle> };
  /** Per route (by id): its cluster's labels and the series its backend calls count, each made on first use. */
  private readonly upstreams = new Map<string, { readonly labels: Record<string, string>; total?: SeriesHandle; time?: SeriesHandle; readonly byClass: Map<string, SeriesHandle>; readonly byCode: Map<number, SeriesHandle> }>();

  private upstream(routeId: string) {
    let u = this.upstreams.get(routeId);
    if (!u) this.upstreams.set(routeId, (u = { labels: this.cluster(routeId), byClass: new Map(), byCode: new Map() }));
    return u;
  }

  /** Records an answered LLM call's tokens: one observation per token type. */
  llmTokens(labels: { operation: string; provider: string; model: string; route: string; consumer: string }, used: AnsweredUsage): void {
    const base = { gen_ai_operation_name: labels.operation, gen_ai_provider_name: labels.provider, gen_ai_request_model: labels.model, route: labels.route, consumer: labels.consumer };
    this.tokenUsage?.observe({ ...base, gen_ai_token_type: 'input' }, used.input);
    this.tokenUsage?.observe({ ...base, gen_ai_token_type: 'output' }, used.output);
  }

  /** The text exposition. */
  text(): string {
    return exposition(this.tokenUsage ? [...Object.values(this.f), this.tokenUsage] : Object.values(this.f));
  }
}
