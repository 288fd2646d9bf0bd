/** Apigee policy documents, one builder per policy type. Each file's name equals the policy's name. */
import { cidrRange } from '../shared/cidr';
import { el, type XNode } from '../shared/xml';
import { SCRIPT_NAME } from './script';

/** A rate as Apigee writes it: whole requests per second, else per minute. */
export function spikeRate(rps: number): string {
  return Number.isInteger(rps) ? `${rps}ps` : `${Math.max(1, Math.round(rps * 60))}pm`;
}

/**
 * VerifyJWT. Without `source` the policy reads request.header.authorization and strips the
 * `Bearer ` prefix itself; an explicit <Source> is read as the bare token, so it is only given
 * for a variable that already holds one (see extractBearer). Per Google's reference:
 * https://cloud.google.com/apigee/docs/api-platform/reference/policies/verify-jwt-policy#source
 */
export const verifyJwt = (name: string, a: { algorithms: string[]; source?: string; clockSkewSeconds: number; claims: string[] }, vars: string): XNode =>
  el(
    'VerifyJWT',
    { name, continueOnError: 'false', enabled: 'true' },
    el('DisplayName', {}, name),
    el('Algorithm', {}, a.algorithms.join(',')),
    a.source !== undefined && el('Source', {}, a.source),
    el('PublicKey', {}, el('JWKS', { uriRef: `${vars}.jwks` })),
    // Expected values come from variables (assigned as literals), so no spec text is a template here.
    el('Issuer', { ref: `${vars}.iss` }),
    el('Audience', { ref: `${vars}.aud` }),
    a.claims.length > 0 && el('AdditionalClaims', {}, ...a.claims.map((k, i) => el('Claim', { name: k, ref: `${vars}.claim${i}` }))),
    el('TimeAllowance', {}, `${a.clockSkewSeconds}s`),
    el('IgnoreUnresolvedVariables', {}, 'false'),
  );

/**
 * Extracts the token from `<header>: <scheme> <token>` into `<prefix>.token` (absent when the scheme
 * is missing; compared without case). `scheme` holds only letters, digits, `.`, `_`, `-` (checked).
 * @default scheme "Bearer"
 */
export const extractBearer = (name: string, header: string, prefix: string, scheme = 'Bearer'): XNode =>
  el(
    'ExtractVariables',
    { name, continueOnError: 'false', enabled: 'true' },
    el('DisplayName', {}, name),
    el('Source', {}, 'request'),
    el('Header', { name: header }, el('Pattern', { ignoreCase: 'true' }, `${scheme} {token}`)),
    el('VariablePrefix', {}, prefix),
    el('IgnoreUnresolvedVariables', {}, 'true'),
  );

/** Reads a key of the environment-scoped key-value map into a private variable. */
export const keyValueMapGet = (name: string, map: string, key: string, variable: string): XNode =>
  el(
    'KeyValueMapOperations',
    { name, continueOnError: 'false', enabled: 'true', mapIdentifier: map },
    el('DisplayName', {}, name),
    el('Scope', {}, 'environment'),
    el('ExpiryTimeInSecs', {}, '300'),
    el('Get', { assignTo: variable }, el('Key', {}, el('Parameter', {}, key))),
  );

/** Target authentication with a Google ID token (Cloud Run, Cloud Functions), audience from a variable. */
export const googleIdToken = (audienceVariable: string): XNode => el('Authentication', {}, el('GoogleIDToken', {}, el('Audience', { ref: audienceVariable })));

export const verifyApiKey = (name: string, ref: string): XNode =>
  el('VerifyAPIKey', { name, continueOnError: 'false', enabled: 'true' }, el('DisplayName', {}, name), el('APIKey', { ref }));

/** Where VerifyAPIKey `vk` puts the product's quota settings (`<prefix>.limit`, `.interval`, `.timeunit`). */
export const productQuota = (vk: string): string => `verifyapikey.${vk}.apiproduct.developer.quota`;

/** The calendar quota's start (see quota): Monday 2024-01-01 00:00:00 UTC. */
export const QUOTA_START = '2024-01-01 00:00:00';

/**
 * Product-driven quota: the limit comes from the app's API product (variables `<source>.limit`,
 * `.interval`, `.timeunit`), with the spec's as default.
 */
export const quota = (name: string, source: string, d: { limit: number; interval: number; timeUnit: string }): XNode =>
  el(
    'Quota',
    { name, continueOnError: 'false', enabled: 'true', type: 'calendar' },
    el('DisplayName', {}, name),
    el('Allow', { count: d.limit, countRef: `${source}.limit` }),
    el('Interval', { ref: `${source}.interval` }, String(d.interval)),
    el('TimeUnit', { ref: `${source}.timeunit` }, d.timeUnit),
    // A Monday that is also the first of a month, at midnight UTC: a calendar quota's windows start
    // there, so weeks (7 days) start on Mondays and months on the 1st, as dev's apigee profile
    // counts them (2026-01-01 was a Thursday: weeks ran Thursday to Wednesday).
    el('StartTime', {}, QUOTA_START),
    el('Identifier', { ref: 'client_id' }),
    el('Distributed', {}, 'true'),
    el('Synchronous', {}, 'true'),
  );

export const spikeArrest = (name: string, rate: string, options: { ref?: string; perApp?: boolean } = {}): XNode =>
  el(
    'SpikeArrest',
    { name, continueOnError: 'false', enabled: 'true' },
    el('DisplayName', {}, name),
    options.perApp && el('Identifier', { ref: 'client_id' }),
    el('Rate', options.ref ? { ref: options.ref } : {}, rate),
    el('UseEffectiveCount', {}, 'true'),
  );

/**
 * ResponseCache keyed by method, path, the given variables (query, headers, caller identity) in
 * order. SkipCacheLookup only when the spec asks (apigee.honorNoCache): otherwise a client could
 * force backend calls past the cache.
 */
export const responseCache = (name: string, prefix: string, refs: string[], ttl: number, honorNoCache = false): XNode =>
  el(
    'ResponseCache',
    { name, continueOnError: 'false', enabled: 'true' },
    el('DisplayName', {}, name),
    el(
      'CacheKey',
      {},
      el('Prefix', {}, prefix),
      el('KeyFragment', { ref: 'request.verb', type: 'string' }),
      el('KeyFragment', { ref: 'proxy.pathsuffix', type: 'string' }),
      ...refs.map((ref) => el('KeyFragment', { ref, type: 'string' })),
    ),
    el('Scope', {}, 'Exclusive'),
    el('ExcludeErrorResponse', {}, 'true'),
    el('ExpirySettings', {}, el('TimeoutInSeconds', {}, String(ttl))),
    honorNoCache && el('SkipCacheLookup', {}, 'request.header.Cache-Control = "no-cache"'),
  );

/** An AssignMessage of AssignVariable elements only, each value given as `<Value>`, `<Ref>` or `<Template>`. */
const assignVariables = (name: string, source: 'Value' | 'Ref' | 'Template', vars: [string, string][]): XNode =>
  el(
    'AssignMessage',
    { name, continueOnError: 'false', enabled: 'true' },
    el('DisplayName', {}, name),
    ...vars.map(([n, v]) => el('AssignVariable', {}, el('Name', {}, n), el(source, {}, v))),
    el('IgnoreUnresolvedVariables', {}, 'true'),
  );

/** An AssignMessage that only assigns literal values to variables (no message-template parsing). */
export const assignLiterals = (name: string, vars: [string, string][]): XNode => assignVariables(name, 'Value', vars);

/** An AssignMessage that copies variables (`<Ref>`: the value of another variable, never a template). */
export const assignRefs = (name: string, vars: [string, string][]): XNode => assignVariables(name, 'Ref', vars);

/**
 * An AssignMessage that fills variables from message templates. Only for templates built by
 * conditions.ts from variable references (no spec text): a template is evaluated.
 */
export const assignTemplates = (name: string, vars: [string, string][]): XNode => assignVariables(name, 'Template', vars);

export interface MessageEdits {
  removeHeaders?: string[];
  removeQuery?: string[];
  /** Header name -> message template (only `{variable}` references, literals come from variables). */
  setHeaders?: [string, string][];
  setQuery?: [string, string][];
  statusCode?: number;
  payload?: { json: string; prefix: string; suffix: string };
}

export const assignMessage = (name: string, to: 'request' | 'response', e: MessageEdits, createNew = false): XNode => {
  const remove = [
    (e.removeHeaders?.length ?? 0) > 0 && el('Headers', {}, ...e.removeHeaders!.map((h) => el('Header', { name: h }))),
    to === 'request' && (e.removeQuery?.length ?? 0) > 0 && el('QueryParams', {}, ...e.removeQuery!.map((q) => el('QueryParam', { name: q }))),
  ];
  const set = [
    (e.setHeaders?.length ?? 0) > 0 && el('Headers', {}, ...e.setHeaders!.map(([h, v]) => el('Header', { name: h }, v))),
    to === 'request' && (e.setQuery?.length ?? 0) > 0 && el('QueryParams', {}, ...e.setQuery!.map(([q, v]) => el('QueryParam', { name: q }, v))),
    e.payload && el('Payload', { contentType: 'application/json', variablePrefix: e.payload.prefix, variableSuffix: e.payload.suffix }, e.payload.json),
    e.statusCode !== undefined && el('StatusCode', {}, String(e.statusCode)),
  ];
  return el(
    'AssignMessage',
    { name, continueOnError: 'false', enabled: 'true' },
    el('DisplayName', {}, name),
    remove.some(Boolean) && el('Remove', {}, ...remove),
    set.some(Boolean) && el('Set', {}, ...set),
    el('IgnoreUnresolvedVariables', {}, 'true'),
    // Only a new message needs AssignTo; otherwise the flow's own message is the one changed.
    createNew && el('AssignTo', { createNew: 'true', transport: 'http', type: to }),
  );
};

export const extractPath = (name: string, pattern: string): XNode =>
  el('ExtractVariables', { name, continueOnError: 'false', enabled: 'true' }, el('DisplayName', {}, name), el('URIPath', {}, el('Pattern', { ignoreCase: 'false' }, pattern)), el('VariablePrefix', {}, 'anygate.path'), el('IgnoreUnresolvedVariables', {}, 'true'));

export const extractBody = (name: string, fields: [string, string][]): XNode =>
  el(
    'ExtractVariables',
    { name, continueOnError: 'false', enabled: 'true' },
    el('DisplayName', {}, name),
    el('Source', {}, 'request'),
    el('JSONPayload', {}, ...fields.map(([v, path]) => el('Variable', { name: v }, el('JSONPath', {}, `$.${path}`)))),
    el('VariablePrefix', {}, 'anygate.body'),
    el('IgnoreUnresolvedVariables', {}, 'true'),
  );

export const javascript = (name: string, props: Record<string, string>): XNode =>
  el(
    'Javascript',
    { name, continueOnError: 'false', enabled: 'true', timeLimit: '200' },
    el('DisplayName', {}, name),
    el('Properties', {}, ...Object.keys(props).sort().map((k) => el('Property', { name: k }, props[k]))),
    el('ResourceURL', {}, `jsc://${SCRIPT_NAME}`),
  );

export const raiseFault = (name: string, status: number, reason: string, message: string): XNode =>
  el(
    'RaiseFault',
    { name, continueOnError: 'false', enabled: 'true' },
    el('DisplayName', {}, name),
    el(
      'FaultResponse',
      {},
      el('Set', {}, el('Payload', { contentType: 'application/json', variablePrefix: '@', variableSuffix: '#' }, JSON.stringify({ message })), el('StatusCode', {}, String(status)), el('ReasonPhrase', {}, reason)),
    ),
    el('IgnoreUnresolvedVariables', {}, 'true'),
  );

export const cors = (name: string, c: { allowOrigins: string[]; allowMethods: string[]; allowHeaders: string[]; exposeHeaders: string[]; allowCredentials: boolean; maxAgeSeconds: number }): XNode =>
  el(
    'CORS',
    { name, continueOnError: 'false', enabled: 'true' },
    el('DisplayName', {}, name),
    el('AllowOrigins', {}, c.allowOrigins.join(', ')),
    el('AllowMethods', {}, c.allowMethods.join(', ')),
    el('AllowHeaders', {}, c.allowHeaders.join(', ')),
    c.exposeHeaders.length > 0 && el('ExposeHeaders', {}, c.exposeHeaders.join(', ')),
    el('MaxAge', {}, String(c.maxAgeSeconds)),
    el('AllowCredentials', {}, c.allowCredentials ? 'true' : 'false'),
    el('GeneratePreflightResponse', {}, 'true'),
    el('IgnoreUnresolvedVariables', {}, 'true'),
  );

/** Source addresses of a CIDR: the range itself, plus its IPv4 form for an IPv4-mapped IPv6 range. */
function sourceAddresses(cidr: string): XNode[] {
  // `ipv4` is set by providers/shared/cidr for ::ffff:a.b.c.d/n ranges (Apigee sees those clients as IPv4).
  const r = cidrRange(cidr) as ReturnType<typeof cidrRange> & { ipv4?: { from: string; prefix: number } };
  const out = [el('SourceAddress', { mask: String(r.prefix) }, r.from)];
  if (r.ipv4) out.push(el('SourceAddress', { mask: String(r.ipv4.prefix) }, r.ipv4.from));
  return out;
}

/**
 * The flow variable AccessControl checks: the environment's resolved client address. Apigee X sits
 * behind Google load balancers, so the X-Forwarded-For it reads is `<what the client sent>,
 * <client>, <load balancer>, <internal ingress>`; without ClientIPVariable the policy evaluates
 * that header (X_FORWARDED_FOR_ALL_IP by default, FIRST_IP the client's own text, LAST_IP an
 * internal address). `client.resolved.ip` is the address the environment's client IP resolution
 * (clientIpResolutionConfig: X-Forwarded-For at an index counted from the right) picks, the
 * documented practice. A variable holding no valid address fails the policy
 * (accesscontrol.InvalidIPAddressInVariable, 500) rather than passing it. The environment setting
 * is the operator's (anygate deploys to environments it does not create): the ipRules records'
 * difference says what to set.
 */
export const CLIENT_IP_VARIABLE = 'client.resolved.ip';

export const accessControl = (name: string, allow: string[], deny: string[]): XNode => {
  const rule = (action: 'ALLOW' | 'DENY', cidrs: string[]) => el('MatchRule', { action }, ...cidrs.flatMap(sourceAddresses));
  return el(
    'AccessControl',
    { name, continueOnError: 'false', enabled: 'true' },
    el('DisplayName', {}, name),
    el('ClientIPVariable', {}, CLIENT_IP_VARIABLE),
    // A True-Client-IP header is the client's to write: never the address checked.
    el('IgnoreTrueClientIPHeader', {}, 'true'),
    el('IPRules', { noRuleMatchAction: allow.length ? 'DENY' : 'ALLOW' }, deny.length > 0 && rule('DENY', deny), allow.length > 0 && rule('ALLOW', allow)),
  );
};

export const jsonThreatProtection = (name: string): XNode =>
  el(
    'JSONThreatProtection',
    { name, continueOnError: 'false', enabled: 'true' },
    el('DisplayName', {}, name),
    el('ArrayElementCount', {}, '1000'),
    el('ContainerDepth', {}, '20'),
    el('ObjectEntryCount', {}, '200'),
    el('ObjectEntryNameLength', {}, '100'),
    el('Source', {}, 'request'),
    el('StringValueLength', {}, '100000'),
  );

export const oasValidation = (name: string, resource: string, validateBody = false): XNode =>
  el(
    'OASValidation',
    { name, continueOnError: 'false', enabled: 'true' },
    el('DisplayName', {}, name),
    ...(validateBody ? [el('Options', {}, el('ValidateMessageBody', {}, 'true'))] : []),
    el('Source', {}, 'request'),
    el('OASResource', {}, `oas://${resource}`),
  );

/** Asks the bound function whether the caller may pass; the response lands in `anygate.authz.<name>`. */
export const serviceCallout = (name: string, header: string, server: string, audienceVariable: string): XNode =>
  el(
    'ServiceCallout',
    // A failed callout must not become a 500: the status check after it turns it into a 401.
    { name, continueOnError: 'true', enabled: 'true' },
    el('DisplayName', {}, name),
    el(
      'Request',
      { variable: `anygate.authz.${name}.request`, clearPayload: 'true' },
      // Copy takes the header by name from the client request: no message template is involved.
      el('Copy', { source: 'request' }, el('Headers', {}, el('Header', { name: header }))),
      el('Set', {}, el('Verb', {}, 'POST')),
      el('IgnoreUnresolvedVariables', {}, 'true'),
    ),
    el('Response', {}, `anygate.authz.${name}.response`),
    el('Timeout', {}, '10000'),
    el('HTTPTargetConnection', {}, googleIdToken(audienceVariable), el('LoadBalancer', {}, el('Server', { name: server })), el('Path', {}, '/')),
  );
