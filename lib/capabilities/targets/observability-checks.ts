/** What a target's alerting cannot carry of `observability.objectives`, as located problems. */
import type { SynthesisProblem } from '../../model/errors';
import type { CheckContext } from '../types';

const where = (i: number) => `observability.objectives[${i}]`;

/** CloudWatch: a metric-math alarm reads at most 10 metrics; the 429 count comes from the access log. */
export function awsObjectiveChecks(ctx: CheckContext): SynthesisProblem[] {
  const out: SynthesisProblem[] = [];
  ctx.spec.observability.objectives.forEach((o, i) => {
    if (o.availability !== undefined && o.routes.length > 5) out.push(ctx.problem(where(i), `objective ${o.name}: availability over ${o.routes.length} routes needs ${o.routes.length * 2} metrics in one CloudWatch alarm, over its 10; cover at most 5 routes per objective, or the whole gateway`));
    if (o.throttledPercent !== undefined && o.routes.length) out.push(ctx.problem(where(i), `objective ${o.name}: the 429 ratio is counted for the whole stage (API Gateway has no 429 metric; the access-log metric filter has no route); drop routes or throttledPercent`));
    if (o.throttledPercent !== undefined && !ctx.spec.observability.accessLogs) out.push(ctx.problem(where(i), `objective ${o.name}: the 429 ratio is counted from the access log (API Gateway has no 429 metric); set observability.accessLogs: true`));
  });
  return out;
}

/** Azure: the alert rules and the workbook read the access-log lines in Application Insights. */
export function azureAccessLogChecks(ctx: CheckContext): SynthesisProblem[] {
  if (ctx.spec.observability.accessLogs) return [];
  const what = ctx.feature === 'observability.dashboards' ? 'the workbook reads' : 'the log alert rules read';
  return [ctx.problem('observability', `${what} the access log in Application Insights (API Management's metrics carry no ratio or percentile); set observability.accessLogs: true`)];
}

/** Apigee: Cloud Monitoring's Apigee metrics have no flow (route) label. */
export function apigeeObjectiveChecks(ctx: CheckContext): SynthesisProblem[] {
  const out: SynthesisProblem[] = [];
  ctx.spec.observability.objectives.forEach((o, i) => {
    if (o.routes.length) out.push(ctx.problem(where(i), `objective ${o.name}: Apigee's Cloud Monitoring metrics (apigee.googleapis.com/proxy/*) have no route label, only the proxy's; drop routes (the objective then covers the whole gateway) or give this objective to another target`));
  });
  return out;
}
