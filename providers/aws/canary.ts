/**
 * release.canary on API Gateway: the stage's CanarySetting. The shared backend's host is a stage
 * variable (integration.ts backendInStageVariable); the canary overrides it with the canary
 * backend's host for percentTraffic of the stage's requests, chosen per request by API Gateway.
 */
import type { GatewaySpec, HttpBackendSpec } from '../../lib/model/types';
import type { AwsCanaryPlan } from './plan';
import { backendStageVariable } from './plan';
import { hostPart } from './integration';

export function canarySetting(spec: GatewaySpec): AwsCanaryPlan | undefined {
  const c = spec.release?.canary;
  if (!c) return undefined;
  const canary = spec.backends[c.backend!] as HttpBackendSpec;
  return { percentTraffic: c.percent, stageVariableOverrides: { [backendStageVariable(c.of)]: hostPart(canary.url!).rest } };
}
