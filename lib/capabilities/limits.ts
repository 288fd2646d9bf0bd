/**
 * Cloud-specific ranges and quotas. The model's own ranges are wide enough for every target;
 * these are the narrower ones each cloud enforces, checked by the portability report and by the
 * adapters.
 */
export const AWS_LIMITS = {
  cacheTtlSeconds: { min: 0, max: 3600 },
  integrationTimeoutMs: { min: 50, max: 29_000 },
  authorizerResultTtlSeconds: { min: 0, max: 3600 },
  /** Default quotas per REST API; raising them needs a quota request. */
  authorizersPerApi: 10,
  stagesPerApi: 10,
  resourcesPerApi: 300,
  cacheClusterSizesGb: ['0.5', '1.6', '6.1', '13.5', '28.4', '58.2', '118', '237'],
  stackResources: 500,
  templateBytes: 1_000_000,
  inlineTemplateBytes: 51_200,
  openApiImportBytes: 6 * 1024 * 1024,
  lambdaResourcePolicyBytes: 20 * 1024,
} as const;

export const AZURE_LIMITS = {
  /** rate-limit and rate-limit-by-key renewal-period upper bound. */
  rateLimitRenewalMaxSeconds: 300,
  /** quota and quota-by-key renewal-period lower bound. */
  quotaRenewalMinSeconds: 300,
  policyBytes: 256 * 1024,
  consumptionPolicyBytes: 16 * 1024,
} as const;

export const APIGEE_LIMITS = {
  bundleBytes: 15 * 1024 * 1024,
} as const;
