/**
 * Replays conformance vectors against a running gateway (`anygate dev`, or a deployed stage) and
 * checks each answer. Tokens are signed by the mock IdP at the gateway's clock (read from
 * /__anygate/clock when the gateway is `anygate dev`); API keys are the dev keys (consumers.ts).
 */
import { Agent, request, type Dispatcher } from 'undici';
import type { GatewaySpec } from '../../lib/model/types';
import { readFileSync } from 'node:fs';
import { ADMIN_TOKEN_ENV, ADMIN_TOKEN_HEADER, adminTokenFile } from '../admin-guard';
import { consumerKeys } from '../consumers';
import { mockToken, parseDuration } from '../mock-idp';
import type { ConformVector } from './vectors';

export interface CaseResult {
  readonly name: string;
  readonly pass: boolean;
  readonly status?: number;
  /** What went wrong, when it failed. */
  readonly problems: string[];
  /** Why the case was not sent (it cannot be checked at this gateway); a skipped case counts as passed. */
  readonly skipped?: string;
}

/** What conform knows of the gateway it calls. */
export interface GatewayInfo {
  /** The gateway is `anygate dev` (it answers GET /__anygate/routes). */
  readonly dev: boolean;
  /** It takes the client address from X-Forwarded-For (anygate dev --trust-forwarded says so; unknown elsewhere: false). */
  readonly trustForwarded: boolean;
  /** The LLM backends its mock LLM answers (anygate dev --mock-llm): calls to them spend no real tokens. @default [] */
  readonly mockLlm?: readonly string[];
}

export interface RunOptions {
  readonly url: string;
  readonly env?: Record<string, string | undefined>;
  /** Per-request timeout. @default 30000 */
  readonly timeoutMs?: number;
  /**
   * The dev gateway's admin token, sent when moving its virtual clock.
   * @default $ANYGATE_DEV_ADMIN_TOKEN, else the token file `anygate dev` wrote for the URL's port
   */
  readonly adminToken?: string;
  /**
   * TLS towards an HTTPS gateway: the client certificate and key presented to a mutual TLS stage
   * (cases with `clientCertificate: false` omit them), and the CA bundle the gateway's own
   * certificate chains to.
   * @default - no client certificate; the system's CAs
   */
  readonly tls?: ClientTls;
  /**
   * The client address claimed in X-Forwarded-For on cases that name none: with ipRules.allow, an
   * address the rules let in. Only a gateway that reads X-Forwarded-For takes it.
   * @default - none: the gateway sees the connection's address
   */
  readonly clientIp?: string;
  /**
   * The gateway reads X-Forwarded-For though it is not anygate dev (conform --client-ip says so):
   * cases that claim a client address are sent. Otherwise, at a gateway that is not anygate dev,
   * they are skipped: it checks the address it sees the caller connect from.
   * @default false
   */
  readonly forwardedTrusted?: boolean;
  /**
   * Send the cases that spend an LLM backend's token budget (`spendsTokens`) though the gateway
   * does not say a mock LLM answers that backend (conform --spend-tokens): they cost real tokens.
   * @default false
   */
  readonly spendTokens?: boolean;
  /** What is known of the gateway. @default - asked once (gatewayInfo) */
  readonly gateway?: GatewayInfo;
}

/** What conform presents over HTTPS (`--client-cert`, `--client-key`, `--ca`). */
export interface ClientTls {
  readonly cert?: string | Buffer;
  readonly key?: string | Buffer;
  readonly ca?: string | Buffer;
}

/** The admin token for a dev gateway at `base`, when one can be found. */
export function findAdminToken(base: string, env: Record<string, string | undefined>): string | undefined {
  if (env[ADMIN_TOKEN_ENV]) return env[ADMIN_TOKEN_ENV];
  try {
    const u = new URL(base);
    // Only a gateway on this machine can have written the file.
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)) return undefined;
    return readFileSync(adminTokenFile(Number(u.port || 80), env), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

async function call(url: string, init: { method: string; headers: Record<string, string>; body?: string; dispatcher?: Dispatcher }, timeoutMs: number): Promise<Answer> {
  const r = await request(url, { method: init.method as 'GET', headers: init.headers, body: init.body, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, ...(init.dispatcher ? { dispatcher: init.dispatcher } : {}) });
  const body = await r.body.text();
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return { status: r.statusCode, headers, body };
}

/** Whether the gateway at `url` is anygate dev, and whether it reads X-Forwarded-For. */
export async function gatewayInfo(url: string, opts: { timeoutMs?: number; tls?: ClientTls } = {}): Promise<GatewayInfo> {
  const agents = tlsAgents(opts.tls);
  try {
    const a = await call(`${url.replace(/\/+$/, '')}/__anygate/routes`, { method: 'GET', headers: { accept: 'application/json' }, dispatcher: agents.withCert ?? agents.withoutCert }, opts.timeoutMs ?? 30_000);
    const j = a.status === 200 ? (JSON.parse(a.body) as { gateway?: unknown; trustForwarded?: unknown; mockLlm?: unknown }) : undefined;
    const mockLlm = Array.isArray(j?.mockLlm) ? j.mockLlm.filter((b): b is string => typeof b === 'string') : [];
    return j && typeof j.gateway === 'string' ? { dev: true, trustForwarded: j.trustForwarded === true, mockLlm } : { dev: false, trustForwarded: false };
  } catch {
    return { dev: false, trustForwarded: false };
  } finally {
    await Promise.all([agents.withCert?.close(), agents.withoutCert?.close()]);
  }
}

/** The dev gateway's clock, or undefined when the gateway is not `anygate dev`. */
async function serverClock(base: string, timeoutMs: number, dispatcher: Dispatcher | undefined): Promise<{ now: number; virtual: boolean } | undefined> {
  try {
    const a = await call(`${base}/__anygate/clock`, { method: 'GET', headers: {}, dispatcher }, timeoutMs);
    if (a.status !== 200) return undefined;
    const j = JSON.parse(a.body) as { now?: string; virtual?: boolean };
    return typeof j.now === 'string' ? { now: Date.parse(j.now), virtual: Boolean(j.virtual) } : undefined;
  } catch {
    return undefined;
  }
}

function dig(v: unknown, path: string): unknown {
  if (v && typeof v === 'object' && path in (v as object)) return (v as Record<string, unknown>)[path];
  for (const p of path.split('.')) {
    if (!v || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[p];
  }
  return v;
}

function check(v: ConformVector, a: Answer, previousBody: string | undefined): string[] {
  const e = v.expect;
  const problems: string[] = [];
  if (e.connectionRefused) problems.push(`answered ${a.status}, expected the connection refused without an answer (a failed TLS handshake)`);
  const ok = e.status === undefined ? true : Array.isArray(e.status) ? e.status.includes(a.status) : e.status === a.status;
  if (!ok) problems.push(`status ${a.status}, expected ${Array.isArray(e.status) ? e.status.join(' or ') : e.status}`);
  if (e.statusNot?.includes(a.status)) problems.push(`status ${a.status}, expected none of ${e.statusNot.join(', ')}`);
  for (const [h, want] of Object.entries(e.headers ?? {})) {
    const got = a.headers[h.toLowerCase()];
    if (want === null && got !== undefined) problems.push(`header ${h} is ${JSON.stringify(got)}, expected it absent`);
    if (want !== null && got !== want) problems.push(`header ${h} is ${got === undefined ? 'absent' : JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
  }
  if (e.body) {
    let doc: unknown;
    try {
      doc = JSON.parse(a.body);
    } catch {
      // A body that is not JSON has no fields: it passes where every field is expected absent (null).
      if (Object.values(e.body).some((w) => w !== null)) problems.push('body is not JSON');
    }
    const same = (got: unknown, want: unknown) => (want === null ? got === undefined || got === null : JSON.stringify(got) === JSON.stringify(want));
    if (doc !== undefined) for (const [k, want] of Object.entries(e.body)) if (!same(dig(doc, k), want)) problems.push(`body ${k} is ${JSON.stringify(dig(doc, k))}, expected ${want === null ? 'it absent' : JSON.stringify(want)}`);
  }
  if (e.sameBodyAsPrevious === true && a.body !== previousBody) problems.push('body differs from the previous answer (not served from the cache)');
  if (e.sameBodyAsPrevious === false && a.body === previousBody) problems.push('body repeats the previous answer (served from the cache, expected a fresh answer)');
  return problems;
}

/**
 * The connection pools of a run: with the client certificate (when conform has one) and without.
 * Two pools, so a case that omits the certificate never reuses a connection that presented it.
 */
function tlsAgents(tls: ClientTls | undefined): { withCert?: Agent; withoutCert?: Agent } {
  if (!tls) return {};
  const ca = tls.ca ? { ca: tls.ca } : {};
  return {
    withCert: tls.cert && tls.key ? new Agent({ connect: { ...ca, cert: tls.cert, key: tls.key } }) : undefined,
    withoutCert: new Agent({ connect: ca }),
  };
}

/** The peer ended the connection (or the TLS handshake) without answering; not an unreachable gateway or a timeout. */
function closedByPeer(e: unknown): boolean {
  const code = (e as { code?: string; cause?: { code?: string } }).code ?? '';
  const cause = (e as { cause?: { code?: string } }).cause?.code ?? '';
  const codes = [code, cause];
  if (codes.some((c) => ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT'].includes(c))) return false;
  // ERR_SSL_*: an alert the server sent (certificate required, handshake failure). The client's own
  // verification errors (ERR_TLS_CERT_ALTNAME_INVALID, UNABLE_TO_VERIFY_LEAF_SIGNATURE) are not the gateway refusing.
  return codes.some((c) => c === 'UND_ERR_SOCKET' || c === 'ECONNRESET' || c === 'EPIPE' || c.startsWith('ERR_SSL_'));
}

/** Runs every vector in order; never throws for a failing case. */
export async function runVectors(spec: GatewaySpec, vectors: ConformVector[], opts: RunOptions): Promise<CaseResult[]> {
  const agents = tlsAgents(opts.tls);
  try {
    return await runAll(spec, vectors, opts, agents);
  } finally {
    await Promise.all([agents.withCert?.close(), agents.withoutCert?.close()]);
  }
}

async function runAll(spec: GatewaySpec, vectors: ConformVector[], opts: RunOptions, agents: ReturnType<typeof tlsAgents>): Promise<CaseResult[]> {
  const base = opts.url.replace(/\/+$/, '');
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const plain = agents.withCert ?? agents.withoutCert;
  const keys = new Map(consumerKeys(spec, opts.env).map((k) => [k.consumer, k.key]));
  const results: CaseResult[] = [];
  let previousBody: string | undefined;
  // One token per distinct request at one gateway time: repeated cases are the same caller.
  const tokens = new Map<string, string>();
  // Looked up when a case first moves the clock (a deployed stage has none).
  let adminToken: string | undefined;
  // A claimed client address counts only where the gateway reads X-Forwarded-For; anygate dev
  // without --trust-forwarded is sent the claims anyway (its cases fail, and the hints name the flag).
  const vectorsClaim = vectors.some((v) => v.request.clientIp) || opts.clientIp !== undefined;
  // A case spending a token budget is sent only where a mock LLM answers (or the user said --spend-tokens).
  const spends = vectors.some((v) => v.spendsTokens) && !opts.spendTokens;
  const gateway = opts.gateway ?? ((vectorsClaim && !opts.forwardedTrusted) || spends ? await gatewayInfo(base, { timeoutMs, tls: opts.tls }) : undefined);
  const claims = opts.forwardedTrusted === true || gateway?.dev !== false;
  for (const v of vectors) {
    if (v.request.clientIp && !claims) {
      results.push({ name: v.name, pass: true, problems: [], skipped: `it claims the client address ${v.request.clientIp} (X-Forwarded-For); this gateway is not anygate dev and checks the address it sees you connect from (pass --client-ip ADDR if it reads X-Forwarded-For)` });
      continue;
    }
    if (v.spendsTokens && !opts.spendTokens && !gateway?.mockLlm?.includes(v.spendsTokens)) {
      results.push({ name: v.name, pass: true, problems: [], skipped: `it spends backend ${v.spendsTokens}'s token budget, real LLM tokens here; it runs against anygate dev --mock-llm, or pass --spend-tokens to spend them` });
      continue;
    }
    try {
      if (v.advanceSeconds) {
        // Only a virtual-clock dev gateway moves; elsewhere the case runs at the current time.
        adminToken ??= opts.adminToken ?? findAdminToken(base, opts.env ?? process.env) ?? '';
        await call(`${base}/__anygate/clock`, { method: 'POST', headers: { 'content-type': 'application/json', ...(adminToken ? { [ADMIN_TOKEN_HEADER]: adminToken } : {}) }, body: JSON.stringify({ advanceSeconds: v.advanceSeconds }), dispatcher: plain }, timeoutMs).catch(() => undefined);
      }
      const clock = await serverClock(base, timeoutMs, plain);
      if (v.virtualClockOnly && !clock?.virtual) {
        results.push({ name: v.name, pass: true, problems: [], skipped: `it waits ${v.advanceSeconds ?? 0} s for a window to reopen by moving the gateway's clock; only anygate dev --clock virtual can` });
        continue;
      }
      const r = v.request;
      if (r.clientCertificate === true && !agents.withCert) {
        results.push({ name: v.name, pass: false, problems: ['the case presents a client certificate: pass --client-cert and --client-key (a certificate the gateway\'s truststore accepts)'] });
        continue;
      }
      const dispatcher = r.clientCertificate === false ? agents.withoutCert : plain;
      const headers: Record<string, string> = { ...(r.headers ?? {}) };
      const query = new URLSearchParams(r.query ?? {});
      if (r.token) {
        const id = JSON.stringify([r.token, clock?.now]);
        const token = tokens.get(id) ?? mockToken(spec, { authorizer: r.token.authorizer, scopes: r.token.scopes, claims: r.token.claims, sub: r.token.sub, expiresInSeconds: r.token.expiresIn === 'never' ? null : r.token.expiresIn ? parseDuration(r.token.expiresIn) : undefined, nowMs: clock?.now });
        tokens.set(id, token);
        const a = spec.authorizers[r.token.authorizer];
        headers[a?.type === 'jwt' ? a.header : 'Authorization'] = `Bearer ${token}`;
      }
      if (r.apiKey) {
        const key = keys.get(r.apiKey.consumer) ?? '';
        if ((r.apiKey.in ?? 'header') === 'header') headers[r.apiKey.name ?? 'x-api-key'] = r.apiKey.scheme ? `${r.apiKey.scheme} ${key}` : key;
        else query.set(r.apiKey.name ?? 'x-api-key', key);
      }
      const claimed = r.clientIp ?? (claims ? opts.clientIp : undefined);
      if (claimed) headers['x-forwarded-for'] = claimed;
      let body: string | undefined;
      if (r.body !== undefined) {
        body = typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
        if (typeof r.body !== 'string') headers['content-type'] ??= 'application/json';
      }
      const qs = query.toString();
      let a: Answer | undefined;
      for (let i = 0; i < (r.repeat ?? 1); i++) a = await call(`${base}${r.path}${qs ? `?${qs}` : ''}`, { method: r.method, headers, body, dispatcher }, timeoutMs);
      const problems = check(v, a!, previousBody);
      previousBody = a!.body;
      results.push({ name: v.name, pass: problems.length === 0, status: a!.status, problems });
    } catch (e) {
      // A refused handshake (or a connection closed before any answer) is what such a case expects.
      if (v.expect.connectionRefused && closedByPeer(e)) results.push({ name: v.name, pass: true, problems: [] });
      else results.push({ name: v.name, pass: false, problems: [`request failed: ${(e as Error).message}`] });
    }
  }
  return results;
}

/** The pass/fail table. */
export function formatResults(results: CaseResult[]): string {
  const width = Math.min(70, Math.max(4, ...results.map((r) => r.name.length)));
  const lines = [`${'case'.padEnd(width)}  status  result`];
  for (const r of results) {
    lines.push(`${r.name.padEnd(width)}  ${String(r.status ?? '-').padEnd(6)}  ${r.skipped ? 'skip' : r.pass ? 'pass' : 'FAIL'}`);
    for (const p of r.skipped ? [r.skipped] : r.problems) lines.push(`${''.padEnd(width)}          ${p}`);
  }
  const failed = results.filter((r) => !r.pass).length;
  const skipped = results.filter((r) => r.skipped).length;
  lines.push(`${results.length - failed - skipped} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  return lines.join('\n') + '\n';
}
