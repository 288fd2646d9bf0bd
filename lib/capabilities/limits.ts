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
  /** Documentation parts per REST API (an import carrying more fails). */
  documentationPartsPerApi: 2000,
  resourcesPerApi: 300,
  cacheClusterSizesGb: ['0.5', '1.6', '6.1', '13.5', '28.4', '58.2', '118', '237'],
  stackResources: 500,
  templateBytes: 1_000_000,
  /**
   * Budget for per-method settings across all stages, in bytes of template: the rest of the
   * template (functions, roles, log groups: 30-60 KB; an inline body only when it fits) must fit
   * beside them under templateBytes.
   */
  methodSettingsBudgetBytes: 880_000,
  /** CloudFormation's limit on the processed template (after transforms), in bytes. */
  processedTemplateBytes: 1_000_000,
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
  /** A proxy bundle (zip) import. */
  bundleBytes: 15 * 1024 * 1024,
} as const;

export const KUBERNETES_LIMITS = {
  /** HTTPRoute path match value (Gateway API CRD maxLength), in characters. */
  pathValueChars: 1024,
  /** Global rate-limit rules in one BackendTrafficPolicy (Envoy Gateway CRD maxItems). */
  globalRateLimitRules: 256,
} as const;
