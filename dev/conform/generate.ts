/**
 * Conformance cases generated from a spec for one profile: per route, no credentials, wrong
 * scope, expired token, valid credentials, each alternative credential alone and together and
 * beside an invalid one, over the rate limit, CORS preflight from an allowed and
 * a refused origin, cached response reuse, the mock body, a denied IP. Expected answers come from
 * the profile's table (profiles.ts), so the same cases hold a deployed stage to it; the cases of
 * the records' named differences come from the records (differences.ts).
 */
import type { GatewaySpec, RouteSpec } from '../../lib/model/types';
import { credentialLocation } from '../../lib/model/credentials';
import { wholeRate } from '../../lib/capabilities/targets/kubernetes';
import { rateWindow } from '../../providers/azure/emit/limits';
import { refusal, type Profile, type Refusal } from '../profiles';
import type { ConformVector } from './vectors';
import { contractCases } from './contract';
import { versionCases, withSelector } from './versions';
import { expandVersions } from '../../lib/model/versions';
import { certificateConsumerCases, mtlsCases } from './mtls';
import { differenceVectors, type RouteHelpers } from './differences';
import { basePrefix } from '../../lib/model/path';
import { addressOutsideAllow } from '../ip-rules';
import { completionKind, tokenLimits } from '../ai-model';
import { mockReply } from '../mock-llm';
import { promptTokens, tokensIn } from '../token-limits';

/** Most requests a rate-limit case may send. */
const MAX_REPEAT = 1200;
const REFUSED_ORIGIN = 'https://refused.anygate.invalid';

/**
 * What a refusal answers under the spec's error mode: the status (the contract makes a quota 429
 * and an unknown key 401 everywhere) and, with the contract, the body's `error.code`.
 */
function refused(spec: GatewaySpec, p: Profile, r: Refusal): ConformVector['expect'] {
  const res = refusal(p, r, { errors: spec.errors });
  if (spec.errors !== 'anygate') return { status: res.status };
  return { status: res.status, body: { 'error.code': (JSON.parse(res.body) as { error: { code: string } }).error.code } };
}

/** A request path for the route, with sample parameter values. */
export function samplePath(spec: GatewaySpec, r: RouteSpec): string {
  const base = basePrefix(spec.basePath);
  const rest = r.segments.map((s) => (s.kind === 'literal' ? s.value : s.greedy ? 'sample/path' : `${s.prefix}sample-${s.name.replace(/[^A-Za-z0-9]/g, '')}${s.suffix}`)).join('/');
  return `${base}/${rest}` || '/';
}

/** Sending an ANY route's own request: the first of these its path leaves to it. */
const ANY_SAMPLES = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * The method a case sends to reach `r`: its own, or for an ANY route GET unless another route
 * of the path takes GET (a public GET beside an authenticated ANY), then the next one free.
 */
export function sampleMethod(spec: GatewaySpec, r: RouteSpec): string {
  if (r.method !== 'ANY') return r.method;
  const shape = (x: RouteSpec) => x.path.replace(/\{[^}]*\}/g, '{}');
  const taken = new Set(spec.routes.filter((o) => o !== r && shape(o) === shape(r)).map((o) => o.method));
  return ANY_SAMPLES.find((m) => !taken.has(m as RouteSpec['method'])) ?? 'GET';
}

/** The credentials one alternative of a route needs (the first by default), scopes included. */
function credentials(spec: GatewaySpec, r: RouteSpec, scopes: string[] = r.scopes, alt?: string[]): Pick<ConformVector['request'], 'token' | 'apiKey'> {
  if (r.auth === 'none') return {};
  const out: Pick<ConformVector['request'], 'token' | 'apiKey'> = {};
  for (const n of alt ?? r.auth[0]) {
    const a = spec.authorizers[n];
    if (a.type === 'jwt') out.token = { authorizer: n, scopes };
    if (a.type === 'apiKey') {
      const consumer = Object.keys(spec.consumers).sort()[0];
      if (consumer) out.apiKey = { consumer, in: a.in, name: a.name, ...(a.scheme !== undefined ? { scheme: a.scheme } : {}) };
    }
  }
  return out;
}

/** Every alternative can be exercised: no custom authorizer, and a consumer for API keys. */
function usable(spec: GatewaySpec, r: RouteSpec): boolean {
  return r.auth === 'none' || r.auth.every((alt) => alt.every((n) => spec.authorizers[n].type !== 'custom' && (spec.authorizers[n].type !== 'apiKey' || Object.keys(spec.consumers).length > 0)));
}

const INVALID_KEY = 'anygate-conform-invalid-key';

const keyAt = (where: { in: 'header' | 'query'; name: string }) => (where.in === 'query' ? { query: { [where.name]: INVALID_KEY } } : { headers: { [where.name]: INVALID_KEY } });

/**
 * Alternative credentials (docs/model.md): each alternative alone, all together, one invalid
 * credential beside a valid one (refused: a failed credential is never rescued), and two
 * different API keys (refused).
 */
function alternativeCases(spec: GatewaySpec, r: RouteSpec, profile: Profile, base: { method: string; path: string }): ConformVector[] {
  if (r.auth === 'none' || r.auth.length < 2) return [];
  const out: ConformVector[] = [];
  // A header two alternatives share: a value with neither scheme presents nothing (401), or on an optional route is still refused.
  for (const n of new Set(r.auth.flat())) {
    const a = spec.authorizers[n];
    if (a.type !== 'apiKey' || a.scheme === undefined || !r.auth.flat().some((m) => m !== n && credentialLocation(spec.authorizers[m]).name === a.name.toLowerCase() && credentialLocation(spec.authorizers[m]).in === 'header')) continue;
    out.push({ name: `${r.id}: ${a.name} with an unknown scheme`, route: r.id, request: { ...base, headers: { [a.name]: `Anygate-Unknown ${INVALID_KEY}` } }, expect: refused(spec, profile, 'unauthorized') });
  }
  const ok = { statusNot: [401, 403, 429] };
  for (const alt of r.auth) out.push({ name: `${r.id}: only ${alt.join(' + ')}`, route: r.id, advanceSeconds: 3600, request: { ...base, ...credentials(spec, r, r.scopes, alt) }, expect: ok });
  // The first alternative's credential wins where two would fill the same field.
  const all: ReturnType<typeof credentials> = Object.assign({}, ...[...r.auth].reverse().map((alt) => credentials(spec, r, r.scopes, alt)));
  out.push({ name: `${r.id}: every alternative at once`, route: r.id, advanceSeconds: 3600, request: { ...base, ...all }, expect: ok });
  const key = all.apiKey;
  // A token and a key in one header (Bearer <jwt> or Bot <key>) cannot both be sent.
  const tokenHeader = all.token && spec.authorizers[all.token.authorizer].type === 'jwt' ? (spec.authorizers[all.token.authorizer] as { header: string }).header.toLowerCase() : undefined;
  const oneHeader = key !== undefined && (key.in ?? 'header') === 'header' && (key.name ?? 'x-api-key').toLowerCase() === tokenHeader;
  if (all.token && key && !oneHeader) {
    out.push({ name: `${r.id}: a valid API key does not rescue an expired token`, route: r.id, request: { ...base, ...all, token: { ...all.token, expiresIn: '-1h' } }, expect: refused(spec, profile, 'unauthorized') });
    out.push({ name: `${r.id}: a valid token does not rescue an invalid API key`, route: r.id, request: { ...base, token: all.token, ...keyAt({ in: key.in ?? 'header', name: key.name ?? 'x-api-key' }) }, expect: refused(spec, profile, 'invalidApiKey') });
  }
  const other = [...new Set(r.auth.flat())].map((n) => spec.authorizers[n]).find((a) => a.type === 'apiKey' && key && (a.in !== key.in || a.name !== key.name));
  if (key && other?.type === 'apiKey') {
    out.push({ name: `${r.id}: two different API keys`, route: r.id, request: { ...base, apiKey: key, ...keyAt(other) }, expect: refused(spec, profile, 'unauthorized') });
  }
  return out;
}

/** How many requests one rate limit lets through at once, per the profile. */
export function rateCapacity(profile: Profile, l: { requestsPerSecond: number; burst: number }): number {
  // Envoy Gateway's limits (local bucket, global window) hold the whole per-unit count, as dev's limits.ts.
  const envoy = (rps: number) => wholeRate(rps)?.requests ?? Math.max(1, Math.round(rps));
  return profile === 'azure' ? rateWindow(l).calls : profile === 'apigee' ? Math.max(1, Math.ceil(l.requestsPerSecond)) : profile === 'kubernetes' ? envoy(l.requestsPerSecond) : l.burst;
}

/** How many requests pass before the tightest limit on the route refuses, per the profile. */
export function capacity(spec: GatewaySpec, stage: string, r: RouteSpec, profile: Profile): number | undefined {
  const limits = [];
  const cap = (l: { requestsPerSecond: number; burst: number }) => rateCapacity(profile, l);
  if (r.rateLimit) limits.push(cap(r.rateLimit));
  const throttle = spec.stages[stage]?.throttle;
  if (throttle && !(profile === 'aws' && r.rateLimit)) limits.push(cap(throttle));
  const creds = credentials(spec, r);
  if (creds.apiKey) {
    const plan = spec.plans[spec.consumers[creds.apiKey.consumer].plan];
    if (plan.rateLimit) limits.push(cap(plan.rateLimit));
  }
  return limits.length ? Math.min(...limits) : undefined;
}

/** What a conform case asks an LLM. */
const LLM_PROMPT = 'anygate conform';

/** A valid request body for an LLM route: a chat completion, or a text completion on a .../completions path. */
export function llmBody(r: RouteSpec, prompt = LLM_PROMPT): Record<string, unknown> {
  return completionKind(r.path) === 'text' ? { prompt, max_tokens: 16 } : { messages: [{ role: 'user', content: prompt }], max_tokens: 16 };
}

/** The most prompt tokens one token-limit call may carry. */
const MAX_PROMPT_TOKENS = 8192;

/**
 * A token limit's cases (docs/ai.md): calls until the budget is spent, the last refused with 429,
 * then one window later a call answered again. Each call costs what the mock LLM charges for its
 * body (its usage block), so the cases are sent only where the mock answers (run.ts skips them
 * elsewhere unless --spend-tokens); the reopening needs the virtual clock. A rate limit on the
 * route would refuse first and pass the case for the wrong reason, so the prompt grows (up to
 * MAX_PROMPT_TOKENS) until the budget is spent in fewer calls than the rate limit lets through;
 * when it cannot be, there is no case.
 */
function tokenLimitCases(spec: GatewaySpec, stage: string, r: RouteSpec, profile: Profile, request: ConformVector['request']): ConformVector[] {
  const l = tokenLimits(spec).get(r.backend);
  if (!l) return [];
  const maxCalls = Math.min(MAX_REPEAT, capacity(spec, stage, r, profile) ?? MAX_REPEAT);
  // The prompt each call needs for the budget to run out within maxCalls - 1 answered calls.
  const base = promptTokens(Buffer.from(JSON.stringify(llmBody(r))));
  const perWord = (promptTokens(Buffer.from(JSON.stringify(llmBody(r, `${LLM_PROMPT}${' anygate'.repeat(100)}`)))) - base) / 100;
  let words = Math.max(0, Math.ceil((Math.ceil(l.tokens / Math.max(1, maxCalls - 1)) - base) / perWord));
  let found: { body: Record<string, unknown>; calls: number } | undefined;
  while (!found) {
    const prompt = words ? `${LLM_PROMPT}${' anygate'.repeat(words)}` : LLM_PROMPT;
    const body = llmBody(r, prompt);
    const input = promptTokens(Buffer.from(JSON.stringify(body)));
    if (input > MAX_PROMPT_TOKENS) return [];
    const calls = Math.ceil(l.tokens / Math.max(1, input + tokensIn(mockReply(prompt, 16)))) + 1;
    if (calls <= maxCalls) found = { body, calls };
    else words = Math.ceil(words * 1.1) + 1;
  }
  const tokens = { spendsTokens: r.backend, route: r.id };
  return [
    { name: `${r.id}: over the token limit (${l.tokens} tokens; ${found.calls} calls)`, ...tokens, advanceSeconds: l.windowSeconds, request: { ...request, body: found.body, repeat: found.calls }, expect: { status: 429 } },
    { name: `${r.id}: token budget back after ${l.windowSeconds} s`, ...tokens, virtualClockOnly: true, advanceSeconds: l.windowSeconds, request, expect: { status: 200 } },
  ];
}

function routeCases(spec: GatewaySpec, stage: string, r: RouteSpec, profile: Profile, stageCaseTaken: { done: boolean }): ConformVector[] {
  const path = samplePath(spec, r);
  const m = sampleMethod(spec, r);
  const out: ConformVector[] = [];
  const base = { method: m, path };
  const jwt = r.auth !== 'none' && r.auth[0].find((n) => spec.authorizers[n].type === 'jwt');
  const keyAuth = r.auth !== 'none' && r.auth[0].map((n) => spec.authorizers[n]).find((a) => a.type === 'apiKey');
  const llm = spec.backends[r.backend]?.type === 'llm';
  if (r.auth !== 'none' && usable(spec, r)) {
    const noCreds: Refusal = jwt || r.auth.length > 1 ? 'unauthorized' : profile === 'aws' && keyAuth && keyAuth.type === 'apiKey' && !(keyAuth.in === 'header' && keyAuth.name.toLowerCase() === 'x-api-key') ? 'unauthorized' : 'missingApiKey';
    if (r.authOptional) {
      // Optional authentication: nothing presented is let in; a presented credential must still be valid.
      out.push({ name: `${r.id}: no credentials (optional authentication)`, route: r.id, advanceSeconds: 3600, request: base, expect: { statusNot: [401, 403, 429] } });
      const key = credentials(spec, r).apiKey;
      // Another scheme (or a lowercase bearer) is a presented credential, not a missing one: refused
      // (Envoy's jwt.optional took it for missing, which is why Kubernetes refuses auth.optional).
      if (jwt) {
        out.push({ name: `${r.id}: another scheme on an optional route`, route: r.id, request: { ...base, headers: { authorization: 'Basic eHl6' } }, expect: refused(spec, profile, 'unauthorized') });
        out.push({ name: `${r.id}: lowercase bearer with a bad token on an optional route`, route: r.id, request: { ...base, headers: { authorization: 'bearer not.a.token' } }, expect: refused(spec, profile, 'unauthorized') });
      }
      if (key && !jwt) out.push({ name: `${r.id}: an invalid API key on an optional route`, route: r.id, request: { ...base, ...(key.scheme ? { headers: { [key.name ?? 'x-api-key']: `${key.scheme} ${INVALID_KEY}` } } : keyAt({ in: key.in ?? 'header', name: key.name ?? 'x-api-key' })) }, expect: refused(spec, profile, 'invalidApiKey') });
    } else out.push({ name: `${r.id}: no credentials`, route: r.id, request: base, expect: refused(spec, profile, noCreds) });
    if (jwt) {
      out.push({ name: `${r.id}: expired token`, route: r.id, request: { ...base, ...credentials(spec, r), token: { authorizer: jwt, scopes: r.scopes, expiresIn: '-1h' } }, expect: refused(spec, profile, 'unauthorized') });
      if (r.scopes.length) out.push({ name: `${r.id}: wrong scope`, route: r.id, request: { ...base, ...credentials(spec, r, ['anygate:wrong-scope']) }, expect: refused(spec, profile, 'forbiddenScope') });
    }
    // An LLM route is sent a chat it can answer (without a body the model answers 400): 200 then.
    out.push(llm ? { name: `${r.id}: valid credentials`, route: r.id, advanceSeconds: 3600, request: { ...base, ...credentials(spec, r), body: llmBody(r) }, expect: { status: 200 } } : { name: `${r.id}: valid credentials`, route: r.id, advanceSeconds: 3600, request: { ...base, ...credentials(spec, r) }, expect: { statusNot: [401, 403, 429] } });
    out.push(...alternativeCases(spec, r, profile, base));
  }
  if (!usable(spec, r)) return out;
  out.push(...contractCases(spec, r, { ...base, ...credentials(spec, r) }, refused(spec, profile, 'badRequest')));
  if (llm) out.push(...tokenLimitCases(spec, stage, r, profile, { ...base, ...credentials(spec, r), body: llmBody(r) }));
  const b = spec.backends[r.backend];
  if (b.type === 'mock') {
    const body = b.body && typeof b.body === 'object' && !Array.isArray(b.body) ? Object.fromEntries(Object.entries(b.body as Record<string, unknown>).filter(([, v]) => v === null || typeof v !== 'object')) : undefined;
    out.push({ name: `${r.id}: mock response`, route: r.id, advanceSeconds: 3600, request: { ...base, ...credentials(spec, r) }, expect: { status: b.statusCode, ...(body && Object.keys(body).length ? { body } : {}) } });
  }
  if (r.cache && m === 'GET' && r.cache.ttlSeconds > 0 && b.type !== 'mock') {
    out.push({ name: `${r.id}: cache fill`, route: r.id, advanceSeconds: 3600, request: { ...base, ...credentials(spec, r) }, expect: { status: 200 } });
    out.push({ name: `${r.id}: cached response reused`, route: r.id, request: { ...base, ...credentials(spec, r) }, expect: { status: 200, sameBodyAsPrevious: true } });
  }
  const n = capacity(spec, stage, r, profile);
  // A limit of the route or its consumer is tested on each route; the stage throttle only once.
  const own = Boolean(r.rateLimit) || Boolean(credentials(spec, r).apiKey && spec.plans[spec.consumers[credentials(spec, r).apiKey!.consumer].plan].rateLimit);
  if (n !== undefined && n + 1 <= MAX_REPEAT && (own || !stageCaseTaken.done)) {
    if (!own) stageCaseTaken.done = true;
    out.push({ name: `${r.id}: over the rate limit (${n + 1} requests)`, route: r.id, advanceSeconds: 3600, request: { ...base, ...credentials(spec, r), repeat: n + 1 }, expect: refused(spec, profile, 'rateLimited') });
  }
  return out;
}

function corsCases(spec: GatewaySpec, profile: Profile): ConformVector[] {
  const c = spec.cors;
  const r = spec.routes[0];
  if (!c || !r) return [];
  const allowed = c.allowOrigins.find((o) => o !== '*') ?? 'https://allowed.anygate.invalid';
  const req = (origin: string) => ({ method: 'OPTIONS', path: samplePath(spec, r), headers: { Origin: origin, 'Access-Control-Request-Method': sampleMethod(spec, r) } });
  const ok = profile === 'aws' ? 204 : 200;
  const out: ConformVector[] = [{ name: `CORS preflight from ${allowed}`, route: r.id, request: req(allowed), expect: { status: ok, headers: { 'access-control-allow-origin': c.allowOrigins.includes('*') && !c.allowCredentials ? '*' : allowed } } }];
  if (!c.allowOrigins.includes('*')) out.push({ name: `CORS preflight from a refused origin`, route: r.id, request: req(REFUSED_ORIGIN), expect: { headers: { 'access-control-allow-origin': null } } });
  return out;
}

/**
 * ipRules: an address of a deny range, and an address outside the allow list, both refused. They
 * claim the address in X-Forwarded-For (run.ts): only a gateway that reads it can be checked so.
 */
function ipCases(spec: GatewaySpec, profile: Profile): ConformVector[] {
  const deny = spec.ipRules?.deny.find((c) => !c.includes(':'));
  const outside = addressOutsideAllow(spec.ipRules);
  const r = spec.routes[0];
  if (!r) return [];
  const req = (clientIp: string) => ({ method: sampleMethod(spec, r), path: samplePath(spec, r), clientIp });
  return [
    ...(deny ? [{ name: `denied IP ${deny.split('/')[0]}`, route: r.id, request: req(deny.split('/')[0]), expect: refused(spec, profile, 'ipDenied') }] : []),
    ...(outside ? [{ name: `IP outside ipRules.allow ${outside}`, route: r.id, request: req(outside), expect: refused(spec, profile, 'ipDenied') }] : []),
  ];
}

const HELPERS: RouteHelpers = { samplePath, sampleMethod, credentials: (spec, r) => credentials(spec, r), usable, capacity, maxRepeat: MAX_REPEAT, refusedOrigin: REFUSED_ORIGIN };

/** What the generator may know beyond the spec. */
export interface GenerateOptions {
  /** SHA-256 of the client certificate conform presents (`--client-cert`): a consumer it names gets a plan case. @default - none */
  readonly clientCertSha256?: string;
}

/**
 * Every generated case for `spec` on `profile`. Versioned specs: every case per version
 * (lib/model/versions.ts), and the version cases. Last, one case per difference situation the
 * records name (differences.ts).
 */
export function generateVectors(versioned: GatewaySpec, stage: string, profile: Profile, options: GenerateOptions = {}): ConformVector[] {
  const spec = expandVersions(versioned);
  const taken = { done: false };
  const sampleRoute = spec.routes.find((r) => usable(spec, r) && spec.backends[r.backend].type !== 'mock' && r.method !== 'ANY') ?? spec.routes.find((r) => usable(spec, r));
  const sample = sampleRoute && { route: sampleRoute, request: withSelector(sampleRoute, [{ name: '', request: { method: sampleMethod(spec, sampleRoute), path: samplePath(spec, sampleRoute), ...credentials(spec, sampleRoute) }, expect: {} }])[0].request };
  return [
    ...mtlsCases(spec, stage, profile, sample, refused(spec, profile, 'unauthorized')),
    ...certificateConsumerCases(spec, stage, profile, sample, options.clientCertSha256, { capacity: (r) => capacity(spec, stage, r, profile), rate: (l) => rateCapacity(profile, l), maxRepeat: MAX_REPEAT, rateLimited: refused(spec, profile, 'rateLimited'), quotaExceeded: refused(spec, profile, 'quotaExceeded') }),
    ...corsCases(spec, profile),
    ...ipCases(spec, profile),
    ...spec.routes.flatMap((r) => withSelector(r, routeCases(spec, stage, r, profile, taken))),
    ...versionCases(versioned, spec, profile, (r) => ({ method: sampleMethod(spec, r), path: samplePath(spec, r), ...credentials(spec, r) })),
    ...differenceVectors(versioned, stage, profile, HELPERS),
  ];
}
