/**
 * The generated authorizer's signature check against published vectors: every valid signature
 * accepted, every invalid one refused. NIST CAVP and the ed25519 reference vectors always run
 * (Debian's python3-cryptography-vectors, installed by .ci/run); Wycheproof's run as well when
 * WYCHEPROOF_DIR names a checkout's testvectors_v1 folder, or ../shared/wycheproof/testvectors_v1 exists.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { importJwk, verifySignature } from '../../lib/runtime/authorizer/jwt';
import { CURVE_ORDER, flipS } from './jwt-kit';
import { CRYPTOGRAPHY_VECTORS, ed25519Input, nistEcdsa, nistRsa, wycheproof, WYCHEPROOF_FILES, type SignatureCase } from './signature-vectors';

/** The authorizer's verdict: the key imported as the JWKS loader does, then verifySignature. */
function accepts(c: SignatureCase): boolean {
  const key = importJwk(c.jwk);
  if (!key) return false;
  return verifySignature({ payload: {}, data: c.data, signature: c.signature, alg: c.alg }, key);
}

/** The cases whose verdict differs from the expected one (named, so a failure says which). */
function wrong(cases: SignatureCase[]): string[] {
  return cases.filter((c) => c.valid !== undefined && accepts(c) !== c.valid).map((c) => `${c.name}: expected ${c.valid ? 'accepted' : 'refused'}`);
}

function vectors(rel: string): string {
  const file = path.join(CRYPTOGRAPHY_VECTORS, rel);
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: install Debian's python3-cryptography-vectors (apt-get install python3-cryptography-vectors; .ci/run does)`);
  return file;
}

describe('authorizer verify: NIST CAVP FIPS 186-3 ECDSA SigVer (P-256/SHA-256, P-384/SHA-384, P-521/SHA-512)', () => {
  const cases = nistEcdsa(vectors('ECDSA/FIPS_186-3/SigVer.rsp'));

  it('reads the three curves, valid and invalid cases both', () => {
    for (const alg of ['ES256', 'ES384', 'ES512']) {
      expect(cases.filter((c) => c.alg === alg && c.valid).length).toBeGreaterThan(0);
      expect(cases.filter((c) => c.alg === alg && !c.valid).length).toBeGreaterThan(0);
    }
  });

  it('accepts every valid signature and refuses every invalid one', () => {
    expect(wrong(cases)).toEqual([]);
  });

  it("accepts each valid signature's high-S twin (n - s), as RFC 7518 allows", () => {
    const twins = cases.filter((c) => c.valid).map((c) => ({ ...c, name: `${c.name} (n - s)`, signature: flipS(c.alg, c.signature) }));
    const half = twins.filter((c) => BigInt('0x' + c.signature.subarray(c.signature.length / 2).toString('hex')) * 2n > CURVE_ORDER[c.alg]);
    expect(half.length).toBeGreaterThan(0);
    expect(wrong(twins)).toEqual([]);
  });
});

describe('authorizer verify: NIST CAVP RSA PKCS#1 v1.5 SigVer (2048+ bits, SHA-256/384/512)', () => {
  const cases = nistRsa(vectors('RSA/FIPS_186-2/SigVer15_186-3.rsp'));

  it('reads RS256, RS384 and RS512 cases, valid and invalid', () => {
    for (const alg of ['RS256', 'RS384', 'RS512']) {
      expect(cases.filter((c) => c.alg === alg && c.valid).length).toBeGreaterThan(0);
      expect(cases.filter((c) => c.alg === alg && !c.valid).length).toBeGreaterThan(0);
    }
  });

  it('accepts every valid signature and refuses every invalid one', () => {
    expect(wrong(cases)).toEqual([]);
  });
});

describe('authorizer verify: Ed25519 reference vectors', () => {
  const cases = ed25519Input(vectors('Ed25519/sign.input'));

  it('accepts all 1,024 signatures', () => {
    expect(cases).toHaveLength(1024);
    expect(wrong(cases)).toEqual([]);
  });

  it('refuses each signature with one bit changed, and each message with one bit changed', () => {
    const flip = (b: Buffer, i: number) => {
      const c = Buffer.from(b);
      c[i % c.length] ^= 1 << i % 8;
      return c;
    };
    const bad = cases.slice(0, 256).flatMap((c, i) => [
      { ...c, name: `${c.name} signature bit ${i}`, signature: flip(c.signature, i), valid: false },
      ...(c.data.length ? [{ ...c, name: `${c.name} message bit ${i}`, data: flip(c.data, i), valid: false }] : []),
    ]);
    expect(wrong(bad)).toEqual([]);
  });
});

// WYCHEPROOF_DIR, else the steering repo's shared/wycheproof/testvectors_v1 when it holds a copy.
const sharedWycheproof = path.join(__dirname, '..', '..', '..', 'shared', 'wycheproof', 'testvectors_v1');
const wycheproofDir = process.env.WYCHEPROOF_DIR ?? (fs.existsSync(sharedWycheproof) ? sharedWycheproof : undefined);
(wycheproofDir ? describe : describe.skip)('authorizer verify: Project Wycheproof (WYCHEPROOF_DIR)', () => {
  it.each(Object.keys(WYCHEPROOF_FILES))('%s: every valid case accepted, every invalid case refused', (file) => {
    const cases = wycheproof(wycheproofDir!, file);
    expect(cases.length).toBeGreaterThan(0);
    expect(wrong(cases)).toEqual([]);
  });
});
