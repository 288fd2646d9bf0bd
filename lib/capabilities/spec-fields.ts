/**
 * The spec field a refusal names when its FeatureId is not one: FeatureIds are keys (records,
 * reports, goldens) and stay as they are; people read the field they wrote. One place, read by
 * formatProblem (the printed line) and the CLI's locator (file:line:col of a gateway-level field).
 */
import type { FeatureId } from './features';

/** FeatureId -> the spec's field path (dot-separated, from the document root). */
export const FEATURE_SPEC_FIELDS: Readonly<Partial<Record<FeatureId, string>>> = {
  'release.canary.sticky': 'release.canary.stickiness',
  'versions.path': 'versions.scheme',
  'versions.header': 'versions.scheme',
  'versions.query': 'versions.scheme',
  'errors.contract': 'errors',
  'errors.native': 'errors',
};

/** The spec field path `feature` maps to, when it maps to one other than its id. */
export function mappedSpecField(feature: string): string | undefined {
  return (FEATURE_SPEC_FIELDS as Record<string, string | undefined>)[feature];
}

/** The name a refusal prints for `feature`: its spec field where that differs, else the id. */
export function specFieldOf(feature: string): string {
  return mappedSpecField(feature) ?? feature;
}
