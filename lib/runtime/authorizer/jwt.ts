/**
 * JWT verification on node:crypto alone. The algorithm is chosen by the configured allow-list
 * and checked against the key, never taken from the token alone; keys come only from the
 * configured JWKS, never from the token (jku, x5u, jwk and x5c are refused).
 */
import { createPublicKey, constants, verify, type KeyObject } from 'node:crypto';
import type { JwtVerifierConfig } from '../config';

/**
 * A refusal, with a short reason code (kept short: the bundle's size is a goal). The handler turns
 * every one into 401 Unauthorized.
 */
export class Reject extends Error {}

const B64URL = /^[A-Za-z0-9_-]*$/;
const headers = new Map<string, Record<string, unknown>>();

/** Strict base64url decoding: the alphabet only, no padding, no impossible lengths. */
export function b64url(s: string): Buffer {
  if (!B64URL.test(s) || s.length % 4 === 1) throw new Reject('b64');
  return Buffer.from(s, 'base64url');
}

function json(part: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(b64url(part).toString('utf8'));
  } catch (e) {
    throw e instanceof Reject ? e : new Reject('json');
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Reject('obj');
  return v as Record<string, unknown>;
}

export interface DecodedJwt {
  readonly header: Record<string, unknown>;
  readonly payload: Record<string, unknown>;
  readonly data: Buffer;
  readonly signature: Buffer;
  readonly alg: string;
  readonly kid?: string;
}

/** Splits and decodes a compact JWS, and applies every header rule that needs no key. */
export function decode(token: string, cfg: JwtVerifierConfig): DecodedJwt {
  if (token.length > cfg.maxTokenBytes) throw new Reject('size');
  const parts = token.split('.');
  if (parts.length !== 3) throw new Reject('jws');
  // Legitimate tokens repeat a handful of headers; parsing each once saves work on the hot path.
  let header = headers.get(parts[0]);
  if (!header) {
    header = json(parts[0]);
    if (headers.size >= 64) headers.clear();
    headers.set(parts[0], header);
  }
  const payload = json(parts[1]);
  const signature = b64url(parts[2]);
  const alg = header.alg;
  if (typeof alg !== 'string' || !cfg.algorithms.includes(alg)) throw new Reject('alg');
  if ('crit' in header) throw new Reject('crit');
  for (const k of ['jku', 'x5u', 'jwk', 'x5c']) if (k in header) throw new Reject(k);
  if (cfg.typ !== undefined) {
    const typ = typeof header.typ === 'string' ? header.typ.toLowerCase().replace(/^application\//, '') : '';
    if (typ !== cfg.typ.toLowerCase().replace(/^application\//, '')) throw new Reject('typ');
  }
  const kid = header.kid;
  if (kid !== undefined && typeof kid !== 'string') throw new Reject('kid');
  return { header, payload, data: Buffer.from(token.slice(0, parts[0].length + parts[1].length + 1), 'latin1'), signature, alg, kid };
}

const HASH: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };
const CURVE: Record<string, [string, number]> = { ES256: ['P-256', 64], ES384: ['P-384', 96], ES512: ['P-521', 132] };

/** A JWK turned into a key, with what it may verify. */
export interface VerificationKey {
  readonly key: KeyObject;
  readonly kty: string;
  readonly crv?: string;
  readonly alg?: string;
}

/** Imports one JWK for signature use; undefined when it is not a usable public signing key. */
export function importJwk(jwk: Record<string, unknown>): VerificationKey | undefined {
  if (jwk.use !== undefined && jwk.use !== 'sig') return undefined;
  if ('d' in jwk) return undefined; // a private key in a JWKS is a misconfiguration; never use it
  const kty = jwk.kty;
  if (kty !== 'RSA' && kty !== 'EC' && kty !== 'OKP') return undefined;
  try {
    const key = createPublicKey({ key: jwk as never, format: 'jwk' });
    if (kty === 'RSA' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) return undefined;
    return { key, kty, crv: typeof jwk.crv === 'string' ? jwk.crv : undefined, alg: typeof jwk.alg === 'string' ? jwk.alg : undefined };
  } catch {
    return undefined;
  }
}

/** True when `k` is the right kind of key for `alg`. */
export function keyFits(k: VerificationKey, alg: string): boolean {
  if (k.alg !== undefined && k.alg !== alg) return false;
  if (alg.startsWith('RS') || alg.startsWith('PS')) return k.kty === 'RSA';
  if (alg in CURVE) return k.kty === 'EC' && k.crv === CURVE[alg][0];
  if (alg === 'EdDSA') return k.kty === 'OKP' && (k.crv === 'Ed25519' || k.crv === 'Ed448');
  return false;
}

/** Verifies the signature of a decoded token with a key that fits its algorithm. */
export function verifySignature(t: DecodedJwt, k: VerificationKey): boolean {
  const alg = t.alg;
  if (!keyFits(k, alg)) return false;
  const bits = alg.slice(2);
  if (alg.startsWith('RS')) return verify(HASH[bits], t.data, k.key, t.signature);
  if (alg.startsWith('PS')) {
    return verify(HASH[bits], t.data, { key: k.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(bits) / 8 }, t.signature);
  }
  if (alg in CURVE) {
    const size = CURVE[alg][1];
    if (t.signature.length !== size) return false;
    // r and s must be non-zero; reject all-zero halves before the library sees them.
    const half = size / 2;
    if (t.signature.subarray(0, half).every((b) => b === 0) || t.signature.subarray(half).every((b) => b === 0)) return false;
    return verify(HASH[bits], t.data, { key: k.key, dsaEncoding: 'ieee-p1363' }, t.signature);
  }
  return verify(null, t.data, k.key, t.signature);
}

function numeric(payload: Record<string, unknown>, k: string): number | undefined {
  const v = payload[k];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Reject(k);
  return v;
}

/** Checks the registered and required claims; returns the token's scopes. */
export function checkClaims(payload: Record<string, unknown>, cfg: JwtVerifierConfig, nowSeconds: number): string[] {
  const skew = cfg.clockSkewSeconds;
  const exp = numeric(payload, 'exp');
  if (exp === undefined || nowSeconds > exp + skew) throw new Reject('exp');
  const nbf = numeric(payload, 'nbf');
  if (nbf !== undefined && nowSeconds + skew < nbf) throw new Reject('nbf');
  const iat = numeric(payload, 'iat');
  if (iat !== undefined && iat > nowSeconds + skew) throw new Reject('iat');
  if (payload.iss !== cfg.issuer) throw new Reject('iss');
  const aud = payload.aud;
  let audOk = false;
  if (typeof aud === 'string') audOk = cfg.audiences.includes(aud);
  else if (Array.isArray(aud)) for (const a of aud) if (typeof a === 'string' && cfg.audiences.includes(a)) audOk = true;
  if (!audOk) throw new Reject('aud');
  for (const k in cfg.requiredClaims) if (payload[k] !== cfg.requiredClaims[k]) throw new Reject('claim');
  let raw = payload[cfg.scopeClaim];
  if (raw === undefined && cfg.scopeClaim === 'scope') raw = payload.scp;
  if (raw === undefined) return [];
  if (typeof raw === 'string') return raw.split(' ').filter((x) => x !== '');
  if (Array.isArray(raw) && raw.every((x) => typeof x === 'string')) return raw as string[];
  throw new Reject('scope');
}
