/**
 * API Management policy XML read by meaning: each element of a policy document (global, product,
 * API or operation scope) becomes what it does in the spec (an authorizer, a rate limit, a quota,
 * a cache, CORS, IP rules, header/query/path transforms, a backend, a mock) or a finding that says
 * why not (policy expressions, conditional logic, fragments, elements with no anygate equivalent).
 */
import { SpecDraft, PLACEHOLDER_ISSUER } from './draft';
import type { FindingLog } from './findings';
import { kid, kids, parseXml, type XmlNode } from './xml';
import { rangeToCidr } from './ip-range';
import { alternativesCondition, bodyTemplateFromExpression, redactionFromExpression, isKeyRefusal, preCheckRefusals, presentedCondition, scopeCheck, templateFromExpression, type Location } from './azure-expressions';

type Json = Record<string, unknown>;

/** What one policy document does. */
export interface PolicyEffects {
  /** Authorizers that must all pass. */
  auth: string[];
  scopes: string[];
  rateLimit?: { requestsPerSecond: number; burst?: number };
  quota?: { limit: number; period: 'day' | 'week' | 'month' };
  cache?: { ttlSeconds: number; key?: { query?: string[]; headers?: string[] } };
  cors?: Json;
  ipRules?: { allow: string[]; deny: string[] };
  request: { setHeaders: Record<string, string>; removeHeaders: string[]; setQuery: Record<string, string>; removeQuery: string[]; rewritePath?: string; body?: unknown };
  response: { setHeaders: Record<string, string>; removeHeaders: string[]; redact?: string[] };
  backendId?: string;
  backendUrl?: string;
  mock?: { statusCode: number; body?: unknown; headers: Record<string, string> };
  timeoutMs?: number;
  /** The inbound section holds `<base/>` (the enclosing scope's policy applies). */
  inheritsInbound: boolean;
  /** The outbound section holds `<base/>` (or is absent). */
  inheritsOutbound: boolean;
  /** The backend section holds `<base/>` (or is absent). */
  inheritsBackend: boolean;
  /** A `choose` refuses requests without a subscription (anygate's API-key check). @default false */
  requiresSubscription?: boolean;
  /** anygate's alternatives policy: any one of these sets of authorizers. @default - none */
  alternatives?: string[][];
  /** `validate-parameters`: the operation's required parameters are checked. @default false */
  validatesParameters?: boolean;
  /** `validate-content`: JSON bodies are checked against the operation's representation. @default false */
  validatesContent?: boolean;
}

/** Named values: plain values by name; secrets are never copied into a spec. */
export type NamedValues = ReadonlyMap<string, { value?: string; secret: boolean }>;

/** Where a policy document is and what it may refer to. */
export interface PolicyContext {
  readonly file: string;
  readonly draft: SpecDraft;
  readonly log: FindingLog;
  readonly namedValues: NamedValues;
  /** `global`, `product`, `api` or `operation`: what a quota or a limit means depends on it. */
  readonly scope: 'global' | 'product' | 'api' | 'operation';
  /** Policy fragments by id, expanded where `include-fragment` names them. @default - none */
  readonly fragments?: ReadonlyMap<string, { text: string; file: string }>;
  /** The stage's variables, which anygate inlines into expressions as string literals. @default - none */
  readonly stageVariables?: Readonly<Record<string, string>>;
  /**
   * The API's subscription key parameter names: a refusal of a key presented under one of them is
   * anygate's own (a key where the spec reads none); a refusal of any other presented header is the
   * user's policy. @default APIM's defaults (Ocp-Apim-Subscription-Key, subscription-key)
   */
  readonly keyNames?: { readonly header?: string; readonly query?: string };
  /**
   * Where the findings of one section (`inbound`, `outbound`, `backend`, `on-error`) go: a parent
   * scope's findings wait until it is known which operations its sections are in effect for.
   * @default ctx.log
   */
  readonly sectionLog?: (section: string) => FindingLog;
}

export function emptyEffects(): PolicyEffects {
  return { auth: [], scopes: [], request: { setHeaders: {}, removeHeaders: [], setQuery: {}, removeQuery: [] }, response: { setHeaders: {}, removeHeaders: [] }, inheritsInbound: true, inheritsOutbound: true, inheritsBackend: true };
}

const PERIODS: Record<number, 'day' | 'week' | 'month'> = { 86400: 'day', 604800: 'week', 2592000: 'month', 2678400: 'month' };

/** A value with named values resolved; undefined (with a finding) for expressions and secrets. */
function literal(text: string, node: XmlNode, ctx: PolicyContext, what: string): string | undefined {
  const own = templateFromExpression(text, ctx.stageVariables);
  if (own !== undefined) return own;
  if (/@[({]/.test(text)) {
    ctx.log.lost(ctx.file, node.xpath, what, `its value is a policy expression (${text.slice(0, 60)}); anygate cannot evaluate C#: express it with a \${...} placeholder by hand`);
    return undefined;
  }
  let secret = false;
  let missing: string | undefined;
  const out = text.replace(/\{\{([^}]+)\}\}/g, (m, name: string) => {
    const nv = ctx.namedValues.get(name.trim());
    if (!nv || nv.value === undefined) missing = name;
    else if (nv.secret) secret = true;
    return nv?.value ?? m;
  });
  if (secret) {
    ctx.log.lost(ctx.file, node.xpath, what, 'it reads a secret named value; secrets never go into a spec: set the value from a stage variable or the backend');
    return undefined;
  }
  if (missing) {
    ctx.log.lost(ctx.file, node.xpath, what, `named value {{${missing}}} is not in the import (or holds no plain value); set it by hand`);
    return undefined;
  }
  return out;
}

function seconds(v: string | undefined): number | undefined {
  const n = v === undefined ? NaN : Number(v);
  return Number.isFinite(n) ? n : undefined;
}

function jwt(node: XmlNode, ctx: PolicyContext, fx: PolicyEffects): void {
  const header = node.attrs['header-name'] ?? (node.attrs['query-parameter-name'] ? undefined : 'Authorization');
  const openid = kid(node, 'openid-config')?.attrs.url;
  const issuers = kids(kid(node, 'issuers') ?? node, 'issuer').map((n) => n.text).filter(Boolean);
  const audiences = kids(kid(node, 'audiences') ?? node, 'audience').map((n) => n.text).filter(Boolean);
  const claims: Record<string, string> = {};
  const reasons: string[] = [];
  for (const c of kids(kid(node, 'required-claims') ?? node, 'claim')) {
    const values = kids(c, 'value').map((v) => v.text);
    const name = c.attrs.name;
    if (name === 'scp' || name === 'scope') fx.scopes.push(...values);
    else if (values.length === 1 && (c.attrs.match ?? 'all') !== 'any') claims[name] = values[0];
    else reasons.push(`claim ${name} with several accepted values (anygate requires one exact value)`);
  }
  if (!header) reasons.push('the token is read from a query parameter (anygate reads a header)');
  if (kid(node, 'issuer-signing-keys') || kid(node, 'decryption-keys')) reasons.push('signing keys are given inline (symmetric or static keys); anygate verifies against the issuer\'s JWKS (HMAC is never accepted)');
  const issuerRaw = issuers[0] ?? (openid ? openid.replace(/\/\.well-known\/openid-configuration$/, '/').replace(/\/v2\.0\/\/$/, '/v2.0/') : undefined);
  const issuer = issuerRaw === undefined ? undefined : literal(issuerRaw, node, ctx, 'validate-jwt issuer');
  if (!issuer) reasons.push('no issuer is given: issuers is a placeholder (https://issuer.invalid/)');
  if (!audiences.length) reasons.push('no audiences are given: audiences holds a placeholder');
  if (issuers.length > 1) reasons.push('several issuers: the first is kept');
  const def: Json = { type: 'jwt', issuer: issuer ?? PLACEHOLDER_ISSUER, audiences: audiences.length ? audiences.filter((a) => !/@[({]/.test(a)) : ['https://audience.invalid'] };
  if (openid && !/@[({]|\{\{/.test(openid) && !/\.well-known\/openid-configuration$/.test(openid)) def.jwksUri = openid;
  if (header && header !== 'Authorization') def.header = header;
  if (Object.keys(claims).length) def.requiredClaims = claims;
  const skew = node.attrs['clock-skew'];
  if (skew !== undefined && Number(skew) !== 60 && Number(skew) >= 0 && Number(skew) <= 300) def.clockSkewSeconds = Number(skew);
  const key = JSON.stringify(def);
  const existing = Object.entries(ctx.draft.authorizers).find(([, a]) => JSON.stringify(a) === key);
  const name = existing?.[0] ?? SpecDraft.nameIn('jwt', ctx.draft.authorizers, 'jwt');
  if (!existing) ctx.draft.authorizers[name] = def;
  fx.auth.push(name);
  if (node.attrs['failed-validation-error-message'] || node.attrs['failed-validation-httpcode']) reasons.push('the custom failure status and message are not carried (anygate answers 401 with its error contract)');
  if (reasons.length) ctx.log.partial(ctx.file, node.xpath, 'validate-jwt', `authorizers.${name}`, reasons.join('; '));
  else ctx.log.mapped(ctx.file, node.xpath, 'validate-jwt', `authorizers.${name}`);
}

function rateLimit(node: XmlNode, ctx: PolicyContext, fx: PolicyEffects): void {
  const calls = seconds(node.attrs.calls);
  const period = seconds(node.attrs['renewal-period']);
  if (!calls || !period) {
    ctx.log.lost(ctx.file, node.xpath, node.name, 'calls or renewal-period is not a number (a named value or expression)');
    return;
  }
  const rps = calls / period;
  fx.rateLimit = { requestsPerSecond: rps, ...(period > 1 || calls !== Math.ceil(rps) ? { burst: Math.max(1, Math.round(calls)) } : {}) };
  const reasons: string[] = [];
  if (period !== 1) reasons.push(`${calls} calls per ${period} s is read as ${rps} requests per second with a burst of ${calls}`);
  if (node.name === 'rate-limit-by-key') reasons.push(`counted per ${JSON.stringify(node.attrs['counter-key'])}: anygate counts ${ctx.scope === 'product' ? 'per consumer on the plan' : 'per route'}`);
  if (kids(node, 'api').length || kids(node, 'operation').length) reasons.push('nested per-API / per-operation limits are not read');
  const to = ctx.scope === 'product' ? 'plans.<name>.rateLimit' : 'routes[].rateLimit';
  if (reasons.length) ctx.log.partial(ctx.file, node.xpath, node.name, to, reasons.join('; '));
  else ctx.log.mapped(ctx.file, node.xpath, node.name, to);
}

function quota(node: XmlNode, ctx: PolicyContext, fx: PolicyEffects): void {
  const calls = seconds(node.attrs.calls);
  const period = seconds(node.attrs['renewal-period']);
  const p = period ? PERIODS[period] : undefined;
  if (!calls || !p) {
    ctx.log.lost(ctx.file, node.xpath, node.name, `${node.attrs.calls ? `${node.attrs.calls} calls` : 'a bandwidth quota'} per ${node.attrs['renewal-period']} s: anygate quotas count calls per day, week or month (86400, 604800 or 2592000 s)`);
    return;
  }
  if (ctx.scope !== 'product') {
    ctx.log.lost(ctx.file, node.xpath, node.name, 'a quota outside a product: anygate quotas belong to plans; move it to the plan the callers are on');
    return;
  }
  fx.quota = { limit: calls, period: p };
  if (node.name === 'quota-by-key') ctx.log.partial(ctx.file, node.xpath, node.name, 'plans.<name>.quota', `counted per ${JSON.stringify(node.attrs['counter-key'])}: anygate counts per consumer`);
  else ctx.log.mapped(ctx.file, node.xpath, node.name, 'plans.<name>.quota');
}

function cors(node: XmlNode, ctx: PolicyContext, fx: PolicyEffects): void {
  const list = (n: string, item: string) => kids(kid(node, n) ?? { children: [] } as unknown as XmlNode, item).map((x) => x.text).filter(Boolean);
  const origins = list('allowed-origins', 'origin');
  const c: Json = { allowOrigins: origins.length ? origins : ['*'] };
  const methods = list('allowed-methods', 'method').map((m) => m.toUpperCase());
  if (methods.length && !methods.includes('*')) c.allowMethods = methods.filter((m) => ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'].includes(m));
  const headers = list('allowed-headers', 'header');
  if (headers.length && !headers.includes('*')) c.allowHeaders = headers;
  const expose = list('expose-headers', 'header');
  if (expose.length) c.exposeHeaders = expose;
  if (node.attrs['allow-credentials'] === 'true') c.allowCredentials = true;
  const maxAge = kid(node, 'allowed-methods')?.attrs['preflight-result-max-age'];
  if (maxAge && Number.isInteger(Number(maxAge))) c.maxAgeSeconds = Math.min(86400, Number(maxAge));
  fx.cors = c;
  const wild = headers.includes('*') ? 'allowed headers `*` are read as the default list; ' : '';
  if (wild) ctx.log.partial(ctx.file, node.xpath, 'cors', 'cors', wild.replace(/; $/, ''));
  else ctx.log.mapped(ctx.file, node.xpath, 'cors', 'cors');
}

function ipFilter(node: XmlNode, ctx: PolicyContext, fx: PolicyEffects): void {
  const cidrs: string[] = [];
  for (const a of kids(node, 'address')) {
    const v = literal(a.text, a, ctx, 'ip-filter address');
    if (v) cidrs.push(v.includes('/') ? v : v.includes(':') ? `${v}/128` : `${v}/32`);
  }
  for (const r of kids(node, 'address-range')) {
    const block = rangeToCidr(r.attrs.from ?? '', r.attrs.to ?? '');
    if (block) cidrs.push(block);
    else ctx.log.lost(ctx.file, r.xpath, 'ip-filter address-range', `the range ${r.attrs.from}-${r.attrs.to} is not one CIDR block; write it as CIDR blocks in ipRules`);
  }
  fx.ipRules ??= { allow: [], deny: [] };
  (node.attrs.action === 'forbid' ? fx.ipRules.deny : fx.ipRules.allow).push(...cidrs);
  ctx.log.mapped(ctx.file, node.xpath, 'ip-filter', 'ipRules');
}

function setHeader(node: XmlNode, ctx: PolicyContext, target: { setHeaders: Record<string, string>; removeHeaders: string[] }, where: string): void {
  const name = node.attrs.name;
  const action = node.attrs['exists-action'] ?? 'override';
  if (action === 'delete') {
    target.removeHeaders.push(name);
    ctx.log.mapped(ctx.file, node.xpath, node.name, `${where}.removeHeaders`);
    return;
  }
  const values = kids(node, 'value').map((v) => v.text);
  const v = values.length ? literal(values.join(','), node, ctx, node.name) : undefined;
  if (v === undefined) return;
  target.setHeaders[name] = v;
  if (action === 'override' && values.length === 1) ctx.log.mapped(ctx.file, node.xpath, node.name, `${where}.setHeaders.${name}`);
  else ctx.log.partial(ctx.file, node.xpath, node.name, `${where}.setHeaders.${name}`, `exists-action ${action}${values.length > 1 ? ' with several values' : ''}: anygate sets (overrides) the header`);
}

function returnResponse(node: XmlNode, ctx: PolicyContext, fx: PolicyEffects): void {
  const status = Number(kid(node, 'set-status')?.attrs.code ?? 200);
  const headers: Record<string, string> = {};
  for (const h of kids(node, 'set-header')) {
    const v = kids(h, 'value').map((x) => x.text).join(',');
    if (!/@[({]/.test(v)) headers[h.attrs.name] = v;
  }
  let body: unknown;
  const b = kid(node, 'set-body');
  const reasons: string[] = [];
  if (b && b.text) {
    if (/@[({]/.test(b.text)) reasons.push('the body is a policy expression: the mock returns no body');
    else
      try {
        body = JSON.parse(b.text);
      } catch {
        reasons.push('the body is not JSON: the mock returns no body');
      }
  }
  fx.mock = { statusCode: Number.isInteger(status) && status >= 100 && status <= 599 ? status : 200, headers, ...(body !== undefined ? { body } : {}) };
  if (reasons.length) ctx.log.partial(ctx.file, node.xpath, 'return-response', 'backends (mock)', reasons.join('; '));
  else ctx.log.mapped(ctx.file, node.xpath, 'return-response', 'backends (mock)');
}

/** What anygate's alternatives policy names before its validate-jwt branches are read. */
interface PendingAlternatives {
  alternatives?: Location[][];
  /** The JWT authorizer validated when a header is presented. */
  readonly jwtByHeader: Map<string, string>;
}

/** Answers 401 (or 403) with anygate's error contract. */
function refuses(when: XmlNode, status: string): boolean {
  return when.children.length === 1 && kid(kid(when, 'return-response'), 'set-status')?.attrs.code === status;
}

/**
 * The `choose` policies anygate writes for auth, read by shape (./azure-expressions): a repeated
 * credential refused, a key presented where the spec reads none, the alternatives' refusals and
 * their validate-jwt branches, a scope check. False for any other choose.
 */
function ownChoose(c: XmlNode, ctx: PolicyContext, fx: PolicyEffects, pending: PendingAlternatives): boolean {
  const whens = kids(c, 'when');
  if (!whens.length || whens.length !== c.children.length) return false;
  const cond = (w: XmlNode) => w.attrs.condition ?? '';
  const pre = whens.length === 1 && refuses(whens[0], '401') ? preCheckRefusals(cond(whens[0]), { header: ctx.keyNames?.header ?? 'Ocp-Apim-Subscription-Key', query: ctx.keyNames?.query ?? 'subscription-key' }) : undefined;
  if (pre) {
    if (pre.repeated) ctx.log.mapped(ctx.file, c.xpath, "choose: anygate's repeated-credential refusal", 'routes[].auth (written by synth)');
    if (pre.undeclared) ctx.log.mapped(ctx.file, c.xpath, "choose: anygate's refusal of a key in a place the spec does not read", 'routes[].auth (written by synth)');
    if (pre.subscription) {
      fx.requiresSubscription = true;
      ctx.log.mapped(ctx.file, c.xpath, 'choose: subscription required', 'routes[].auth (the subscription key)');
    }
    return true;
  }
  const alts = alternativesCondition(cond(whens[0]));
  if (alts && whens.every((w) => refuses(w, '401')) && whens.slice(1).every((w) => isKeyRefusal(cond(w)))) {
    pending.alternatives = alts;
    ctx.log.mapped(ctx.file, c.xpath, "choose: anygate's alternative credentials", 'routes[].auth (alternatives)');
    return true;
  }
  const scope = whens.length === 1 && refuses(whens[0], '403') ? scopeCheck(cond(whens[0])) : undefined;
  if (scope) {
    fx.scopes.push(...scope.scopes);
    const jwtName = fx.auth[fx.auth.length - 1];
    const a = jwtName ? ctx.draft.authorizers[jwtName] : undefined;
    if (a && scope.claim !== 'scope') a.scopeClaim = scope.claim;
    ctx.log.mapped(ctx.file, c.xpath, "choose: anygate's scope check", 'routes[].scopes');
    return true;
  }
  const loc = whens.length === 1 ? presentedCondition(cond(whens[0])) : undefined;
  if (loc?.in === 'header' && kid(whens[0], 'validate-jwt')) {
    const sub = emptyEffects();
    inbound(whens[0], ctx, sub);
    const jwtName = sub.auth[0];
    if (!jwtName) return false;
    pending.jwtByHeader.set(loc.name.toLowerCase(), jwtName);
    fx.scopes.push(...sub.scopes);
    return true;
  }
  return false;
}

/** The authorizer names of anygate's alternatives: a JWT where one is validated, else an API key. */
function resolveAlternatives(pending: PendingAlternatives, ctx: PolicyContext): string[][] | undefined {
  if (!pending.alternatives) return undefined;
  const key = (l: Location): string => {
    const existing = Object.entries(ctx.draft.authorizers).find(([, a]) => a.type === 'apiKey' && a.in === l.in && String(a.name).toLowerCase() === l.name.toLowerCase());
    if (existing) return existing[0];
    const name = SpecDraft.nameIn(l.in === 'query' ? 'queryKey' : 'headerKey', ctx.draft.authorizers, 'key');
    ctx.draft.authorizers[name] = { type: 'apiKey', in: l.in, name: l.name };
    return name;
  };
  return pending.alternatives.map((alt) => alt.map((l) => (l.in === 'header' ? pending.jwtByHeader.get(l.name.toLowerCase()) : undefined) ?? key(l)));
}

function inbound(node: XmlNode, ctx: PolicyContext, fx: PolicyEffects): void {
  fx.inheritsInbound = kids(node, 'base').length > 0;
  let cacheLookup: XmlNode | undefined;
  const pending: PendingAlternatives = { jwtByHeader: new Map() };
  for (const c of node.children) {
    switch (c.name) {
      case 'base':
        ctx.log.mapped(ctx.file, c.xpath, 'base', 'the enclosing scope');
        break;
      case 'validate-jwt':
        jwt(c, ctx, fx);
        break;
      case 'rate-limit':
      case 'rate-limit-by-key':
        rateLimit(c, ctx, fx);
        break;
      case 'quota':
      case 'quota-by-key':
        quota(c, ctx, fx);
        break;
      case 'cors':
        cors(c, ctx, fx);
        break;
      case 'ip-filter':
        ipFilter(c, ctx, fx);
        break;
      case 'set-header':
        setHeader(c, ctx, fx.request, 'transform.request');
        break;
      case 'set-query-parameter': {
        const name = c.attrs.name;
        if (c.attrs['exists-action'] === 'delete') {
          fx.request.removeQuery.push(name);
          ctx.log.mapped(ctx.file, c.xpath, c.name, 'transform.request.removeQuery');
        } else {
          const v = literal(kids(c, 'value').map((x) => x.text).join(','), c, ctx, c.name);
          if (v !== undefined) {
            fx.request.setQuery[name] = v;
            ctx.log.mapped(ctx.file, c.xpath, c.name, `transform.request.setQuery.${name}`);
          }
        }
        break;
      }
      case 'rewrite-uri': {
        const t = c.attrs.template ?? '';
        if (/@[({]|\{\{/.test(t) || !t.startsWith('/')) ctx.log.lost(ctx.file, c.xpath, 'rewrite-uri', `template ${JSON.stringify(t)} is an expression or not a path: set transform.request.rewritePath by hand`);
        else {
          fx.request.rewritePath = t.split('?')[0].replace(/\/+$/, '') || '/';
          if (t.includes('?') || c.attrs['copy-unmatched-params'] === 'false') ctx.log.partial(ctx.file, c.xpath, 'rewrite-uri', 'transform.request.rewritePath', 'query parameters in the template, or copy-unmatched-params=false, are not carried');
          else ctx.log.mapped(ctx.file, c.xpath, 'rewrite-uri', 'transform.request.rewritePath');
        }
        break;
      }
      case 'set-backend-service': {
        const id = c.attrs['backend-id'];
        const url = c.attrs['base-url'];
        if (id && !/@[({]/.test(id)) {
          fx.backendId = id;
          ctx.log.mapped(ctx.file, c.xpath, 'set-backend-service', `routes[].backend (${id})`);
        } else if (url) {
          const v = literal(url, c, ctx, 'set-backend-service base-url');
          if (v) {
            fx.backendUrl = v;
            ctx.log.mapped(ctx.file, c.xpath, 'set-backend-service', 'routes[].backend');
          }
        } else ctx.log.lost(ctx.file, c.xpath, 'set-backend-service', 'the backend is chosen by an expression');
        break;
      }
      case 'mock-response': {
        const status = Number(c.attrs['status-code'] ?? 200);
        fx.mock = { statusCode: Number.isInteger(status) ? status : 200, headers: c.attrs['content-type'] ? { 'Content-Type': c.attrs['content-type'] } : {} };
        ctx.log.partial(ctx.file, c.xpath, 'mock-response', 'backends (mock)', 'API Management answers with the example from the operation\'s response definition; the spec mock returns no body: set backends.<name>.body');
        break;
      }
      case 'return-response':
        returnResponse(c, ctx, fx);
        break;
      case 'cache-lookup': {
        cacheLookup = c;
        break;
      }
      case 'choose': {
        // `<when condition="@(context.Subscription == null)"><return-response> 401`: a subscription key is required.
        const whens = kids(c, 'when');
        const status = kid(kid(whens[0], 'return-response'), 'set-status')?.attrs.code;
        if (whens.length === 1 && c.children.length === 1 && /^@\(\s*context\.Subscription\s*==\s*null\s*\)$/.test(whens[0].attrs.condition ?? '') && status === '401') {
          fx.requiresSubscription = true;
          ctx.log.mapped(ctx.file, c.xpath, 'choose: subscription required', 'routes[].auth (the subscription key)');
          break;
        }
        if (ownChoose(c, ctx, fx, pending)) break;
        ctx.log.lost(ctx.file, c.xpath, 'choose', 'conditional policy logic has no anygate equivalent; express each branch as its own route, or keep it in the backend');
        break;
      }
      case 'include-fragment': {
        const frag = ctx.fragments?.get(c.attrs['fragment-id']);
        const parsed = frag ? parseXml(frag.text, { policyExpressions: true }) : undefined;
        if (frag && parsed?.ok) {
          ctx.log.mapped(ctx.file, c.xpath, 'include-fragment', `expanded from ${frag.file}`);
          const inherits = fx.inheritsInbound;
          inbound(parsed.root, { ...ctx, file: frag.file }, fx);
          fx.inheritsInbound = inherits;
          break;
        }
        ctx.log.lost(ctx.file, c.xpath, 'include-fragment', `policy fragment ${JSON.stringify(c.attrs['fragment-id'])} is not in the import (or is not XML); import what it does by hand`);
        break;
      }
      case 'validate-parameters': {
        fx.validatesParameters = true;
        const strict = c.attrs['specified-parameter-action'] === 'prevent' && (c.attrs['unspecified-parameter-action'] ?? 'ignore') === 'ignore' && !c.children.length;
        if (strict) ctx.log.mapped(ctx.file, c.xpath, 'validate-parameters', "routes[].validation (the operation's required query parameters and headers)");
        else ctx.log.partial(ctx.file, c.xpath, 'validate-parameters', "routes[].validation (the operation's required query parameters and headers)", 'anygate checks that required parameters are present; other actions (unspecified parameters refused, per-parameter overrides, detection only) are not carried');
        break;
      }
      case 'validate-content': {
        fx.validatesContent = true;
        const json = kids(c, 'content').some((x) => /json/.test(x.attrs.type ?? '') && x.attrs['validate-as'] === 'json' && x.attrs.action === 'prevent');
        if (json) ctx.log.mapped(ctx.file, c.xpath, 'validate-content', "routes[].validation.bodySchema (the operation's JSON representation)");
        else ctx.log.partial(ctx.file, c.xpath, 'validate-content', 'routes[].validation.bodySchema', 'only JSON bodies refused when they do not match the schema are carried (XML, SOAP and detection-only checks are not)');
        break;
      }
      case 'set-body': {
        const body = bodyTemplateFromExpression(c.text, ctx.stageVariables);
        if (body === undefined) {
          ctx.log.lost(ctx.file, c.xpath, 'set-body', 'a request body written by a policy expression or a Liquid template has no anygate equivalent beyond transform.request.body templates; write the body template by hand');
          break;
        }
        fx.request.body = body;
        // anygate's body template sets the JSON content type before it: part of the body, not a header of the spec.
        if (fx.request.setHeaders['Content-Type'] === 'application/json') delete fx.request.setHeaders['Content-Type'];
        ctx.log.mapped(ctx.file, c.xpath, 'set-body', 'transform.request.body');
        break;
      }
      case 'check-header':
        ctx.log.lost(ctx.file, c.xpath, 'check-header', 'a header check with a fixed answer has no anygate equivalent (routes[].validation.requiredHeaders checks presence only)');
        break;
      case 'authentication-managed-identity':
      case 'authentication-basic':
      case 'authentication-certificate':
        ctx.log.lost(ctx.file, c.xpath, c.name, 'backend authentication is not modelled; give the backend credentials another way');
        break;
      default:
        ctx.log.lost(ctx.file, c.xpath, c.name, `the ${c.name} policy has no anygate equivalent`);
    }
  }
  if (cacheLookup) cacheFrom(cacheLookup, ctx, fx);
  const alternatives = resolveAlternatives(pending, ctx);
  if (alternatives) fx.alternatives = alternatives;
}

function cacheFrom(lookup: XmlNode, ctx: PolicyContext, fx: PolicyEffects): void {
  const query = kids(lookup, 'vary-by-query-parameter').map((n) => n.text).filter(Boolean);
  const headers = kids(lookup, 'vary-by-header').map((n) => n.text).filter(Boolean);
  fx.cache = { ttlSeconds: 0, ...(query.length || headers.length ? { key: { ...(query.length ? { query } : {}), ...(headers.length ? { headers } : {}) } } : {}) };
  ctx.log.mapped(ctx.file, lookup.xpath, 'cache-lookup', 'routes[].cache');
}

function outbound(node: XmlNode, ctx: PolicyContext, fx: PolicyEffects): void {
  fx.inheritsOutbound = kids(node, 'base').length > 0;
  for (const c of node.children) {
    if (c.name === 'base') ctx.log.mapped(ctx.file, c.xpath, 'base', 'the enclosing scope');
    else if (c.name === 'set-header') setHeader(c, ctx, fx.response, 'transform.response');
    else if (c.name === 'set-body' && redactionFromExpression(c.text)) {
      fx.response.redact = redactionFromExpression(c.text);
      ctx.log.mapped(ctx.file, c.xpath, 'set-body (redaction)', 'transform.response.redact');
    } else if (c.name === 'cache-store') {
      const d = seconds(c.attrs.duration);
      if (fx.cache && d !== undefined) {
        fx.cache.ttlSeconds = Math.min(86400, d);
        ctx.log.mapped(ctx.file, c.xpath, 'cache-store', 'routes[].cache.ttlSeconds');
      } else ctx.log.lost(ctx.file, c.xpath, 'cache-store', fx.cache ? 'the duration is not a number' : 'no cache-lookup in inbound');
    } else ctx.log.lost(ctx.file, c.xpath, c.name, `the outbound ${c.name} policy has no anygate equivalent`);
  }
}

/** Reads a policy document (text). A document that does not parse is one finding, not a crash. */
export function readPolicy(text: string, at: string, ctx: PolicyContext): PolicyEffects {
  const fx = emptyEffects();
  const parsed = parseXml(text, { policyExpressions: true });
  if (!parsed.ok) {
    ctx.log.lost(ctx.file, at || '/', 'policy document', `${parsed.error}; nothing in it was imported: fix the XML (API Management accepts C# expressions that XML does not) and import again`);
    return fx;
  }
  const root = parsed.root;
  if (parsed.escapedExpressions) ctx.log.mapped(ctx.file, root.xpath, 'policy expressions', `read as text (${parsed.escapedExpressions} expression(s) hold characters XML does not allow)`);
  if (root.name !== 'policies') {
    if (root.name === 'fragment') ctx.log.lost(ctx.file, root.xpath, 'policy fragment', 'fragments are read where included (not expanded): import what it does by hand');
    else ctx.log.lost(ctx.file, root.xpath, root.name, 'not a <policies> document');
    return fx;
  }
  for (const section of root.children) {
    const sctx = ctx.sectionLog ? { ...ctx, log: ctx.sectionLog(section.name) } : ctx;
    readSection(section, sctx, fx);
  }
  return fx;
}

/** One section of a policy document. */
function readSection(section: XmlNode, ctx: PolicyContext, fx: PolicyEffects): void {
  if (section.name === 'inbound') inbound(section, ctx, fx);
  else if (section.name === 'outbound') outbound(section, ctx, fx);
  else if (section.name === 'backend') {
    fx.inheritsBackend = kids(section, 'base').length > 0;
    for (const c of section.children) {
      if (c.name === 'base') ctx.log.mapped(ctx.file, c.xpath, 'base', 'the enclosing scope');
      else if (c.name === 'forward-request') {
        const t = seconds(c.attrs['timeout-ms']) ?? (seconds(c.attrs.timeout) !== undefined ? seconds(c.attrs.timeout)! * 1000 : undefined);
        if (t !== undefined && t >= 1 && t <= 300000) fx.timeoutMs = t;
        ctx.log.mapped(ctx.file, c.xpath, 'forward-request', t !== undefined ? 'routes[].timeoutMs' : 'the route (forwarded)');
      } else ctx.log.lost(ctx.file, c.xpath, c.name, `the backend-section ${c.name} policy (retries, conditional forwarding) has no anygate equivalent`);
    }
  } else if (section.name === 'on-error') {
    for (const c of section.children) {
      if (c.name === 'base') ctx.log.mapped(ctx.file, c.xpath, 'base', 'the enclosing scope');
      else ctx.log.lost(ctx.file, c.xpath, `on-error ${c.name}`, 'anygate answers errors with one error contract on every target; custom error handling is not carried');
    }
  } else ctx.log.lost(ctx.file, section.xpath, section.name, 'not a policy section');
}
