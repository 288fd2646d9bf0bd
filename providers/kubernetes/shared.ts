/**
 * Subtrees the compiler puts in many objects: the error contract's `responseOverride` rules, the
 * gateway's CORS block, each authorizer's block (three fifths of a 2,000-route gateway's manifest
 * lines). Each is deep-frozen, so it cannot change once the YAML writer (yaml.ts) has remembered
 * its text: a mapping value's text depends only on the value and its indentation level, so the
 * writer writes a shared subtree once per level and copies that text afterwards. Here rather than
 * in yaml.ts so that compiling does not load the YAML writers.
 */
import { deepFreeze } from '../../lib/model/text-memo';

/** Each shared subtree's text by indentation level, as the writer wrote it. Weak: a subtree goes with the last object holding it. */
export const sharedTexts = new WeakMap<object, string[]>();

/** Marks `v` as a subtree many objects hold: deep-frozen, and written once per indentation level. Returns `v`. */
export function sharedSubtree<T extends object>(v: T): T {
  deepFreeze(v);
  if (!sharedTexts.has(v)) sharedTexts.set(v, []);
  return v;
}
