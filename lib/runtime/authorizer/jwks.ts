/**
 * JWKS retrieval with a per-container cache: https only (http for localhost), a fetch timeout, a
 * response size cap, OIDC discovery when no JWKS URI is configured, and at most one refetch per
 * cooldown for unknown key ids, so a flood of made-up kids cannot flood the identity provider.
 */
import { importJwk, Reject, type VerificationKey } from './jwt';

export interface JwksSettings {
  readonly cacheSeconds: number;
  readonly cooldownSeconds: number;
  readonly timeoutMs: number;
  readonly maxBytes: number;
}

const LOCAL = new Set(['localhost', '127.0.0.1', '[::1]']);

function checkUrl(url: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Reject('url');
  }
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && LOCAL.has(u.hostname))) throw new Reject('https');
}

/** GETs JSON with a timeout and a size cap. */
export async function getJson(url: string, s: JwksSettings): Promise<Record<string, unknown>> {
  checkUrl(url);
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), s.timeoutMs);
  try {
    const res = await fetch(url, { signal: ctl.signal, redirect: 'error', headers: { accept: 'application/json' } });
    if (res.status !== 200 || !res.body) throw new Reject('fetch');
    const declared = Number(res.headers.get('content-length') ?? 0);
    if (declared > s.maxBytes) throw new Reject('big');
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > s.maxBytes) {
        ctl.abort();
        throw new Reject('big');
      }
      chunks.push(value);
    }
    const doc = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new Reject('doc');
    return doc;
  } catch (e) {
    throw e instanceof Reject ? e : new Reject('fetch');
  } finally {
    clearTimeout(timer);
  }
}

/** The keys of one issuer, cached for the life of the container. */
export class KeySet {
  private keys = new Map<string, VerificationKey>();
  private anonymous: VerificationKey[] = [];
  private fetchedAt = -Infinity;
  /** False until a fetch succeeds, and after one fails: then retry after the cooldown. */
  private ok = false;
  private inflight?: Promise<void>;
  /** Fetches made, for tests and metrics. */
  fetches = 0;

  constructor(
    private readonly issuer: string,
    private readonly jwksUri: string | undefined,
    private readonly s: JwksSettings,
    private readonly now: () => number = Date.now,
  ) {}

  private async load(): Promise<void> {
    this.fetches++;
    this.fetchedAt = this.now();
    this.ok = false;
    let uri = this.jwksUri;
    if (!uri) {
      const meta = await getJson(`${this.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`, this.s);
      if (meta.issuer !== this.issuer || typeof meta.jwks_uri !== 'string') throw new Reject('disc');
      uri = meta.jwks_uri;
    }
    const doc = await getJson(uri, this.s);
    if (!Array.isArray(doc.keys)) throw new Reject('jwks');
    const keys = new Map<string, VerificationKey>();
    const anonymous: VerificationKey[] = [];
    for (const jwk of doc.keys) {
      if (!jwk || typeof jwk !== 'object') continue;
      const k = importJwk(jwk as Record<string, unknown>);
      if (!k) continue;
      const kid = (jwk as { kid?: unknown }).kid;
      if (typeof kid === 'string') keys.set(kid, k);
      else anonymous.push(k);
    }
    this.keys = keys;
    this.anonymous = anonymous;
    this.ok = true;
  }

  private refresh(): Promise<void> {
    // One fetch at a time: concurrent callers share it.
    this.inflight ??= this.load().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** Keys a token with `kid` may be verified with (all kid-less keys when it has none). */
  async find(kid: string | undefined): Promise<VerificationKey[]> {
    const age = this.now() - this.fetchedAt;
    if (this.ok ? age > this.s.cacheSeconds * 1000 : age >= this.s.cooldownSeconds * 1000) {
      this.keys = new Map();
      this.anonymous = [];
      await this.refresh();
    }
    const hit = () => (kid === undefined ? [...this.anonymous, ...(this.keys.size === 1 ? this.keys.values() : [])] : this.keys.has(kid) ? [this.keys.get(kid)!] : []);
    let found = hit();
    if (found.length === 0 && kid !== undefined && this.now() - this.fetchedAt >= this.s.cooldownSeconds * 1000) {
      await this.refresh();
      found = hit();
    }
    return found;
  }
}
