/**
 * The generated API Gateway REST REQUEST authorizer. Every failure is a 401 (the error
 * `Unauthorized`): never an allow, never a 500. Configuration is config.json beside the bundle.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuthorizerConfig } from '../config';
import { checkClaims, decode, Reject, verifySignature } from './jwt';
import { KeySet } from './jwks';
import { buildPolicy, findRoute, type AuthorizerResult } from './policy';

/** The parts of a REQUEST authorizer event the handler reads. */
export interface AuthorizerEvent {
  methodArn: string;
  resource?: string;
  httpMethod?: string;
  headers?: Record<string, string | undefined> | null;
  queryStringParameters?: Record<string, string | undefined> | null;
}

function header(event: AuthorizerEvent, name: string): string | undefined {
  const h = event.headers;
  if (!h) return undefined;
  for (const k of Object.keys(h)) if (k.toLowerCase() === name) return h[k] ?? undefined;
  return undefined;
}

/** An authorizer over a configuration; `now` is injectable for tests. */
export function createAuthorizer(cfg: AuthorizerConfig, now: () => number = Date.now) {
  const keySets = new Map<string, KeySet>();
  const settings = { cacheSeconds: cfg.jwksCacheSeconds, cooldownSeconds: cfg.jwksRefetchCooldownSeconds, timeoutMs: cfg.fetchTimeoutMs, maxBytes: cfg.maxJwksBytes };
  for (const [name, j] of Object.entries(cfg.jwt)) keySets.set(name, new KeySet(j.issuer, j.jwksUri, settings, now));

  async function verifyJwt(name: string, event: AuthorizerEvent): Promise<Record<string, unknown> & { scopes: string[] }> {
    const j = cfg.jwt[name];
    const raw = header(event, j.header);
    const m = raw && /^Bearer ([^\s]+)$/i.exec(raw);
    if (!m) throw new Reject('bearer');
    const t = decode(m[1], j);
    const keys = (await keySets.get(name)!.find(t.kid)).filter((k) => verifySignature(t, k));
    if (keys.length === 0) throw new Reject('sig');
    const scopes = checkClaims(t.payload, j, Math.floor(now() / 1000));
    return { ...t.payload, scopes };
  }

  async function authorize(event: AuthorizerEvent): Promise<AuthorizerResult> {
    const route = findRoute(cfg, event.resource, event.httpMethod);
    if (!route || typeof event.methodArn !== 'string') throw new Reject('route');
    const scopes = new Set<string>();
    const context: Record<string, string> = {};
    let principal = '';
    for (const name of route.jwt) {
      const claims = await verifyJwt(name, event);
      claims.scopes.forEach((s) => scopes.add(s));
      if (!principal && typeof claims.sub === 'string') principal = claims.sub;
      for (const c of cfg.contextClaims) {
        const v = claims[c];
        if (v !== undefined) context[`claim_${c.replace(/[^A-Za-z0-9_]/g, '_')}`] = typeof v === 'string' ? v : JSON.stringify(v);
      }
    }
    let key: string | undefined;
    for (const name of route.apiKeys) {
      const src = cfg.apiKeys[name];
      const v = src.in === 'header' ? header(event, src.name) : event.queryStringParameters?.[src.name] ?? undefined;
      if (!v) throw new Reject('key');
      key ??= v;
    }
    if (principal) context.sub = principal;
    context.scope = [...scopes].sort().join(' ');
    return buildPolicy(cfg, route, event.methodArn, principal || (key ? 'api-key' : 'anonymous'), scopes, context, key);
  }

  return async (event: AuthorizerEvent): Promise<AuthorizerResult> => {
    try {
      return await authorize(event);
    } catch {
      // API Gateway answers 401 for exactly this message; anything else would be a 500.
      throw new Error('Unauthorized');
    }
  };
}

let cached: ((e: AuthorizerEvent) => Promise<AuthorizerResult>) | undefined;

/** Lambda entry point. */
export const handler = async (event: AuthorizerEvent): Promise<AuthorizerResult> => {
  try {
    cached ??= createAuthorizer(JSON.parse(readFileSync(join(__dirname, 'config.json'), 'utf8')) as AuthorizerConfig);
  } catch {
    throw new Error('Unauthorized');
  }
  return cached(event);
};
