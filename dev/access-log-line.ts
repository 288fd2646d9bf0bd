/**
 * dev's access-log record as a line of the one access-log schema (schema/access-log.schema.json,
 * lib/observability/access-log.ts): the same field names every target writes, so a query over
 * dev's `--access-log json` output runs unchanged over the clouds' logs.
 */
import { ACCESS_LOG_FIELD_NAMES, type AccessLogLine } from '../lib/observability/access-log';
import type { AccessRecord } from './access-log';

/** Where the line was written. */
export interface LineContext {
  readonly gateway: string;
  readonly stage: string;
}

/** The schema's line for one record: every field, null where it does not apply. */
export function accessLogLine(r: AccessRecord, c: LineContext): AccessLogLine {
  return {
    time: r.time,
    requestId: r.requestId,
    target: 'dev',
    gateway: c.gateway,
    stage: c.stage,
    routeId: r.routeId,
    method: r.method,
    path: r.path,
    pathTemplate: r.pathTemplate,
    status: r.status,
    latencyMs: round(r.latencyMs),
    backendLatencyMs: r.backendLatencyMs === null ? null : round(r.backendLatencyMs),
    consumer: r.consumer,
    plan: r.plan,
    authOutcome: r.authOutcome,
    // The schema's one reason field: why the gateway refused, whichever check it was.
    authReason: r.reason ?? null,
    cacheHit: r.cacheHit,
    rateLimit: r.rateLimit,
    clientIp: r.clientIp,
    userAgent: r.userAgent,
    bytesIn: r.bytesIn,
    bytesOut: r.bytesOut,
    traceId: r.traceId,
  };
}

/** Microsecond precision is all a local timer gives. */
function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** The line as JSON text, its keys in the schema's order. */
export function accessLogJson(r: AccessRecord, c: LineContext): string {
  return JSON.stringify(accessLogLine(r, c), ACCESS_LOG_FIELD_NAMES as string[]);
}
