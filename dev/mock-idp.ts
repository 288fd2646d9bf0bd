/**
 * The mock identity provider of `anygate dev --mock-idp`: a JWKS of the local keys (served by the
 * dev gateway at /__anygate/jwks.json), and tokens signed with them for a JWT authorizer of the
 * spec: its issuer, first audience and required claims, the scopes asked for, and an expiry.
 */
import { createPublicKey, sign, constants } from 'node:crypto';
import type { GatewaySpec, JwtAuthorizerSpec } from '../lib/model/types';
import { keyKind, mockIdpKey, type KeyKind } from './local-state';
import { DevUsageError } from './errors';

export const JWKS_PATH = '/__anygate/jwks.json';

const KINDS: KeyKind[] = ['rsa', 'ec-p256', 'ec-p384', 'ec-p521', 'ed25519'];

function kid(kind: KeyKind): string {
  return `anygate-mock-${kind}`;
}

/** The JWKS for the key kinds the spec's JWT authorizers need. */
export function mockJwks(spec: GatewaySpec): { keys: Record<string, unknown>[] } {
  const kinds = new Set<KeyKind>();
  for (const a of Object.values(spec.authorizers)) if (a.type === 'jwt') a.algorithms.forEach((alg) => kinds.add(keyKind(alg)));
  return {
    keys: KINDS.filter((k) => kinds.has(k)).map((k) => ({ ...createPublicKey(mockIdpKey(k)).export({ format: 'jwk' }), kid: kid(k), use: 'sig' })),
  };
}

export interface TokenRequest {
  readonly authorizer: string;
  readonly scopes?: string[];
  readonly claims?: Record<string, unknown>;
  /** Lifetime in seconds; negative for an already expired token; null for a token without exp. @default 600 */
  readonly expiresInSeconds?: number | null;
  /** @default 'dev-user' */
  readonly sub?: string;
  /** Issue time, ms since the epoch. @default Date.now() */
  readonly nowMs?: number;
}

function jwtAuthorizer(spec: GatewaySpec, name: string): JwtAuthorizerSpec {
  const a = spec.authorizers[name];
  const jwts = Object.keys(spec.authorizers).filter((n) => spec.authorizers[n].type === 'jwt');
  if (!a || a.type !== 'jwt') throw new DevUsageError(`authorizer ${JSON.stringify(name)} is not a JWT authorizer of gateway ${spec.name}; JWT authorizers: ${jwts.join(', ') || '(none)'}`);
  return a;
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** Signs a token the mock IdP vouches for. */
export function mockToken(spec: GatewaySpec, req: TokenRequest): string {
  const a = jwtAuthorizer(spec, req.authorizer);
  // RS256 when allowed: its signatures are deterministic, so one caller's token is one cache identity.
  const alg = a.algorithms.includes('RS256') ? 'RS256' : a.algorithms[0];
  const kind = keyKind(alg);
  const now = Math.floor((req.nowMs ?? Date.now()) / 1000);
  const payload: Record<string, unknown> = {
    iss: a.issuer,
    aud: a.audiences[0],
    sub: req.sub ?? 'dev-user',
    iat: Math.min(now, now + (req.expiresInSeconds ?? 600)),
    ...(req.expiresInSeconds === null ? {} : { exp: now + (req.expiresInSeconds ?? 600) }),
    ...a.requiredClaims,
    ...(req.scopes?.length ? { [a.scopeClaim]: req.scopes.join(' ') } : {}),
    ...req.claims,
  };
  const header = { alg, kid: kid(kind), typ: a.typ ?? 'JWT' };
  const data = Buffer.from(`${b64(header)}.${b64(payload)}`);
  const bits = alg.slice(2);
  const key = mockIdpKey(kind);
  let sig: Buffer;
  if (alg === 'EdDSA') sig = sign(null, data, key);
  else if (alg.startsWith('PS')) sig = sign(`sha${bits}`, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(bits) / 8 });
  else if (alg.startsWith('ES')) sig = sign(`sha${bits}`, data, { key, dsaEncoding: 'ieee-p1363' });
  else sig = sign(`sha${bits}`, data, key);
  return `${data.toString()}.${sig.toString('base64url')}`;
}

/** Parses `10m`, `2h`, `30s`, `1d`, `-5m` into seconds. */
export function parseDuration(text: string): number {
  const m = /^(-?\d+)\s*([smhd]?)$/.exec(text.trim());
  if (!m) throw new DevUsageError(`duration ${JSON.stringify(text)} is not understood; write e.g. 30s, 10m, 2h or 1d`);
  return Number(m[1]) * { '': 1, s: 1, m: 60, h: 3600, d: 86_400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
}
