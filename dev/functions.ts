/**
 * Function bindings run in-process (`--function BINDING=./handler.ts`), called with an event
 * shaped like each cloud's: the API Gateway REST proxy event (aws), an HTTP trigger request
 * (azure Functions), a plain HTTP request (apigee's Cloud Run / function URL). Results are the
 * AWS proxy result shape `{statusCode, headers, body, isBase64Encoded}`, or `{status, headers,
 * body}` on the other profiles.
 */
import * as path from 'node:path';
import type { Profile } from './profiles';
import { DevUsageError } from './errors';

export type FunctionHandler = (event: unknown, context?: unknown) => unknown;

export interface FunctionResult {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

/** Loads `BINDING=./file` pairs; each file exports `handler` (or a default function). */
export function loadFunctions(specs: string[], cwd: string = process.cwd()): Map<string, FunctionHandler> {
  const out = new Map<string, FunctionHandler>();
  for (const s of specs) {
    const eq = s.indexOf('=');
    if (eq <= 0) throw new DevUsageError(`--function ${JSON.stringify(s)}: write BINDING=./handler.ts`);
    const binding = s.slice(0, eq);
    const file = path.resolve(cwd, s.slice(eq + 1));
    let mod: Record<string, unknown>;
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      mod = require(file);
    } catch (e) {
      throw new DevUsageError(`--function ${binding}: cannot load ${file}: ${(e as Error).message.split('\n')[0]}`);
    }
    const fn = (mod.handler ?? mod.default ?? (mod.default as Record<string, unknown> | undefined)?.handler) as FunctionHandler | undefined;
    if (typeof fn !== 'function') throw new DevUsageError(`--function ${binding}: ${file} exports no handler function (export const handler = async (event) => ...)`);
    out.set(binding, fn);
  }
  return out;
}

/** The request as the event adapters see it. */
export interface FunctionRequest {
  readonly method: string;
  /** Path sent to the function (after rewrites). */
  readonly path: string;
  /** The route's API resource template, e.g. `/v1/orders/{orderId}`. */
  readonly resource: string;
  readonly headers: Record<string, string>;
  readonly query: URLSearchParams;
  readonly params: Record<string, string>;
  readonly body?: Buffer;
  readonly stage: string;
  readonly stageVariables: Record<string, string>;
  readonly authorizer?: Record<string, unknown>;
  readonly sourceIp: string;
}

/** The event `profile`'s cloud passes to a function. */
export function functionEvent(profile: Profile, r: FunctionRequest): unknown {
  const query = Object.fromEntries(r.query.entries());
  const text = r.body && r.body.length ? r.body.toString('utf8') : null;
  if (profile === 'aws') {
    const multi: Record<string, string[]> = {};
    for (const [k, v] of r.query.entries()) (multi[k] ??= []).push(v);
    return {
      resource: r.resource,
      path: r.path,
      httpMethod: r.method,
      headers: r.headers,
      multiValueHeaders: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, [v]])),
      queryStringParameters: Object.keys(query).length ? query : null,
      multiValueQueryStringParameters: Object.keys(multi).length ? multi : null,
      pathParameters: Object.keys(r.params).length ? r.params : null,
      stageVariables: Object.keys(r.stageVariables).length ? r.stageVariables : null,
      requestContext: { stage: r.stage, httpMethod: r.method, resourcePath: r.resource, path: r.path, identity: { sourceIp: r.sourceIp }, authorizer: r.authorizer ?? null },
      body: r.body && r.body.length ? r.body.toString('base64') : null,
      isBase64Encoded: Boolean(r.body && r.body.length),
    };
  }
  return { method: r.method, url: r.path + (r.query.size ? `?${r.query}` : ''), headers: r.headers, query, params: r.params, body: text, rawBody: text };
}

/** Normalizes what a function returned. */
export function functionResult(v: unknown): FunctionResult {
  if (!v || typeof v !== 'object') return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(v ?? null)) };
  const o = v as { statusCode?: number; status?: number; headers?: Record<string, unknown>; body?: unknown; isBase64Encoded?: boolean };
  const headers: Record<string, string> = {};
  for (const [k, x] of Object.entries(o.headers ?? {})) headers[k.toLowerCase()] = String(x);
  let body: Buffer;
  if (o.body === undefined || o.body === null) body = Buffer.alloc(0);
  else if (typeof o.body === 'string') body = Buffer.from(o.body, o.isBase64Encoded ? 'base64' : 'utf8');
  else if (Buffer.isBuffer(o.body)) body = o.body;
  else {
    body = Buffer.from(JSON.stringify(o.body));
    headers['content-type'] ??= 'application/json';
  }
  return { statusCode: o.statusCode ?? o.status ?? 200, headers, body };
}
