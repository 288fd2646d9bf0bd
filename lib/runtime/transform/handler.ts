/**
 * The generated transform function: a Lambda proxy integration in front of an HTTP backend (or a
 * function), for what API Gateway's parameter mapping cannot express: body templates, header and
 * query removal, response header rewrites and response field redaction. Bad input is a 400,
 * an unreachable backend 502, a slow one 504; nothing the caller sends makes it a 500.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTemplate, type TemplatePart } from '../../model/template';
import type { TransformConfig, TransformRoute } from '../config';
import { hopHeaders, jsonError, respond, type ProxyResult } from './response';
import { BadInput, headerValue, utf8OnTheWire, wellFormed } from './text';
import { backendPathOf, eventBody, lowerHeaders, type ProxyEvent } from './event';
import { lambdaTransport, type Transport } from './transport';

export type { ProxyResult } from './response';
export { lambdaTransport, nodeHttp, type HttpAnswer, type HttpInit, type Transport } from './transport';

export type { ProxyEvent } from './event';

function dig(v: unknown, path: string): unknown {
  for (const p of path.split('.')) {
    if (!v || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[p];
  }
  return v;
}

/** Placeholder rendering over one request. */
function renderer(route: TransformRoute, event: ProxyEvent, headers: Record<string, string>, parts: (s: string) => TemplatePart[]) {
  let parsed: { v: unknown } | undefined;
  const body = () => {
    if (!parsed) {
      try {
        parsed = { v: event.body ? JSON.parse(eventBody(event)!.toString('utf8')) : undefined };
      } catch {
        parsed = { v: undefined };
      }
    }
    return parsed.v;
  };
  const lookup = (p: Extract<TemplatePart, { kind: 'ref' }>): unknown => {
    switch (p.source) {
      case 'path':
        return event.pathParameters?.[route.rename[p.name] ?? p.name];
      case 'query':
        return event.queryStringParameters?.[p.name];
      case 'header':
        return headers[p.name.toLowerCase()];
      case 'body':
        return dig(body(), p.name);
      case 'claim':
        return event.requestContext?.authorizer?.[`claim_${p.name.replace(/[^A-Za-z0-9_]/g, '_')}`];
      case 'stage':
        return event.stageVariables?.[p.name];
    }
  };
  const render = (s: string): string => parts(s).map((p) => (p.kind === 'text' ? p.text : String(lookup(p) ?? ''))).join('');
  // A leaf that is one placeholder keeps the value's JSON type (numbers stay numbers).
  const renderJson = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const ps = parts(v);
      return ps.length === 1 && ps[0].kind === 'ref' ? (lookup(ps[0]) ?? null) : render(v);
    }
    if (Array.isArray(v)) return v.map(renderJson);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, renderJson(x)]));
    return v;
  };
  return { render, renderJson };
}

/** The backend request of one call: path, query, headers and body. Throws BadInput for a 400. */
function buildRequest(route: TransformRoute, event: ProxyEvent, headers: Record<string, string>, parts: (s: string) => TemplatePart[]) {
  const { render, renderJson } = renderer(route, event, headers, parts);
  const req = route.request;
  const outHeaders: Record<string, string> = {};
  const hop = hopHeaders(headers);
  // Nor the client's accept-encoding: the function would only decompress the answer again (response.ts).
  for (const [k, v] of Object.entries(headers)) if (k !== 'accept-encoding' && !hop.has(k) && !req.removeHeaders.includes(k)) outHeaders[k] = headerValue(v);
  for (const [k, v] of Object.entries(req.setHeaders)) outHeaders[k.toLowerCase()] = headerValue(render(v));
  const query = new URLSearchParams();
  for (const [k, vs] of Object.entries(event.multiValueQueryStringParameters ?? {})) {
    // An own key only: config.json's objects have Object.prototype, and `?constructor=1` is the caller's.
    if (req.removeQuery.includes(k) || Object.hasOwn(req.setQuery, k)) continue;
    for (const v of vs ?? []) query.append(wellFormed(k), wellFormed(v));
  }
  for (const [k, v] of Object.entries(req.setQuery)) query.append(k, wellFormed(render(v)));
  let body = eventBody(event);
  if (req.body !== undefined) {
    body = Buffer.from(JSON.stringify(renderJson(req.body)), 'utf8');
    outHeaders['content-type'] = 'application/json';
  }
  const path = backendPathOf(route, event);
  return { path, query: query.toString(), headers: outHeaders, body };
}

async function send(route: TransformRoute, event: ProxyEvent, r: ReturnType<typeof buildRequest>, transport: Transport) {
  if (route.target.type === 'http') {
    const sv = route.target.stageVariable && event.stageVariables?.[route.target.stageVariable];
    const base = sv ? `${new URL(route.target.url).protocol}//${sv}` : route.target.url;
    const headers = Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, utf8OnTheWire(v)]));
    const a = await transport.http(`${base}${r.path}${r.query ? `?${r.query}` : ''}`, { method: event.httpMethod, headers, body: r.body, timeoutMs: route.timeoutMs });
    return { status: a.status, headers: lowerHeaders(a.headers), body: a.body };
  }
  const fn = event.stageVariables?.[route.target.stageVariable];
  if (!fn) throw new Error('no function');
  const a = await transport.invoke(fn, {
    ...event,
    path: r.path,
    headers: r.headers,
    queryStringParameters: Object.fromEntries(new URLSearchParams(r.query).entries()),
    multiValueQueryStringParameters: null,
    body: r.body ? r.body.toString('base64') : null,
    isBase64Encoded: Boolean(r.body),
  });
  return { status: a.statusCode ?? 200, headers: lowerHeaders(a.headers), body: Buffer.from(a.body ?? '', a.isBase64Encoded ? 'base64' : 'utf8') };
}

export function createTransformer(cfg: TransformConfig, transport: Transport) {
  const templates = new Map<string, TemplatePart[]>();
  const parts = (s: string): TemplatePart[] => {
    let p = templates.get(s);
    if (!p) {
      const r = parseTemplate(s);
      p = r.ok ? r.parts : [{ kind: 'text', text: s }];
      templates.set(s, p);
    }
    return p;
  };
  const routes = new Map(cfg.routes.map((r) => [`${r.method} ${r.resource}`, r]));

  return async (event: ProxyEvent): Promise<ProxyResult> => {
    const route = routes.get(`${event.httpMethod} ${event.resource}`) ?? routes.get(`ANY ${event.resource}`);
    if (!route) return jsonError(404, 'Not Found');
    const headers = lowerHeaders(event.headers);
    let r: ReturnType<typeof buildRequest>;
    try {
      r = buildRequest(route, event, headers, parts);
    } catch (e) {
      if (e instanceof BadInput) return jsonError(400, 'Bad Request');
      throw e;
    }
    let answer: Awaited<ReturnType<typeof send>>;
    try {
      answer = await send(route, event, r, transport);
    } catch (e) {
      const timeout = (e as Error)?.name === 'TimeoutError' || (e as Error)?.name === 'AbortError';
      return timeout ? jsonError(504, 'Gateway Timeout') : jsonError(502, 'Bad Gateway');
    }
    return respond(route, headers.origin, answer.status, answer.headers, answer.body);
  };
}

let cached: ((e: ProxyEvent) => Promise<ProxyResult>) | undefined;

/** Lambda entry point. */
export const handler = async (event: ProxyEvent): Promise<ProxyResult> => {
  try {
    cached ??= createTransformer(JSON.parse(readFileSync(join(__dirname, 'config.json'), 'utf8')) as TransformConfig, lambdaTransport);
    return await cached(event);
  } catch {
    return jsonError(500, 'Internal Server Error');
  }
};
