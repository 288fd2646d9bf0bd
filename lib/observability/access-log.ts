/**
 * The one access-log schema: the JSON fields every target writes for each request (AWS access log
 * format, APIM diagnostics to Application Insights, Apigee MessageLogging to Cloud Logging, Envoy's
 * access log) and `anygate dev` prints. This table is the source of schema/access-log.schema.json
 * (test/observability/access-log-schema.test.ts holds them equal) and of docs/observability.md.
 * Where a target cannot fill a field, its capability record's `differences` name it.
 */

export type AccessLogFieldType = 'string' | 'integer' | 'number' | 'boolean';

export interface AccessLogField {
  /** The JSON property name, the same on every target. */
  readonly name: string;
  readonly type: AccessLogFieldType;
  /** Present on every line of every target (it may still be null when `nullable`). */
  readonly required: boolean;
  /** null is allowed: the value does not apply to this request (no route matched, no consumer...). */
  readonly nullable: boolean;
  /** Closed set of values, when the field has one. */
  readonly values?: readonly string[];
  /** JSON Schema `format` (date-time, ip). */
  readonly format?: string;
  readonly description: string;
}

/** Who decided the request's authentication and authorization, and how. */
export const AUTH_OUTCOMES = ['none', 'allowed', 'unauthenticated', 'forbidden'] as const;
/** What the gateway's rate limits and quotas decided. */
export const RATE_LIMIT_OUTCOMES = ['none', 'allowed', 'throttled', 'quotaExceeded'] as const;
/** The targets that write the schema (dev is `anygate dev`). */
export const LOG_SOURCES = ['aws', 'azure', 'apigee', 'kubernetes', 'dev'] as const;

const f = (name: string, type: AccessLogFieldType, required: boolean, nullable: boolean, description: string, extra: Partial<AccessLogField> = {}): AccessLogField => ({ name, type, required, nullable, description, ...extra });

/** Every field, in the order lines are written. */
export const ACCESS_LOG_FIELDS: readonly AccessLogField[] = [
  f('time', 'string', true, false, 'When the gateway received the request, RFC 3339 in UTC.', { format: 'date-time' }),
  f('requestId', 'string', true, false, "The gateway's id of this request (the id it returns to the client and passes to the backend)."),
  f('target', 'string', true, false, 'Which platform wrote the line.', { values: LOG_SOURCES }),
  f('gateway', 'string', false, true, 'The spec\'s gateway name.'),
  f('stage', 'string', false, true, 'The stage that served the request.'),
  f('routeId', 'string', true, true, "The matched route's id (the spec's route id, or the target's name for the route where it cannot carry the id); null when no route matched."),
  f('method', 'string', true, false, 'The request method as received.'),
  f('path', 'string', true, false, 'The request path as received, without the query string.'),
  f('pathTemplate', 'string', false, true, "The matched route's path template (`/pets/{id}`); null when no route matched."),
  f('status', 'integer', true, false, 'The status code sent to the client.'),
  f('latencyMs', 'number', true, false, 'Total time in the gateway, first request byte to last response byte, in milliseconds.'),
  f('backendLatencyMs', 'number', false, true, 'Time waiting for the backend, in milliseconds; null when no backend was called (refused, mock, cache hit).'),
  f('consumer', 'string', false, true, 'The identified caller: the API-key holder (consumer name) or the token subject; null when anonymous.'),
  f('plan', 'string', false, true, "The caller's plan (consumer tier); null when none."),
  f('authOutcome', 'string', false, true, 'What authentication and authorization decided: none (the route needs none), allowed, unauthenticated (401), forbidden (403).', { values: AUTH_OUTCOMES }),
  f('authReason', 'string', false, true, 'Why the request was refused (missing credential, bad signature, expired, missing scope, unknown key...); null when it was not.'),
  f('cacheHit', 'boolean', false, true, 'True when the response came from the gateway cache; null when the route has no cache.'),
  f('rateLimit', 'string', false, true, 'What rate limits and quotas decided: none (none applies), allowed, throttled (rate), quotaExceeded.', { values: RATE_LIMIT_OUTCOMES }),
  f('clientIp', 'string', true, false, 'The client address the gateway saw (the TCP peer, or the address a trusted proxy appended to X-Forwarded-For).'),
  f('userAgent', 'string', false, true, 'The User-Agent request header.'),
  f('bytesIn', 'integer', false, true, 'Request body bytes received.'),
  f('bytesOut', 'integer', false, true, 'Response body bytes sent.'),
  f('traceId', 'string', false, true, 'The W3C trace id (32 hex digits) when tracing is on, or the platform\'s trace id.'),
];

/** The field names, in order. */
export const ACCESS_LOG_FIELD_NAMES: readonly string[] = ACCESS_LOG_FIELDS.map((x) => x.name);

export const ACCESS_LOG_SCHEMA_ID = 'https://anygate.dev/schema/access-log.schema.json';

/** One access-log line, as `anygate dev` builds it (targets write the same names). */
export interface AccessLogLine {
  readonly time: string;
  readonly requestId: string;
  readonly target: (typeof LOG_SOURCES)[number];
  readonly gateway?: string | null;
  readonly stage?: string | null;
  readonly routeId: string | null;
  readonly method: string;
  readonly path: string;
  readonly pathTemplate?: string | null;
  readonly status: number;
  readonly latencyMs: number;
  readonly backendLatencyMs?: number | null;
  readonly consumer?: string | null;
  readonly plan?: string | null;
  readonly authOutcome?: (typeof AUTH_OUTCOMES)[number] | null;
  readonly authReason?: string | null;
  readonly cacheHit?: boolean | null;
  readonly rateLimit?: (typeof RATE_LIMIT_OUTCOMES)[number] | null;
  readonly clientIp: string;
  readonly userAgent?: string | null;
  readonly bytesIn?: number | null;
  readonly bytesOut?: number | null;
  readonly traceId?: string | null;
}

/** The JSON Schema (draft 2020-12) of one line, as the stable text of schema/access-log.schema.json. */
export function accessLogJsonSchema(): string {
  const properties: Record<string, unknown> = {};
  for (const x of ACCESS_LOG_FIELDS) {
    const p: Record<string, unknown> = { type: x.nullable ? [x.type, 'null'] : x.type, description: x.description };
    if (x.values) p.enum = x.nullable ? [...x.values, null] : [...x.values];
    if (x.format) p.format = x.format;
    if (x.type === 'integer' || x.type === 'number') p.minimum = 0;
    properties[x.name] = p;
  }
  const doc = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: ACCESS_LOG_SCHEMA_ID,
    title: 'anygate access-log line',
    description: 'One JSON object per request, with the same field names on every target. Targets add no other fields; a field a target cannot fill is absent there (see docs/observability.md).',
    type: 'object',
    properties,
    required: ACCESS_LOG_FIELDS.filter((x) => x.required).map((x) => x.name),
    additionalProperties: false,
  };
  return JSON.stringify(doc, null, 2) + '\n';
}
