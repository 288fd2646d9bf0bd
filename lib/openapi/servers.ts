/**
 * Servers -> backends and the gateway base path: the first server (or Swagger host + basePath) is
 * backend `api`; each distinct path- or operation-level server adds one more.
 */
import { toSafeName, uniqueName } from '../model/names';
import type { BackendInput } from '../model/schema';
import { isObj, pointer, type ImportContext, type Obj } from './context';
import { basePrefix } from '../model/path';

/** The placeholder backend URL of a document that names no server. */
export const PLACEHOLDER_BACKEND = 'https://backend.invalid';

/** A server's URL with its variables set to their defaults. */
export function serverUrl(server: unknown): string | undefined {
  if (!isObj(server) || typeof server.url !== 'string') return undefined;
  return server.url.replace(/\{([^}]+)\}/g, (m: string, v: string) => {
    const d = server.variables?.[v]?.default;
    return typeof d === 'string' ? d : m;
  });
}

function pathOf(url: string | undefined): string {
  try {
    return new URL(url ?? '', 'https://placeholder.invalid').pathname.replace(/\/+$/, '') || '/';
  } catch {
    return '/';
  }
}

export class Servers {
  readonly backends: Record<string, BackendInput>;
  basePath = '/';
  defaultBackend: string | undefined;
  private readonly byUrl = new Map<string, string>();

  constructor(
    private readonly ctx: ImportContext,
    ext: Obj,
  ) {
    this.backends = { ...(isObj(ext.backends) ? ext.backends : {}) };
    this.defaultBackend = ext.defaults?.backend;
    // An x-anygate backends map (an anygate export, say) is the whole truth about backends.
    if (!this.defaultBackend && !isObj(ext.backends)) this.readDefault();
    const doc = ctx.doc;
    if (ext.basePath) this.basePath = ext.basePath;
    else if (isObj(ext.backends) && !ctx.swagger2 && Array.isArray(doc.servers) && typeof doc.servers[0]?.url === 'string') this.basePath = pathOf(doc.servers[0].url);
  }

  private readDefault(): void {
    const { ctx } = this;
    const doc = ctx.doc;
    if (ctx.swagger2) {
      this.basePath = typeof doc.basePath === 'string' ? doc.basePath : '/';
      const scheme = Array.isArray(doc.schemes) && doc.schemes.includes('https') ? 'https' : (doc.schemes?.[0] ?? 'https');
      if (typeof doc.host === 'string') this.defaultBackend = this.add(`${scheme}://${doc.host}${basePrefix(this.basePath)}`, pointer('host'), 'api');
    } else if (Array.isArray(doc.servers) && doc.servers.length) {
      const url = serverUrl(doc.servers[0]);
      this.basePath = pathOf(url);
      this.defaultBackend = this.add(url, pointer('servers', 0, 'url'), 'api');
      if (doc.servers.length > 1) ctx.warn('document', pointer('servers'), `${doc.servers.length} servers are listed; the first (${url}) is the backend, the others are ignored`);
    }
    if (!this.defaultBackend) {
      ctx.warn('placeholder', pointer(ctx.swagger2 ? 'host' : 'servers'), `the document names no server; backend "api" points at ${PLACEHOLDER_BACKEND}: set backends.api.url`);
      this.defaultBackend = 'api';
      this.backends.api ??= { type: 'http', url: PLACEHOLDER_BACKEND };
    }
  }

  /** The backend for a server URL, added on first sight. `where` locates warnings. */
  add(url: string | undefined, where: string, preferred?: string): string | undefined {
    if (!url) return undefined;
    // A variable without a default (OpenAPI requires one) would reach the backend URL as a `{...}`
    // placeholder, which the model refuses: say which, and point the backend at the placeholder host.
    const unset = [...url.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]);
    if (unset.length) {
      this.ctx.warn('placeholder', where, `server URL ${JSON.stringify(url)} has variable${unset.length > 1 ? 's' : ''} ${unset.map((v) => `{${v}}`).join(', ')} without a default; ${PLACEHOLDER_BACKEND} is used instead: give ${unset.length > 1 ? 'them' : 'it'} a default under the server's variables, or set the backend's url in the spec`);
      url = PLACEHOLDER_BACKEND;
    }
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      this.ctx.warn('document', where, `server URL ${JSON.stringify(url)} is not absolute; ignored`);
      return undefined;
    }
    if (u.protocol === 'http:' && !['localhost', '127.0.0.1'].includes(u.hostname)) {
      this.ctx.warn('document', where, `server ${url} uses http; anygate calls backends over https, so https://${u.host} is used`);
      u = new URL(`https://${u.host}${u.pathname}`);
    }
    // Only scheme, host, port and path make a backend URL (the model refuses the rest): say what is dropped.
    const dropped = [u.username || u.password ? 'credentials' : '', u.search ? `query ${u.search}` : '', u.hash ? `fragment ${u.hash}` : ''].filter(Boolean);
    if (dropped.length) this.ctx.warn('document', where, `server ${u.host}${u.pathname}: the ${dropped.join(' and ')} ${dropped.length > 1 ? 'are' : 'is'} dropped (a backend URL is scheme, host and path; send query parameters and credentials with transform.request.setQuery / setHeaders)`);
    const base = `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
    const existing = this.byUrl.get(base);
    if (existing) return existing;
    const id = uniqueName(preferred ?? toSafeName(u.hostname.split('.')[0] || 'api', 'server').toLowerCase(), new Set(Object.keys(this.backends)));
    if (!this.backends[id]) this.backends[id] = { type: 'http', url: base };
    this.byUrl.set(base, id);
    return id;
  }
}
