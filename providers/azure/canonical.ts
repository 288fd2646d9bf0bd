/**
 * The plan's canonical form (lib/model/normalize.ts `canonical`: keys sorted, undefined dropped)
 * without copying what is built canonical. A 2,000-route plan holds thousands of operations and
 * resources; copying each of them once per stage was a sixth of the compile and much of its
 * garbage. compile.ts `operation` builds each operation canonical (its stage-free base made
 * canonical once, then the policy put in its place), resources.ts builds each resource canonical;
 * `canonicalPlan` places those two lists and copies only the rest. Operations are never changed
 * once built, so the plans of two stages share them. test/azure/canonical.test.ts compares every
 * feature case's plan with its `canonical` copy, key order included.
 */
import { canonical } from '../../lib/model/normalize';
import type { PlannedResource } from '../shared/resources';
import type { ApimOperation, ApimPlan } from './plan';

/**
 * The plan with its keys sorted and undefined values dropped, as `canonical` makes it: `plan`'s
 * operations and `resources` must already be canonical (they are placed as they are).
 */
export function canonicalPlan(plan: Omit<ApimPlan, 'resources'>, resources: PlannedResource[]): ApimPlan {
  const out = canonical({ ...plan, operations: [], resources: [] }) as { operations: readonly ApimOperation[]; resources: PlannedResource[] };
  // Assigning an existing key keeps its place in the key order.
  out.operations = plan.operations;
  out.resources = resources;
  return out as unknown as ApimPlan;
}

/** `value` with its keys written in sorted order, for a part built in that order (the key sort `canonical` uses). */
export function insertSorted<T extends object>(value: T, key: string, v: unknown): T {
  const out: Record<string, unknown> = {};
  let placed = false;
  for (const k of Object.keys(value)) {
    if (!placed && k > key) {
      out[key] = v;
      placed = true;
    }
    out[k] = (value as Record<string, unknown>)[k];
  }
  if (!placed) out[key] = v;
  return out as T;
}
