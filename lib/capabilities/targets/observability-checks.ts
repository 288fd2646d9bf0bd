/**
 * What a target's alerting or tracing cannot carry of `observability`, as located problems. An
 * objective's problems are the gateway's (`where: 'gateway'`, so the CLI places them at the spec's
 * `observability.objectives`), and each message starts with the objective's name and spec path.
 */
import type { SynthesisProblem } from '../../model/errors';
import type { ObjectiveSpec } from '../../model/objectives';
import type { GatewaySpec, RouteSpec } from '../../model/types';
import type { CheckContext } from '../types';

/** How an objective's problem begins: `objective items (observability.objectives[1])`. */
const named = (o: ObjectiveSpec, i: number) => `objective ${o.name} (observability.objectives[${i}])`;

/** The gateway's problem about objective i, placed at that objective (the CLI's file:line:column). */
const about = (ctx: CheckContext, i: number, message: string): SynthesisProblem => ({ ...ctx.problem('gateway', message), path: ['observability', 'objectives', i] });

/** The routes an objective covers: those it names, else every route. */
const covered = (spec: GatewaySpec, o: ObjectiveSpec): RouteSpec[] => (o.routes.length ? spec.routes.filter((r) => o.routes.includes(r.id)) : spec.routes);

const isMock = (spec: GatewaySpec, r: RouteSpec) => spec.backends[r.backend]?.type === 'mock';

/**
 * CloudWatch: a metric-math alarm reads at most 10 metrics; the 429 count comes from the access log;
 * per-route alarms read the Resource/Method dimensions, which API Gateway publishes only with
 * detailed metrics (the stage's MethodSettings MetricsEnabled, `observability.metrics`).
 */
export function awsObjectiveChecks(ctx: CheckContext): SynthesisProblem[] {
  const out: SynthesisProblem[] = [];
  const p = (o: ObjectiveSpec, i: number, m: string) => out.push(about(ctx, i, `${named(o, i)}: ${m}`));
  ctx.spec.observability.objectives.forEach((o, i) => {
    if (o.availability !== undefined && o.routes.length > 5) p(o, i, `availability over ${o.routes.length} routes needs ${o.routes.length * 2} metrics in one CloudWatch alarm, over its 10; cover at most 5 routes per objective, or the whole gateway`);
    if (o.throttledPercent !== undefined && o.routes.length) p(o, i, 'the 429 ratio is counted for the whole stage (API Gateway has no 429 metric; the access-log metric filter has no route); drop routes or throttledPercent');
    if (o.throttledPercent !== undefined && !ctx.spec.observability.accessLogs) p(o, i, 'the 429 ratio is counted from the access log (API Gateway has no 429 metric); set observability.accessLogs: true');
    if (o.routes.length && !ctx.spec.observability.metrics) p(o, i, `its alarms read route${o.routes.length === 1 ? '' : 's'} ${o.routes.join(', ')} by the Resource and Method dimensions, which API Gateway publishes only with detailed metrics, and observability.metrics is false (MetricsEnabled off): the alarms would never fire; set observability.metrics: true, or drop routes (the objective then covers the stage)`);
  });
  return out;
}

/**
 * Azure: the alert rules and the workbook read the access-log lines in Application Insights. The
 * trace policy that writes them runs in outbound and on-error; a mock answers with return-response
 * in inbound, which skips outbound, so a mock route has no line and an objective on mocks alone
 * reads nothing (its rules could never fire).
 */
export function azureAccessLogChecks(ctx: CheckContext): SynthesisProblem[] {
  const what = ctx.feature === 'observability.dashboards' ? 'the workbook reads' : 'the log alert rules read';
  if (!ctx.spec.observability.accessLogs) return [{ ...ctx.problem('gateway', `${what} the access log in Application Insights (API Management's metrics carry no ratio or percentile); set observability.accessLogs: true`), path: ['observability', 'accessLogs'] }];
  if (ctx.feature !== 'observability.objectives') return [];
  const out: SynthesisProblem[] = [];
  ctx.spec.observability.objectives.forEach((o, i) => {
    const mocks = o.routes.filter((id) => ctx.spec.routes.some((r) => r.id === id && isMock(ctx.spec, r)));
    if (mocks.length) out.push(about(ctx, i, `${named(o, i)}: route${mocks.length === 1 ? '' : 's'} ${mocks.join(', ')} ${mocks.length === 1 ? 'is a mock' : 'are mocks'}, answered with return-response in inbound, which skips the outbound trace that writes the access log: the rules would count none of ${mocks.length === 1 ? 'its' : 'their'} requests; drop ${mocks.length === 1 ? 'it' : 'them'} from routes`));
  });
  return out;
}

/** Apigee: Cloud Monitoring's Apigee metrics have no flow (route) label. */
export function apigeeObjectiveChecks(ctx: CheckContext): SynthesisProblem[] {
  const out: SynthesisProblem[] = [];
  ctx.spec.observability.objectives.forEach((o, i) => {
    if (o.routes.length) out.push(about(ctx, i, `${named(o, i)}: Apigee's Cloud Monitoring metrics (apigee.googleapis.com/proxy/*) have no route label, only the proxy's; drop routes (the objective then covers the whole gateway) or give this objective to another target`));
  });
  return out;
}

/**
 * Kubernetes: the PrometheusRule reads the route rules' upstream clusters
 * (httproute/<namespace>/<route>/rule/<n>). A mock is a direct response with no backendRefs, so no
 * cluster; the 429 ratio reads the rate-limit service's refusals per cluster, while a route
 * `rateLimit` is Envoy's local rate limit, counted per listener only
 * (envoy_http_local_rate_limit_rate_limited), so its refusals never reach the ratio. Objectives that
 * would read series that never exist, or miss the refusals of a limit they cover, are refused. A
 * route with no gateway limit is not: Envoy refuses none of its requests with 429, which the ratio
 * then rightly reads as 0 (a backend's own 429s are not counted: the records' differences).
 */
export function kubernetesObjectiveChecks(ctx: CheckContext): SynthesisProblem[] {
  const { spec } = ctx;
  const out: SynthesisProblem[] = [];
  spec.observability.objectives.forEach((o, i) => {
    const routes = covered(spec, o);
    const mocks = routes.filter((r) => isMock(spec, r)).map((r) => r.id);
    if (o.routes.length && mocks.length) {
      out.push(about(ctx, i, `${named(o, i)}: route${mocks.length === 1 ? '' : 's'} ${mocks.join(', ')} ${mocks.length === 1 ? 'is a mock' : 'are mocks'} (Envoy's direct response, no backend), so ${mocks.length === 1 ? 'it has' : 'they have'} no upstream cluster and the alerts would read series that never exist; drop ${mocks.length === 1 ? 'it' : 'them'} from routes`));
      return;
    }
    const llm = routes.filter((r) => spec.backends[r.backend]?.type === 'llm').map((r) => r.id);
    if (o.routes.length && llm.length) {
      out.push(about(ctx, i, `${named(o, i)}: route${llm.length === 1 ? '' : 's'} ${llm.join(', ')} ${llm.length === 1 ? 'is an LLM route' : 'are LLM routes'}, served by Envoy AI Gateway's AIGatewayRoute, whose generated route and clusters the alerts cannot name; drop ${llm.length === 1 ? 'it' : 'them'} from routes (a gateway-wide objective counts them)`));
      return;
    }
    if (!o.routes.length && routes.length && mocks.length === routes.length) {
      out.push(about(ctx, i, `${named(o, i)}: every route is a mock (Envoy's direct response, no backend): there is no upstream cluster for the alerts to read; drop the objective, or give it to another target`));
      return;
    }
    if (o.throttledPercent === undefined) return;
    const local = routes.filter((r) => r.rateLimit && !isMock(spec, r)).map((r) => r.id);
    if (local.length) {
      out.push(about(ctx, i, `${named(o, i)}: throttledPercent cannot see route${local.length === 1 ? '' : 's'} ${local.join(', ')}: a route rateLimit is Envoy's local rate limit, whose refusals are counted per listener (envoy_http_local_rate_limit_rate_limited), not per route; the 429 ratio reads the rate-limit service's (envoy_cluster_ratelimit_over_limit, plan limits). Drop throttledPercent, ${o.routes.length ? 'or those routes from routes' : 'or name in routes only routes without a rateLimit'}`));
    }
  });
  return out;
}

/**
 * Kubernetes: tracing is the EnvoyProxy's, and one Gateway (one EnvoyProxy) serves every stage's
 * namespace, so stages cannot differ in tracing.
 */
export function kubernetesTracingChecks(ctx: CheckContext): SynthesisProblem[] {
  const stages = Object.entries(ctx.spec.stages);
  const on = stages.filter(([, s]) => s.tracing).map(([n]) => n).sort();
  const off = stages.filter(([, s]) => !s.tracing).map(([n]) => n).sort();
  if (!on.length || !off.length) return [];
  return [{ ...ctx.problem('gateway', `stages ${on.join(', ')} trace and ${off.join(', ')} do not, but every stage is served by one Gateway whose EnvoyProxy holds the tracing settings: give every stage the same tracing (stages.<name>.tracing, default observability.tracing)`), path: ['stages', off[0], 'tracing'] }];
}
