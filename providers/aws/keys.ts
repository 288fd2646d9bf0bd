/**
 * Usage plans and API keys, one set per stage: a key issued for one stage does not open another,
 * and quotas are counted per stage (a usage plan spanning two stages would let a dev key call prod
 * and share its quota). With one stage, ids are the plan and consumer names, as before; with
 * several, `<name>-<stage>`. Key values come from Secrets Manager only: with several stages the
 * secret holds a JSON object with one key value per stage name (API Gateway requires distinct
 * values), read with a JSON-field dynamic reference.
 */
import type { GatewaySpec } from '../../lib/model/types';
import type { AwsApiKey, AwsUsagePlan } from './plan';

export function compileKeys(spec: GatewaySpec, stages: string[]): { usagePlans: Record<string, AwsUsagePlan>; apiKeys: Record<string, AwsApiKey> } {
  const id = (name: string, stage: string) => (stages.length === 1 ? name : `${name}-${stage}`);
  const usagePlans: Record<string, AwsUsagePlan> = {};
  const apiKeys: Record<string, AwsApiKey> = {};
  for (const stage of stages) {
    for (const [name, p] of Object.entries(spec.plans)) {
      usagePlans[id(name, stage)] = {
        plan: name,
        stage,
        ...(p.description ? { description: p.description } : {}),
        ...(p.quota ? { quota: { limit: p.quota.limit, period: p.quota.period.toUpperCase() as 'DAY' | 'WEEK' | 'MONTH' } } : {}),
        ...(p.rateLimit ? { throttle: { rateLimit: p.rateLimit.requestsPerSecond, burstLimit: p.rateLimit.burst } } : {}),
      };
    }
    for (const [name, c] of Object.entries(spec.consumers)) {
      // The record 'consumer.apiKey' has checked the reference is aws-secretsmanager:<name>.
      const secretName = c.apiKey?.secretRef.slice('aws-secretsmanager:'.length);
      apiKeys[id(name, stage)] = {
        consumer: name,
        stage,
        usagePlan: id(c.plan, stage),
        ...(c.description ? { description: c.description } : {}),
        ...(secretName ? { secretName, ...(stages.length > 1 ? { secretField: stage } : {}) } : {}),
      };
    }
  }
  return { usagePlans, apiKeys };
}
