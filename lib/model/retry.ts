/**
 * Backend retries on a route: `retry: { attempts, on, backoff }`. The model holds what a retry
 * means once (which answers are retried, how long each wait may be, how long a request may take
 * with its retries); lib/capabilities says which target can do it, and each emitter maps these
 * values to its own syntax.
 *
 * Semantics every target and dev follow: `timeoutMs` bounds each try; a try is retried when it
 * got no answer (`connect-failure`: refused, reset, or its timeout) or answered a listed status,
 * up to `attempts` more tries; before retry n the gateway waits up to min((2^n - 1) * baseMs, maxMs)
 * (Envoy's fully jittered back-off draws retry n's wait from [0, (2^n - 1) * base), capped at max).
 */
import { z } from 'zod';
import type { SpecIssue } from './errors';
import { routeField, type RouteFieldContext } from './route-field';

/** Statuses a retry may name: client errors a retry can cure and every server error. */
const RetryStatus = z.number().int().min(400).max(599);

export const RETRY_CONDITIONS = ['connect-failure', '5xx'] as const;

const RetrySchema = z
  .strictObject({
    attempts: z.number().int().min(1).max(10).meta({ description: 'How many times a failed try is retried (the first try not counted), as Gateway API and Envoy count: attempts 2 makes at most 3 calls.' }),
    on: z
      .array(z.union([z.enum(RETRY_CONDITIONS), RetryStatus]))
      .min(1)
      .optional()
      .meta({
        description:
          'What is retried: `connect-failure` (no answer: the connection was refused or reset, or the try timed out), `5xx` (any 500-599 answer, and no answer), or a status code 400-599 (429, 503...).',
        default: ['connect-failure', 502, 503, 504],
      }),
    backoff: z
      .strictObject({
        baseMs: z.number().int().min(1).max(60_000).meta({ description: 'The longest wait before the first retry, in milliseconds; retry n waits at most (2^n - 1) x baseMs (baseMs, 3 x baseMs, 7 x baseMs...), as Envoy\'s back-off.' }),
        maxMs: z.number().int().min(1).max(300_000).optional().meta({ description: 'The longest wait between tries, in milliseconds. Default: ten times baseMs (Envoy\'s rule).' }),
      })
      .optional()
      .meta({ description: 'Waits between tries, exponential and jittered.', default: { baseMs: 25, maxMs: 250 } }),
    nonIdempotent: z
      .boolean()
      .optional()
      .meta({ description: 'Allow retries on POST, PATCH and ANY routes, whose repeated call may act twice: only when the backend deduplicates (an idempotency key).', default: false }),
  })
  .describe('Retry a failed backend call: `{ attempts: 2, on: [connect-failure, 503] }`.');

export type RetryInput = z.output<typeof RetrySchema>;
export type RetryCondition = (typeof RETRY_CONDITIONS)[number] | number;

export interface RetrySpec {
  readonly attempts: number;
  /** `connect-failure`, then `5xx`, then status codes ascending; no repeats. */
  readonly on: RetryCondition[];
  readonly backoff: { readonly baseMs: number; readonly maxMs: number };
  /** Set only when the spec allows retrying a POST, PATCH or ANY route. @default - absent */
  readonly nonIdempotent?: true;
}

const DEFAULT_ON: readonly RetryCondition[] = ['connect-failure', 502, 503, 504];
const DEFAULT_BASE_MS = 25;
/** Methods whose repeated call may act twice (ANY includes them). */
const UNSAFE_METHODS = new Set(['POST', 'PATCH', 'ANY']);

/** Canonical order: conditions first, then statuses ascending; a status `5xx` covers is dropped. */
function canonicalOn(on: readonly RetryCondition[]): RetryCondition[] {
  const names = RETRY_CONDITIONS.filter((c) => on.includes(c));
  const codes = [...new Set(on.filter((c): c is number => typeof c === 'number'))].filter((c) => !(names.includes('5xx') && c >= 500)).sort((a, b) => a - b);
  return [...names, ...codes];
}

export function normalizeRetry(r: RetryInput): RetrySpec {
  const baseMs = r.backoff?.baseMs ?? DEFAULT_BASE_MS;
  return {
    attempts: r.attempts,
    on: canonicalOn(r.on ?? DEFAULT_ON),
    backoff: { baseMs, maxMs: r.backoff?.maxMs ?? baseMs * 10 },
    ...(r.nonIdempotent ? { nonIdempotent: true as const } : {}),
  };
}

/** The route rules: an HTTP backend, a safe method (or nonIdempotent), maxMs not under baseMs. */
export function checkRetry(r: RetryInput, ctx: RouteFieldContext, issues: SpecIssue[]): void {
  const { path, method, backendType } = ctx;
  if (backendType !== undefined && backendType !== 'http') {
    issues.push({ path, message: `a ${backendType} backend is not retried by the gateway: retry applies to http backends; remove retry`, severity: 'error' });
  }
  if (UNSAFE_METHODS.has(method) && !r.nonIdempotent) {
    issues.push({ path, message: `${method} is not idempotent: a retried call may act twice; set retry.nonIdempotent: true if the backend deduplicates (an idempotency key), or remove retry`, severity: 'error' });
  }
  if (r.backoff?.maxMs !== undefined && r.backoff.maxMs < r.backoff.baseMs) {
    issues.push({ path: [...path, 'backoff', 'maxMs'], message: `must not be under baseMs (${r.backoff.baseMs})`, severity: 'error' });
  }
}

/** The route field `retry` (schema.ts puts it on Route; lib/model/route-field.ts does the rest). */
export const Retry = routeField(RetrySchema, { normalize: normalizeRetry, check: checkRetry });

/**
 * The longest wait before retry `n` (1-based): (2^n - 1) x baseMs, at most maxMs, the upper bound
 * of Envoy's jittered back-off for that retry (base, 3 x base, 7 x base...).
 */
export function retryWaitMs(r: RetrySpec, n: number): number {
  return Math.min((2 ** n - 1) * r.backoff.baseMs, r.backoff.maxMs);
}

/** Whether a try that answered `status` is retried. */
export function retriesStatus(r: RetrySpec, status: number): boolean {
  return (r.on.includes('5xx') && status >= 500 && status <= 599) || r.on.includes(status);
}

/** Whether a try that got no answer (refused, reset, timed out) is retried. */
export function retriesNoAnswer(r: RetrySpec): boolean {
  return r.on.includes('connect-failure') || r.on.includes('5xx');
}

/** The status codes `on` lists, `5xx` not expanded. */
export function retryStatuses(r: RetrySpec): number[] {
  return r.on.filter((c): c is number => typeof c === 'number');
}

/**
 * How long a request may take with every try and wait: (attempts + 1) x timeoutMs plus the
 * longest waits. A target whose route timeout bounds the whole request (Envoy's) gets this one.
 */
export function retryDeadlineMs(timeoutMs: number, r: RetrySpec | undefined): number {
  if (!r) return timeoutMs;
  let waits = 0;
  for (let n = 1; n <= r.attempts; n++) waits += retryWaitMs(r, n);
  return (r.attempts + 1) * timeoutMs + waits;
}
