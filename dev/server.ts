/**
 * `anygate dev`: the gateway on 127.0.0.1, one request pipeline in the order the clouds apply
 * their checks: IP rules, CORS preflight, route match, body size, auth, limits, validation,
 * cache, backend (mock, HTTP proxy or in-process function), CORS on the response, access log.
 */
import { randomUUID } from 'node:crypto';
import { contractEndpoint } from './contract-docs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { AWS_FORBIDDEN, awsUnreachableStage, decideDomain } from './domains';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { performance } from 'node:perf_hooks';
import type { GatewaySpec, RouteSpec } from '../lib/model/types';
import { AccessLog, type AccessLogFormat } from './access-log';
import { accessLogJson } from './access-log-line';
import { adminRefusal, newAdminToken, publishAdminToken } from './admin-guard';
import { RouteAuth, type Caller } from './auth';
import { alternativeJwts } from './alternatives';
import { createDevAuthorizer } from './aws-authorizer';
import { corsOwnsOptions, jwtLeniency, noCacheSkipsLookup } from './probes';
import { cacheable, cacheKey, ResponseCache } from './cache';
import { formatRefusals, refusals } from './capabilities';
import { startDecision } from './start';
import { virtualClock, wallClock, type Clock } from './clock';
import { consumerKeys, type ConsumerKey } from './consumers';
import * as cors from './cors';
import { DevUsageError } from './errors';
import { functionEvent, functionResult, type FunctionHandler, type FunctionRequest } from './functions';
import { allowedAddress, clientAddress, DEV_CLIENT_ADDRESS, ipAllowed } from './ip-rules';
import { Limits, type PlanHolder } from './limits-plan';
import { consumerOfCertificate } from '../lib/model/client-certificates';
import { revisionSpec } from '../lib/model/revisions';
import { createMatcher, type Matcher, type RouteMatch } from './match';
import { JWKS_PATH, mockJwks } from './mock-idp';
import { jwtContext } from './profile-kubernetes';
import { refusalReason } from './refusal-reasons';
import { refusal, type GatewayResponse, type Profile, type Refusal, type RefusalContext } from './profiles';
import type { LimitScope } from './limits-plan';
import type { AccessRecord, AuthDecision, RateLimitDecision } from './access-log';
import { traceIdOf } from './trace-context';
import { BackendResolver, HttpProxy } from './proxy';
import { liveViewEndpoint } from './live-view/endpoints';
import { DevMetrics } from './metrics/envoy-metrics';
import { EXPOSITION_CONTENT_TYPE } from './metrics/exposition';
import { createDevTransformer, proxyEvent, type DevTransformer } from './transform';
import { requestUrl } from './plain-url';
import { bodyLimit, createValidator, type RequestValidator } from './validation';
import { unknownStageMessage } from '../lib/model/stages';
import { CanarySplit, seededRandom } from './canary';
import { expandVersions } from '../lib/model/versions';
import { versionCanaryBackends } from '../lib/model/canary';
import { isLlmBackend, llmCredentials, tokenLimits } from './ai-model';
import { createMcpEndpoint, type DispatchAnswer, type DispatchRequest, type McpEndpoint } from './mcp';
import { startMockLlm, type MockLlm } from './mock-llm';
import { ADMITTED, answeredUsage, TokenBudgets, type BudgetOwner } from './token-limits';
import { genAiOperation, genAiProvider, requestedModel } from './metrics/gen-ai';
import { basePrefix } from '../lib/model/path';

export interface DevOptions {
  readonly spec: GatewaySpec;
  /** @default 'dev' when the spec has it, else the first stage by name */
  readonly stage?: string;
  /** @default 'aws' */
  readonly profile?: Profile;
  /** 0 picks a free port. @default 8787 */
  readonly port?: number;
  /** Backend base URL overrides by backend name. @default {} */
  readonly backends?: Record<string, string>;
  /** Function bindings run in-process. @default none */
  readonly functions?: Map<string, FunctionHandler>;
  /** Serve a JWKS and point every JWT authorizer at it. @default false */
  readonly mockIdp?: boolean;
  /** 'virtual' lets POST /__anygate/clock move time. @default 'wall' */
  readonly clock?: 'wall' | 'virtual' | Clock;
  /** Take the client address from X-Forwarded-For. @default false */
  readonly trustForwarded?: boolean;
  /** Receives access log lines. @default none */
  readonly log?: (line: string) => void;
  /** `json` writes each line in the access-log schema (docs/dev-observability.md). @default 'text' */
  readonly logFormat?: AccessLogFormat;
  /** Environment consulted for API keys. @default process.env */
  readonly env?: Record<string, string | undefined>;
  /** Token that state-changing admin calls must carry (X-Anygate-Admin-Token). @default a random one per start */
  readonly adminToken?: string;
  /** Write the admin token to a 0600 file in the key directory for `anygate conform`. @default true */
  readonly publishAdminToken?: boolean;
  /** Serve HTTPS with this certificate and key (PEM); with clientCa, ask clients for a certificate (the domains' mTLS rules, dev/domains.ts). @default - plain HTTP */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer; readonly clientCa?: string | Buffer };
  /** Seeds the canary split's PRNG (release.canary), so a run's split is reproducible. @default - Math.random */
  readonly seed?: number;
  /** The canary split's random source in [0, 1); wins over seed. @default - seeded by seed, else Math.random */
  readonly random?: () => number;
  /**
   * Run a gateway the profile's target (or dev itself) would refuse, printing each refusal as a
   * warning instead: for trying features no target synthesizes yet. @default false
   */
  readonly allowRefused?: boolean;
  /** Start a local OpenAI-compatible model (mock-llm.ts) and point every `type: llm` backend without a `backends` override at it. @default false */
  readonly mockLlm?: boolean;
}

export interface DevServer {
  readonly url: string;
  readonly port: number;
  readonly stage: string;
  readonly profile: Profile;
  readonly clock: Clock;
  readonly keys: ConsumerKey[];
  readonly accessLog: AccessLog;
  /** The run's admin token (X-Anygate-Admin-Token on POST /__anygate/clock). */
  readonly adminToken: string;
  /** Where the admin token was written, when it was. */
  readonly adminTokenFile?: string;
  /** Problems worth showing at start (unbound functions...). */
  readonly warnings: string[];
  /** The MCP endpoint (Streamable HTTP), when the gateway exposes tools. */
  readonly mcpUrl?: string;
  /** Names of the tools the MCP endpoint lists. */
  readonly tools: string[];
  /** The mock LLM's base URL, with `mockLlm`. */
  readonly mockLlmUrl?: string;
  close(): Promise<void>;
}

const ADMIN = '/__anygate/';

function pickStage(spec: GatewaySpec, stage: string | undefined): string {
  const names = Object.keys(spec.stages).sort();
  if (stage !== undefined) {
    if (!spec.stages[stage]) throw new DevUsageError(unknownStageMessage(stage, names));
    return stage;
  }
  return spec.stages.dev ? 'dev' : names[0];
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  const h = req.headers;
  for (const k in h) {
    const v = h[k];
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

/** How many lines of header `name` (lower-case) the request carried: what `req.headersDistinct[name].length` says, without building every header's list. */
function headerLineCount(raw: readonly string[], name: string): number {
  let n = 0;
  for (let i = 0; i < raw.length; i += 2) if (raw[i].length === name.length && raw[i].toLowerCase() === name) n++;
  return n;
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'tooLarge'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > limit) return 'tooLarge';
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

const EMPTY = Buffer.alloc(0);
const noBody = async (): Promise<Buffer> => EMPTY;

export { startDecision, type StartDecision } from './start';

/** Starts the dev gateway; resolves once it listens. */
export async function startDev(opts: DevOptions): Promise<DevServer> {
  const profile = opts.profile ?? 'aws';
  const { refused, notRun, error } = startDecision(opts);
  if (error) throw error;
  // Versions become routes with a path prefix or a header/query selector (lib/model/versions.ts).
  // Revisions: dev serves the current one, what clients reach at the API's address (revisions.ts).
  const served = opts.spec.revisions ? revisionSpec(opts.spec, opts.spec.revisions.current) : opts.spec;
  const spec = expandVersions(served);
  const servedAnyway = opts.mockIdp ? refusals(opts.spec, profile) : [];
  const stage = pickStage(spec, opts.stage);
  for (const name of Object.keys(opts.backends ?? {})) {
    const kinds = Object.keys(spec.backends).some((b) => isLlmBackend(spec, b)) ? ['HTTP or LLM', 'HTTP and LLM'] : ['HTTP', 'HTTP'];
    if (!spec.backends[name] || (spec.backends[name].type !== 'http' && !isLlmBackend(spec, name))) throw new DevUsageError(`--backend ${name}: no ${kinds[0]} backend of that name; ${kinds[1]} backends: ${Object.keys(spec.backends).filter((b) => spec.backends[b].type === 'http' || isLlmBackend(spec, b)).join(', ')}`);
  }
  const clock = typeof opts.clock === 'object' ? opts.clock : opts.clock === 'virtual' ? virtualClock() : wallClock();
  const functions = opts.functions ?? new Map();
  const warnings: string[] = [...refused, ...notRun].map((r) => `refused by record, run anyway (--allow-refused): ${formatRefusals([r])}`);
  const revs = opts.spec.revisions;
  if (revs && revs.list.length > 1) warnings.push(`revisions: dev serves the current revision (${revs.current}) only; the others (${revs.list.filter((r) => r.number !== revs.current).map((r) => `;rev=${r.number}`).join(', ')}) are not served by dev yet`);
  for (const r of servedAnyway) if (!refused.some((x) => x.where === r.where && x.feature === r.feature && x.message === r.message)) warnings.push(`${formatRefusals([r])} (dev serves it with the mock IdP's keys; synth --target ${profile} refuses it until the spec sets jwksUri)`);
  const bindings = new Set([...Object.values(spec.backends), ...Object.values(spec.authorizers)].flatMap((b) => ('binding' in b && b.binding ? [b.binding] : [])));
  for (const f of functions.keys()) if (!bindings.has(f)) throw new DevUsageError(`--function ${f}: the spec binds no function of that name; bindings: ${[...bindings].sort().join(', ') || '(none)'}`);
  for (const [name, b] of Object.entries(spec.backends)) if (b.type === 'function' && !functions.has(b.binding)) warnings.push(`backend ${name}: function ${b.binding} is not bound (--function ${b.binding}=./handler.ts); its routes answer 502`);
  for (const [name, a] of Object.entries(spec.authorizers)) if (a.type === 'custom' && !functions.has(a.binding)) warnings.push(`authorizer ${name}: function ${a.binding} is not bound (--function ${a.binding}=./authorizer.ts); its routes answer 500`);

  const unreachable = awsUnreachableStage(spec, stage, profile);
  if (unreachable) warnings.push(unreachable);
  const ipWarning = loopbackRefused(spec, Boolean(opts.trustForwarded));
  if (ipWarning) warnings.push(ipWarning);
  const corsDifference = profile === 'aws' ? cors.awsCorsDifference(spec, (b) => isLlmBackend(spec, b)) : undefined;
  if (corsDifference) warnings.push(corsDifference);

  const llms = Object.keys(spec.backends).filter((b) => isLlmBackend(spec, b));
  const mockLlm: MockLlm | undefined = opts.mockLlm && llms.length ? await startMockLlm({ now: () => clock.now() }) : undefined;
  if (opts.mockLlm && !llms.length) warnings.push('--mock-llm: the spec has no type: llm backend, so no mock LLM was started');
  const backendUrls = { ...(mockLlm ? Object.fromEntries(llms.map((b) => [b, mockLlm.url])) : {}), ...(opts.backends ?? {}) };
  for (const b of llms) {
    const llm = spec.backends[b];
    if (llm.type === 'llm' && !llm.url && !backendUrls[b]) throw new DevUsageError(`backend ${b}: a ${llm.provider} model has no URL dev can call; start with --mock-llm, or --backend ${b}=URL for an OpenAI-compatible endpoint`);
  }
  // Real providers get their key from the environment (secretRef env:NAME); the mock needs none.
  const llmHeaders = llmCredentials(spec, opts.env ?? process.env, new Set(llms.filter((b) => mockLlm && !opts.backends?.[b])), warnings);
  const t = opts.tls;
  // rejectUnauthorized false: the domain rules (per profile) decide what a missing or bad certificate gets.
  const server: Server = t ? (createHttpsServer({ cert: t.cert, key: t.key, ...(t.clientCa ? { ca: t.clientCa, requestCert: true, rejectUnauthorized: false } : {}) }) as unknown as Server) : createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(e.code === 'EADDRINUSE' ? new DevUsageError(`port ${opts.port} is in use; pick another with --port, or --port 0 for a free one`) : e));
    server.listen(opts.port ?? 8787, '127.0.0.1', () => resolve());
  }).catch(async (e) => {
    await mockLlm?.close();
    throw e;
  });
  const port = (server.address() as AddressInfo).port;
  const url = `${t ? 'https' : 'http'}://127.0.0.1:${port}`;
  const adminToken = opts.adminToken ?? newAdminToken();
  let published: ReturnType<typeof publishAdminToken> | undefined;
  try {
    published = opts.publishAdminToken === false ? undefined : publishAdminToken(port, adminToken);
  } catch (e) {
    // A key directory anygate refuses: no gateway left listening behind the error.
    await new Promise<void>((r) => server.close(() => r()));
    await mockLlm?.close();
    throw e;
  }
  const jwksUris = opts.mockIdp ? Object.fromEntries(Object.keys(spec.authorizers).filter((n) => spec.authorizers[n].type === 'jwt').map((n) => [n, url + JWKS_PATH])) : undefined;
  const keys = consumerKeys(spec, opts.env);
  const leniency = jwtLeniency(profile);
  const jwt = createDevAuthorizer(spec, { clock, jwksUris, resultCache: profile === 'aws', stage, leniency });
  const proxy = new HttpProxy();
  const resolver = new BackendResolver(spec, stage, backendUrls, new CanarySplit(spec, opts.random ?? (opts.seed !== undefined ? seededRandom(opts.seed) : Math.random)), derivedBackends(served, spec));
  const ctx: Pipeline = {
    tokens: new TokenBudgets(tokenLimits(spec)),
    spec,
    profile,
    corsOwnsOptions: corsOwnsOptions(profile),
    stage,
    clock,
    matcher: createMatcher(spec),
    templates: new Map(spec.routes.map((r) => [r, basePrefix(spec.basePath) + r.path])),
    auth: new RouteAuth(spec, profile, jwt, keys, functions, alternativeJwts(spec, { clock, jwksUris, stage, leniency })),
    limits: new Limits(spec, stage, profile),
    validator: createValidator(profile, spec.components),
    cache: new ResponseCache(),
    accessLog: new AccessLog(opts.log, 100, opts.logFormat, (r) => accessLogJson(r, { gateway: spec.name, stage })),
    metrics: new DevMetrics(spec, stage),
    trustForwarded: Boolean(opts.trustForwarded),
    mockLlmBackends: mockLlm ? llms.filter((b) => !opts.backends?.[b]) : [],
    mockIdp: Boolean(opts.mockIdp),
    admin: { port, boundHost: '127.0.0.1', token: adminToken },
    keys,
    functions,
    transformer: createDevTransformer(spec, {
      http: (backend, pathAndQuery, init) => proxy.send(resolver.base(backend, init.headers), pathAndQuery, llmHeaders[backend] ? { ...init, headers: { ...init.headers, ...llmHeaders[backend] } } : init),
      invoke: async (binding, event) => {
        const fn = functions.get(binding);
        if (!fn) throw new Error(`function ${binding} is not bound`);
        const e = profile === 'aws' ? event : functionEvent(profile, fromProxyEvent(event));
        const r = functionResult(await fn(e, { functionName: binding }));
        return { statusCode: r.statusCode, headers: r.headers, body: r.body.toString('base64'), isBase64Encoded: true };
      },
    }, profile !== 'azure'),
  };
  ctx.accessLog.subscribe((r) => ctx.metrics.record(r));
  const mcp = createMcpEndpoint(spec, (r) => dispatch(ctx, r), { port });
  if (mcp.tools.length) {
    ctx.mcp = mcp;
  }
  server.on('request', (req, res) => {
    if (spec.domains?.length) {
      const d = decideDomain(spec, stage, profile, req);
      if (d.kind === 'handshake') return void req.socket.destroy();
      // API Gateway's own 403, before any API or stage: no access log entry, no gateway response (as on AWS).
      if (d.kind === 'forbidden') return void send(res, { ...AWS_FORBIDDEN, headers: { ...AWS_FORBIDDEN.headers } });
      if (d.kind === 'unauthorized') {
        // Through the pipeline's refusal, so the access log records the 401 and says why.
        return void handle(ctx, req, res, 'no valid client certificate was presented to this mutual TLS domain').catch(() => {
          if (!res.headersSent) send(res, refusal(profile, 'internal', { errors: spec.errors, requestId: randomUUID() }));
        });
      }
      Object.assign(req.headers, d.headers);
      if (d.stripPrefix && req.url && (req.url === d.stripPrefix || req.url.startsWith(`${d.stripPrefix}/`) || req.url.startsWith(`${d.stripPrefix}?`))) req.url = req.url.slice(d.stripPrefix.length) || '/';
    }
    handle(ctx, req, res).catch(() => {
      if (!res.headersSent) send(res, refusal(profile, 'internal', { errors: spec.errors, requestId: randomUUID() }));
      else res.destroy();
    });
  });
  return {
    url,
    port,
    stage,
    profile,
    clock,
    keys,
    accessLog: ctx.accessLog,
    adminToken,
    adminTokenFile: published?.file,
    warnings,
    mcpUrl: ctx.mcp ? url + ctx.mcp.path : undefined,
    tools: mcp.tools.map((t) => t.name),
    mockLlmUrl: mockLlm?.url,
    close: async () => {
      published?.remove();
      server.closeAllConnections?.();
      await new Promise<void>((r) => server.close(() => r()));
      await proxy.close();
      await mockLlm?.close();
    },
  };
}

/**
 * The backends expandVersions added, by name, and the spec backend each is a copy of: a version
 * canary's copy of its stable routes' backend (lib/model/canary.ts lowerVersionCanary), which a
 * `--backend` override of the original reaches too.
 */
export function derivedBackends(served: GatewaySpec, expanded: GatewaySpec): Record<string, string> {
  const pair = versionCanaryBackends(served);
  const copy = expanded.release?.canary?.of;
  return pair && copy && !served.backends[copy] ? { [copy]: pair.of } : {};
}

/**
 * Said at start when ipRules refuse the address dev's clients connect from (it listens on
 * 127.0.0.1): otherwise every request answers 403 and only the access log says why.
 */
export function loopbackRefused(spec: GatewaySpec, trustForwarded: boolean): string | undefined {
  const rules = spec.ipRules;
  if (!rules || ipAllowed(rules, DEV_CLIENT_ADDRESS)) return undefined;
  const denied = rules.deny.filter((c) => !ipAllowed({ allow: [], deny: [c] }, DEV_CLIENT_ADDRESS));
  const why = denied.length ? `ipRules.deny (${denied.join(', ')}) covers it` : `ipRules.allow (${rules.allow.join(', ')}) leaves it out`;
  const allowed = allowedAddress(rules);
  const example = allowed ? ` (e.g. X-Forwarded-For: ${allowed}; anygate conform claims one)` : '';
  return trustForwarded
    ? `ipRules: clients of anygate dev connect from ${DEV_CLIENT_ADDRESS}, and ${why}: a request is let in only when X-Forwarded-For names an address the rules allow${example}`
    : `ipRules: clients of anygate dev connect from ${DEV_CLIENT_ADDRESS}, and ${why}: every request is refused 403. Restart with --trust-forwarded and send an allowed address in X-Forwarded-For${example}`;
}

/** The other profiles' function events are built from the AWS-shaped one the transform code passes. */
function fromProxyEvent(e: { path?: string; resource: string; httpMethod: string; headers?: Record<string, string | undefined> | null; queryStringParameters?: Record<string, string | undefined> | null; pathParameters?: Record<string, string | undefined> | null; body?: string | null; isBase64Encoded?: boolean; stageVariables?: Record<string, string | undefined> | null }): FunctionRequest {
  const clean = (o: Record<string, string | undefined> | null | undefined) => Object.fromEntries(Object.entries(o ?? {}).filter((x): x is [string, string] => x[1] !== undefined));
  return {
    method: e.httpMethod,
    path: e.path ?? '/',
    resource: e.resource,
    headers: clean(e.headers),
    query: new URLSearchParams(clean(e.queryStringParameters)),
    params: clean(e.pathParameters),
    body: e.body ? Buffer.from(e.body, e.isBase64Encoded ? 'base64' : 'utf8') : undefined,
    stage: '',
    stageVariables: clean(e.stageVariables),
    sourceIp: '',
  };
}

interface Pipeline {
  /** The MCP endpoint, when the gateway exposes tools. */
  mcp?: McpEndpoint;
  readonly tokens: TokenBudgets;
  readonly spec: GatewaySpec;
  readonly profile: Profile;
  /** CORS is an OPTIONS method per path on this profile (dev/probes.ts corsOwnsOptions). */
  readonly corsOwnsOptions: boolean;
  readonly stage: string;
  readonly clock: Clock;
  readonly matcher: Matcher;
  readonly auth: RouteAuth;
  readonly limits: Limits;
  readonly validator: RequestValidator;
  readonly cache: ResponseCache;
  readonly accessLog: AccessLog;
  readonly metrics: DevMetrics;
  readonly trustForwarded: boolean;
  /** The LLM backends the mock LLM answers (--mock-llm), so calls to them spend no real tokens. */
  readonly mockLlmBackends: readonly string[];
  readonly mockIdp: boolean;
  readonly admin: { readonly port: number; readonly boundHost: string; readonly token: string };
  readonly keys: ConsumerKey[];
  readonly functions: Map<string, FunctionHandler>;
  readonly transformer: DevTransformer;
  /** Each route's path template with the base path (`/v1/pets/{id}`): the log's pathTemplate, the function event's resource. */
  readonly templates: ReadonlyMap<RouteSpec, string>;
}

/** Route `r`'s path template with the base path, made at start (a route of the spec always has one). */
function template(p: Pipeline, r: RouteSpec): string {
  return p.templates.get(r) ?? basePrefix(p.spec.basePath) + r.path;
}

export type { DispatchAnswer, DispatchRequest };

/** Writes the answer; `own` says `r.headers` is the caller's own copy, which takes Content-Length itself (no other copy). */
function send(res: ServerResponse, r: { status: number; headers: Record<string, string>; body: string | Buffer }, head = false, own = false): void {
  const body = typeof r.body === 'string' ? Buffer.from(r.body) : r.body;
  const headers = own ? r.headers : { ...r.headers };
  headers['content-length'] = String(body.length);
  res.writeHead(r.status, headers);
  res.end(head ? undefined : body);
}

/** What an exchange is made from: the request, and where its answer goes. */
interface ExchangeInit {
  /** Writes the answer: to the socket, or back to an in-process caller (dispatch). */
  readonly send: (r: { status: number; headers: Record<string, string>; body: string | Buffer }, head: boolean, reason?: string) => void;
  /** How many lines of header `name` the request carried. */
  readonly headerLines: (name: string) => number;
  /** The request target as sent (path and query). */
  readonly target: string;
  readonly started: number;
  readonly method: string;
  readonly path: string;
  readonly clientIp: string;
  readonly origin?: string;
  /** SHA-256 of the client certificate the TLS handshake verified (hex with colons, as Node gives it). @default - none */
  readonly clientCertSha256?: string;
}

/**
 * One request: what it says, and every decision still unmade (HTTP requests and dispatch alike).
 * A class, so every exchange has one shape from its start: an object literal spread from the
 * init and grown by a score of properties became a dictionary (11 KB per request).
 */
class Exchange implements ExchangeInit {
  /** The request's id: in the access log and in the error contract's body. */
  readonly requestId = randomUUID();
  readonly send: ExchangeInit['send'];
  readonly headerLines: ExchangeInit['headerLines'];
  readonly target: string;
  readonly started: number;
  /** When the request arrived, on the gateway's clock (the log's `time`). */
  readonly receivedAt: number;
  readonly method: string;
  readonly path: string;
  readonly clientIp: string;
  readonly origin: string | undefined;
  readonly clientCertSha256: string | undefined;
  readonly userAgent: string | null;
  readonly traceId: string | null;
  routeId: string | null = null;
  pathTemplate: string | null = null;
  consumer: string | null = null;
  plan: string | null = null;
  authOutcome: AuthDecision | null = null;
  authorizers: readonly string[] = NONE;
  rateLimit: RateLimitDecision | null = null;
  limitScope: LimitScope | undefined = undefined;
  cached = false;
  cacheHit: boolean | null = null;
  backend: string | null = null;
  backendLatencyMs: number | null = null;
  bytesIn = 0;

  constructor(p: Pipeline, headers: Record<string, string>, i: ExchangeInit) {
    this.send = i.send;
    this.headerLines = i.headerLines;
    this.target = i.target;
    this.started = i.started;
    this.receivedAt = p.clock.now();
    this.method = i.method;
    this.path = i.path;
    this.clientIp = i.clientIp;
    this.origin = i.origin;
    this.clientCertSha256 = i.clientCertSha256;
    this.userAgent = headers['user-agent'] ?? null;
    this.traceId = traceIdOf(headers.traceparent);
  }
}

const NONE: readonly string[] = Object.freeze([]);

/** The last time written as ISO 8601 text, and its text: requests close together share the millisecond. */
let lastTime = { ms: NaN, iso: '' };

/** `ms` as `new Date(ms).toISOString()` gives it. */
function isoTime(ms: number): string {
  if (ms !== lastTime.ms) lastTime = { ms, iso: new Date(ms).toISOString() };
  return lastTime.iso;
}

/** The access record of an answered exchange; built field by field, in the record's key order, with no spread (each one copied the record). */
function record(p: Pipeline, x: Exchange, status: number, bytesOut: number, refused?: Refusal, reason?: string): AccessRecord {
  const r: { -readonly [K in keyof AccessRecord]: AccessRecord[K] } = { seq: p.accessLog.nextSeq(), requestId: x.requestId, time: isoTime(x.receivedAt), method: x.method, path: x.path, routeId: x.routeId, pathTemplate: x.pathTemplate, status, latencyMs: performance.now() - x.started, consumer: x.consumer, plan: x.plan, authOutcome: x.authOutcome, authorizers: x.authorizers, rateLimit: x.rateLimit } as AccessRecord;
  if (x.limitScope) r.limitScope = x.limitScope;
  r.clientIp = x.clientIp;
  r.userAgent = x.userAgent;
  r.cached = x.cached;
  r.cacheHit = x.cacheHit;
  r.backend = x.backend;
  r.backendLatencyMs = x.backendLatencyMs;
  r.traceId = x.traceId;
  r.bytesIn = x.bytesIn;
  r.bytesOut = bytesOut;
  if (refused) r.refusal = refused;
  if (reason) r.reason = reason;
  return r;
}

function finish(p: Pipeline, x: Exchange, r: { status: number; headers: Record<string, string>; body: string | Buffer }, refused?: Refusal, reason?: string): void {
  // The exchange's own copy (r.headers may be a cached answer's): CORS and Content-Length go on it.
  const headers = { ...r.headers };
  if (p.spec.cors) cors.decorate(p.spec.cors, x.origin, headers);
  const head = x.method === 'HEAD';
  x.send({ status: r.status, headers, body: r.body }, head, reason);
  p.accessLog.push(record(p, x, r.status, head ? 0 : Buffer.byteLength(r.body), refused, reason));
}

/** The refusal's answer under the spec's error mode (lib/model/error-contract.ts). */
function refusalOf(p: Pipeline, r: Refusal, c: RefusalContext = {}): ReturnType<typeof refusal> {
  return refusal(p.profile, r, { errors: p.spec.errors, requestId: randomUUID(), ...c });
}

function refuse(p: Pipeline, x: Exchange, r: Refusal, c: RefusalContext = {}): void {
  finish(p, x, refusalOf(p, r, { clientIp: x.clientIp, requestId: x.requestId, ...c }), r, refusalReason(r, c));
}

/** The SHA-256 of the client certificate the handshake verified, if the connection is TLS and has one. */
function verifiedCertificate(req: IncomingMessage): string | undefined {
  const socket = req.socket as TLSSocket;
  if (!socket.authorized || typeof socket.getPeerCertificate !== 'function') return undefined;
  return socket.getPeerCertificate()?.fingerprint256 || undefined;
}

/** One HTTP request through the pipeline; `certificateRefused` (the reason) answers it 401 before anything else. */
async function handle(p: Pipeline, req: IncomingMessage, res: ServerResponse, certificateRefused?: string): Promise<void> {
  const started = performance.now();
  const url = requestUrl(req.url ?? '/');
  if (!certificateRefused) {
    if (url.pathname.startsWith(ADMIN)) return admin(p, req, res, new URL(req.url ?? '/', 'http://localhost'));
    const alias = adminAlias(p, url.pathname);
    if (alias) return admin(p, req, res, new URL(alias, new URL(req.url ?? '/', 'http://localhost')));
  }
  const headers = flatHeaders(req);
  const x = new Exchange(p, headers, {
    send: (r, head) => send(res, r, head, true),
    headerLines: (name) => headerLineCount(req.rawHeaders, name),
    target: req.url ?? '/',
    started,
    method: (req.method ?? 'GET').toUpperCase(),
    path: url.pathname,
    clientIp: clientAddress(req.socket.remoteAddress, headers['x-forwarded-for'], p.trustForwarded),
    origin: headers.origin,
    clientCertSha256: verifiedCertificate(req),
  });
  if (certificateRefused) return finish(p, x, refusalOf(p, 'unauthorized', { clientIp: x.clientIp, requestId: x.requestId }), 'unauthorized', certificateRefused);
  if (!ipAllowed(p.spec.ipRules, x.clientIp)) return refuse(p, x, 'ipDenied');
  if (p.mcp && url.pathname === p.mcp.path) return p.mcp.handle(req, res, { clientIp: x.clientIp, query: url.searchParams });
  const isPreflight = Boolean(headers.origin && headers['access-control-request-method']);
  const methods = p.spec.cors && x.method === 'OPTIONS' ? p.matcher.methodsFor(x.path) : [];
  // CORS answers preflights; where it is an OPTIONS method per path (dev/probes.ts), every OPTIONS of a path without an OPTIONS route.
  const corsAnswers = p.corsOwnsOptions ? methods.length > 0 && !methods.includes('OPTIONS') : isPreflight;
  if (p.spec.cors && x.method === 'OPTIONS' && (corsAnswers || (isPreflight && methods.length === 0))) {
    if (methods.length === 0) return refuse(p, x, 'noRoute');
    const pre = cors.preflight(p.profile, p.spec.cors, headers.origin, methods, x.requestId);
    send(res, { status: pre.status, headers: pre.headers, body: pre.body ?? '' });
    // A refused preflight is a 403 on the kubernetes profile: its log line says why, as every refusal's does.
    const why = pre.status === 403 ? `the preflight's Origin ${JSON.stringify(headers.origin)} is not in cors.allowOrigins` : undefined;
    p.accessLog.push(record(p, x, pre.status, Buffer.byteLength(pre.body ?? ''), undefined, why));
    return;
  }
  // A request with neither Content-Length nor Transfer-Encoding has no body (RFC 9112 section 6.3): nothing to read.
  return matched(p, x, headers, url.searchParams, headers['content-length'] === undefined && headers['transfer-encoding'] === undefined ? noBody : (limit) => readBody(req, limit));
}

/** Route match, body size and the rest of the pipeline: shared by HTTP requests and dispatch. */
async function matched(p: Pipeline, x: Exchange, headers: Record<string, string>, query: URLSearchParams, body: (limit: number) => Promise<Buffer | 'tooLarge'>): Promise<void> {
  const m = p.matcher.match(x.method, x.path, { headers, query });
  if (!m) return refuse(p, x, 'noRoute');
  if ('methodNotAllowed' in m) return refuse(p, x, 'methodNotAllowed');
  x.routeId = m.route.id;
  x.pathTemplate = template(p, m.route);
  if (m.route.cache) x.cacheHit = false;
  const b = await body(bodyLimit(p.profile, m.route));
  if (b === 'tooLarge') return refuse(p, x, 'tooLarge');
  x.bytesIn = b.length;
  return route(p, x, m, headers, query, b);
}

/**
 * One request through the whole pipeline in-process (IP rules, match, auth, limits, validation,
 * cache, backend, access log), answered to the caller instead of a socket: how an MCP tool call
 * reaches its route exactly as an HTTP request would.
 */
async function dispatch(p: Pipeline, r: DispatchRequest): Promise<DispatchAnswer> {
  let answer: DispatchAnswer = asBuffer(refusalOf(p, 'internal'));
  const qs = r.query.toString();
  const headers = Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const x = new Exchange(p, headers, {
    send: (res, _head, reason) => (answer = { status: res.status, headers: res.headers, body: typeof res.body === 'string' ? Buffer.from(res.body) : res.body, reason }),
    headerLines: (name) => (headers[name] === undefined ? 0 : 1),
    target: r.path + (qs ? `?${qs}` : ''),
    started: performance.now(),
    method: r.method.toUpperCase(),
    path: r.path,
    clientIp: r.clientIp,
  });
  if (!ipAllowed(p.spec.ipRules, x.clientIp)) refuse(p, x, 'ipDenied');
  else await matched(p, x, headers, r.query, async (limit) => (r.body.length > limit ? 'tooLarge' : r.body));
  return answer;
}

async function route(p: Pipeline, x: Exchange, m: RouteMatch, headers: Record<string, string>, query: URLSearchParams, body: Buffer): Promise<void> {
  const r = m.route;
  // What a custom authorizer's function gets (made only when one is called).
  const functionRequest = (): FunctionRequest => ({ method: x.method, path: x.path, resource: template(p, r), headers, query, params: m.params, body, stage: p.stage, stageVariables: p.spec.stages[p.stage].variables, authorizer: undefined, sourceIp: x.clientIp });
  const auth = await p.auth.check(r, { method: x.method, path: x.path, headers, query, headerLines: x.headerLines, functionRequest });
  if (!auth.ok) {
    x.authOutcome = auth.refusal === 'forbiddenScope' ? 'forbidden' : 'unauthenticated';
    return refuse(p, x, auth.refusal, { ...jwtContext(p.spec, r, headers), requestUrl: `http://${headers.host ?? '127.0.0.1'}${x.target}` });
  }
  const caller = auth.caller;
  x.authOutcome = r.auth === 'none' ? 'none' : 'allowed';
  x.authorizers = caller.authorizers ?? [];
  x.consumer = caller.consumer ?? caller.principal ?? null;
  const consumer = caller.consumer ? { name: caller.consumer, plan: p.spec.consumers[caller.consumer].plan } : undefined;
  // Behind mutual TLS a certificate consumer's certificate counts against its plan too, on every route.
  const certified = consumerOfCertificate(p.spec, p.stage, x.clientCertSha256);
  const holders: readonly PlanHolder[] = consumer && certified ? [consumer, certified] : consumer ? [consumer] : certified ? [certified] : NO_HOLDERS;
  if (!consumer && certified) x.consumer = certified.name;
  x.plan = consumer?.plan ?? certified?.plan ?? null;
  const limit = p.limits.check(r, holders, p.clock.now());
  if (!limit.ok) {
    x.rateLimit = limit.refusal === 'quotaExceeded' ? 'quotaExceeded' : 'throttled';
    x.limitScope = limit.scope;
    return refuse(p, x, limit.refusal, { retryAfterSeconds: limit.retryAfterSeconds, limitScope: limit.scope, virtualClock: p.clock.virtual });
  }
  x.rateLimit = p.limits.applies(r, holders) ? 'allowed' : 'none';
  const valid = p.validator.check(r, { query, headers, body, params: m.params });
  if (!valid.ok) return refuse(p, x, valid.refusal, { detail: valid.detail });
  // Whose token budget the call counts against, where the backend has one (an LLM's token limit).
  const owner: BudgetOwner | undefined = p.tokens.limitOf(r.backend) && { consumer: caller.consumer, principal: caller.principal, credential: (caller.consumer ? p.keys.find((k) => k.consumer === caller.consumer)?.key : undefined) ?? headers.authorization, clientIp: x.clientIp };
  const tokens = owner ? p.tokens.admit(r.backend, owner, body, p.clock.now()) : ADMITTED;
  if (!tokens.ok) {
    // The profile's rate-limit answer, with Retry-After on every profile (APIM's llm-token-limit sends it).
    const over = refusalOf(p, 'rateLimited', { clientIp: x.clientIp, retryAfterSeconds: tokens.retryAfterSeconds, limitScope: 'route', requestId: x.requestId });
    const why = `over the ${r.backend} token limit (${tokens.used} of ${tokens.limit} tokens used${tokens.estimate ? `, prompt estimated at ${tokens.estimate}` : ''}); lets in again in ${tokens.retryAfterSeconds} s`;
    x.rateLimit = 'throttled';
    return finish(p, x, { ...over, headers: { ...over.headers, 'retry-after': String(tokens.retryAfterSeconds) } }, 'rateLimited', why);
  }

  const key = r.cache && cacheable(x.method) ? cacheKey(p.spec, r, r.cache, { method: x.method, params: m.params, query, headers }) : undefined;
  if (key && !noCacheSkipsLookup(p.profile, r, headers['cache-control'])) {
    const hit = p.cache.get(key, p.clock.now());
    if (hit) {
      x.cached = x.cacheHit = true;
      return finish(p, x, hit);
    }
  }
  x.backend = r.backend;
  const called = performance.now();
  const out = await backend(p, x, r, m, headers, query, body, caller);
  // A mock answers in the gateway: no backend was waited for.
  if (p.spec.backends[r.backend].type !== 'mock') x.backendLatencyMs = performance.now() - called;
  const llm = p.spec.backends[r.backend];
  if (llm.type === 'llm' && out.status < 400) {
    // One count of the answered call's tokens: charged to the budget and recorded as gen_ai_client_token_usage.
    const used = answeredUsage(body, out);
    if (owner) p.tokens.chargeTokens(r.backend, owner, used.total, p.clock.now());
    p.metrics.llmTokens({ operation: genAiOperation(r.path), provider: genAiProvider(llm.provider), model: requestedModel(body) ?? llm.model, route: r.id, consumer: caller.consumer ?? caller.principal ?? '' }, used);
  }
  if (key && out.status === 200) p.cache.set(key, out, r.cache!.ttlSeconds, p.clock.now());
  finish(p, x, out, out.refusal, out.refusal ? refusalReason(out.refusal, { detail: out.detail }) : undefined);
}

async function backend(p: Pipeline, x: Exchange, r: RouteSpec, m: RouteMatch, headers: Record<string, string>, query: URLSearchParams, body: Buffer, caller: Caller): Promise<{ status: number; headers: Record<string, string>; body: Buffer; refusal?: Refusal; detail?: string }> {
  const b = p.spec.backends[r.backend];
  if (b.type === 'mock') {
    const text = b.body === undefined ? '' : JSON.stringify(b.body);
    // The route's response headers (a deprecated version's among them) are set on the mock's answer, as every target does.
    const lower = (m: Record<string, string> | undefined) => Object.fromEntries(Object.entries(m ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    return { status: b.statusCode, headers: { ...(text ? { 'content-type': 'application/json' } : {}), ...lower(b.headers), ...lower(r.transform?.response?.setHeaders) }, body: Buffer.from(text) };
  }
  if (b.type === 'function' && !p.functions.has(b.binding)) return { ...asBuffer(refusalOf(p, 'badGateway', { requestId: x.requestId })), refusal: 'badGateway', detail: `function binding ${b.binding} has no --function ${b.binding}=<file>` };
  // A query-less call to an HTTP backend shares one empty map (the generated code only reads them);
  // a function gets maps of its own, which its code may change.
  let single: Record<string, string> = NO_QUERY;
  let multi: Record<string, string[]> = NO_MULTI_QUERY;
  if (query.size > 0 || b.type === 'function') {
    single = {};
    multi = {};
    for (const [k, v] of query) {
      single[k] = v;
      (multi[k] ??= []).push(v);
    }
  }
  const event = proxyEvent(r, {
    httpMethod: x.method,
    path: x.path,
    headers,
    queryStringParameters: single,
    multiValueQueryStringParameters: multi,
    pathParameters: m.params,
    stageVariables: p.spec.stages[p.stage].variables,
    requestContext: { authorizer: caller.context, identity: { sourceIp: x.clientIp } },
    body: body.length ? body.toString('base64') : null,
    isBase64Encoded: body.length > 0,
  });
  const out = await p.transformer.run(r, event, b.type === 'function' ? b.binding : undefined);
  if (out.failure) return { ...asBuffer(refusalOf(p, out.failure, { requestId: x.requestId })), refusal: out.failure, ...(out.detail ? { detail: out.detail } : {}) };
  const res = out.result;
  return { status: res.statusCode, headers: res.headers, body: Buffer.from(res.body, res.isBase64Encoded ? 'base64' : 'utf8') };
}

const NO_HOLDERS: readonly PlanHolder[] = Object.freeze([]);

const NO_QUERY: Record<string, string> = Object.freeze({}) as Record<string, string>;
const NO_MULTI_QUERY: Record<string, string[]> = Object.freeze({}) as Record<string, string[]>;

function asBuffer(r: GatewayResponse): { status: number; headers: Record<string, string>; body: Buffer } {
  return { ...r, body: Buffer.from(r.body) };
}

/**
 * `/_anygate/` (the live view) and `/metrics` (for a Prometheus scrape with the default
 * metrics_path) name admin endpoints too, unless a route of the spec takes the path.
 */
function adminAlias(p: Pipeline, path: string): string | undefined {
  const to = path === '/_anygate' || path === '/_anygate/' ? '/__anygate/' : path === '/metrics' ? '/__anygate/metrics' : undefined;
  return to && p.matcher.methodsFor(path).length === 0 ? to : undefined;
}

async function admin(p: Pipeline, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const json = (status: number, v: unknown) => send(res, { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(v) });
  const path = url.pathname;
  const refused = adminRefusal({ method: (req.method ?? 'GET').toUpperCase(), headers: req.headers }, p.admin);
  if (refused) return json(refused.status, { message: refused.message });
  if (path === JWKS_PATH && p.mockIdp) return json(200, mockJwks(p.spec));
  if (liveViewEndpoint(path, req, res, { spec: p.spec, profile: p.profile, stage: p.stage, log: p.accessLog, trustForwarded: p.trustForwarded, mockLlm: p.mockLlmBackends })) return;
  if (path === '/__anygate/requests' && req.method === 'GET') return json(200, { requests: p.accessLog.recent() });
  const docs = contractEndpoint(p.spec, path, req.method);
  if (docs) return send(res, docs, req.method === 'HEAD');
  if (path === '/__anygate/metrics' && req.method === 'GET') return send(res, { status: 200, headers: { 'content-type': EXPOSITION_CONTENT_TYPE }, body: p.metrics.text() });
  if (path === '/__anygate/clock' && req.method === 'GET') return json(200, { now: new Date(p.clock.now()).toISOString(), virtual: p.clock.virtual });
  if (path === '/__anygate/clock' && req.method === 'POST') {
    if (!p.clock.virtual) return json(409, { message: 'the clock is the wall clock; start anygate dev with --clock virtual' });
    const body = await readBody(req, 4096);
    let seconds: unknown;
    try {
      seconds = JSON.parse(body.toString()).advanceSeconds;
    } catch {
      seconds = undefined;
    }
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) return json(400, { message: 'send {"advanceSeconds": N} with N >= 0' });
    p.clock.advance(seconds);
    return json(200, { now: new Date(p.clock.now()).toISOString(), virtual: true });
  }
  return json(404, { message: `no dev endpoint ${path}; endpoints: GET /__anygate/ (the live view), GET /__anygate/requests, GET /__anygate/events, GET /__anygate/routes, GET /__anygate/metrics, GET /__anygate/openapi.json, GET /__anygate/docs, GET|POST /__anygate/clock${p.mockIdp ? `, GET ${JWKS_PATH}` : ''}` });
}
