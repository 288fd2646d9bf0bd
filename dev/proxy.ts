/**
 * HTTP calls to backends with undici (keep-alive pool), and backend base URLs: a `--backend`
 * override, else the stage's URL, else the spec's; weighted targets are picked by smooth weighted
 * round-robin, so a run's split is exact and repeatable.
 */
import { Agent, request } from 'undici';
import type { GatewaySpec, HttpBackendSpec } from '../lib/model/types';
import type { CanarySplit } from './canary';

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

export class HttpProxy {
  private readonly agent = new Agent({ keepAliveTimeout: 10_000, connections: 128 });

  async send(url: string, init: { method: string; headers: Record<string, string>; body?: Buffer; timeoutMs: number }): Promise<HttpResponse> {
    try {
      const hasBody = init.body && init.body.length && init.method !== 'GET' && init.method !== 'HEAD';
      // undici's own timers, not an AbortSignal: a signal per request costs more than the rest of the call.
      const r = await request(url, { method: init.method as 'GET', headers: init.headers, body: hasBody ? init.body : undefined, dispatcher: this.agent, headersTimeout: init.timeoutMs, bodyTimeout: init.timeoutMs });
      // One read of the whole body (no async iterator per response, no chunk list to concatenate).
      const body = Buffer.from(await r.body.arrayBuffer());
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(r.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
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

/** Resolves backend names to base URLs for one stage. */
export class BackendResolver {
  private readonly current = new Map<string, number[]>();

  constructor(
    private readonly spec: GatewaySpec,
    private readonly stage: string,
    private readonly overrides: Record<string, string>,
    /** release.canary's split. @default - no canary */
    private readonly canary?: CanarySplit,
  ) {}

  /** The base URL (no trailing slash) of the next call to backend `name` (`headers`: the call's, read by a sticky canary). */
  base(name: string, headers?: Record<string, string>): string {
    const o = this.overrides[name];
    if (o) return this.trimmed(o);
    const canary = this.canary?.pick(name, headers);
    if (canary) return canary.replace(/\/+$/, '');
    const stageUrl = this.spec.stages[this.stage]?.backends[name]?.url;
    if (stageUrl) return stageUrl.replace(/\/+$/, '');
    const b = this.spec.backends[name] as HttpBackendSpec;
    if (b.url) return b.url.replace(/\/+$/, '');
    return this.pick(name, b.targets!).replace(/\/+$/, '');
  }

  /** Override URLs without their trailing slashes, trimmed once each (every call to the backend reads one). */
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
