/**
 * Warnings synth adds to a target's own: what the component that deploys the plan needs and the
 * plan cannot say. Shared by synth and by the compilers the portability report and `validate
 * --target` run (compilers.ts), so every command prints the same warnings.
 */
import { targetWarning } from '../../lib/capabilities/warnings';
import type { GatewaySpec } from '../../lib/model/types';
import type { ApimPlan } from '../../providers/azure/plan';

/** AzureApimGateway collects access logs, traces and alert data only through Application Insights. */
export function azureComponentWarnings(spec: GatewaySpec, plan: Pick<ApimPlan, 'diagnostics' | 'alerts' | 'dashboard'>): string[] {
  const out: string[] = [];
  if (plan.diagnostics) {
    const logs = spec.observability.accessLogs;
    // From the spec, not the stage: one text for every stage the component deploys.
    const traces = Object.values(spec.stages).some((st) => st.tracing);
    const on = [logs ? 'access logs are on (observability.accessLogs, true by default)' : '', traces ? "tracing is on (a stage's tracing: true)" : ''].filter(Boolean).join(' and ');
    const off = [logs ? 'observability.accessLogs: false' : '', traces ? "the stages' tracing: false" : ''].filter(Boolean).join(' and ');
    out.push(targetWarning('azure-access-logs-application-insights', `${on}: pass applicationInsights to AzureApimGateway, or API Management will not collect them; to go without, set ${off}`));
  }
  if (plan.alerts?.length || plan.dashboard) out.push(targetWarning('azure-alerts-application-insights', 'observability objectives and dashboards read the access log in Application Insights: pass applicationInsights: { instrumentationKey, resourceId, location } to AzureApimGateway'));
  return out;
}
