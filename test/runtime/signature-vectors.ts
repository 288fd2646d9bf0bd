/**
 * Readers for published signature test vectors, turned into (alg, JWK, signed data, signature,
 * expected) cases for the authorizer's verify.
 *
 * - NIST CAVP (FIPS 186-3 ECDSA SigVer, FIPS 186-2 RSA PKCS#1 v1.5 SigVer) and the Ed25519 vectors
 *   of the ed25519 paper's reference code, as Debian ships them in python3-cryptography-vectors
 *   (.ci/run installs it). Their `.rsp` format is `[section]` headers and `name = hex` lines.
 * - Project Wycheproof's JSON files (testvectors_v1), when WYCHEPROOF_DIR names a checkout's
 *   folder: they are not on the npm registry or in Debian, so the suite does not ship them.
 */
import { createPublicKey } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** One signature to verify: `valid` true must be accepted, false refused, undefined either. */
export interface SignatureCase {
  readonly name: string;
  readonly alg: string;
  readonly jwk: Record<string, unknown>;
  readonly data: Buffer;
  readonly signature: Buffer;
  readonly valid: boolean | undefined;
}

/** Where Debian's python3-cryptography-vectors puts the vectors. */
export const CRYPTOGRAPHY_VECTORS = '/usr/lib/python3/dist-packages/cryptography_vectors/asymmetric';

const b64 = (hex: string) => Buffer.from(hex.length % 2 ? '0' + hex : hex, 'hex').toString('base64url');
const unpadded = (hex: string) => hex.replace(/^(00)+(?=..)/, '');

/** The records of a CAVP `.rsp` file: each blank-line separated block with its section header. */
export function rspRecords(text: string): { section: string; fields: Record<string, string> }[] {
  const out: { section: string; fields: Record<string, string> }[] = [];
  let section = '';
  let fields: Record<string, string> = {};
  const flush = () => {
    if (Object.keys(fields).length) out.push({ section, fields });
    fields = {};
  };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('#')) continue;
    const header = /^\[(.*)\]$/.exec(line);
    if (header) {
      flush();
      section = header[1];
    } else if (!line) {
      // RSA files repeat n, e before each group of records; keep them by flushing only on Result.
      if (fields.Result !== undefined) flush();
    } else {
      const eq = line.indexOf('=');
      if (eq > 0) fields[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
      if (line.startsWith('Result')) flush();
    }
  }
  flush();
  return out;
}

const EC: Record<string, [string, string, number]> = {
  'P-256,SHA-256': ['ES256', 'P-256', 32],
  'P-384,SHA-384': ['ES384', 'P-384', 48],
  'P-521,SHA-512': ['ES512', 'P-521', 66],
};

/** FIPS 186-3 ECDSA SigVer, for the three JOSE curve and hash pairs. */
export function nistEcdsa(file: string): SignatureCase[] {
  return rspRecords(fs.readFileSync(file, 'utf8')).flatMap(({ section, fields: f }, i) => {
    const pick = EC[section];
    if (!pick) return [];
    const [alg, crv, size] = pick;
    const pad = (hex: string) => hex.padStart(size * 2, '0');
    return [{
      name: `${section} #${i} ${f.Result}`,
      alg,
      jwk: { kty: 'EC', crv, x: b64(pad(f.Qx)), y: b64(pad(f.Qy)) },
      data: Buffer.from(f.Msg, 'hex'),
      signature: Buffer.from(pad(f.R) + pad(f.S), 'hex'),
      valid: f.Result.startsWith('P'),
    }];
  });
}

const RSA_HASH: Record<string, string> = { SHA256: 'RS256', SHA384: 'RS384', SHA512: 'RS512' };

/** FIPS 186-2 RSA PKCS#1 v1.5 SigVer, moduli of 2048 bits and more, SHA-2 hashes of JOSE. */
export function nistRsa(file: string): SignatureCase[] {
  const out: SignatureCase[] = [];
  let n = '';
  let e = '';
  rspRecords(fs.readFileSync(file, 'utf8')).forEach(({ section, fields: f }, i) => {
    if (f.n) n = f.n;
    if (f.e) e = f.e;
    const bits = Number(/mod = (\d+)/.exec(section)?.[1]);
    const alg = RSA_HASH[f.SHAAlg];
    if (!alg || bits < 2048 || f.Result === undefined) return;
    out.push({
      name: `${section} ${f.SHAAlg} #${i} ${f.Result}`,
      alg,
      jwk: { kty: 'RSA', n: b64(unpadded(n)), e: b64(unpadded(e)) },
      data: Buffer.from(f.Msg, 'hex'),
      signature: Buffer.from(f.S, 'hex'),
      valid: f.Result.startsWith('P'),
    });
  });
  return out;
}

/** The ed25519 reference vectors (sk||pk : pk : msg : sig||msg :), all valid. */
export function ed25519Input(file: string): SignatureCase[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line, i) => {
    const [, pk, msg, sigMsg] = line.split(':');
    return {
      name: `sign.input line ${i + 1}`,
      alg: 'EdDSA',
      jwk: { kty: 'OKP', crv: 'Ed25519', x: b64(pk) },
      data: Buffer.from(msg, 'hex'),
      signature: Buffer.from(sigMsg.slice(0, 128), 'hex'),
      valid: true,
    };
  });
}

/** Wycheproof files read by `wycheproof`, with the JOSE algorithm each one tests. */
export const WYCHEPROOF_FILES: Record<string, string> = {
  'ecdsa_secp256r1_sha256_p1363_test.json': 'ES256',
  'ecdsa_secp384r1_sha384_p1363_test.json': 'ES384',
  'ecdsa_secp521r1_sha512_p1363_test.json': 'ES512',
  'rsa_signature_2048_sha256_test.json': 'RS256',
  'rsa_signature_3072_sha384_test.json': 'RS384',
  'rsa_signature_4096_sha512_test.json': 'RS512',
  'ed25519_test.json': 'EdDSA',
};

interface WycheproofFile {
  testGroups: { publicKeyPem: string; tests: { tcId: number; comment: string; msg: string; sig: string; result: string }[] }[];
}

/** One Wycheproof file; `acceptable` results may go either way (valid undefined). */
export function wycheproof(dir: string, file: string): SignatureCase[] {
  const alg = WYCHEPROOF_FILES[file];
  const doc = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as WycheproofFile;
  return doc.testGroups.flatMap((g) => {
    const jwk = createPublicKey(g.publicKeyPem).export({ format: 'jwk' }) as Record<string, unknown>;
    return g.tests.map((t) => ({
      name: `${file} tcId ${t.tcId} (${t.comment || 'no comment'}) ${t.result}`,
      alg,
      jwk,
      data: Buffer.from(t.msg, 'hex'),
      signature: Buffer.from(t.sig, 'hex'),
      valid: t.result === 'valid' ? true : t.result === 'invalid' ? false : undefined,
    }));
  });
}
