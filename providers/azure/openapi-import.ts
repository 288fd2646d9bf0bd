/** placeholder */
import type { ApimOperation, ApimPlan } from './plan';
export function importCandidates(plan: ApimPlan): { importable: ApimOperation[]; separate: ApimOperation[] } {
  const separate = plan.operations.filter((o) => o.method === '*' || o.urlTemplate.includes('{*'));
  return { importable: plan.operations.filter((o) => !separate.includes(o)), separate };
}
