/**
 * JWKS retrieval with a per-container cache: https only (http for localhost), a fetch timeout, a
 * response size cap, OIDC discovery when no JWKS URI is configured. It fails closed and stays up:
 * - one fetch at a time, shared by every concurrent caller;
 * - at most one fetch attempt per cooldown (unknown key ids, failures), so made-up kids cannot
 *   flood the identity provider;
 * - a failed or empty fetch never replaces the keys in hand: they stay in use up to
 *   `jwksStaleIfErrorSeconds` past their lifetime (stale-if-error), then nothing verifies.
 * The HTTP GET is injectable (`HttpGet`) so tests and `anygate dev` run without a network.
 * (A closure rather than a class: local names minify, property names do not; 10 KB is a goal.)
 */
import { get as getHttp } from 'node:http';
import { get as getHttps } from 'node:https';
import type { AuthorizerConfig } from '../config';
import { importJwk, no, type VerificationKey } from './jwt';

/** GETs a URL; resolves with the body of a 200 response, rejects on anything else. */
export type HttpGet = (url: string, timeoutMs: number, maxBytes: number) => Promise<Buffer>;

const LOCAL = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The GET used in Lambda: node:http(s) rather than global fetch, which would load undici on the
 * cold path. No redirects, a timeout for the whole exchange, the size cap enforced while reading.
 */
export const httpGet: HttpGet = (url, timeoutMs, maxBytes) =>
  new Promise((resolve, reject) => {
    const fail = (e?: Error) => {
      req.destroy();
      reject(e ?? Error());
    };
    // A new connection per fetch (agent: false): fetches are minutes apart, and a kept-alive socket
    // the server closed meanwhile (while Lambda was frozen) would fail the fetch with ECONNRESET.
    const req = (url.startsWith('https:') ? getHttps : getHttp)(url, { agent: false }, (res) => {
      // The size cap is enforced while reading (a content-length may be absent or wrong).
      if (res.statusCode !== 200) return fail();
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxBytes) fail();
        else chunks.push(c);
      });
      res.on('end', () => resolve(Buffer.concat(chunks)));
      res.on('error', fail);
    });
    const timer = setTimeout(fail, timeoutMs);
    req.on('close', () => clearTimeout(timer));
    req.on('error', fail);
  });

/** The keys of one issuer, as the verifier sees them. */
export interface KeySet {
  /**
   * Keys a token with `kid` may be verified with (every kid-less key when it has none): at once
   * when fresh keys hold it, else after a fetch where one is due.
   */
  find(kid: string | undefined): VerificationKey[] | Promise<VerificationKey[]>;
  /** True while the keys in hand are within their lifetime (no fetch needed). */
  fresh(): boolean;
  /** Bumped on every successful fetch: what was verified with older keys must be re-verified. */
  gen(): number;
}

/** The keys of one issuer, cached for the life of the container. */
export function keySet(issuer: string, jwksUri: string | undefined, cfg: AuthorizerConfig, now: () => number, get: HttpGet): KeySet {
  // Each key in a list of its own, and the list a kid-less token may use, made once per fetch:
  // a lookup allocates nothing (callers only read the lists).
  let keys = new Map<string, VerificationKey[]>();
  let anonymous: VerificationKey[] = [];
  let loadedAt = -Infinity;
  let triedAt = -Infinity;
  let inflight: Promise<void> | undefined;
  let uri = jwksUri;
  let gen = 0;

  const getJson = async (url: string): Promise<Record<string, unknown>> => {
    const u = new URL(url);
    if (u.protocol !== 'https:' && !(u.protocol === 'http:' && LOCAL.has(u.hostname))) no();
    const doc = JSON.parse((await get(url, cfg.fetchTimeoutMs, cfg.maxJwksBytes)).toString('utf8'));
    return doc && typeof doc === 'object' ? doc : {};
  };

  const load = async (): Promise<void> => {
    if (!uri) {
      const meta = await getJson(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`);
      if (meta.issuer !== issuer || typeof meta.jwks_uri !== 'string') no();
      uri = meta.jwks_uri as string;
    }
    const doc = await getJson(uri);
    const next = new Map<string, VerificationKey[]>();
    const anon: VerificationKey[] = [];
    for (const jwk of Array.isArray(doc.keys) ? doc.keys : []) {
      const k = jwk && typeof jwk === 'object' && importJwk(jwk);
      if (k) {
        if (typeof jwk.kid === 'string') next.set(jwk.kid, [k]);
        else anon.push(k);
      }
    }
    // A set with no usable key is an IdP fault, not a rotation: keep the keys in hand.
    if (!next.size && !anon.length) no();
    keys = next;
    // A token without kid: the kid-less keys, and the one keyed key when there is only one.
    anonymous = next.size === 1 ? [...anon, ...[...next.values()][0]] : anon;
    loadedAt = now();
    gen++;
  };

  // Starts a fetch, or joins the one in flight; never rejects.
  const refresh = (): Promise<void> => {
    if (!inflight) {
      triedAt = now();
      inflight = load()
        .catch(() => undefined)
        .finally(() => (inflight = undefined));
    }
    return inflight;
  };
  const fresh = () => now() - loadedAt <= cfg.jwksCacheSeconds * 1000;
  const canFetch = () => inflight !== undefined || now() - triedAt >= cfg.jwksRefetchCooldownSeconds * 1000;
  const held = (kid: string | undefined): VerificationKey[] => (kid === undefined ? anonymous : keys.get(kid)) ?? [];
  const lookup = (kid: string | undefined): VerificationKey[] => (now() - loadedAt > (cfg.jwksCacheSeconds + cfg.jwksStaleIfErrorSeconds) * 1000 ? [] : held(kid));

  const slow = async (kid: string | undefined): Promise<VerificationKey[]> => {
    if (!fresh() && canFetch()) await refresh();
    let found = lookup(kid);
    // An unknown kid may be a rotation: refetch (at most once per cooldown), never flush.
    if (!found.length && kid !== undefined && canFetch()) {
      await refresh();
      found = lookup(kid);
    }
    return found;
  };

  return {
    find(kid) {
      // Fresh keys are inside the stale-if-error window too (it is never negative): one clock read.
      const found = fresh() ? held(kid) : [];
      return found.length ? found : slow(kid);
    },
    fresh,
    gen: () => gen,
  };
}
