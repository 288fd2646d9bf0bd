/**
 * The old table's public names, now backed by the capability records (features.ts and
 * targets/*.ts). Kept so existing imports keep working.
 */
export * from './types';
export { FEATURES, FEATURE_IDS, FEATURE_RECORDS, type Feature, type FeatureId } from './features';
export { capability, resolveTiers, targetCapability, targetLabel, TARGET_RECORDS } from './targets';
