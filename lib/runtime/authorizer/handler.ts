/**
 * The generated API Gateway REST REQUEST authorizer. Every failure is a 401 (the error
 * `Unauthorized`): never an allow, never a 500. Configuration is config.json beside the bundle.
 */
import { afterScheme, planAlternatives, presence } from '../alternatives';
import { repeatsCredential, type CredentialSource } from '../repeated';
import type { AuthorizerConfig, AuthorizerRequirement, JwtVerifierConfig } from '../config';
import { internalKeyLoader, secretsManagerFetch, type InternalKeyFetch } from './internal-key';
import { checkClaims, checkTimes, decoder, no, verifySignature, type DecodedJwt, type VerificationKey } from './jwt';
import { httpGet, keySet, type HttpGet, type KeySet } from './jwks';
import { indexRoutes, policy, policyFor, words, type AuthorizerResult } from './policy';

export type { AuthorizerResult } from './policy';
export type { HttpGet } from './jwks';
export type { InternalKeyFetch } from './internal-key';

/** The parts of a REQUEST authorizer event the handler reads. */
export interface AuthorizerEvent {
  methodArn: string;
  resource?: string;
  httpMethod?: string;
  headers?: Record<string, string | undefined> | null;
  queryStringParameters?: Record<string, string | undefined> | null;
  /** Every value of each header: `headers` holds only the last one. */
  multiValueHeaders?: Record<string, string[] | undefined> | null;
  multiValueQueryStringParameters?: Record<string, string[] | undefined> | null;
}

/** How many times the request holds a header (any case of its name) or query parameter. */
function occurrences(event: AuthorizerEvent, s: CredentialSource): number {
  if (s.in === 'query') return event.multiValueQueryStringParameters?.[s.name]?.length ?? (event.queryStringParameters?.[s.name] !== undefined ? 1 : 0);
  const multi = event.multiValueHeaders;
  if (!multi) return header(event, s.name) !== undefined ? 1 : 0;
  let n = 0;
  // Lambda's event lists every header of the request here: lower-case only the names that may match.
  for (const k in multi) if (k.length === s.name.length && k.toLowerCase() === s.name) n += multi[k]?.length ?? 0;
  return n;
}

// Each lower-case header name with its first letter capitalized, made once per name.
const capitalized: Record<string, string> = {};

function header(event: AuthorizerEvent, name: string): string | undefined {
  const h = event.headers;
  if (!h) return undefined;
  // API Gateway passes header names as the client sent them; try the common spellings first.
  const v = h[name] ?? h[(capitalized[name] ??= name[0].toUpperCase() + name.slice(1))];
  if (v !== undefined) return v;
  for (const k in h) if (k.toLowerCase() === name) return h[k] ?? undefined;
  return undefined;
}

/** What one JWT authorizer learned from a verified token. */
interface Verified {
  readonly payload: Record<string, unknown>;
  /** The scope claim as one space-separated string. */
  readonly scopes: string;
  /** Key set generation the signature was checked with. */
  readonly gen: number;
}

/**
 * A verifier for one JWT authorizer. With `cacheSize` > 0 it keeps verified tokens, keyed by the
 * exact token: a hit re-checks exp, nbf and iat, and lapses when the key set is refetched or
 * stale; the oldest entry goes when the cache is full.
 */
function verifier(j: JwtVerifierConfig, keys: KeySet, now: () => number, cacheSize: number) {
  const cache = new Map<string, Verified>();
  const decode = decoder(j);
  const verified = (token: string, t: DecodedJwt, found: VerificationKey[]): Verified => {
    let ok = false;
    for (const k of found) if ((ok = verifySignature(t, k))) break;
    if (!ok) no();
    const v = { payload: t.payload, scopes: checkClaims(t.payload, j, Math.floor(now() / 1000)), gen: keys.gen() };
    if (cacheSize > 0) {
      if (cache.size >= cacheSize) cache.delete(cache.keys().next().value!);
      cache.set(token, v);
    }
    return v;
  };
  // Synchronous while the keys are in hand: no promise on the hot path.
  return (token: string): Verified | Promise<Verified> => {
    const hit = cacheSize > 0 ? cache.get(token) : undefined;
    if (hit) {
      if (hit.gen === keys.gen() && keys.fresh()) {
        checkTimes(hit.payload, j, Math.floor(now() / 1000));
        return hit;
      }
      cache.delete(token);
    }
    const t = decode(token);
    const found = keys.find(t.kid);
    // The decoded bytes last until the next decode: after a fetch, decode again.
    return Array.isArray(found) ? verified(token, t, found) : found.then((f) => verified(token, decode(token), f));
  };
}

type TokenVerifier = (token: string) => Verified | Promise<Verified>;

/**
 * Combines the verified tokens of a request; each must carry the route's scopes on its own, so
 * the caller holds what all tokens share. Claims named in contextClaims go into `context`.
 */
function combine(vs: readonly Verified[], claims: string[][], context: Record<string, string>) {
  let principal = '';
  let shared: Set<string> | undefined;
  for (const v of vs) {
    if (shared) {
      const mine = new Set(words(v.scopes));
      shared = new Set([...shared].filter((s) => mine.has(s)));
    } else if (vs.length > 1) shared = new Set(words(v.scopes));
    if (!principal && typeof v.payload.sub === 'string') principal = v.payload.sub;
    for (const [c, k] of claims) {
      const x = v.payload[c];
      if (x !== undefined) context[k] = typeof x === 'string' ? x : JSON.stringify(x);
    }
  }
  return { principal, scopes: shared ? [...shared].sort().join(' ') : vs.length ? vs[0].scopes : '' };
}

/**
 * An authorizer over a configuration. `now`, `get` (the JWKS transport) and `internalKey` (reads
 * the anygate-internal API key, see internal-key.ts) are injectable for tests and `anygate dev`.
 */
export function createAuthorizer(cfg: AuthorizerConfig, now: () => number = Date.now, get: HttpGet = httpGet, internalKey?: InternalKeyFetch) {
  // Features a bundle may leave out: esbuild defines these process.env tests to "1" where the
  // configuration does not use them (lib/runtime/bundle.ts); unbundled (tests, anygate dev) every
  // feature is in. A bundle built without a feature refuses a configuration that needs it.
  if (
    (process.env.ANYGATE_OMIT_ALTERNATIVES === '1' && cfg.routeGroups.some((r) => r.alternatives)) ||
    (process.env.ANYGATE_OMIT_INTERNAL_KEY === '1' && cfg.internalKey) ||
    (process.env.ANYGATE_OMIT_KEY_SCHEME === '1' && Object.values(cfg.apiKeys).some((k) => k.scheme))
  )
    throw Error();
  const routes = indexRoutes(cfg);
  const verifiers = new Map<string, TokenVerifier>();
  for (const [name, j] of Object.entries(cfg.jwt)) verifiers.set(name, verifier(j, keySet(j.issuer, j.jwksUri, cfg, now, get), now, cfg.tokenCacheSize));
  const claims = cfg.contextClaims.map((c) => [c, `claim_${c.replace(/[^A-Za-z0-9_]/g, '_')}`]);
  const internal = process.env.ANYGATE_OMIT_INTERNAL_KEY !== '1' && cfg.internalKey ? internalKeyLoader(internalKey ?? secretsManagerFetch) : undefined;
  /** The raw value where API key authorizer `name` reads (its header, or its query parameter). */
  const rawKey = (event: AuthorizerEvent, name: string) => {
    const src = cfg.apiKeys[name];
    return src.in === 'header' ? header(event, src.name) : event.queryStringParameters?.[src.name];
  };
  /** The key itself: after the scheme and one space when the authorizer names one (else none). */
  const keyOf =
    process.env.ANYGATE_OMIT_KEY_SCHEME === '1'
      ? rawKey
      : (event: AuthorizerEvent, name: string) => (cfg.apiKeys[name].scheme ? afterScheme(rawKey(event, name), cfg.apiKeys[name].scheme!) : rawKey(event, name));

  /**
   * The credentials to check on a route with alternatives: what planAlternatives picks (every
   * presented one, when some alternative is complete; none for an anonymous caller of a route
   * with optional authentication). Without alternatives, all of the route's.
   */
  const toCheck =
    process.env.ANYGATE_OMIT_ALTERNATIVES === '1'
      ? undefined
      : (event: AuthorizerEvent, route: AuthorizerRequirement): readonly string[] => {
          const j = cfg.jwt;
          const p = presence(
            [...route.jwt, ...route.apiKeys],
            (n) => {
              const k = cfg.apiKeys[n];
              return j[n] ? { key: 'header:' + j[n].header, scheme: 'bearer' } : { key: k.in + ':' + k.name, scheme: k.scheme };
            },
            (n) => (j[n] ? header(event, j[n].header) : rawKey(event, n)),
          );
          const plan = planAlternatives(route.alternatives!, p.presented, route.apiKeys.filter(p.presented).map((n) => keyOf(event, n) ?? ''), route.optional && p.bare);
          return plan.ok ? plan.check : no();
        };

  // One async function per call; API Gateway answers 401 for exactly `Unauthorized`, anything
  // else thrown would be a 500.
  return async (event: AuthorizerEvent): Promise<AuthorizerResult> => {
    try {
      const entry = routes(event.resource!, event.httpMethod!);
      if (!entry || typeof event.methodArn !== 'string') no();
      const route = entry.route;
      // The route's credentials, and every place they are read, once per route (a repeat of any refuses).
      entry.sources ??= (entry.names = [...route.jwt, ...route.apiKeys]).map((n) => {
        const s = cfg.jwt[n] ? { in: 'header' as const, name: cfg.jwt[n].header } : cfg.apiKeys[n];
        return { in: s.in, name: s.in === 'header' ? s.name.toLowerCase() : s.name };
      });
      if (repeatsCredential(entry.sources, (src) => occurrences(event, src))) no();
      const names = process.env.ANYGATE_OMIT_ALTERNATIVES !== '1' && route.alternatives ? toCheck!(event, route) : entry.names!;
      const context: Record<string, string> = {};
      // Every token of the route, verified at once while the keys are in hand (no promise).
      const got: (Verified | Promise<Verified>)[] = [];
      let wait = false;
      for (const n of names) {
        const j = cfg.jwt[n];
        if (!j) continue;
        // The token's own syntax (three base64url segments) is checked by decode.
        const raw = header(event, j.header) ?? '';
        if (!/^bearer /i.test(raw)) no();
        const v = verifiers.get(n)!(raw.slice(7));
        wait ||= 'then' in v;
        got.push(v);
      }
      const { principal, scopes } = combine(wait ? await Promise.all(got) : (got as Verified[]), claims, context);
      let key: string | undefined;
      // API Gateway validates the key it gets back (403 for an unknown one); here it must be present.
      for (const name of names) {
        if (!cfg.apiKeys[name]) continue;
        const v = keyOf(event, name);
        if (!v) no();
        key ??= v;
      }
      const id = principal || (key ? 'api-key' : 'anonymous');
      if (process.env.ANYGATE_OMIT_INTERNAL_KEY !== '1' && internal && (key !== undefined || (route.alternatives && route.apiKeys.length))) {
        const k = await internal();
        // The internal key is never a caller's: it would skip every usage plan.
        if (key !== undefined && k.is(key)) no();
        // Let in without a key on a method that requires one: the internal key stands in.
        key ??= k.value;
      }
      if (principal) context.sub = principal;
      context.scope = scopes;
      // An anonymous caller (optional authentication, nothing presented) holds no scopes to check.
      const policyDocument = process.env.ANYGATE_OMIT_ALTERNATIVES === '1' || names.length ? policyFor(entry, event.methodArn, scopes) : policy('Allow', [event.methodArn]);
      if (!policyDocument) no();
      const res: AuthorizerResult = { principalId: id, policyDocument, context };
      if (key !== undefined) res.usageIdentifierKey = key;
      return res;
    } catch {
      throw Error('Unauthorized');
    }
  };
}

let cached: ((e: AuthorizerEvent) => Promise<AuthorizerResult>) | undefined;

/** Lambda entry point (not async itself: one promise per call, not two). */
export const handler = (event: AuthorizerEvent): Promise<AuthorizerResult> => {
  try {
    // A runtime require of the JSON beside the bundle (esbuild leaves a non-literal path alone).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    cached ??= createAuthorizer(require(`${__dirname}/config.json`) as AuthorizerConfig);
  } catch {
    return Promise.reject(Error('Unauthorized'));
  }
  return cached(event);
};
