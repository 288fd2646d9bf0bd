/**
 * JWT verification on node:crypto alone. The algorithm is chosen by the configured allow-list
 * and checked against the key, never taken from the token alone; keys come only from the
 * configured JWKS, never from the token (jku, x5u, jwk and x5c are refused). Segments must be
 * canonical base64url (no padding, no non-zero trailing bits). ECDSA signatures are accepted with
 * either s: RFC 7518 does not ask for low-S, most signers do not normalize, and API Management,
 * Apigee and Envoy accept both; a high-S twin signs the same claims, so it grants nothing new.
 */
import { createPublicKey, constants, verify, type KeyObject } from 'node:crypto';
import type { JwtVerifierConfig } from '../config';

/** Refuses: the handler turns every refusal into 401 Unauthorized. (No reason string: 10 KB is a goal.) */
export function no(): never {
  throw Error();
}

/**
 * Strict base64url decoding into `buf` at `at`; returns the byte count. The bytes must encode
 * back to the very same text, which refuses characters outside the alphabet, padding, impossible
 * lengths and non-zero trailing bits (RFC 4648 section 3.5), so each byte string has one
 * spelling. (Bytes that do not fit are cut off, and so refused too.)
 */
function b64url(s: string, buf: Buffer, at: number): number {
  const n = buf.write(s, at, 'base64url');
  if (buf.toString('base64url', at, at + n) !== s) no();
  return n;
}

/** The JSON object of the `n` bytes at the start of `buf`. */
function json(buf: Buffer, n: number): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(buf.toString('utf8', 0, n));
  } catch {
    no();
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) no();
  return v as Record<string, unknown>;
}

export interface DecodedJwt {
  readonly payload: Record<string, unknown>;
  readonly data: Buffer;
  readonly signature: Buffer;
  readonly alg: string;
  readonly kid?: string;
}

// Header parameters that name a key: the key must come from the configured JWKS only.
const FOREIGN_KEYS = ['jku', 'x5u', 'jwk', 'x5c'];

// `typ` compares without case and without the `application/` prefix (RFC 7515 section 4.1.9).
const mediaType = (t: unknown) => (typeof t === 'string' ? t.toLowerCase().replace(/^application\//, '') : '');

/**
 * A decoder for one JWT authorizer: splits and decodes a compact JWS, and applies every header
 * rule that needs no key. Legitimate tokens repeat a handful of headers, so each distinct header
 * is parsed and checked once (its alg and kid kept; a refused header is never kept). The bytes
 * of a call (payload, then signed text, and signature) go into one buffer of the decoder's: a
 * decoded token is valid until the next decode, so it must be verified at once (synchronously).
 */
export function decoder(cfg: JwtVerifierConfig): (token: string) => DecodedJwt {
  const headers = new Map<string, [string, string, string | undefined]>();
  const max = cfg.maxTokenBytes;
  const buf = Buffer.allocUnsafeSlow(2 * max);
  // The last header seen (its text, alg and kid): most calls repeat it, found without a lookup.
  let last: [string, string, string | undefined] | undefined;
  return (token) => {
    const i = token.indexOf('.');
    const j = token.indexOf('.', i + 1);
    if (token.length > max || j < 0 || token.includes('.', j + 1)) no();
    let h = '';
    let known = last && i === last[0].length && token.startsWith(last[0]) ? last : headers.get((h = token.slice(0, i)));
    if (!known) {
      const header = json(buf, b64url(h, buf, 0));
      const alg = header.alg;
      if (typeof alg !== 'string' || !cfg.algorithms.includes(alg)) no();
      if ('crit' in header) no();
      for (const k of FOREIGN_KEYS) if (k in header) no();
      if (cfg.typ !== undefined && mediaType(header.typ) !== mediaType(cfg.typ)) no();
      const kid = header.kid;
      if (kid !== undefined && typeof kid !== 'string') no();
      if (headers.size >= 64) headers.clear();
      headers.set(h, (known = [h, alg, kid]));
    }
    last = known;
    const payload = json(buf, b64url(token.slice(i + 1, j), buf, 0));
    // The signed text is base64url (its segments checked above), so one byte per character.
    buf.write(token, 0, j, 'latin1');
    return { payload, data: buf.subarray(0, j), signature: buf.subarray(max, max + b64url(token.slice(j + 1), buf, max)), alg: known[1], kid: known[2] };
  };
}

const HASH: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };
// Curve and P1363 signature length (r and s, each the size of the group order).
const CURVE: Record<string, [string, number]> = { ES256: ['P-256', 64], ES384: ['P-384', 96], ES512: ['P-521', 132] };

/** A JWK turned into a key, with what it may verify. */
export interface VerificationKey {
  readonly key: KeyObject;
  readonly kty: string;
  readonly crv?: string;
  readonly alg?: string;
}

/**
 * Imports one JWK for signature verification; undefined when it is not a usable public key for
 * that: `use` other than `sig`, or `key_ops` without `verify` (RFC 7517 sections 4.2 and 4.3).
 */
export function importJwk(jwk: Record<string, unknown>): VerificationKey | undefined {
  if (jwk.use !== undefined && jwk.use !== 'sig') return undefined;
  const ops = jwk.key_ops;
  if (ops !== undefined && !(Array.isArray(ops) && ops.includes('verify'))) return undefined;
  if ('d' in jwk) return undefined; // a private key in a JWKS is a misconfiguration; never use it
  const kty = jwk.kty;
  if (kty !== 'RSA' && kty !== 'EC' && kty !== 'OKP') return undefined;
  try {
    const key = createPublicKey({ key: jwk as never, format: 'jwk' });
    if (kty === 'RSA' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) return undefined;
    // crv and alg are compared with strings, so a value of another type never matches.
    return { key, kty, crv: jwk.crv as string | undefined, alg: jwk.alg as string | undefined };
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

/** Verifies the signature of a decoded token with a key that fits its algorithm (one `verify` call: its options per family). */
export function verifySignature(t: DecodedJwt, k: VerificationKey): boolean {
  const alg = t.alg;
  const bits = alg.slice(2);
  const curve = CURVE[alg];
  // ECDSA: the exact P1363 length; r and s in [1, n - 1] is OpenSSL's own check in ECDSA
  // verification (SEC 1 section 4.1.4, step 1), held by the Wycheproof and NIST range-check vectors
  // in the suite. Both s and n - s are accepted: RFC 7518 section 3.4 requires no low-S form.
  if (!keyFits(k, alg) || (curve && t.signature.length !== curve[1])) return false;
  return verify(
    alg === 'EdDSA' ? null : HASH[bits],
    t.data,
    alg.startsWith('PS') ? { key: k.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(bits) / 8 } : curve ? { key: k.key, dsaEncoding: 'ieee-p1363' } : k.key,
    t.signature,
  );
}

function numeric(payload: Record<string, unknown>, k: string): number | undefined {
  const v = payload[k];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !isFinite(v)) no();
  return v;
}

/** Checks exp (required unless the dev-only `expOptional`), nbf and iat against the clock, with the authorizer's skew; run again on every cached hit. */
export function checkTimes(payload: Record<string, unknown>, cfg: JwtVerifierConfig, nowSeconds: number): void {
  const skew = cfg.clockSkewSeconds;
  const exp = numeric(payload, 'exp');
  if (exp === undefined ? process.env.ANYGATE_OMIT_DEV_LENIENCY === '1' || !cfg.expOptional : nowSeconds > exp + skew) no();
  const nbf = numeric(payload, 'nbf');
  if (nbf !== undefined && nowSeconds + skew < nbf) no();
  const iat = numeric(payload, 'iat');
  if (iat !== undefined && iat > nowSeconds + skew) no();
}

/**
 * Checks the registered and required claims. Returns the token's scopes as one space-separated
 * string, read from `scopeClaim` only (a string, or an array of space-free strings).
 */
export function checkClaims(payload: Record<string, unknown>, cfg: JwtVerifierConfig, nowSeconds: number): string {
  checkTimes(payload, cfg, nowSeconds);
  if (payload.iss !== cfg.issuer) no();
  const aud = payload.aud;
  if (!(typeof aud === 'string' ? cfg.audiences.includes(aud) : Array.isArray(aud) && aud.some((a) => typeof a === 'string' && cfg.audiences.includes(a)))) no();
  for (const k in cfg.requiredClaims) if (payload[k] !== cfg.requiredClaims[k]) no();
  const raw = process.env.ANYGATE_OMIT_DEV_LENIENCY !== '1' && cfg.scopeFallbackClaim ? (payload[cfg.scopeClaim] ?? payload[cfg.scopeFallbackClaim]) : payload[cfg.scopeClaim];
  if (raw === undefined) return '';
  if (typeof raw === 'string') return raw;
  if (Array.isArray(raw) && raw.every((x) => typeof x === 'string' && !x.includes(' '))) return raw.join(' ');
  no();
}
