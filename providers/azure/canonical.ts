/**
 * The plan's canonical form (lib/model/normalize.ts `canonical`: keys sorted, undefined dropped)
 * without copying what was built canonical. A 2,000-route plan holds thousands of operations and
 * resources; copying each of them once per stage was a sixth of the compile and much of its
 * garbage. Their builders (compile.ts operationBase, resources.ts apiWrites) write keys in sorted
 * order and mark the object with `built`; `canonicalPlan` returns a marked object as it is.
 * Marked objects are never changed once built, so the plans of two stages may share them.
 */
import { canonical } from '../../lib/model/normalize';

/** Objects whose keys (and every nested object's) are in sorted order, with no undefined value. */
const BUILT = new WeakSet<object>();

/** Marks `value` as built canonical (its keys written in sorted order, all the way down). */
export function built<T extends object>(value: T): T {
  BUILT.add(value);
  return value;
}

/** Whether `value` was marked by `built` (or made by `canonicalPlan`'s `canonical` step and marked). */
export function isBuilt(value: unknown): boolean {
  return typeof value === 'object' && value !== null && BUILT.has(value);
}

/** `canonical(value)`, sharing the objects marked `built` instead of copying them. */
export function canonicalPlan<T>(value: T): T {
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = canonicalPlan(value[i]);
    return out as T;
  }
  if (value && typeof value === 'object') {
    if (BUILT.has(value)) return value;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = canonicalPlan(v);
    }
    return out as T;
  }
  return value;
}

/** `canonical(value)`, marked: for a stage-free part built once and shared by every stage's plan. */
export function canonicalBuilt<T extends object>(value: T): T {
  return built(canonical(value));
}
