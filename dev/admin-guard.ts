/**
 * Who may use the dev gateway's admin endpoints (`/__anygate/*`: the access log, the virtual
 * clock, the mock IdP's JWKS). The gateway listens on loopback, but a web page the developer
 * opens can still reach it: by DNS rebinding (a name of the attacker's that resolves to
 * 127.0.0.1, so the browser sends `Host: attacker.example`) or by a cross-site form POST. So:
 * - Host must be a loopback name or address (`127.0.0.1`, `localhost`, `[::1]`) or the bound host;
 * - an Origin, when sent, must be the gateway's own (a browser sends it on cross-origin calls and
 *   on every POST), and `Sec-Fetch-Site: cross-site` is refused;
 * - state-changing calls (POST) carry the run's admin token in `X-Anygate-Admin-Token`: random per
 *   run, printed at start and written to a 0600 file that `anygate conform` reads.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { stateDir } from './local-state';

/** The request header carrying the admin token. */
export const ADMIN_TOKEN_HEADER = 'x-anygate-admin-token';

/** Environment variable `anygate conform` reads the admin token from before the token file. */
export const ADMIN_TOKEN_ENV = 'ANYGATE_DEV_ADMIN_TOKEN';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** A fresh admin token (256 random bits, base64url). */
export function newAdminToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The file holding the admin token of the dev gateway on `port` (in the per-user key directory). */
export function adminTokenFile(port: number, env: Record<string, string | undefined> = process.env): string {
  return path.join(stateDir(env), `dev-admin-token-${port}`);
}

/** Writes the token file (mode 0600); returns a function that removes it. */
export function publishAdminToken(port: number, token: string): { file: string; remove: () => void } {
  const file = adminTokenFile(port);
  rmSync(file, { force: true }); // a fresh file, so the mode below applies
  writeFileSync(file, token + '\n', { mode: 0o600 });
  const remove = () => {
    // Only our own: a gateway restarted on the same port (--watch) has written its file already.
    try {
      if (readFileSync(file, 'utf8').trim() === token) rmSync(file, { force: true });
    } catch {
      // Already gone.
    }
  };
  return { file, remove };
}

/** `host[:port]` without the port, lower-case; brackets kept on IPv6 literals. */
function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  const m = /^(\[[^\]]*\]|[^:]*)(?::\d*)?$/.exec(h);
  return m ? m[1] : h;
}

export interface AdminRequest {
  readonly method: string;
  /** Lower-case header names. */
  readonly headers: Record<string, string | string[] | undefined>;
}

/** Why an admin request is refused (status and message), or undefined when it may proceed. */
export function adminRefusal(req: AdminRequest, opts: { port: number; boundHost: string; token: string }): { status: number; message: string } | undefined {
  const one = (name: string): string | undefined => {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const allowed = new Set([...LOOPBACK, hostName(opts.boundHost)]);
  const host = one('host');
  if (!host || !allowed.has(hostName(host))) {
    return { status: 403, message: `dev admin endpoints answer only Host ${[...allowed].join(', ')} (got ${JSON.stringify(host ?? '')}); call them at http://127.0.0.1:${opts.port}` };
  }
  const origin = one('origin');
  if (origin !== undefined) {
    let same = false;
    try {
      const u = new URL(origin);
      same = u.protocol === 'http:' && allowed.has(hostName(u.host)) && Number(u.port || 80) === opts.port;
    } catch {
      same = false;
    }
    if (!same) return { status: 403, message: `dev admin endpoints refuse cross-site calls (Origin ${JSON.stringify(origin)}); call them from the command line or a script` };
  }
  if (one('sec-fetch-site') === 'cross-site') return { status: 403, message: 'dev admin endpoints refuse cross-site calls (Sec-Fetch-Site: cross-site)' };
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    const got = Buffer.from(one(ADMIN_TOKEN_HEADER) ?? '');
    const want = Buffer.from(opts.token);
    if (got.length !== want.length || !timingSafeEqual(got, want)) {
      return { status: 401, message: `${req.method} needs this run's admin token in the ${ADMIN_TOKEN_HEADER} header: anygate dev printed it at start and wrote it to ${adminTokenFile(opts.port)}` };
    }
  }
  return undefined;
}
