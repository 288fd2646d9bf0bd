/**
 * Local secrets shared by `anygate dev`, `anygate token` and `anygate conform` on one machine:
 * the mock IdP's signing keys and a seed for dev API keys, kept in one directory so separate
 * processes agree. They are test credentials for 127.0.0.1 only, but whoever can write them can
 * mint tokens and derive API keys a dev gateway accepts, so the directory is per user: see
 * `stateDir`.
 */
import { createHash, generateKeyPairSync, randomBytes, createPrivateKey, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync, renameSync, statSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import * as path from 'node:path';
import { DevUsageError } from './errors';

/**
 * Where the directory is: `$ANYGATE_DEV_HOME`, else `$XDG_STATE_HOME/anygate`, else
 * `~/.local/state/anygate`; only without a home directory `<os temp dir>/anygate-<uid>`. Never a
 * name shared by every user of the machine (it was `<os temp dir>/anygate-dev`, which another
 * user could create first).
 */
export function stateDirPath(env: Record<string, string | undefined> = process.env): string {
  if (env.ANYGATE_DEV_HOME) return path.resolve(env.ANYGATE_DEV_HOME);
  if (env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME)) return path.join(env.XDG_STATE_HOME, 'anygate');
  let home = '';
  try {
    home = homedir();
  } catch {
    // No home directory (some service accounts): fall through to the temp folder.
  }
  if (home) return path.join(home, '.local', 'state', 'anygate');
  return path.join(tmpdir(), `anygate-${process.getuid?.() ?? 'user'}`);
}

/**
 * Refuses a key directory another user could have written: it must be a directory owned by the
 * current user and writable by no one else (no group or world write bit). On systems without
 * POSIX owners (Windows) only the type is checked.
 */
export function checkStateDir(dir: string, uid: number | undefined = process.getuid?.()): void {
  const st = statSync(dir);
  const fix = `delete it (or chmod 700 it, if it is yours) or set ANYGATE_DEV_HOME to a directory of your own with mode 0700`;
  if (!st.isDirectory()) throw new DevUsageError(`dev key directory ${dir} is not a directory; ${fix}`);
  if (uid === undefined) return;
  if (st.uid !== uid) throw new DevUsageError(`dev key directory ${dir} is owned by uid ${st.uid}, not by you (uid ${uid}): its keys could mint tokens and API keys your gateway accepts; ${fix}`);
  if (st.mode & 0o022) throw new DevUsageError(`dev key directory ${dir} is writable by ${st.mode & 0o002 ? 'every user' : 'its group'} (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}): another user could replace its keys; run chmod 700 ${dir}, or ${fix}`);
}

/** The key directory, created with mode 0700 when missing and checked on every use. */
export function stateDir(env: Record<string, string | undefined> = process.env): string {
  const dir = stateDirPath(env);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new DevUsageError(`dev key directory ${dir} cannot be created (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); set ANYGATE_DEV_HOME to a directory of your own with mode 0700`);
  }
  checkStateDir(dir);
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
