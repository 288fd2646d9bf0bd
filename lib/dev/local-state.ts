/**
 * Local secrets shared by `anygate dev`, `anygate token` and `anygate conform` on one machine:
 * the mock IdP's signing keys and a seed for dev API keys, kept in one directory so separate
 * processes agree. The directory is `$ANYGATE_DEV_HOME`, else `<os temp dir>/anygate-dev`
 * (created with mode 0700; files 0600). They are test credentials for 127.0.0.1 only.
 */
import { createHash, generateKeyPairSync, randomBytes, createPrivateKey, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export function stateDir(): string {
  const dir = process.env.ANYGATE_DEV_HOME || path.join(tmpdir(), 'anygate-dev');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** Reads a file, creating it with `make()` first if missing (atomic: concurrent starters agree). */
function readOrCreate(name: string, make: () => string): string {
  const file = path.join(stateDir(), name);
  if (!existsSync(file)) {
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(tmp, make(), { mode: 0o600 });
    // A rename never overwrites a winner's file with a half-written one.
    if (!existsSync(file)) renameSync(tmp, file);
  }
  return readFileSync(file, 'utf8');
}

/** Key type a JWS algorithm needs. */
export type KeyKind = 'rsa' | 'ec-p256' | 'ec-p384' | 'ec-p521' | 'ed25519';

export function keyKind(alg: string): KeyKind {
  if (alg.startsWith('RS') || alg.startsWith('PS')) return 'rsa';
  if (alg === 'ES256') return 'ec-p256';
  if (alg === 'ES384') return 'ec-p384';
  if (alg === 'ES512') return 'ec-p521';
  return 'ed25519';
}

function generate(kind: KeyKind): string {
  const pair =
    kind === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : kind === 'ed25519'
        ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('ec', { namedCurve: { 'ec-p256': 'P-256', 'ec-p384': 'P-384', 'ec-p521': 'P-521' }[kind] });
  return pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

const keys = new Map<KeyKind, KeyObject>();

/** The mock IdP's private key of a kind (stable across processes). */
export function mockIdpKey(kind: KeyKind): KeyObject {
  let k = keys.get(kind);
  if (!k) keys.set(kind, (k = createPrivateKey(readOrCreate(`mock-idp-${kind}.pem`, () => generate(kind)))));
  return k;
}

/** The dev API key of a consumer: derived from a local seed, so dev and conform agree. */
export function devApiKey(gateway: string, consumer: string): string {
  const seed = readOrCreate('api-key-seed', () => randomBytes(32).toString('hex'));
  return 'dev_' + createHash('sha256').update(`${seed}\0${gateway}\0${consumer}`).digest('base64url').slice(0, 32);
}
