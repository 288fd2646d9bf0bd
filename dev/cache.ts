/**
 * Response caching with the spec's keys and TTL: method, route, path parameters, the key's query
 * parameters and headers, and (unless `cache.shared`) the caller's identity on routes with auth,
 * as the compilers key it. Only successful GET and HEAD responses are stored.
 */
import { cacheCallerCredentials, type CallerCredential } from '../lib/model/credentials';
import type { CachePolicySpec, GatewaySpec, RouteSpec } from '../lib/model/types';

export interface CachedResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

export interface CacheKeyInput {
  readonly method: string;
  readonly params: Record<string, string>;
  readonly query: URLSearchParams;
  readonly headers: Record<string, string | undefined>;
}

export function cacheable(method: string): boolean {
  return method === 'GET' || method === 'HEAD';
}

// Per route, computed on its first cached request (a server's routes are fixed for its life).
const callersOf = new WeakMap<RouteSpec, CallerCredential[]>();

/**
 * The cache key of a request to `route`. The caller's part is the value at each location
 * cacheCallerCredentials names, the same locations every target keys by.
 */
export function cacheKey(spec: GatewaySpec, route: RouteSpec, policy: CachePolicySpec, req: CacheKeyInput): string {
  let callers = callersOf.get(route);
  if (!callers) callersOf.set(route, (callers = cacheCallerCredentials(spec, route)));
  const parts: unknown[] = [route.id, req.method, Object.entries(req.params).sort()];
  parts.push(policy.key.query.map((q) => [q, req.query.getAll(q)]));
  parts.push(policy.key.headers.map((h) => [h.toLowerCase(), req.headers[h.toLowerCase()] ?? null]));
  parts.push(callers.map((c) => (c.in === 'header' ? req.headers[c.name.toLowerCase()] ?? null : req.query.getAll(c.name))));
  return JSON.stringify(parts);
}

export class ResponseCache {
  private readonly entries = new Map<string, { res: CachedResponse; expires: number }>();
  /** Most entries kept; the oldest go first. @default 10000 */
  constructor(private readonly maxEntries = 10_000) {}

  get(key: string, now: number): CachedResponse | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expires <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return e.res;
  }

  set(key: string, res: CachedResponse, ttlSeconds: number, now: number): void {
    if (ttlSeconds <= 0) return;
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { res, expires: now + ttlSeconds * 1000 });
  }
}
