/**
 * One API Gateway integration (`x-amazon-apigateway-integration`, or a CloudFormation Method's
 * `Integration` in the same shape) read into the route's backend, timeout and request transform.
 * Whatever an anygate route cannot say (VTL mapping templates, AWS service integrations, IAM
 * credentials, content handling) is a finding.
 */
import type { At, SpecDraft } from './draft';
import { PLACEHOLDER_URL, usableUrl } from './draft';
import { arr, obj, str } from './data';
import type { FindingLog } from './findings';
import { toSafeName } from '../model/names';

type Json = Record<string, unknown>;

/** The integration's properties with lower-camel names, whichever source spelled them. */
export function normalizeIntegration(raw: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(raw)) out[k.charAt(0).toLowerCase() + k.slice(1)] = v;
  if (out.uri === undefined && out.Uri !== undefined) out.uri = out.Uri;
  return out;
}

/**
 * The log, with locations inside the integration spelled as the source spells its keys: the
 * reader names them lower-camel (an OpenAPI export's `requestParameters`), a CloudFormation Method
 * upper-camel (`RequestParameters`, `IntegrationResponses/0/ResponseTemplates`), and a location
 * must be found in the file as written.
 */
function spelledLog(log: FindingLog, at: string, raw: Json): FindingLog {
  const respell = (where: string): string => {
    if (!where.startsWith(`${at}/`)) return where;
    let node: unknown = raw;
    const tokens = where.slice(at.length + 1).split('/');
    const out = tokens.map((t) => {
      const o = node && typeof node === 'object' ? (node as Record<string, unknown>) : undefined;
      const upper = t.charAt(0).toUpperCase() + t.slice(1);
      const key = o && !(t in o) && upper in o ? upper : t;
      node = o?.[key.replace(/~1/g, '/').replace(/~0/g, '~')];
      return key;
    });
    return `${at}/${out.join('/')}`;
  };
  return {
    mapped: (file: string, where: string, construct: string, mappedTo: string) => log.mapped(file, respell(where), construct, mappedTo),
    partial: (file: string, where: string, construct: string, mappedTo: string, reason: string) => log.partial(file, respell(where), construct, mappedTo, reason),
    lost: (file: string, where: string, construct: string, reason: string) => log.lost(file, respell(where), construct, reason),
    findings: () => log.findings(),
  } as unknown as FindingLog;
}

/** A CloudFormation string: a literal, or a Fn::Sub / Fn::Join whose parts are all literal. */
export function cfnString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  const o = obj(v);
  if (!o) return undefined;
  if (typeof o['Fn::Sub'] === 'string' && !/\$\{(?!!)/.test(o['Fn::Sub'])) return (o['Fn::Sub'] as string).replace(/\$\{!/g, '${');
  const join = o['Fn::Join'];
  if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
    const parts = (join[1] as unknown[]).map(cfnString);
    if (parts.every((p) => p !== undefined)) return parts.join(join[0]);
  }
  return undefined;
}

/** The text of a Fn::Sub (first argument), for finding function names in it. */
function subText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  const o = obj(v);
  const sub = o?.['Fn::Sub'];
  if (typeof sub === 'string') return sub;
  if (Array.isArray(sub) && typeof sub[0] === 'string') return sub[0];
  const join = o?.['Fn::Join'];
  if (Array.isArray(join) && Array.isArray(join[1])) return (join[1] as unknown[]).map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join(join[0] as string);
  return undefined;
}

/** The Lambda function a Lambda integration or authorizer URI invokes: its logical id or name. */
export function lambdaBinding(uri: unknown): string | undefined {
  const text = subText(uri);
  if (!text || !/lambda:path\/2015-03-31\/functions\//.test(text)) return undefined;
  const logical = /\$\{([A-Za-z0-9]+)\.Arn\}/.exec(text) ?? /"Fn::GetAtt":\["([A-Za-z0-9]+)","Arn"\]/.exec(text);
  const stageVar = /\$\{!?stageVariables\.([A-Za-z0-9_]+)\}/.exec(text);
  // anygate's own output names a function binding by the stage variable anygate_fn_<binding>.
  const own = stageVar ? /^anygate_fn_(.+)$/.exec(stageVar[1]) : null;
  if (own) return own[1].replace(/_/g, '-');
  const named = /function:([A-Za-z0-9_-]+)/.exec(text);
  return toSafeName((logical ?? stageVar ?? named)?.[1] ?? 'function', 'fn');
}

/** `/a/{x}` with the parameters of the route kept only when the route has them. */
function templateOver(uriPath: string, routeParams: Set<string>): string | undefined {
  const params = [...uriPath.matchAll(/\{([^}]+)\}/g)].map((m) => m[1].replace(/\+$/, ''));
  return params.every((p) => routeParams.has(p)) ? uriPath : undefined;
}

/** A request parameter mapping value as an anygate placeholder, or a static value, or undefined. */
function parameterValue(source: string): string | undefined {
  const s = /^'(.*)'$/s.exec(source);
  if (s) return s[1].includes('${') ? undefined : s[1];
  const m = /^method\.request\.(path|querystring|header)\.(.+)$/.exec(source);
  if (m) return `\${${m[1] === 'querystring' ? 'query' : m[1]}.${m[2]}}`;
  const st = /^stageVariables\.([A-Za-z0-9_]+)$/.exec(source);
  if (st) return `\${stage.${st[1]}}`;
  const claim = /^context\.authorizer\.claims\.(.+)$/.exec(source);
  if (claim) return `\${claim.${claim[1]}}`;
  return undefined;
}

/**
 * What anygate's own output holds beside the OpenAPI body: the generated authorizer's and transform
 * function's configurations (CDK assets) and the variables of the exported stage, through which
 * anygate names per-stage backend hosts (`anygate_backend_<name>`).
 */
export interface GeneratedConfigs {
  readonly authorizer?: Json;
  readonly transform?: Json;
  /** The first stage's variables. @default - none */
  readonly stageVariables?: Record<string, string>;
}

/** The stage variable anygate routes a per-stage backend host through. */
export const BACKEND_STAGE_VARIABLE = /^anygate_backend_([A-Za-z0-9_]+)$/;

/** What the route gets from its integration. */
export interface IntegrationResult {
  backend: string;
  timeoutMs?: number;
  transform?: { request?: Json; response?: Json };
  /** The integration is a MOCK answering the CORS preflight (the route is then not added). */
  corsPreflight?: Json;
}

/**
 * Reads one integration for the route `method path` (`path` relative to the gateway's base).
 * `from` is where the integration sits.
 */
export function readIntegration(raw: Json, method: string, path: string, from: At, draft: SpecDraft, outerLog: FindingLog, generated?: GeneratedConfigs): IntegrationResult {
  const log = spelledLog(outerLog, from.at, raw);
  const i = normalizeIntegration(raw);
  const own = generatedTransform(i, method, path, from, draft, log, generated);
  if (own) return own;
  const type = String(str(i.type) ?? '').toLowerCase();
  const at = from.at;
  const result: IntegrationResult = { backend: '' };
  const timeout = typeof i.timeoutInMillis === 'number' ? i.timeoutInMillis : undefined;
  if (timeout !== undefined && timeout !== 29000) result.timeoutMs = timeout;
  else if (i.timeoutInMillis !== undefined && timeout === undefined) log.lost(from.file, `${at}/timeoutInMillis`, 'integration timeout', 'the timeout comes from a template parameter or intrinsic; set routes[].timeoutMs by hand');
  const routeParams = new Set([...path.matchAll(/\{([^}+]+)\+?\}/g)].map((m) => m[1]));
  const setHeaders: Record<string, string> = {};
  const setQuery: Record<string, string> = {};
  for (const [target, source] of Object.entries(obj(i.requestParameters) ?? {})) {
    const where = `${at}/requestParameters/${target.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    const m = /^integration\.request\.(header|querystring|path)\.(.+)$/.exec(target);
    const value = typeof source === 'string' ? parameterValue(source) : undefined;
    if (!m || value === undefined) {
      log.lost(from.file, where, 'integration request parameter', `${JSON.stringify(source)} is not a static value or a request, stage or claim value anygate can express; set it with a transform by hand`);
      continue;
    }
    const identity = value === `\${${m[1] === 'querystring' ? 'query' : m[1]}.${m[2]}}`;
    if (identity) log.mapped(from.file, where, 'integration request parameter (passed through)', 'the request, unchanged');
    else if (m[1] === 'header') {
      setHeaders[m[2]] = value;
      log.mapped(from.file, where, 'integration request parameter', `transform.request.setHeaders.${m[2]}`);
    } else if (m[1] === 'querystring') {
      setQuery[m[2]] = value;
      log.mapped(from.file, where, 'integration request parameter', `transform.request.setQuery.${m[2]}`);
    } else log.lost(from.file, where, 'integration path parameter', 'a path parameter filled from another source: write it into the route path or a rewritePath');
  }
  let rewritePath: string | undefined;
  if (type === 'mock') {
    const rawResponses = i.integrationResponses ?? i.responses;
    const responses = obj(rawResponses) ?? Object.fromEntries(arr(rawResponses).map((r, n) => [String(n), r]));
    const first = obj(Object.values(responses)[0]) ?? {};
    const status = Number(str(first.statusCode) ?? 200) || 200;
    const headers: Record<string, string> = {};
    const templates0 = obj(first.responseTemplates) ?? {};
    const echo = ownOriginEcho(str(templates0['application/json']) ?? '');
    if (echo.origins) headers['Access-Control-Allow-Origin'] = echo.origins.join(',');
    for (const [k, v] of Object.entries(obj(first.responseParameters) ?? {})) {
      const h = /^method\.response\.header\.(.+)$/.exec(k);
      const val = typeof v === 'string' ? /^'(.*)'$/s.exec(v)?.[1] : undefined;
      if (h && val !== undefined) headers[h[1]] = val;
      else if (h && /^access-control-allow-origin$/i.test(h[1])) {
        headers[h[1]] = 'https://origin.invalid';
        log.partial(from.file, `${at}/${i.integrationResponses ? 'integrationResponses' : 'responses'}`, 'CORS allowed origin', 'cors.allowOrigins', `the origin ${JSON.stringify(v)} is not literal (a condition or intrinsic); cors.allowOrigins holds a placeholder (https://origin.invalid): set the real origins`);
      } else if (h) log.lost(from.file, `${at}/responses`, `mock response header ${h[1]}`, `its value ${JSON.stringify(v)} is not a literal`);
    }
    if (method === 'OPTIONS' && Object.keys(headers).some((h) => /^access-control-allow-/i.test(h))) {
      result.corsPreflight = headers;
      log.mapped(from.file, at, 'MOCK integration answering the CORS preflight', 'cors');
      return result;
    }
    let body: unknown;
    const templates = obj(first.responseTemplates) ?? {};
    const tpl = echo.origins ? echo.rest : str(templates['application/json']) ?? str(Object.values(templates)[0]);
    // anygate writes a mock body as one base64-decoded string (no VTL in it).
    const b64 = tpl === undefined ? null : /^\$util\.base64Decode\("([A-Za-z0-9+/=]*)"\)$/.exec(tpl.trim());
    if (b64) {
      const text = Buffer.from(b64[1], 'base64').toString('utf8');
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    } else if (tpl !== undefined && tpl.trim() !== '') {
      try {
        body = JSON.parse(tpl);
      } catch {
        log.lost(from.file, `${at}/integrationResponses`, 'mock response template (VTL)', 'the mock body is a mapping template, not JSON; the spec mock returns no body: write backends.<name>.body by hand');
      }
    }
    const def: Json = { type: 'mock', statusCode: status };
    if (body !== undefined) def.body = body;
    if (Object.keys(headers).length) def.headers = headers;
    result.backend = draft.backend(`mock-${status}`, def);
    log.mapped(from.file, at, 'MOCK integration', `backends.${result.backend}`);
    if (Object.keys(responses).length > 1) log.lost(from.file, `${at}/integrationResponses`, 'mock integration responses selected by pattern', 'a spec mock returns one response; the first is kept');
    return result;
  }
  if (type === 'aws_proxy' || (type === 'aws' && lambdaBinding(i.uri))) {
    const binding = lambdaBinding(i.uri) ?? 'function';
    result.backend = draft.backend(binding, { type: 'function', binding });
    if (type === 'aws') log.partial(from.file, at, 'AWS (non-proxy) Lambda integration', `backends.${result.backend}`, 'the request and response mapping templates (VTL) are not carried: the function receives the proxy event; adapt the function or add transforms');
    else log.mapped(from.file, at, 'AWS_PROXY Lambda integration', `backends.${result.backend}`);
    if (i.credentials !== undefined) log.lost(from.file, `${at}/credentials`, 'integration credentials (IAM role)', 'anygate grants the gateway permission to invoke the function itself; the role is not used');
  } else if (type === 'http_proxy' || type === 'http') {
    let literal = cfnString(i.uri);
    // anygate's per-stage backend host: the exported stage's value is the backend's URL there.
    const hostVar = literal ? /^https:\/\/\$\{stageVariables\.([A-Za-z0-9_]+)\}/.exec(literal) : null;
    const stageHost = hostVar && BACKEND_STAGE_VARIABLE.test(hostVar[1]) ? generated?.stageVariables?.[hostVar[1]] : undefined;
    if (literal && hostVar && stageHost !== undefined) literal = `https://${stageHost}${literal.slice(hostVar[0].length)}`;
    let url: URL | undefined;
    try {
      url = literal ? new URL(literal.replace(/\{([^}]+)\}/g, '__p_$1__')) : undefined;
    } catch {
      url = undefined;
    }
    if (!url || !/^https?:$/.test(url.protocol) || /\$\{/.test(literal ?? '')) {
      result.backend = draft.backend('backend', { type: 'http', url: PLACEHOLDER_URL });
      log.partial(from.file, `${at}/uri`, `${type.toUpperCase()} integration`, `backends.${result.backend}`, `the URI ${JSON.stringify(literal ?? i.uri)} is not a literal URL (stage variable or intrinsic); the backend URL is a placeholder (https://backend.invalid): set it, per stage under stages.<name>.backends if it varies`);
    } else {
      const uriPath = decodeURI(url.pathname).replace(/__p_([^_]+(?:_[^_]+)*)__/g, '{$1}').replace(/\/+$/, '') || '/';
      let base = url.origin;
      // A greedy {p+} is written {p} in the integration URI.
      const plain = path.replace(/\{([^}]+)\+\}/g, '{$1}');
      if (plain !== '/' && uriPath.endsWith(plain)) base += uriPath.slice(0, uriPath.length - plain.length);
      else if (plain === '/' || uriPath !== plain) {
        const t = templateOver(uriPath, routeParams);
        if (t === undefined) log.lost(from.file, `${at}/uri`, 'integration URI path', `${uriPath} uses parameters the route does not have; set transform.request.rewritePath by hand`);
        else if (!(path === '/' && uriPath === '/')) rewritePath = t;
      }
      let backendUrl = base.replace(/\/+$/, '');
      if (url.protocol === 'http:' && !usableUrl(backendUrl)) {
        backendUrl = backendUrl.replace(/^http:/, 'https:');
        log.partial(from.file, `${at}/uri`, 'plain-HTTP backend', 'backends (https)', `the source calls ${base} over plain HTTP; anygate calls backends over HTTPS only, so the spec says ${backendUrl}: make sure the backend serves TLS`);
      }
      if (url.search) log.lost(from.file, `${at}/uri`, 'query string in the integration URI', 'set it with transform.request.setQuery');
      const named = hostVar && stageHost !== undefined ? BACKEND_STAGE_VARIABLE.exec(hostVar[1])![1].replace(/_/g, '-') : undefined;
      // The transform function's configuration names the backend's own URL (the stages' default).
      const byDefault = hostVar && stageHost !== undefined ? defaultUrlOf(hostVar[1], generated) : undefined;
      result.backend = draft.backend(named ?? (url.hostname.split('.')[0] || 'backend'), { type: 'http', url: byDefault ?? backendUrl });
      if (type === 'http') log.partial(from.file, at, 'HTTP (non-proxy) integration', `backends.${result.backend}`, 'a non-proxy integration forwards only the mapped parameters; the spec forwards the whole request (remove what must not reach the backend with transform.request.removeHeaders / removeQuery)');
      else log.mapped(from.file, at, 'HTTP_PROXY integration', `backends.${result.backend}`);
    }
    if (str(i.httpMethod) && str(i.httpMethod)!.toUpperCase() !== method && method !== 'ANY') log.lost(from.file, `${at}/httpMethod`, 'integration HTTP method', `the backend is called with ${str(i.httpMethod)}, the route's own method is ${method}; anygate forwards the route's method`);
  } else {
    result.backend = draft.backend('backend', { type: 'http', url: PLACEHOLDER_URL });
    log.lost(from.file, at, `${type.toUpperCase() || 'unknown'} integration`, `an ${type || 'unknown'} integration (an AWS service call such as DynamoDB, or a VPC link) has no anygate backend; the route points at a placeholder backend (https://backend.invalid): put a service in front of it, or call it from a function backend`);
  }
  for (const key of ['requestTemplates', 'responseTemplates'] as const) {
    const t = obj(i[key]);
    if (t && Object.keys(t).length) log.lost(from.file, `${at}/${key}`, `mapping template (VTL) ${key}`, 'VTL templates are not carried; express the change as transform.request.body / setHeaders or do it in the backend');
  }
  const responses = i.integrationResponses ?? i.responses;
  for (const [k, r] of Object.entries(obj(responses) ?? Object.fromEntries(arr(responses).map((r, n) => [String(n), r])))) {
    const rt = obj(obj(r)?.responseTemplates);
    if (rt && Object.keys(rt).length) log.lost(from.file, `${at}/${Array.isArray(responses) ? 'integrationResponses' : 'responses'}/${k}/responseTemplates`, 'response mapping template (VTL)', 'not carried; the backend response is passed through');
  }
  if (i.cacheNamespace !== undefined || i.cacheKeyParameters !== undefined) log.mapped(from.file, `${at}/cacheKeyParameters`, 'cache key', 'routes[].cache.key (with the stage method setting)');
  for (const key of ['contentHandling', 'connectionType', 'connectionId', 'tlsConfig']) if (i[key] !== undefined) log.lost(from.file, `${at}/${key}`, `integration ${key}`, `${key} has no anygate equivalent`);
  if (Object.keys(setHeaders).length || Object.keys(setQuery).length || rewritePath) {
    const request: Json = {};
    if (Object.keys(setHeaders).length) request.setHeaders = setHeaders;
    if (Object.keys(setQuery).length) request.setQuery = setQuery;
    if (rewritePath) {
      request.rewritePath = rewritePath;
      log.mapped(from.file, `${at}/uri`, 'integration URI path', 'transform.request.rewritePath');
    }
    result.transform = { request };
  }
  return result;
}

/**
 * A route anygate's generated transform function serves (an AWS_PROXY integration through the
 * `anygate_transform` stage variable): its backend, path rewrite and transforms come from the
 * function's configuration (the CDK asset beside the template). Undefined for any other integration.
 */
function generatedTransform(i: Json, method: string, path: string, from: At, draft: SpecDraft, log: FindingLog, generated?: GeneratedConfigs): IntegrationResult | undefined {
  if (String(str(i.type) ?? '').toLowerCase() !== 'aws_proxy' || !/stageVariables\.anygate_transform\}/.test(subText(i.uri) ?? '')) return undefined;
  const entry = arr(generated?.transform?.routes).map(obj).find((r) => r?.method === method && r?.resource === path);
  if (!entry) return undefined;
  const result: IntegrationResult = { backend: '' };
  if (typeof i.timeoutInMillis === 'number' && i.timeoutInMillis !== 29000) result.timeoutMs = i.timeoutInMillis;
  const target = obj(entry.target) ?? {};
  if (target.type === 'function') {
    const binding = String(str(target.stageVariable) ?? '').replace(/^anygate_fn_/, '').replace(/_/g, '-') || 'function';
    result.backend = draft.backend(binding, { type: 'function', binding });
  } else {
    const sv = str(target.stageVariable);
    const url = usableUrl(target.url) ?? PLACEHOLDER_URL;
    const named = sv && BACKEND_STAGE_VARIABLE.test(sv) ? BACKEND_STAGE_VARIABLE.exec(sv)![1].replace(/_/g, '-') : undefined;
    result.backend = draft.backend(named ?? (new URL(url).hostname.split('.')[0] || 'backend'), { type: 'http', url: url.replace(/\/+$/, '') });
  }
  const req = obj(entry.request) ?? {};
  const res = obj(entry.response) ?? {};
  const request: Json = {};
  const nonEmpty = (o: unknown) => (obj(o) && Object.keys(obj(o)!).length ? o : undefined);
  const list = (v: unknown) => (arr(v).length ? arr(v) : undefined);
  if (nonEmpty(req.setHeaders)) request.setHeaders = req.setHeaders;
  if (list(req.removeHeaders)) request.removeHeaders = req.removeHeaders;
  if (nonEmpty(req.setQuery)) request.setQuery = req.setQuery;
  if (list(req.removeQuery)) request.removeQuery = req.removeQuery;
  if (req.body !== undefined) request.body = req.body;
  // The route's own path over the route's parameter names (API Gateway may rename them).
  const rename = obj(entry.rename) ?? {};
  const back = Object.fromEntries(Object.entries(rename).map(([k, v]) => [String(v), k]));
  const routePath = path.replace(/\{([^}+]+)(\+?)\}/g, (_m, n: string, plus: string) => `{${back[n] ?? n}${plus}}`);
  const backendPath = str(entry.backendPath);
  if (backendPath && backendPath !== routePath) request.rewritePath = backendPath;
  const response: Json = {};
  if (nonEmpty(res.setHeaders)) response.setHeaders = res.setHeaders;
  if (list(res.removeHeaders)) response.removeHeaders = res.removeHeaders;
  if (list(res.redact)) response.redact = res.redact;
  if (Object.keys(request).length || Object.keys(response).length) result.transform = { ...(Object.keys(request).length ? { request } : {}), ...(Object.keys(response).length ? { response } : {}) };
  log.mapped(from.file, from.at, "anygate's generated transform function", `backends.${result.backend}, routes[].transform`);
  return result;
}

/** A per-stage backend's own URL, from a transform target that names its stage variable. */
function defaultUrlOf(stageVariable: string, generated?: GeneratedConfigs): string | undefined {
  const t = arr(generated?.transform?.routes).map((r) => obj(obj(r)?.target)).find((t) => t?.type === 'http' && t.stageVariable === stageVariable);
  return usableUrl(t?.url);
}

/**
 * anygate's VTL echoing the request's Origin when it is one of several allowed origins
 * (providers/aws/vtl.ts vtlEchoAllowedOrigin): the origins, and what follows the echo. Anything
 * else: no origins, the template untouched.
 */
function ownOriginEcho(template: string): { origins?: string[]; rest: string } {
  const m = /^#set\(\$origin = \$input\.params\(\)\.header\.get\('Origin'\)\)\n#if\(((?:\$origin == '[A-Za-z0-9:/.\-[\]]*'(?: \|\| )?)+)\)\n#set\(\$context\.responseOverride\.header\.Access-Control-Allow-Origin = \$origin\)\n#end\n/.exec(template);
  if (!m) return { rest: template };
  return { origins: [...m[1].matchAll(/'([^']*)'/g)].map((x) => x[1]), rest: template.slice(m[0].length) };
}
