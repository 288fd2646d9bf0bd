/**
 * Apigee policies read by meaning, one file each (policies/<name>.xml): what a Step that names the
 * policy does to the route (authorizer, rate limit, quota, cache, transform, CORS, IP rules, mock
 * response) or a finding that says why not.
 */
import { PLACEHOLDER_ISSUER, SpecDraft } from './draft';
import type { FindingLog } from './findings';
import { kid, kids, textAt, type XmlNode } from './xml';
import { canonicalCidr } from '../model/ip';

/** Placeholder JWKS URI (Apigee needs one; RFC 2606 `.invalid`, so synth refuses it until set). */
const PLACEHOLDER_JWKS = 'https://issuer.invalid/.well-known/jwks.json';

type Json = Record<string, unknown>;

/** What the steps of one route do. */
export interface StepEffects {
  auth: string[];
  scopes: string[];
  rateLimit?: { requestsPerSecond: number; burst?: number };
  quota?: { limit: number; period: 'day' | 'week' | 'month' };
  cache?: { ttlSeconds: number; key?: { query?: string[]; headers?: string[] } };
  request: { setHeaders: Record<string, string>; removeHeaders: string[]; setQuery: Record<string, string>; removeQuery: string[]; body?: unknown; rewritePath?: string };
  response: { setHeaders: Record<string, string>; removeHeaders: string[]; redact?: string[] };
  mock?: { statusCode: number; body?: unknown; headers: Record<string, string> };
  /** A RaiseFault answers the request (a catch-all 404, say). */
  raises?: number;
  /** Flow variables AssignMessage sets to literal values (RouteRule conditions read them). */
  vars: Record<string, string>;
  /** anygate's alternatives: the sets of authorizers whose flags complete one. @default - none */
  alternatives?: string[][];
  /** The parameters anygate's 400 RaiseFault requires. @default - none */
  required?: { query: string[]; headers: string[] };
  /** anygate's OASValidation of the request body against resources/oas/anygate.json runs. @default false */
  validatesBody?: boolean;
}

export function emptySteps(): StepEffects {
  return { vars: {}, auth: [], scopes: [], request: { setHeaders: {}, removeHeaders: [], setQuery: {}, removeQuery: [] }, response: { setHeaders: {}, removeHeaders: [] } };
}

export interface StepContext {
  readonly file: string;
  readonly draft: SpecDraft;
  readonly log: FindingLog;
  /** The step runs on the request (true) or the response. */
  readonly request: boolean;
  /** The step has a Condition (it may not run). */
  readonly conditional: boolean;
  /** Each policy is reported once, however many flows use it. */
  readonly reported: Set<string>;
}

function once(ctx: StepContext, key: string, f: () => void): void {
  if (ctx.reported.has(key)) return;
  ctx.reported.add(key);
  f();
}

/** `{request.header.x}` style message templates make a value dynamic. */
const dynamic = (s: string) => /(?<!\$)\{[A-Za-z_][\w.-]*\}/.test(s);

/** A header or query name a ref reads (`request.header.x-api-key`, `request.queryparam.apikey`). */
function refSource(ref: string | undefined): { in: 'header' | 'query'; name: string } | undefined {
  const m = ref ? /^request\.(header|queryparam)\.([A-Za-z0-9_.-]+)$/.exec(ref.trim()) : null;
  return m ? { in: m[1] === 'header' ? 'header' : 'query', name: m[2] } : undefined;
}

function rate(text: string | undefined): number | undefined {
  const m = text ? /^(\d+(?:\.\d+)?)\s*(ps|pm)$/i.exec(text.trim()) : null;
  if (!m) return undefined;
  return m[2].toLowerCase() === 'ps' ? Number(m[1]) : Number(m[1]) / 60;
}

/** `{var}` message templates resolved from literal flow variables set earlier; unchanged when one is unknown. */
function resolveVars(text: string, vars: Record<string, string>): string {
  return /\{([A-Za-z_][\w.-]*)\}/.test(text) && [...text.matchAll(/\{([A-Za-z_][\w.-]*)\}/g)].every((m) => m[1] in vars) ? text.replace(/\{([A-Za-z_][\w.-]*)\}/g, (_m, n: string) => vars[n]) : text;
}

/** An element's value: its `ref` variable when set to a literal earlier, else its text. */
function valueOf(node: XmlNode | undefined, vars: Record<string, string>, refAttr = 'ref'): string | undefined {
  if (!node) return undefined;
  const ref = node.attrs[refAttr];
  if (ref && ref in vars) return vars[ref];
  return node.text ? resolveVars(node.text, vars) : ref ? `{${ref}}` : undefined;
}

function assignMessage(p: XmlNode, ctx: StepContext, fx: StepEffects): void {
  const to = kid(p, 'AssignTo');
  const target = to?.attrs.type ?? (ctx.request ? 'request' : 'response');
  const t = target === 'request' || (!to && ctx.request) ? fx.request : fx.response;
  const side = t === fx.request ? 'transform.request' : 'transform.response';
  const lost: string[] = [];
  let mapped = 0;
  const set = kid(p, 'Set');
  const add = kid(p, 'Add');
  const remove = kid(p, 'Remove');
  for (const section of [set, add]) {
    for (const h of kids(kid(section, 'Headers') ?? ({ children: [] } as unknown as XmlNode), 'Header')) {
      // A verified token's claim, as anygate writes `${claim.x}` (the VerifyJWT policy's decoded claim).
      const text = resolveVars(h.text, fx.vars).replace(/\{jwt\.JWT-[A-Za-z0-9-]+\.decoded\.claim\.([A-Za-z0-9_:-]+)\}/g, (_, c: string) => `\${claim.${c}}`);
      if (dynamic(text)) lost.push(`header ${h.attrs.name} = ${h.text} (a message template)`);
      else {
        t.setHeaders[h.attrs.name] = text;
        mapped++;
      }
    }
    for (const q of kids(kid(section, 'QueryParams') ?? ({ children: [] } as unknown as XmlNode), 'QueryParam')) {
      const text = resolveVars(q.text, fx.vars);
      if (t !== fx.request || dynamic(text)) lost.push(`query ${q.attrs.name}`);
      else {
        fx.request.setQuery[q.attrs.name] = text;
        mapped++;
      }
    }
  }
  for (const h of kids(kid(remove, 'Headers') ?? ({ children: [] } as unknown as XmlNode), 'Header')) {
    t.removeHeaders.push(h.attrs.name);
    mapped++;
  }
  for (const q of kids(kid(remove, 'QueryParams') ?? ({ children: [] } as unknown as XmlNode), 'QueryParam')) {
    if (t === fx.request) {
      fx.request.removeQuery.push(q.attrs.name);
      mapped++;
    }
  }
  const payload = textAt(set, 'Payload');
  const status = textAt(set, 'StatusCode');
  if (t === fx.response && (payload !== undefined || status !== undefined)) {
    let body: unknown;
    if (payload && !dynamic(payload.replace(/^\s*[{[][\s\S]*$/, (s) => s.replace(/"[^"]*"/g, '""')))) {
      try {
        body = JSON.parse(payload);
      } catch {
        lost.push('a payload that is not JSON');
      }
    } else if (payload) lost.push('a payload built from message templates');
    fx.mock = { statusCode: Number(status ?? 200) || 200, headers: { ...fx.response.setHeaders }, ...(body !== undefined ? { body } : {}) };
    mapped++;
  }
  for (const c of p.children) if (!['AssignTo', 'Set', 'Add', 'Remove', 'DisplayName', 'IgnoreUnresolvedVariables', 'Copy', 'AssignVariable'].includes(c.name)) lost.push(c.name);
  for (const v of kids(p, 'AssignVariable')) {
    const n = textAt(v, 'Name');
    const val = textAt(v, 'Value');
    if (n && val !== undefined && !kid(v, 'Ref') && !kid(v, 'Template')) {
      fx.vars[n] = val;
      mapped++;
    } else lost.push(`AssignVariable ${n ?? ''} (from a reference or template)`.replace(' ()', ''));
  }
  if (kid(p, 'Copy')) lost.push('Copy');
  if (lost.length && mapped) ctx.log.partial(ctx.file, p.xpath, 'AssignMessage', side, `not carried: ${lost.join(', ')}`);
  else if (lost.length || !mapped) ctx.log.lost(ctx.file, p.xpath, 'AssignMessage', lost.length ? `not carried: ${lost.join(', ')}` : 'it sets nothing a route transform holds (flow variables, or a message the spec has no place for)');
  else ctx.log.mapped(ctx.file, p.xpath, 'AssignMessage', fx.mock ? 'backends (mock)' : side);
}

/** A JavaRegex literal as providers/apigee/conditions.ts regexLiteral writes it, back to text. */
function unRegex(s: string): string {
  // `"` is `\x22` (and `[^ -!#-~]` in bundles from before it).
  return s.replace(/\\x22|\[\^ -!#-~\]/g, '"').replace(/\[(.)\]|\\(.)/g, (_m, a: string | undefined, b: string | undefined) => a ?? b ?? '');
}

/**
 * The steps anygate writes around its own policies, read by their condition (a policy alone does
 * not say it): the alternatives' flags (`anygate.presented.<authorizer>`), and the 403 RaiseFault
 * on a scope missing from a verified token. True when the step was one of them.
 */
export function ownStep(p: XmlNode, condition: string | undefined, ctx: StepContext, fx: StepEffects): boolean {
  const assigns = kids(p, 'AssignVariable').map((v) => textAt(v, 'Name'));
  // A stage's variables, set in the environment of that stage: `{anygate.stage.x}` reads them.
  const stage = condition ? /^environment\.name = "([A-Za-z0-9-]+)"$/.exec(condition.trim()) : null;
  if (p.name === 'AssignMessage' && stage && assigns.length && assigns.every((a) => /^anygate\.stage\.[A-Za-z0-9_]+$/.test(a ?? ''))) {
    const vars: Record<string, string> = {};
    for (const v of kids(p, 'AssignVariable')) {
      const n = textAt(v, 'Name')!.slice('anygate.stage.'.length);
      vars[n] = textAt(v, 'Value') ?? '';
      fx.vars[`anygate.stage.${n}`] = `\${stage.${n}}`;
    }
    const st = (ctx.draft.stages[stage[1]] ??= {});
    st.variables = { ...(st.variables as Record<string, string> | undefined), ...vars };
    once(ctx, ctx.file, () => ctx.log.mapped(ctx.file, p.xpath, "AssignMessage: anygate's stage variables", `stages.${stage[1]}.variables`));
    return true;
  }
  if (p.name === 'AssignMessage' && assigns.length === 1 && /^anygate\.presented\.[A-Za-z0-9-]+$/.test(assigns[0] ?? '')) {
    once(ctx, ctx.file, () => ctx.log.mapped(ctx.file, p.xpath, "AssignMessage: anygate's credential-presented flag", 'routes[].auth (alternatives)'));
    return true;
  }
  if (p.name === 'AssignMessage' && assigns.length === 1 && assigns[0] === 'anygate.alternative.complete') {
    const names = (condition ?? '').split(' and ').map((c) => /^anygate\.presented\.([A-Za-z0-9-]+) = "true"$/.exec(c.trim())?.[1]);
    if (!names.length || names.some((n) => !n)) return false;
    (fx.alternatives ??= []).push(names as string[]);
    once(ctx, ctx.file, () => ctx.log.mapped(ctx.file, p.xpath, "AssignMessage: anygate's complete alternative", 'routes[].auth (alternatives)'));
    return true;
  }
  // The plan's SpikeArrest: its rate comes from the app's API product (anygate-rate), not the route.
  if (p.name === 'SpikeArrest' && /^(anygate\.plan\.rate|verifyapikey\.[^.]+\.apiproduct\.anygate-rate)$/.test(kid(p, 'Rate')?.attrs.ref ?? '')) {
    once(ctx, ctx.file, () => ctx.log.mapped(ctx.file, p.xpath, "SpikeArrest: anygate's plan rate (from the API product)", 'plans.<name>.rateLimit'));
    return true;
  }
  // The path parameters anygate's rewrite script reads (anygate.path.<name>).
  if (p.name === 'ExtractVariables' && textAt(p, 'VariablePrefix') === 'anygate.path' && kid(p, 'URIPath') && !condition) {
    once(ctx, ctx.file, () => ctx.log.mapped(ctx.file, p.xpath, "ExtractVariables: anygate's path parameters", 'transform.request.rewritePath (its parameters)'));
    return true;
  }
  // The function backend's audience, read from the KVM anygate writes at deploy time.
  if (p.name === 'KeyValueMapOperations' && /^anygate-/.test(p.attrs.mapIdentifier ?? '') && kids(p, 'Get').length === 1 && /^private\.anygate\.audience\.[A-Za-z0-9-]+$/.test(kid(p, 'Get')!.attrs.assignTo ?? '')) {
    once(ctx, ctx.file, () => ctx.log.mapped(ctx.file, p.xpath, "KeyValueMapOperations: anygate's function audience", 'backends.<name> (function binding)'));
    return true;
  }
  // Request validation: a 400 when a required parameter is missing, the JSON body's threat
  // protection and its OASValidation against the bundle's anygate.json.
  if (p.name === 'RaiseFault' && textAt(p, 'FaultResponse', 'Set', 'StatusCode') === '400' && condition) {
    const parts = condition.split(' or ').map((c) => /^\(request\.(header|queryparam)\.([^\s()]+) = null\)$/.exec(c.trim()));
    if (!parts.length || parts.some((m) => !m)) return false;
    const req = (fx.required ??= { query: [], headers: [] });
    for (const m of parts) (m![1] === 'header' ? req.headers : req.query).push(m![2]!);
    once(ctx, ctx.file, () => ctx.log.mapped(ctx.file, p.xpath, "RaiseFault: anygate's required parameters (400)", 'routes[].validation.requiredQuery / requiredHeaders'));
    return true;
  }
  if (p.name === 'JSONThreatProtection' && condition?.trim() === 'request.content != null' && p.attrs.name === 'JTP-json-body') {
    once(ctx, ctx.file, () => ctx.log.mapped(ctx.file, p.xpath, "JSONThreatProtection: anygate's body limits", 'routes[].validation.bodySchema (part of checking a JSON body)'));
    return true;
  }
  if (p.name === 'OASValidation' && !condition && textAt(p, 'OASResource') === 'oas://anygate.json' && p.attrs.name === 'OAS-request') {
    fx.validatesBody = true;
    once(ctx, ctx.file, () => ctx.log.mapped(ctx.file, p.xpath, "OASValidation: anygate's body schema check", 'routes[].validation.bodySchema'));
    return true;
  }
  if (p.name === 'RaiseFault' && textAt(p, 'FaultResponse', 'Set', 'StatusCode') === '403' && condition) {
    const m = [...condition.matchAll(/\bjwt\.JWT-([A-Za-z0-9-]+)\.decoded\.claim\.([A-Za-z0-9_.:-]+) JavaRegex "(?:\(\?s\)\^\(\?!\\\[\)|\^)\(\.\* \)\?(.*?)\( \.\*\)\?(?:\$|\\z)/g)];
    if (!m.length) return false;
    for (const x of m) {
      const scope = unRegex(x[3]);
      if (!fx.scopes.includes(scope)) fx.scopes.push(scope);
      const a = ctx.draft.authorizers[x[1]];
      if (a && x[2] !== 'scope') a.scopeClaim = x[2];
    }
    once(ctx, `${ctx.file}#scopes`, () => ctx.log.mapped(ctx.file, p.xpath, "RaiseFault: anygate's scope check (403)", 'routes[].scopes'));
    return true;
  }
  return false;
}

/** Applies one policy (its root element) to the route's effects. */
/**
 * anygate's own script (`jsc://anygate.js`, providers/apigee/script.ts) in the modes whose
 * properties hold the spec itself: `body` (the request body template, JSON) and `redact` (the
 * response paths removed, a JSON list). False for any other script or mode: reported by the caller.
 */
function ownScript(p: XmlNode, ctx: StepContext, fx: StepEffects): boolean {
  if (textAt(p, 'ResourceURL') !== 'jsc://anygate.js') return false;
  const props = Object.fromEntries(kids(kid(p, 'Properties') ?? ({ children: [] } as unknown as XmlNode), 'Property').map((x) => [x.attrs.name ?? '', x.text]));
  const json = (t: string | undefined): unknown => {
    try {
      return t === undefined ? undefined : JSON.parse(t);
    } catch {
      return undefined;
    }
  };
  const once1 = (f: () => void) => once(ctx, ctx.file, f);
  if (props.mode === 'body' && ctx.request && !ctx.conditional) {
    const body = json(props.template);
    if (body === undefined) return false;
    fx.request.body = body;
    once1(() => ctx.log.mapped(ctx.file, p.xpath, "Javascript: anygate's body template", 'transform.request.body'));
    return true;
  }
  if (props.mode === 'rewrite' && ctx.request && !ctx.conditional && props.template?.startsWith('/')) {
    fx.request.rewritePath = props.template;
    once1(() => ctx.log.mapped(ctx.file, p.xpath, "Javascript: anygate's path rewrite", 'transform.request.rewritePath'));
    return true;
  }
  // The rewritten path goes in a load-balanced target's <Path>: Apigee must not append the suffix.
  if (props.mode === 'no-suffix' && ctx.request && !ctx.conditional) {
    once1(() => ctx.log.mapped(ctx.file, p.xpath, "Javascript: anygate's rewritten target path", 'transform.request.rewritePath (the target of a rewriting route)'));
    return true;
  }
  if (props.mode === 'redact' && !ctx.request && !ctx.conditional) {
    const paths = json(props.paths);
    if (!Array.isArray(paths) || !paths.length || !paths.every((x) => typeof x === 'string')) return false;
    fx.response.redact = paths as string[];
    once1(() => ctx.log.mapped(ctx.file, p.xpath, "Javascript: anygate's response redaction", 'transform.response.redact'));
    return true;
  }
  return false;
}

export function applyPolicy(p: XmlNode, ctx: StepContext, fx: StepEffects): void {
  const name = p.attrs.name ?? p.name;
  const key = `${ctx.file}`;
  const report = (f: () => void) => once(ctx, key, f);
  const cond = ctx.conditional ? ' (the step has a Condition; the spec applies it always)' : '';
  switch (p.name) {
    case 'VerifyAPIKey': {
      const src = refSource(kid(p, 'APIKey')?.attrs.ref);
      const def = { type: 'apiKey', in: src?.in ?? 'query', name: src?.name ?? 'apikey' };
      const existing = Object.entries(ctx.draft.authorizers).find(([, a]) => JSON.stringify(a) === JSON.stringify(def));
      const n = existing?.[0] ?? SpecDraft.nameIn(name.replace(/^VA-(?=.)/, ''), ctx.draft.authorizers, 'key');
      if (!existing) ctx.draft.authorizers[n] = def;
      fx.auth.push(n);
      report(() => (src && !cond ? ctx.log.mapped(ctx.file, p.xpath, 'VerifyAPIKey', `authorizers.${n}`) : ctx.log.partial(ctx.file, p.xpath, 'VerifyAPIKey', `authorizers.${n}`, `${src ? '' : 'the key is read from a variable, not a header or query parameter: the spec reads query apikey; '}${cond}`.trim())));
      return;
    }
    case 'VerifyJWT': {
      const issuer = valueOf(kid(p, 'Issuer'), fx.vars);
      const aud = valueOf(kid(p, 'Audience'), fx.vars);
      const jwksNode = kid(kid(p, 'PublicKey'), 'JWKS');
      const jwksUri = jwksNode ? (jwksNode.attrs.uri ?? (jwksNode.attrs.uriRef && fx.vars[jwksNode.attrs.uriRef])) : undefined;
      const reasons: string[] = [];
      const def: Json = { type: 'jwt', issuer: issuer && !dynamic(issuer) ? issuer : PLACEHOLDER_ISSUER, audiences: aud && !dynamic(aud) ? aud.split(',').map((s) => s.trim()) : ['https://audience.invalid'] };
      if (!issuer || dynamic(issuer)) reasons.push('the issuer is not given (or comes from a variable): issuer is a placeholder');
      if (!aud || dynamic(aud)) reasons.push('the audience is not given (or comes from a variable): audiences is a placeholder');
      if (jwksUri && !dynamic(jwksUri)) def.jwksUri = jwksUri;
      else {
        def.jwksUri = PLACEHOLDER_JWKS;
        reasons.push('the JWKS is not a literal URI (a variable or an inline key): jwksUri is a placeholder');
      }
      const alg = textAt(p, 'Algorithm');
      if (alg) {
        const algs = alg.split(',').map((s) => s.trim()).filter((a) => /^(RS|PS|ES)(256|384|512)$|^EdDSA$/.test(a));
        if (algs.length) def.algorithms = algs;
        if (algs.length !== alg.split(',').length) reasons.push(`algorithms ${alg}: HMAC is never accepted`);
      }
      const src = textAt(p, 'Source');
      if (src && src !== 'request.header.authorization') reasons.push(`the token is read from ${src}`);
      // Claims the token must hold with a given value (anygate assigns each value to a variable first).
      const claims: Record<string, string> = {};
      for (const c of kids(kid(p, 'AdditionalClaims') ?? ({ children: [] } as unknown as XmlNode), 'Claim')) {
        const value = c.attrs.ref ? fx.vars[c.attrs.ref] : c.text;
        if (c.attrs.name && value !== undefined && !dynamic(value) && c.attrs.array !== 'true') claims[c.attrs.name] = value;
        else reasons.push(`the claim ${c.attrs.name ?? '?'} is checked against ${c.attrs.ref ? `the variable ${c.attrs.ref}, not a literal` : 'an array or template'}: not carried`);
      }
      if (Object.keys(claims).length) def.requiredClaims = claims;
      const existing = Object.entries(ctx.draft.authorizers).find(([, a]) => JSON.stringify(a) === JSON.stringify(def));
      // anygate names its policies JWT-<authorizer>.
      const n = existing?.[0] ?? SpecDraft.nameIn(name.replace(/^JWT-(?=.)/, ''), ctx.draft.authorizers, 'jwt');
      if (!existing) ctx.draft.authorizers[n] = def;
      fx.auth.push(n);
      report(() => (reasons.length || cond ? ctx.log.partial(ctx.file, p.xpath, 'VerifyJWT', `authorizers.${n}`, reasons.join('; ') + cond) : ctx.log.mapped(ctx.file, p.xpath, 'VerifyJWT', `authorizers.${n}`)));
      return;
    }
    case 'OAuthV2': {
      const op = textAt(p, 'Operation') ?? '';
      if (op === 'VerifyAccessToken') {
        const n = 'apigee-oauth';
        ctx.draft.authorizers[n] ??= { type: 'jwt', issuer: PLACEHOLDER_ISSUER, audiences: ['https://audience.invalid'], jwksUri: PLACEHOLDER_JWKS };
        fx.auth.push(n);
        const scope = textAt(p, 'Scope');
        if (scope && !dynamic(scope)) fx.scopes.push(...scope.split(/\s+/).filter(Boolean));
        report(() => ctx.log.partial(ctx.file, p.xpath, 'OAuthV2 VerifyAccessToken', `authorizers.${n}`, 'Apigee-issued opaque tokens have no anygate equivalent; the route stays closed behind a jwt authorizer `apigee-oauth` whose issuer and audiences are placeholders: point it at the identity provider that will issue JWTs' + (scope && /\s/.test(scope) ? '; Apigee accepts a token with any one of the listed scopes, the spec requires all of them' : '') + cond));
        return;
      }
      report(() => ctx.log.lost(ctx.file, p.xpath, `OAuthV2 ${op}`, 'anygate is not an authorization server: issue tokens with your identity provider and verify them with a jwt authorizer'));
      return;
    }
    case 'Quota': {
      const allow = kid(p, 'Allow');
      const count = Number(allow?.attrs.count ?? textAt(p, 'Allow'));
      const interval = Number(textAt(p, 'Interval') ?? 1);
      const unit = (textAt(p, 'TimeUnit') ?? '').toLowerCase();
      const period = interval === 1 && (unit === 'day' || unit === 'week' || unit === 'month') ? (unit as 'day' | 'week' | 'month') : undefined;
      const refs = allow?.attrs.countRef || kid(p, 'Interval')?.attrs.ref || kid(p, 'TimeUnit')?.attrs.ref;
      if (!period || !Number.isInteger(count) || count < 1) {
        report(() => ctx.log.lost(ctx.file, p.xpath, 'Quota', `${count} per ${interval} ${unit}: anygate quotas count per day, week or month${refs ? ' (the product sets the real values at runtime)' : ''}`));
        return;
      }
      fx.quota = { limit: count, period };
      report(() => (refs ? ctx.log.partial(ctx.file, p.xpath, 'Quota', 'plans.<name>.quota', 'the limit comes from the API product at runtime; the spec uses the fallback in the policy') : ctx.log.mapped(ctx.file, p.xpath, 'Quota', 'plans.<name>.quota')));
      return;
    }
    case 'SpikeArrest': {
      const rps = rate(valueOf(kid(p, 'Rate'), fx.vars));
      if (!rps) {
        report(() => ctx.log.lost(ctx.file, p.xpath, 'SpikeArrest', `rate ${JSON.stringify(textAt(p, 'Rate'))} is not NNps or NNpm`));
        return;
      }
      fx.rateLimit = { requestsPerSecond: rps };
      const id = kid(p, 'Identifier')?.attrs.ref;
      report(() => (id ? ctx.log.partial(ctx.file, p.xpath, 'SpikeArrest', 'routes[].rateLimit', `counted per ${id}: anygate limits the route`) : ctx.log.mapped(ctx.file, p.xpath, 'SpikeArrest', 'routes[].rateLimit')));
      return;
    }
    case 'ResponseCache': {
      const ttl = Number(textAt(p, 'ExpirySettings', 'TimeoutInSeconds') ?? textAt(p, 'ExpirySettings', 'TimeoutInSec'));
      const query: string[] = [];
      const headers: string[] = [];
      const other: string[] = [];
      for (const k of kids(kid(p, 'CacheKey') ?? ({ children: [] } as unknown as XmlNode), 'KeyFragment')) {
        const src = refSource(k.attrs.ref);
        if (src?.in === 'query') query.push(src.name);
        else if (src?.in === 'header') headers.push(src.name);
        else if (k.attrs.ref !== 'request.uri' && k.attrs.ref !== 'proxy.pathsuffix') other.push(k.attrs.ref ?? k.text);
      }
      if (!Number.isFinite(ttl)) {
        report(() => ctx.log.lost(ctx.file, p.xpath, 'ResponseCache', 'no literal TimeoutInSeconds'));
        return;
      }
      fx.cache = { ttlSeconds: Math.min(86400, ttl), ...(query.length || headers.length ? { key: { ...(query.length ? { query } : {}), ...(headers.length ? { headers } : {}) } } : {}) };
      const reasons = [...(other.length ? [`key fragments ${other.join(', ')} are not carried`] : []), ...(kid(p, 'SkipCacheLookup') || kid(p, 'SkipCachePopulation') ? ['skip conditions are not carried (the spec caches GET and HEAD)'] : [])];
      report(() => (reasons.length ? ctx.log.partial(ctx.file, p.xpath, 'ResponseCache', 'routes[].cache', reasons.join('; ')) : ctx.log.mapped(ctx.file, p.xpath, 'ResponseCache', 'routes[].cache')));
      return;
    }
    case 'AssignMessage':
      if (ctx.reported.has(key)) {
        const silent = { ...ctx, log: { mapped() {}, partial() {}, lost() {} } as unknown as FindingLog };
        assignMessage(p, silent, fx);
      } else {
        ctx.reported.add(key);
        assignMessage(p, ctx, fx);
      }
      return;
    case 'CORS': {
      const list = (n: string) => (textAt(p, n) ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      const origins = list('AllowOrigins');
      const c: Json = { allowOrigins: origins.some(dynamic) ? ['*'] : origins.length ? origins : ['*'] };
      const methods = list('AllowMethods').map((m) => m.toUpperCase()).filter((m) => ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'].includes(m));
      if (methods.length) c.allowMethods = methods;
      const headers = list('AllowHeaders');
      if (headers.length && !headers.includes('*')) c.allowHeaders = headers;
      const expose = list('ExposeHeaders').filter((h) => h !== '*');
      if (expose.length) c.exposeHeaders = expose;
      if (textAt(p, 'AllowCredentials') === 'true') c.allowCredentials = true;
      const age = Number(textAt(p, 'MaxAge'));
      if (Number.isInteger(age) && age >= 0) c.maxAgeSeconds = Math.min(86400, age);
      ctx.draft.cors = c;
      const reasons = [...(origins.some(dynamic) ? ['origins echo the request ({request.header.origin}): the spec allows any origin (*)'] : []), ...(age > 86400 ? [`max age ${age} s is capped at 86400`] : []), ...(list('ExposeHeaders').includes('*') ? ['expose headers * is not carried'] : [])];
      report(() => (reasons.length ? ctx.log.partial(ctx.file, p.xpath, 'CORS', 'cors', reasons.join('; ')) : ctx.log.mapped(ctx.file, p.xpath, 'CORS', 'cors')));
      return;
    }
    case 'AccessControl': {
      const rules = kid(p, 'IPRules');
      const allow: string[] = [];
      const deny: string[] = [];
      for (const r of kids(rules ?? ({ children: [] } as unknown as XmlNode), 'MatchRule'))
        for (const s of kids(r, 'SourceAddress')) (r.attrs.action === 'DENY' ? deny : allow).push(canonicalCidr(`${s.text}/${s.attrs.mask ?? 32}`) ?? `${s.text}/${s.attrs.mask ?? 32}`);
      ctx.draft.ipRules = { allow: [...new Set([...(ctx.draft.ipRules?.allow ?? []), ...(rules?.attrs.noRuleMatchAction === 'DENY' ? allow : [])])], deny: [...new Set([...(ctx.draft.ipRules?.deny ?? []), ...deny])] };
      report(() => ctx.log.mapped(ctx.file, p.xpath, 'AccessControl', 'ipRules'));
      return;
    }
    case 'RaiseFault': {
      const status = Number(textAt(p, 'FaultResponse', 'Set', 'StatusCode') ?? 500);
      if (!ctx.conditional) fx.raises = Number.isInteger(status) ? status : 500;
      report(() => (ctx.conditional ? ctx.log.lost(ctx.file, p.xpath, 'RaiseFault', 'a fault raised on a condition has no anygate equivalent') : ctx.log.partial(ctx.file, p.xpath, 'RaiseFault', 'backends (mock)', 'the route answers with a mock of the fault\'s status; the fault body is not carried')));
      return;
    }
    case 'Javascript':
      if (ownScript(p, ctx, fx)) return;
      report(() => ctx.log.lost(ctx.file, p.xpath, p.name, 'the Javascript policy has no anygate equivalent (code is not translated)'));
      return;
    default:
      report(() => ctx.log.lost(ctx.file, p.xpath, p.name, `the ${p.name} policy has no anygate equivalent${p.name === 'JavaScript' || p.name === 'JavaCallout' || p.name === 'PythonScript' ? ' (code is not translated)' : ''}`));
  }
}
