/**
 * HTTP calls to backends with undici (keep-alive pool), and backend base URLs: a `--backend`
 * override, else the stage's URL, else the spec's; weighted targets are picked by smooth weighted
 * round-robin, so a run's split is exact and repeatable.
 */
import { Agent } from 'undici';
import type { GatewaySpec, HttpBackendSpec } from '../lib/model/types';
import type { CanarySplit } from './canary';
import { HOP, hopHeaders } from '../lib/runtime/transform/response';

export interface HttpResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

/** Why a backend call failed: the gateway answers 504 for a timeout, 502 otherwise. */
export class BackendError extends Error {
  constructor(readonly kind: 'timeout' | 'badGateway', message: string) {
    super(message);
  }
}

/**
 * Where a request to `base` + `pathAndQuery` goes, as undici's `request(url)` splits a URL it
 * parses: the origin, and the path with the query. `base` is parsed once and remembered (a few
 * base URLs per gateway); `pathAndQuery` is already a parsed URL's path and query (dev/transform.ts),
 * which no concatenation to the base's path changes, so it is not parsed again. A base with a
 * query, fragment or credentials, or a path ending in `/`, and a path and query not starting with
 * `/`, are left to the whole parse (`new URL(base + pathAndQuery)`, as before).
 */
export class RequestTargets {
  private readonly bases = new Map<string, { origin: string; path: string } | null>();

  /** @param size base URLs remembered; the map starts over when it is full. @default 256 */
  constructor(private readonly size = 256) {}

  /** How many base URLs are remembered now. */
  get remembered(): number {
    return this.bases.size;
  }

  of(base: string, pathAndQuery: string): { origin: string; path: string } {
    let b = this.bases.get(base);
    if (b === undefined) {
      const u = new URL(base);
      // A path left ending in `/` (a dot segment resolved) would join as `//`: the whole parse.
      b = u.search || u.hash || u.username || u.password || (u.protocol !== 'http:' && u.protocol !== 'https:') || (u.pathname !== '/' && u.pathname.endsWith('/')) ? null : { origin: u.origin, path: u.pathname === '/' ? '' : u.pathname };
      if (this.bases.size >= this.size) this.bases.clear();
      this.bases.set(base, b);
    }
    if (b && pathAndQuery.startsWith('/')) return { origin: b.origin, path: b.path + pathAndQuery };
    const u = new URL(base + pathAndQuery);
    return { origin: u.origin, path: u.search ? `${u.pathname}${u.search}` : u.pathname };
  }
}

export class HttpProxy {
  private readonly agent = new Agent({ keepAliveTimeout: 10_000, connections: 128 });
  private readonly targets = new RequestTargets();

  /** Sends to `base` (a backend's base URL, no trailing slash) + `pathAndQuery`. */
  async send(base: string, pathAndQuery: string, init: { method: string; headers: Record<string, string>; body?: Buffer; timeoutMs: number }): Promise<HttpResponse> {
    try {
      const hasBody = init.body && init.body.length && init.method !== 'GET' && init.method !== 'HEAD';
      const { origin, path } = this.targets.of(base, pathAndQuery);
      // The agent's own request (what undici's request(url) calls after parsing the URL), and
      // undici's own timers, not an AbortSignal: a signal per request costs more than the rest of the call.
      const r = await this.agent.request({ origin, path, method: init.method as 'GET', headers: init.headers, body: hasBody ? init.body : undefined, headersTimeout: init.timeoutMs, bodyTimeout: init.timeoutMs });
      // One read of the whole body (no async iterator per response, no chunk list to concatenate).
      const body = Buffer.from(await r.body.arrayBuffer());
      // Without the hop-by-hop headers (the transform code's own rule, which would delete them
      // from this object next: deleting leaves it a slow dictionary for every later read and copy).
      const h = r.headers;
      const connection = h.connection;
      // No Connection header, or one naming only fixed hop headers (Node's usual `keep-alive`): the fixed set itself.
      const hop = connection === undefined ? HOP : hopHeaders({ connection: Array.isArray(connection) ? connection.join(', ') : connection });
      const headers: Record<string, string> = {};
      for (const k in h) {
        const v = h[k];
        if (v !== undefined && !hop.has(k)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      }
      return { status: r.statusCode, headers, body };
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') throw new BackendError('timeout', `backend did not answer within ${init.timeoutMs} ms`);
      throw new BackendError('badGateway', `backend call failed: ${(e as Error).message}`);
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

/**
 * Resolves backend names to base URLs for one stage. The canary draw comes first, as on the targets
 * (the split is the gateway's, whatever the URLs are); then the side drawn is resolved: its
 * `--backend` override, else (the stable side only) the stage's URL, else the spec's URL. The canary
 * side reads no stage URL: AWS overrides the stable backend's stage variable with the canary
 * backend's spec URL (providers/aws/canary.ts), and the weighted targets read the spec's URLs.
 */
export class BackendResolver {
  private readonly current = new Map<string, number[]>();

  constructor(
    private readonly spec: GatewaySpec,
    private readonly stage: string,
    private readonly overrides: Record<string, string>,
    /** release.canary's split. @default - no canary */
    private readonly canary?: CanarySplit,
    /**
     * Backends derived from another (a version canary's copy of the stable routes' backend, named
     * `<backend>-<version>`: lib/model/canary.ts lowerVersionCanary), by the copy's name: an
     * override of the original applies to its copy unless the copy has its own.
     * @default {}
     */
    private readonly derivedFrom: Record<string, string> = {},
  ) {}

  /** The base URL (no trailing slash) of the next call to backend `name` (`headers`: the call's, read by a sticky canary). */
  base(name: string, headers?: Record<string, string>): string {
    const canary = this.canary?.pick(name, headers);
    if (canary) return this.trimmed(this.override(canary) ?? (this.spec.backends[canary] as HttpBackendSpec).url!);
    const o = this.override(name);
    if (o) return this.trimmed(o);
    const stageUrl = this.spec.stages[this.stage]?.backends[name]?.url;
    if (stageUrl) return this.trimmed(stageUrl);
    const b = this.spec.backends[name] as HttpBackendSpec;
    if (b.url) return this.trimmed(b.url);
    return this.trimmed(this.pick(name, b.targets!));
  }

  private override(name: string): string | undefined {
    const from = this.derivedFrom[name];
    return this.overrides[name] || (from !== undefined ? this.overrides[from] : undefined) || undefined;
  }

  /**
   * Base URLs without their trailing slashes, trimmed once each (every call to a backend reads
   * one). The texts are the spec's and the overrides': a fixed, small set.
   */
  private readonly trims = new Map<string, string>();

  private trimmed(url: string): string {
    let t = this.trims.get(url);
    if (t === undefined) this.trims.set(url, (t = url.replace(/\/+$/, '')));
    return t;
  }

  private pick(name: string, targets: { url: string; weight: number }[]): string {
    const cur = this.current.get(name) ?? targets.map(() => 0);
    const total = targets.reduce((s, t) => s + t.weight, 0);
    let best = 0;
    targets.forEach((t, i) => {
      cur[i] += t.weight;
      if (cur[i] > cur[best]) best = i;
    });
    cur[best] -= total;
    this.current.set(name, cur);
    return targets[best].url;
  }
}
