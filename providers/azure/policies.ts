/** Policy fragments, one function per feature; compile.ts places them at API or operation scope. */
import { AZURE_LIMITS } from '../../lib/capabilities/limits';
import type { CorsSpec, GatewaySpec, JwtAuthorizerSpec, QuotaSpec, RateLimitSpec, RouteSpec } from '../../lib/model/types';
import { cidrRange } from '../shared/cidr';
import { jsonPath, jsonTemplateExpr, JWT_VARIABLE, templateValue } from './expressions';
import { csString, el, policyJson, policyText, type XNode } from './xml';

/** calls per renewal period approximating a rate with a burst; the period stays within 1..max s. */
export function rateWindow(r: RateLimitSpec, maxPeriod: number = AZURE_LIMITS.rateLimitRenewalMaxSeconds): { calls: number; period: number } {
  const period = Math.min(maxPeriod, Math.max(1, Math.ceil(r.burst / r.requestsPerSecond)));
  return { calls: Math.max(1, Math.round(r.requestsPerSecond * period)), period };
}

const QUOTA_SECONDS = { day: 86_400, week: 604_800, month: 2_592_000 } as const;

export function quotaPolicy(q: QuotaSpec): XNode {
  return el('quota', { calls: q.limit, 'renewal-period': QUOTA_SECONDS[q.period] });
}

export function planRateLimit(r: RateLimitSpec): XNode {
  const w = rateWindow(r);
  return el('rate-limit', { calls: w.calls, 'renewal-period': w.period });
}

export function routeRateLimit(r: RateLimitSpec, counter: string): XNode {
  const w = rateWindow(r);
  // A fixed counter key: the limit is for the route as a whole, as on the other clouds.
  return el('rate-limit-by-key', { calls: w.calls, 'renewal-period': w.period, 'counter-key': policyText(counter) });
}

export function corsPolicy(c: CorsSpec): XNode {
  return el(
    'cors',
    { 'allow-credentials': c.allowCredentials ? 'true' : 'false' },
    el('allowed-origins', {}, ...c.allowOrigins.map((o) => el('origin', {}, o))),
    el('allowed-methods', { 'preflight-result-max-age': c.maxAgeSeconds }, ...(c.allowMethods.includes('ANY') ? [el('method', {}, '*')] : c.allowMethods.map((m) => el('method', {}, m)))),
    el('allowed-headers', {}, ...c.allowHeaders.map((h) => el('header', {}, policyText(h)))),
    c.exposeHeaders.length > 0 && el('expose-headers', {}, ...c.exposeHeaders.map((h) => el('header', {}, policyText(h)))),
  );
}

export function ipFilter(action: 'allow' | 'forbid', cidrs: string[]): XNode {
  return el(
    'ip-filter',
    { action },
    ...cidrs.map((c) => {
      if (!c.includes('/')) return el('address', {}, c);
      const r = cidrRange(c);
      return r.from === r.to ? el('address', {}, r.from) : el('address-range', { from: r.from, to: r.to });
    }),
  );
}

export function validateJwt(a: JwtAuthorizerSpec, scopes: string[]): XNode {
  const claims = Object.keys(a.requiredClaims).sort().map((k) => el('claim', { name: k, match: 'all' }, el('value', {}, a.requiredClaims[k])));
  if (scopes.length) claims.push(el('claim', { name: a.scopeClaim, match: 'all', separator: ' ' }, ...scopes.map((s) => el('value', {}, s))));
  const discovery = `${a.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  return el(
    'validate-jwt',
    {
      'header-name': a.header,
      'require-scheme': 'Bearer',
      'failed-validation-httpcode': 401,
      'failed-validation-error-message': 'Unauthorized',
      'require-expiration-time': 'true',
      'require-signed-tokens': 'true',
      'clock-skew': a.clockSkewSeconds,
      'output-token-variable-name': JWT_VARIABLE,
    },
    el('openid-config', { url: discovery }),
    el('audiences', {}, ...a.audiences.map((x) => el('audience', {}, x))),
    el('issuers', {}, el('issuer', {}, a.issuer)),
    claims.length > 0 && el('required-claims', {}, ...claims),
  );
}

function jsonError(status: number, reason: string, message: string): XNode {
  return el(
    'return-response',
    {},
    el('set-status', { code: status, reason }),
    el('set-header', { name: 'Content-Type', 'exists-action': 'override' }, el('value', {}, 'application/json')),
    el('set-body', {}, policyJson({ message })),
  );
}

/** Rejects calls without a valid subscription key, for routes of an API that does not require one everywhere. */
export function requireSubscription(): XNode {
  return el('choose', {}, el('when', { condition: '@(context.Subscription == null)' }, jsonError(401, 'Unauthorized', 'Unauthorized')));
}

/** A custom authorizer: the bound function decides; anything but 200 is 401. */
export function customAuthorizer(header: string, namedValue: string): XNode {
  const resp = `anygate-authz`;
  return el(
    'send-request',
    { mode: 'new', 'response-variable-name': resp, timeout: 10, 'ignore-error': 'true' },
    el('set-url', {}, `{{${namedValue}}}`),
    el('set-method', {}, 'POST'),
    el('set-header', { name: header, 'exists-action': 'override' }, el('value', {}, `@(context.Request.Headers.GetValueOrDefault(${csString(header)}, ""))`)),
  );
}

export function customAuthorizerCheck(): XNode {
  return el(
    'choose',
    {},
    el('when', { condition: '@(!context.Variables.ContainsKey("anygate-authz") || context.Variables["anygate-authz"] == null || ((IResponse)context.Variables["anygate-authz"]).StatusCode != 200)' }, jsonError(401, 'Unauthorized', 'Unauthorized')),
  );
}

export function validation(route: RouteSpec): XNode[] {
  const v = route.validation;
  if (!v) return [];
  const out: XNode[] = [];
  if (v.requiredQuery?.length || v.requiredHeaders?.length) {
    out.push(el('validate-parameters', { 'specified-parameter-action': 'prevent', 'unspecified-parameter-action': 'ignore', 'errors-variable-name': 'anygate-parameter-errors' }));
  }
  if (v.bodySchema) {
    out.push(
      el(
        'validate-content',
        { 'unspecified-content-type-action': 'prevent', 'max-size': 102400, 'size-exceeded-action': 'prevent', 'errors-variable-name': 'anygate-content-errors' },
        el('content', { type: 'application/json', 'validate-as': 'json', action: 'prevent' }),
      ),
    );
  }
  return out;
}

export function cacheLookup(route: RouteSpec, external: boolean): XNode {
  const c = route.cache!;
  return el(
    'cache-lookup',
    { 'vary-by-developer': 'false', 'vary-by-developer-groups': 'false', 'downstream-caching-type': 'none', 'caching-type': external ? 'external' : 'internal' },
    ...c.key.headers.map((h) => el('vary-by-header', {}, h)),
    ...c.key.query.map((q) => el('vary-by-query-parameter', {}, q)),
  );
}

export function cacheStore(route: RouteSpec): XNode {
  return el('cache-store', { duration: route.cache!.ttlSeconds });
}

export function requestTransforms(route: RouteSpec, stageVars: Record<string, string>): XNode[] {
  const req = route.transform?.request;
  if (!req) return [];
  const out: XNode[] = [];
  for (const h of req.removeHeaders ?? []) out.push(el('set-header', { name: h, 'exists-action': 'delete' }));
  for (const [h, v] of Object.entries(req.setHeaders ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) out.push(el('set-header', { name: h, 'exists-action': 'override' }, el('value', {}, templateValue(v, stageVars))));
  for (const q of req.removeQuery ?? []) out.push(el('set-query-parameter', { name: q, 'exists-action': 'delete' }));
  for (const [q, v] of Object.entries(req.setQuery ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) out.push(el('set-query-parameter', { name: q, 'exists-action': 'override' }, el('value', {}, templateValue(v, stageVars))));
  if (req.body !== undefined) {
    out.push(el('set-header', { name: 'Content-Type', 'exists-action': 'override' }, el('value', {}, 'application/json')));
    out.push(el('set-body', {}, `@{ var body = context.Request.Body?.As<JObject>(preserveContent: true); return ${jsonTemplateExpr(req.body, stageVars)}.ToString(Newtonsoft.Json.Formatting.None); }`));
  }
  if (req.rewritePath) out.push(el('rewrite-uri', { template: req.rewritePath.replace(/\{([^}]+?)\+\}/g, '{$1}'), 'copy-unmatched-params': 'true' }));
  return out;
}

export function responseTransforms(route: RouteSpec): XNode[] {
  const res = route.transform?.response;
  if (!res) return [];
  const out: XNode[] = [];
  for (const h of res.removeHeaders ?? []) out.push(el('set-header', { name: h, 'exists-action': 'delete' }));
  for (const [h, v] of Object.entries(res.setHeaders ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) out.push(el('set-header', { name: h, 'exists-action': 'override' }, el('value', {}, policyText(v))));
  if (res.redact?.length) {
    const paths = res.redact.map((p) => csString(jsonPath(p))).join(', ');
    out.push(
      el(
        'set-body',
        {},
        `@{ var doc = context.Response.Body.As<JToken>(preserveContent: true); foreach (var p in new[] { ${paths} }) { foreach (var t in doc.SelectTokens(p).ToList()) { if (t.Parent is JProperty) { t.Parent.Remove(); } else { t.Replace(JValue.CreateNull()); } } } return doc.ToString(Newtonsoft.Json.Formatting.None); }`,
      ),
    );
  }
  return out;
}

export function mockResponse(spec: GatewaySpec, route: RouteSpec): XNode {
  const b = spec.backends[route.backend];
  if (b.type !== 'mock') throw new Error('not a mock backend');
  const headers = Object.keys(b.headers).sort();
  return el(
    'return-response',
    {},
    el('set-status', { code: b.statusCode, reason: b.statusCode < 400 ? 'OK' : 'Error' }),
    ...headers.map((h) => el('set-header', { name: h, 'exists-action': 'override' }, el('value', {}, policyText(b.headers[h])))),
    b.body !== undefined && el('set-header', { name: 'Content-Type', 'exists-action': 'override' }, el('value', {}, 'application/json')),
    b.body !== undefined && el('set-body', {}, policyJson(b.body)),
  );
}
