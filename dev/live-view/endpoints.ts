/**
 * The live view's admin endpoints: the page (`GET /__anygate/`), the routes it lists
 * (`GET /__anygate/routes`) and the request feed (`GET /__anygate/events`, Server-Sent Events).
 * server.ts calls them after the admin guard (dev/admin-guard.ts) has let the request through.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewaySpec, RouteSpec } from '../../lib/model/types';
import type { AccessLog, AccessRecord } from '../access-log';
import { liveViewPage } from './page';
import { basePrefix } from '../../lib/model/path';

/** A route as the live view lists it. */
export interface LiveRoute {
  readonly id: string;
  readonly method: string;
  /** The path template with the base path. */
  readonly path: string;
  /** `none`, one alternative as `jwt + key`, alternatives as `jwt | key`. */
  readonly auth: string;
  readonly scopes: readonly string[];
  readonly backend: string;
}

function authText(r: RouteSpec): string {
  return r.auth === 'none' ? 'none' : r.auth.map((alt) => alt.join(' + ')).join(' | ');
}

/**
 * What `/__anygate/routes` answers. `trustForwarded`: whether the client address comes from
 * X-Forwarded-For (--trust-forwarded), which `anygate conform` reads to know whether an address
 * it claims there counts. `mockLlm`: the LLM backends the mock LLM answers (--mock-llm), which
 * conform reads to know that a case spending a token budget costs no real tokens.
 */
export function liveRoutes(spec: GatewaySpec, profile: string, stage: string, trustForwarded = false, mockLlm: readonly string[] = []): { gateway: string; profile: string; stage: string; trustForwarded: boolean; mockLlm: readonly string[]; routes: LiveRoute[] } {
  const base = basePrefix(spec.basePath);
  return {
    gateway: spec.name,
    profile,
    stage,
    trustForwarded,
    mockLlm,
    routes: spec.routes.map((r) => ({ id: r.id, method: r.method, path: base + r.path, auth: authText(r), scopes: r.scopes, backend: r.backend })),
  };
}

/** One SSE event per record, its id `<run>-<seq>`; JSON.stringify escapes CR and LF, so `data` stays one line. */
function event(run: string, r: AccessRecord): string {
  return `id: ${run}-${r.seq}\nevent: request\ndata: ${JSON.stringify(r)}\n\n`;
}

/** The records to replay to a browser that reconnects with `Last-Event-ID`: after it in the same run, else all kept. */
function after(lastEventId: string | string[] | undefined, run: string): number {
  const m = typeof lastEventId === 'string' ? /^([0-9a-f]+)-(\d{1,15})$/.exec(lastEventId) : null;
  return m && m[1] === run ? Number(m[2]) : 0;
}

/**
 * Streams the access log: a `hello` event naming the run (a page seeing a new run, after a
 * --watch reload, starts afresh), the records kept (only those after `Last-Event-ID` when the
 * browser reconnects to the same run), then each new one, until the client or the server closes.
 */
export function streamEvents(req: IncomingMessage, res: ServerResponse, log: AccessLog): void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.write(`retry: 2000\nevent: hello\ndata: ${JSON.stringify({ run: log.run })}\n\n`);
  for (const r of log.recent(after(req.headers['last-event-id'], log.run))) res.write(event(log.run, r));
  const stop = log.subscribe((r) => res.write(event(log.run, r)));
  res.on('close', stop);
}

/** Answers the live view's endpoints; false when `path` is none of them. */
export function liveViewEndpoint(path: string, req: IncomingMessage, res: ServerResponse, ctx: { spec: GatewaySpec; profile: string; stage: string; log: AccessLog; trustForwarded?: boolean; mockLlm?: readonly string[] }): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (path === '/__anygate/') {
    const page = liveViewPage();
    const body = Buffer.from(page.body);
    res.writeHead(200, { ...page.headers, 'content-length': String(body.length) });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  }
  if (path === '/__anygate/routes') {
    const body = Buffer.from(JSON.stringify(liveRoutes(ctx.spec, ctx.profile, ctx.stage, ctx.trustForwarded, ctx.mockLlm)));
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  }
  if (path === '/__anygate/events') {
    streamEvents(req, res, ctx.log);
    return true;
  }
  return false;
}
