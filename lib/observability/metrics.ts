/**
 * The Prometheus metric names the Kubernetes target alerts on and graphs (PrometheusRule, Grafana
 * dashboard), and that `anygate dev` exposes at /metrics so the same queries run against both.
 * They are Envoy's own statistics as its Prometheus endpoint (/stats/prometheus) names them after
 * tag extraction: `cluster.<name>.upstream_rq_5xx` becomes
 * `envoy_cluster_upstream_rq_xx{envoy_cluster_name="<name>",envoy_response_code_class="5"}`.
 * Envoy Gateway names a route rule's cluster `httproute/<namespace>/<route>/rule/<index>`.
 */

export type PromMetricType = 'counter' | 'histogram' | 'gauge';

export interface EnvoyMetric {
  /** The Prometheus name (a histogram's series add _bucket, _sum and _count). */
  readonly name: string;
  readonly type: PromMetricType;
  /** Label names besides `le` on histogram buckets. */
  readonly labels: readonly string[];
  readonly help: string;
}

/** Label of the upstream cluster (one per HTTPRoute rule under Envoy Gateway). */
export const CLUSTER_LABEL = 'envoy_cluster_name';
/** Label of the response class: "1" to "5". */
export const CODE_CLASS_LABEL = 'envoy_response_code_class';
/** Label of the exact response code ("429"). */
export const CODE_LABEL = 'envoy_response_code';
/** Label of the HTTP connection manager (the listener) on downstream statistics. */
export const HCM_LABEL = 'envoy_http_conn_manager_prefix';
/** Label of the local rate limit filter's stat prefix on its statistics. */
export const LOCAL_RATE_LIMIT_LABEL = 'envoy_local_http_ratelimit_prefix';

/** Envoy histograms are in milliseconds; these are its default bucket bounds. */
export const ENVOY_HISTOGRAM_BUCKETS_MS: readonly number[] = [0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000];

const m = (name: string, type: PromMetricType, labels: string[], help: string): EnvoyMetric => ({ name, type, labels, help });

/** The metrics, by role. */
export const ENVOY_METRICS = {
  /** Requests a route rule sent upstream (or answered in the router: timeouts, no healthy upstream). */
  upstreamRequests: m('envoy_cluster_upstream_rq_total', 'counter', [CLUSTER_LABEL], 'Total upstream requests of the cluster.'),
  /** The same, by response class: errors by class, availability (class 5). */
  upstreamRequestsByClass: m('envoy_cluster_upstream_rq_xx', 'counter', [CLUSTER_LABEL, CODE_CLASS_LABEL], 'Upstream responses of the cluster by response code class.'),
  /** The same, by exact response code. */
  upstreamRequestsByCode: m('envoy_cluster_upstream_rq', 'counter', [CLUSTER_LABEL, CODE_LABEL], 'Upstream responses of the cluster by response code.'),
  /** Upstream request time, first byte sent to last byte received (ms). */
  upstreamTime: m('envoy_cluster_upstream_rq_time', 'histogram', [CLUSTER_LABEL], 'Upstream request time in milliseconds.'),
  /** Requests the global rate-limit service refused (429s from plans, quotas, per-consumer limits), charged to the route's cluster. */
  globalRateLimited: m('envoy_cluster_ratelimit_over_limit', 'counter', [CLUSTER_LABEL], 'Requests the rate-limit service refused.'),
  /** Requests the local rate limit refused (route rate limits). */
  localRateLimited: m('envoy_http_local_rate_limit_rate_limited', 'counter', [LOCAL_RATE_LIMIT_LABEL], 'Requests the local rate limit refused.'),
  /** Every request on the listener, gateway-answered ones (401, 403, 429) included. */
  downstreamRequests: m('envoy_http_downstream_rq_total', 'counter', [HCM_LABEL], 'Total downstream requests of the listener.'),
  /** The same, by response class. */
  downstreamRequestsByClass: m('envoy_http_downstream_rq_xx', 'counter', [HCM_LABEL, CODE_CLASS_LABEL], 'Downstream responses of the listener by response code class.'),
  /** Total request time on the listener (ms). */
  downstreamTime: m('envoy_http_downstream_rq_time', 'histogram', [HCM_LABEL], 'Downstream request time in milliseconds.'),
} as const satisfies Record<string, EnvoyMetric>;

/** Envoy Gateway's stat prefix of the local rate limit filter. */
export const ENVOY_GATEWAY_LOCAL_RATE_LIMIT_PREFIX = 'http_local_rate_limiter';

/** Envoy Gateway's cluster name of an HTTPRoute rule (`irRouteDestinationName`). */
export function envoyClusterName(namespace: string, httpRoute: string, ruleIndex: number): string {
  return `httproute/${namespace}/${httpRoute}/rule/${ruleIndex}`;
}

/** Envoy Gateway's route name of an HTTPRoute rule's match (`irRouteName`), what %ROUTE_NAME% logs. */
export function envoyRouteName(namespace: string, httpRoute: string, ruleIndex: number, matchIndex = 0): string {
  return `${envoyClusterName(namespace, httpRoute, ruleIndex)}/match/${matchIndex}`;
}
