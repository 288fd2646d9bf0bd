/**
 * Access log lines, the ring of recent requests served at GET /__anygate/requests, and the feed
 * the live view (`/__anygate/`) and the metrics (`/__anygate/metrics`) read.
 */
import { randomBytes } from 'node:crypto';
import type { LimitScope } from './limits-plan';
import type { Refusal } from './refusal-types';

/** What auth decided: the route needs none, the credentials verified, or a 401 / 403 refusal. */
export type AuthDecision = 'none' | 'allowed' | 'unauthenticated' | 'forbidden';

/** What the limits decided: none applies to the request, they let it in, or one refused it. */
export type RateLimitDecision = 'none' | 'allowed' | 'throttled' | 'quotaExceeded';

export interface AccessRecord {
  /** Position in this run's log, from 1: the live view's cursor. */
  readonly seq: number;
  /** Unique per request (a random UUID). */
  readonly requestId: string;
  readonly time: string;
  readonly method: string;
  readonly path: string;
  /** The matched route's id, or null. */
  readonly routeId: string | null;
  /** The matched route's path template with the base path (`/v1/pets/{id}`), or null. */
  readonly pathTemplate: string | null;
  readonly status: number;
  readonly latencyMs: number;
  /** Consumer (API key holder) or token subject, or null. */
  readonly consumer: string | null;
  /** The consumer's plan, when an API key identified the caller. */
  readonly plan: string | null;
  /** What auth decided; null when the request did not get that far (no route, denied address...). */
  readonly authOutcome: AuthDecision | null;
  /** The authorizers whose credentials identified the caller (every one presented and verified), or []. */
  readonly authorizers: readonly string[];
  /** What the limits decided; null when the request did not get that far. */
  readonly rateLimit: RateLimitDecision | null;
  /** Which limit refused the request; absent when none did. */
  readonly limitScope?: LimitScope;
  readonly clientIp: string;
  readonly userAgent: string | null;
  /** True when served from the response cache. */
  readonly cached: boolean;
  /** `cached` on routes with a cache; null on routes without one (and when no route matched). */
  readonly cacheHit: boolean | null;
  /** The route's backend when the request reached it (mock, HTTP or function), else null. */
  readonly backend: string | null;
  /** Time spent in the backend call (with the route's transforms); null when no backend was called (refused, mock, cache hit). */
  readonly backendLatencyMs: number | null;
  /** The trace id of the request's W3C `traceparent` header, when it has a valid one. */
  readonly traceId: string | null;
  /** Request body bytes read, response body bytes sent. */
  readonly bytesIn: number;
  readonly bytesOut: number;
  /** The gateway's own refusal code, when it refused (see dev/refusal-types.ts). */
  readonly refusal?: Refusal;
  /** Why the gateway itself refused the request (401, 403, 429...); absent when it did not. */
  readonly reason?: string;
}

/** `text`: one human line per request (the default). `json`: one JSON object per line, in the access-log schema. */
export type AccessLogFormat = 'text' | 'json';

/** The human line: `GET /v1/pets listPets 401 0.4ms - (no bearer token ...)`. */
export function textLine(r: AccessRecord): string {
  return `${r.method} ${r.path} ${r.routeId ?? '-'} ${r.status} ${r.latencyMs.toFixed(1)}ms ${r.consumer ?? '-'}${r.cached ? ' (cached)' : ''}${r.reason ? ` (${r.reason})` : ''}`;
}

export class AccessLog {
  /** This log's id: `seq` restarts with each log (each dev start, each --watch reload). */
  readonly run = randomBytes(4).toString('hex');
  /** The last `size` records, a circle: the oldest at `start` once full (no array shift per request). */
  private readonly ring: AccessRecord[] = [];
  private start = 0;
  private readonly listeners = new Set<(r: AccessRecord) => void>();
  private seq = 0;
  /**
   * @param sink receives each line. @default none
   * @param size records kept for /__anygate/requests and the live view. @default 100
   * @param format how lines are written to the sink. @default 'text'
   * @param jsonLine formats a record for `json` (the access-log schema's line).
   */
  constructor(
    private readonly sink: ((line: string) => void) | undefined,
    private readonly size = 100,
    private readonly format: AccessLogFormat = 'text',
    private readonly jsonLine?: (r: AccessRecord) => string,
  ) {}

  /** The `seq` of the next record: the caller builds the whole record itself, `seq` first (no copy to put it there). */
  nextSeq(): number {
    return ++this.seq;
  }

  /** Adds a record numbered by nextSeq(). */
  push(r: AccessRecord): AccessRecord {
    if (this.ring.length < this.size) this.ring.push(r);
    else if (this.size > 0) {
      this.ring[this.start] = r;
      this.start = (this.start + 1) % this.size;
    }
    if (this.sink) this.sink(this.format === 'json' && this.jsonLine ? this.jsonLine(r) : textLine(r));
    for (const l of this.listeners) l(r);
    return r;
  }

  /** Most recent last; only those after `afterSeq` when given. */
  recent(afterSeq = 0): AccessRecord[] {
    const all = this.start === 0 ? [...this.ring] : [...this.ring.slice(this.start), ...this.ring.slice(0, this.start)];
    return afterSeq ? all.filter((r) => r.seq > afterSeq) : all;
  }

  /** Calls `fn` with every record added from now on; returns the function that stops it. */
  subscribe(fn: (r: AccessRecord) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}
