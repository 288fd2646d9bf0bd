/**
 * The generated transform function: a Lambda proxy integration in front of an HTTP backend (or a
 * function), for what API Gateway's parameter mapping cannot express: body templates, header and
 * query removal, response header rewrites and response field redaction.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTemplate, type TemplatePart } from '../../model/template';
import type { TransformConfig, TransformRoute } from '../config';
import { redact } from './redact';

/** The parts of an API Gateway REST proxy event the handler reads. */
export interface ProxyEvent {
  resource: string;
  path?: string;
  httpMethod: string;
  headers?: Record<string, string | undefined> | null;
  multiValueQueryStringParameters?: Record<string, string[] | undefined> | null;
  queryStringParameters?: Record<string, string | undefined> | null;
  pathParameters?: Record<string, string | undefined> | null;
  stageVariables?: Record<string, string | undefined> | null;
  requestContext?: { authorizer?: Record<string, unknown> | null } & Record<string, unknown>;
  body?: string | null;
  isBase64Encoded?: boolean;
}

export interface ProxyResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: boolean;
}

/** Sends the transformed request; injectable so tests run without a network or AWS. */
export interface Transport {
  http(url: string, init: { method: string; headers: Record<string, string>; body?: Buffer; timeoutMs: number }): Promise<{ status: number; headers: Record<string, string>; body: Buffer }>;
  invoke(functionName: string, event: ProxyEvent): Promise<{ statusCode?: number; headers?: Record<string, string>; body?: string; isBase64Encoded?: boolean }>;
}

// Headers that describe one hop, not the message.
const HOP = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive', 'upgrade', 'te', 'trailer', 'proxy-authorization', 'proxy-connection']);

function lower(h: Record<string, string | undefined> | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h ?? {})) if (v !== undefined) out[k.toLowerCase()] = v;
  return out;
}

function jsonError(statusCode: number, message: string): ProxyResult {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message }), isBase64Encoded: false };
}

function dig(v: unknown, path: string): unknown {
  for (const p of path.split('.')) {
    if (!v || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[p];
  }
  return v;
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

  return async (event: ProxyEvent): Promise<ProxyResult> => {
    const route = cfg.routes.find((r) => r.resource === event.resource && r.method === event.httpMethod) ?? cfg.routes.find((r) => r.resource === event.resource && r.method === 'ANY');
    if (!route) return jsonError(404, 'Not Found');
    const headers = lower(event.headers);
    const rawBody = event.body ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8') : undefined;
    let parsedBody: unknown;
    let parsed = false;
    const body = () => {
      if (!parsed) {
        parsed = true;
        try {
          parsedBody = rawBody ? JSON.parse(rawBody.toString('utf8')) : undefined;
        } catch {
          parsedBody = undefined;
        }
      }
      return parsedBody;
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
        if (ps.length === 1 && ps[0].kind === 'ref') return lookup(ps[0]) ?? null;
        return render(v);
      }
      if (Array.isArray(v)) return v.map(renderJson);
      if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, renderJson(x)]));
      return v;
    };

    const req = route.request;
    const outHeaders: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers)) if (!HOP.has(k) && !req.removeHeaders.includes(k)) outHeaders[k] = v;
    for (const [k, v] of Object.entries(req.setHeaders)) outHeaders[k.toLowerCase()] = render(v);
    const query = new URLSearchParams();
    for (const [k, vs] of Object.entries(event.multiValueQueryStringParameters ?? {})) {
      if (req.removeQuery.includes(k) || k in req.setQuery) continue;
      for (const v of vs ?? []) query.append(k, v);
    }
    for (const [k, v] of Object.entries(req.setQuery)) query.append(k, render(v));
    let outBody = rawBody;
    if (req.body !== undefined) {
      outBody = Buffer.from(JSON.stringify(renderJson(req.body)), 'utf8');
      outHeaders['content-type'] = 'application/json';
    }
    let traversal = false;
    const path = route.backendPath.replace(/\{([^}]+)\}/g, (_, name: string) => {
      const v = event.pathParameters?.[route.rename[name] ?? name] ?? '';
      // A greedy parameter keeps its slashes; each piece is still escaped. Dot segments would let
      // a caller climb out of the backend path (URL parsers resolve them, even escaped), so refuse.
      const pieces = v.split('/');
      if (pieces.some((p) => p === '.' || p === '..')) traversal = true;
      return pieces.map(encodeURIComponent).join('/');
    });
    if (traversal) return jsonError(400, 'Bad Request');
    const qs = query.toString();

    let status: number;
    let resHeaders: Record<string, string>;
    let resBody: Buffer;
    try {
      if (route.target.type === 'http') {
        const sv = route.target.stageVariable && event.stageVariables?.[route.target.stageVariable];
        const base = sv ? `${new URL(route.target.url).protocol}//${sv}` : route.target.url;
        const r = await transport.http(`${base}${path}${qs ? `?${qs}` : ''}`, { method: event.httpMethod, headers: outHeaders, body: outBody, timeoutMs: route.timeoutMs });
        status = r.status;
        resHeaders = lower(r.headers);
        resBody = r.body;
      } else {
        const fn = event.stageVariables?.[route.target.stageVariable];
        if (!fn) return jsonError(500, 'Internal Server Error');
        const r = await transport.invoke(fn, {
          ...event,
          path,
          headers: outHeaders,
          queryStringParameters: Object.fromEntries(query.entries()),
          multiValueQueryStringParameters: null,
          body: outBody ? outBody.toString('base64') : null,
          isBase64Encoded: Boolean(outBody),
        });
        status = r.statusCode ?? 200;
        resHeaders = lower(r.headers);
        resBody = Buffer.from(r.body ?? '', r.isBase64Encoded ? 'base64' : 'utf8');
      }
    } catch (e) {
      return jsonError((e as Error)?.name === 'TimeoutError' || (e as Error)?.name === 'AbortError' ? 504 : 502, (e as Error)?.name === 'TimeoutError' || (e as Error)?.name === 'AbortError' ? 'Gateway Timeout' : 'Bad Gateway');
    }
    return respond(route, headers.origin, status, resHeaders, resBody);
  };
}

function respond(route: TransformRoute, origin: string | undefined, status: number, headers: Record<string, string>, body: Buffer): ProxyResult {
  const res = route.response;
  for (const h of [...res.removeHeaders, ...HOP]) delete headers[h];
  for (const [k, v] of Object.entries(res.setHeaders)) headers[k.toLowerCase()] = v;
  if (res.redact.length && /json/i.test(headers['content-type'] ?? '')) {
    try {
      const doc = JSON.parse(body.toString('utf8'));
      for (const p of res.redact) redact(doc, p);
      body = Buffer.from(JSON.stringify(doc), 'utf8');
    } catch {
      // A body that claims JSON but is not cannot hold the fields; refuse rather than leak them.
      return jsonError(502, 'Bad Gateway');
    }
  }
  const cors = route.cors;
  if (cors && origin && (cors.allowOrigins.includes('*') || cors.allowOrigins.includes(origin))) {
    headers['access-control-allow-origin'] = cors.allowOrigins.includes('*') && !cors.allowCredentials ? '*' : origin;
    headers.vary = headers.vary ? `${headers.vary}, Origin` : 'Origin';
    if (cors.allowCredentials) headers['access-control-allow-credentials'] = 'true';
    if (cors.exposeHeaders.length) headers['access-control-expose-headers'] = cors.exposeHeaders.join(',');
  }
  const text = /^(text\/|application\/(json|xml|javascript)|[^;]*\+(json|xml))/i.test(headers['content-type'] ?? 'text/plain');
  return { statusCode: status, headers, body: body.toString(text ? 'utf8' : 'base64'), isBase64Encoded: !text };
}

/** The transport used in Lambda: fetch for HTTP, the AWS SDK (in the Lambda runtime) for functions. */
export const lambdaTransport: Transport = {
  async http(url, init) {
    const r = await fetch(url, { method: init.method, headers: init.headers, body: init.body && init.method !== 'GET' && init.method !== 'HEAD' ? init.body : undefined, redirect: 'manual', signal: AbortSignal.timeout(init.timeoutMs) });
    const headers: Record<string, string> = {};
    r.headers.forEach((v, k) => (headers[k] = v));
    return { status: r.status, headers, body: Buffer.from(await r.arrayBuffer()) };
  },
  async invoke(functionName, event) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { LambdaClient, InvokeCommand } = require('@aws-sdk/client-lambda');
    const client = new LambdaClient({});
    const out = await client.send(new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify(event)) }));
    if (out.FunctionError) throw new Error(out.FunctionError);
    return JSON.parse(Buffer.from(out.Payload ?? []).toString('utf8') || '{}');
  },
};

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
