/**
 * Custom domains on Apigee X: an environment group per stage holding the stage's host names,
 * attached to the stage's environment. Apigee routes a request to the environments of the group
 * whose host names include its Host; the TLS certificate is the load balancer's (outside the
 * plan), so the plan lists what that load balancer must serve (ApigeeDomainPlan.certificate).
 */
import type { GatewaySpec } from '../../lib/model/types';
import { argRef, resourceRef, type PlannedResource } from '../shared/resources';

export interface ApigeeDomainPlan {
  readonly stage: string;
  /** Environment group name. */
  readonly envGroup: string;
  readonly hostnames: string[];
  /** Per host, what the load balancer in front of Apigee serves (`google-managed` or a Certificate Manager certificate). */
  readonly certificates: Record<string, string>;
}

const T = { group: 'gcp:apigee/envGroup:EnvGroup', attach: 'gcp:apigee/envGroupAttachment:EnvGroupAttachment' } as const;

/** One environment group per stage with domains, for the stages the plan deploys. */
export function apigeeDomains(spec: GatewaySpec, proxyName: string, environments: Record<string, string>): ApigeeDomainPlan[] {
  const byStage = new Map<string, string[]>();
  for (const d of spec.domains ?? []) if (environments[d.stage]) byStage.set(d.stage, [...(byStage.get(d.stage) ?? []), d.name]);
  return [...byStage.keys()].sort().map((stage) => ({
    stage,
    envGroup: `${proxyName}-${stage}`.toLowerCase(),
    hostnames: byStage.get(stage)!.sort(),
    certificates: Object.fromEntries(spec.domains!.filter((d) => d.stage === stage).map((d) => [d.name, d.certificate.apigee!])),
  }));
}

/** The environment groups and their attachments, named by stage (adding a domain renames nothing). */
export function domainResources(domains: readonly ApigeeDomainPlan[], environments: Record<string, string>): PlannedResource[] {
  return domains.flatMap((d): PlannedResource[] => [
    { type: T.group, name: `envgroup-${d.stage}`, inputs: { orgId: argRef('orgPath'), name: d.envGroup, hostnames: d.hostnames }, dependsOn: [] },
    { type: T.attach, name: `envgroup-${d.stage}-attach`, inputs: { envgroupId: resourceRef(`envgroup-${d.stage}`, 'id'), environment: environments[d.stage] }, dependsOn: [`envgroup-${d.stage}`] },
  ]);
}
