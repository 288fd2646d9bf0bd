/**
 * Where each route's statistics land in Envoy under Envoy Gateway: the cluster of its HTTPRoute
 * rule (envoy_cluster_name) and the route name its access-log lines carry (%ROUTE_NAME%). The
 * PrometheusRule, the Grafana dashboard and `anygate dev`'s /metrics read them from here.
 */
import type { GatewaySpec } from '../../lib/model/types';
import { envoyClusterName, envoyRouteName } from '../../lib/observability/metrics';
import { kubernetesSettings } from './gateway';
import type { KubernetesCompileOptions } from './plan';
import { splitRoutes } from './rules';

export interface RouteStats {
  readonly namespace: string;
  /** The HTTPRoute holding the route's rule. */
  readonly httpRoute: string;
  readonly ruleIndex: number;
  /** envoy_cluster_name of the rule. */
  readonly cluster: string;
  /** %ROUTE_NAME% of the rule's first match. */
  readonly routeName: string;
}

/** Per route id, its statistics' names in one stage (routes on an HTTPRoute: not LLM routes). */
export function routeStats(spec: GatewaySpec, stage: string, options: KubernetesCompileOptions = {}): Map<string, RouteStats> {
  const namespace = kubernetesSettings(spec, options).namespaceOf(stage);
  const out = new Map<string, RouteStats>();
  // LLM routes go through the AI Gateway's own route (llm.ts), not the HTTPRoutes: the rules are
  // split as compile splits them, without those, or every later rule's index is off.
  for (const chunk of splitRoutes(spec.name, spec.routes.filter((r) => spec.backends[r.backend]?.type !== 'llm'))) {
    chunk.routes.forEach((r, i) => out.set(r.id, { namespace, httpRoute: chunk.name, ruleIndex: i, cluster: envoyClusterName(namespace, chunk.name, i), routeName: envoyRouteName(namespace, chunk.name, i) }));
  }
  return out;
}

/** A PromQL regular expression matching every cluster of the stage's HTTPRoutes (`httproute/<namespace>/.*`). */
export function stageClusterPattern(namespace: string): string {
  return `httproute/${namespace}/.*`;
}
