/** Access log lines and the ring of recent requests served at GET /__anygate/requests. */

export interface AccessRecord {
  readonly time: string;
  readonly method: string;
  readonly path: string;
  /** The matched route's id, or null. */
  readonly routeId: string | null;
  readonly status: number;
  readonly latencyMs: number;
  /** Consumer (API key holder) or token subject, or null. */
  readonly consumer: string | null;
  readonly clientIp: string;
  /** True when served from the response cache. */
  readonly cached: boolean;
  /** Why the gateway itself refused the request (401, 403, 429...); absent when it did not. */
  readonly reason?: string;
}

export class AccessLog {
  private readonly ring: AccessRecord[] = [];
  /** @param size records kept for /__anygate/requests. @default 100 */
  constructor(
    private readonly sink: ((line: string) => void) | undefined,
    private readonly size = 100,
  ) {}

  add(r: AccessRecord): void {
    this.ring.push(r);
    if (this.ring.length > this.size) this.ring.shift();
    this.sink?.(`${r.method} ${r.path} ${r.routeId ?? '-'} ${r.status} ${r.latencyMs.toFixed(1)}ms ${r.consumer ?? '-'}${r.cached ? ' (cached)' : ''}${r.reason ? ` (${r.reason})` : ''}`);
  }

  /** Most recent last. */
  recent(): AccessRecord[] {
    return [...this.ring];
  }
}
