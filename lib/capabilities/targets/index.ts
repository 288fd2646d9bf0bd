import type { GatewaySpec } from '../../model/types';
/** The three target files, and how a tier's entry is chosen over the base column. */
import type { FeatureId } from '../features';
import type { Capability, Target, TargetCapability, TargetRecords, Tiers } from '../types';
import { DEFAULT_TIERS } from '../types';
import { APIGEE } from './apigee';
import { AWS } from './aws';
import { AZURE } from './azure';
import { KUBERNETES } from './kubernetes';

export const TARGET_RECORDS: Readonly<Record<Target, TargetRecords>> = { aws: AWS, azure: AZURE, apigee: APIGEE, kubernetes: KUBERNETES };

/** Tiers with defaults filled in (an explicit `undefined` also means the default). */
export function resolveTiers(tiers: Tiers = {}): Required<Tiers> {
  return {
    azureSku: tiers.azureSku ?? DEFAULT_TIERS.azureSku,
    apigeeEnvironmentType: tiers.apigeeEnvironmentType ?? DEFAULT_TIERS.apigeeEnvironmentType,
  };
}

/** The tier that selects overrides on `target`, if the target has tiers. */
export function tierOf(target: Target, tiers: Tiers = {}): string | undefined {
  const t = resolveTiers(tiers);
  if (target === 'azure') return t.azureSku;
  if (target === 'apigee') return t.apigeeEnvironmentType;
  return undefined;
}

/** The full record (with its checks) of `feature` on `target` at the given tier. */
export function targetCapability(target: Target, feature: FeatureId, tiers: Tiers = {}): TargetCapability {
  return recordAt(target, tierOf(target, tiers), feature);
}

/** The record of `feature` on `target` at `tier` (as tierOf gives it): the tier's override, else the base record. */
export function recordAt(target: Target, tier: string | undefined, feature: FeatureId): TargetCapability {
  const records = TARGET_RECORDS[target];
  return (tier !== undefined ? records.tiers[tier]?.[feature] : undefined) ?? records.base[feature];
}

/** What `target` (at the given tier) does with `feature`: support and note. */
export function capability(target: Target, feature: FeatureId, tiers: Tiers = {}, spec?: GatewaySpec): Capability {
  const { support, note, describe, differences } = targetCapability(target, feature, tiers);
  const more = spec && describe?.(spec);
  const applies = support === 'unsupported' ? [] : (differences ?? []).filter((d) => !d.when || (spec !== undefined && d.when(spec)));
  return { support, note: more ? `${note}; ${more}` : note, ...(applies.length ? { differences: applies.map(({ when: _, ...d }) => d) } : {}) };
}

/** Human name of a target at a tier, for messages: `azure (Consumption)`. */
export function targetLabel(target: Target, tiers: Tiers = {}): string {
  const tier = tierOf(target, tiers);
  return tier === undefined ? target : `${target} (${tier})`;
}
