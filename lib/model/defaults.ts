/**
 * The defaults normalization applies, read from the zod schema's metadata (`.meta({ default })`
 * on each field of schema.ts), so the published JSON Schema, docs/model.md and normalization
 * share one value. Inherited defaults (a route's backend from `defaults.backend`, a stage's log
 * level from `observability`) are normalization rules, described in each field's description.
 */
import { z } from 'zod';
import { ApiKeyAuthorizer, Cors, CustomAuthorizer, GatewaySchema, HttpBackend, JwtAuthorizer, MockBackend, Observability } from './schema';

/** The `default` recorded in a schema's metadata; throws when a field lost it (a bug). */
export function schemaDefault<T>(schema: z.ZodType): T {
  const meta = z.globalRegistry.get(schema) as { default?: unknown } | undefined;
  if (!meta || !('default' in meta)) throw new Error('schema field has no default in its metadata');
  return meta.default as T;
}

const top = GatewaySchema.shape;
const obs = Observability.shape;

export const MODEL_DEFAULTS = {
  version: schemaDefault<string>(top.version),
  basePath: schemaDefault<string>(top.basePath),
  timeoutMs: schemaDefault<number>(HttpBackend.shape.timeoutMs),
  stageName: Object.keys(schemaDefault<Record<string, unknown>>(top.stages))[0],
  jwtAlgorithms: schemaDefault<readonly string[]>(JwtAuthorizer.shape.algorithms),
  scopeClaim: schemaDefault<string>(JwtAuthorizer.shape.scopeClaim),
  authHeader: schemaDefault<string>(JwtAuthorizer.shape.header),
  clockSkewSeconds: schemaDefault<number>(JwtAuthorizer.shape.clockSkewSeconds),
  resultTtlSeconds: schemaDefault<number>(JwtAuthorizer.shape.resultTtlSeconds),
  customResultTtlSeconds: schemaDefault<number>(CustomAuthorizer.shape.resultTtlSeconds),
  customHeader: schemaDefault<string>(CustomAuthorizer.shape.header),
  apiKeyIn: schemaDefault<'header' | 'query'>(ApiKeyAuthorizer.shape.in),
  apiKeyName: schemaDefault<string>(ApiKeyAuthorizer.shape.name),
  mockStatusCode: schemaDefault<number>(MockBackend.shape.statusCode),
  corsAllowHeaders: schemaDefault<readonly string[]>(Cors.shape.allowHeaders),
  corsMaxAgeSeconds: schemaDefault<number>(Cors.shape.maxAgeSeconds),
  corsAllowCredentials: schemaDefault<boolean>(Cors.shape.allowCredentials),
  accessLogs: schemaDefault<boolean>(obs.accessLogs),
  logRetentionDays: schemaDefault<number>(obs.logRetentionDays),
  logLevel: schemaDefault<'off' | 'error' | 'info'>(obs.logLevel),
  tracing: schemaDefault<boolean>(obs.tracing),
  metrics: schemaDefault<boolean>(obs.metrics),
  errors: schemaDefault<'anygate' | 'native'>(top.errors),
} as const;
