/**
 * The live view's admin endpoints: the page (`GET /__anygate/`), the routes it lists
 * (`GET /__anygate/routes`) and the request feed (`GET /__anygate/events`, Server-Sent Events).
 * server.ts calls them after the admin guard (dev/admin-guard.ts) has let the request through.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewaySpec, RouteSpec } from '../../lib/model/types';
import type { AccessLog, AccessRecord } from '../access-log';
import { liveViewPage } from './page';

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

/** What `/__anygate/routes` answers. */
export function liveRoutes(spec: GatewaySpec, profile: string, stage: string): { gateway: string; profile: string; stage: string; routes: LiveRoute[] } {
  const base = spec.basePath === '/' ? '' : spec.basePath;
  return {
    gateway: spec.name,
    profile,
    stage,
    routes: spec.routes.map((r) => ({ id: r.id, method: r.method, path: base + r.path, auth: authText(r), scopes: r.scopes, backend: r.backend })),
  };
}

/** One SSE event per record; JSON.stringify escapes CR and LF, so `data` stays one line. */
function event(r: AccessRecord): string {
  return `id: ${r.seq}\nevent: request\ndata: ${JSON.stringify(r)}\n\n`;
}

/**
 * Streams the access log: the records kept (after `Last-Event-ID` when the browser reconnects),
 * then each new one, until the client goes away or the server closes.
 */
export function streamEvents(req: IncomingMessage, res: ServerResponse, log: AccessLog): void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  const last = Number(req.headers['last-event-id']);
  res.write('retry: 2000\n\n');
  for (const r of log.recent(Number.isSafeInteger(last) && last > 0 ? last : 0)) res.write(event(r));
  const stop = log.subscribe((r) => res.write(event(r)));
  res.on('close', stop);
}

/** Answers the live view's endpoints; false when `path` is none of them. */
export function liveViewEndpoint(path: string, req: IncomingMessage, res: ServerResponse, ctx: { spec: GatewaySpec; profile: string; stage: string; log: AccessLog }): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (path === '/__anygate/') {
    const page = liveViewPage();
    const body = Buffer.from(page.body);
    res.writeHead(200, { ...page.headers, 'content-length': String(body.length) });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  }
  if (path === '/__anygate/routes') {
    const body = Buffer.from(JSON.stringify(liveRoutes(ctx.spec, ctx.profile, ctx.stage)));
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
