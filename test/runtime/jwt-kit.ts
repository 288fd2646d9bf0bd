/** Test kit: keys, token signing and a JWKS server on 127.0.0.1 whose behaviour each test sets. */
import { createHmac, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestKey {
  kid: string;
  alg: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  jwk: Record<string, unknown>;
}

export function makeKey(alg: string, kid = `${alg.toLowerCase()}-1`): TestKey {
  let pair: { privateKey: KeyObject; publicKey: KeyObject };
  if (alg.startsWith('RS') || alg.startsWith('PS')) pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  else if (alg === 'EdDSA') pair = generateKeyPairSync('ed25519');
  else pair = generateKeyPairSync('ec', { namedCurve: { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' }[alg]! });
  const jwk = { ...pair.publicKey.export({ format: 'jwk' }), kid, use: 'sig' };
  return { kid, alg, ...pair, jwk };
}

/** ECDSA group orders (SEC 2), to build low-S and high-S signatures. */
export const CURVE_ORDER: Record<string, bigint> = {
  ES256: BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551'),
  ES384: BigInt('0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973'),
  ES512: BigInt('0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409'),
};

/** Bytes of r (and of s) in a P1363 signature. */
export const CURVE_SIZE: Record<string, number> = { ES256: 32, ES384: 48, ES512: 66 };

/** The same signature with s replaced by n - s: it verifies too (ECDSA malleability). */
export function flipS(alg: string, sig: Buffer): Buffer {
  const half = sig.length / 2;
  const s = BigInt('0x' + sig.subarray(half).toString('hex'));
  return Buffer.concat([sig.subarray(0, half), Buffer.from((CURVE_ORDER[alg] - s).toString(16).padStart(half * 2, '0'), 'hex')]);
}

/** Signers (node, OpenSSL) pick either s; some issuers normalize to the low one. */
function lowS(alg: string, sig: Buffer): Buffer {
  const s = BigInt('0x' + sig.subarray(sig.length / 2).toString('hex'));
  return s * 2n > CURVE_ORDER[alg] ? flipS(alg, sig) : sig;
}

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/**
 * Signs a compact JWS; `header` overrides the defaults (alg and kid from the key). ECDSA signatures
 * are normalized to low-S unless `normalize` is false (then s is whatever node:crypto picked).
 */
export function signJwt(key: TestKey, payload: Record<string, unknown>, header: Record<string, unknown> = {}, opts: { normalize?: boolean } = {}): string {
  const h = { alg: key.alg, typ: 'JWT', kid: key.kid, ...header };
  const data = `${b64(h)}.${b64(payload)}`;
  const alg = String(h.alg);
  const bits = alg.slice(2);
  const hash = alg === 'EdDSA' ? null : `sha${bits}`;
  let sig: Buffer;
  if (alg.startsWith('PS')) sig = sign(hash, Buffer.from(data), { key: key.privateKey, padding: 6, saltLength: Number(bits) / 8 });
  else if (alg.startsWith('ES')) {
    sig = sign(hash, Buffer.from(data), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
    if (opts.normalize !== false) sig = lowS(alg, sig);
  }
  else sig = sign(hash, Buffer.from(data), key.privateKey);
  return `${data}.${sig.toString('base64url')}`;
}

/** A token signed with HMAC using the public key as the secret: the classic alg-confusion attack. */
export function hmacConfusion(key: TestKey, payload: Record<string, unknown>): string {
  const h = { alg: 'HS256', typ: 'JWT', kid: key.kid };
  const data = `${b64(h)}.${b64(payload)}`;
  const secret = key.publicKey.export({ format: 'pem', type: 'spki' });
  return `${data}.${createHmac('sha256', secret).update(data).digest('base64url')}`;
}

export function unsigned(payload: Record<string, unknown>, kid = 'rs256-1'): string {
  return `${b64({ alg: 'none', typ: 'JWT', kid })}.${b64(payload)}.`;
}

export type Behaviour = 'ok' | 'slow' | 'garbage' | 'huge' | 'error';

/** A JWKS (and discovery) server on loopback; counts requests per path. */
export class JwksServer {
  keys: Record<string, unknown>[] = [];
  behaviour: Behaviour = 'ok';
  hits = new Map<string, number>();
  issuer = '';
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const url = req.url ?? '/';
      this.hits.set(url, (this.hits.get(url) ?? 0) + 1);
      // Never answers: the request is held until the client gives up (its fetch timeout).
      if (this.behaviour === 'slow') return;
      if (this.behaviour === 'error') {
        res.statusCode = 500;
        return res.end('boom');
      }
      if (this.behaviour === 'garbage') return res.end('<html>not json');
      if (this.behaviour === 'huge') {
        // 10 MB of valid-looking JSON, streamed.
        res.write('{"keys":[');
        const chunk = JSON.stringify({ kty: 'RSA', n: 'A'.repeat(1000), e: 'AQAB' }) + ',';
        let sent = 0;
        const pump = () => {
          while (sent < 10 * 1024 * 1024) {
            sent += chunk.length;
            if (!res.write(chunk)) return res.once('drain', pump);
          }
          res.end('{}]}');
        };
        res.on('error', () => undefined);
        return pump();
      }
      if (url === '/.well-known/openid-configuration') {
        res.setHeader('content-type', 'application/json');
        return res.end(JSON.stringify({ issuer: this.issuer, jwks_uri: `${this.issuer}/jwks` }));
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: this.keys }));
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    this.issuer = base;
    return base;
  }

  count(path: string): number {
    return this.hits.get(path) ?? 0;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => this.server?.close(() => r()));
  }
}
