/**
 * SpecDraft: the anygate spec input an adopt reader builds up, with the bookkeeping every reader
 * needs (safe unique names, one backend per distinct target, one route per method and path). It
 * produces plain input data that the model's own validation then checks (validateGateway).
 */
import { toSafeName, uniqueName } from '../model/names';
import { parsePath } from '../model/path';
import type { FindingLog } from './findings';

type Json = Record<string, unknown>;

/** Where a construct came from, for findings. */
export interface At {
  readonly file: string;
  readonly at: string;
}

/** The spec methods, upper case. */
export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

/** The spec input being built. */
export class SpecDraft {
  name: string;
  version?: string;
  basePath?: string;
  description?: string;
  /** Shared contract components (OpenAPI 3.1, by kind), when the source publishes a contract. */
  components?: Json;
  readonly backends: Record<string, Json> = {};
  readonly authorizers: Record<string, Json> = {};
  readonly plans: Record<string, Json> = {};
  readonly consumers: Record<string, Json> = {};
  readonly routes: Json[] = [];
  readonly stages: Record<string, Json> = {};
  cors?: Json;
  ipRules?: { allow: string[]; deny: string[] };
  observability?: Json;
  aws?: Json;
  azure?: Json;
  kubernetes?: Json;
  private readonly backendKeys = new Map<string, string>();
  private readonly routeKeys = new Map<string, number>();
  private readonly routeIds = new Set<string>();

  constructor(name: string, readonly log: FindingLog) {
    this.name = toSafeName(name || 'imported', 'api');
  }

  /** A safe name unique among `taken`. */
  static nameIn(raw: string, taken: Record<string, unknown>, fallback = 'x'): string {
    return uniqueName(toSafeName(raw, fallback), new Set(Object.keys(taken)));
  }

  /** The backend with this definition, added under a name derived from `hint` when new. */
  backend(hint: string, def: Json): string {
    const key = JSON.stringify(def);
    const known = this.backendKeys.get(key);
    if (known) return known;
    const name = SpecDraft.nameIn(hint, this.backends, 'backend');
    this.backends[name] = def;
    this.backendKeys.set(key, name);
    return name;
  }

  /** The route index for METHOD path, or undefined. */
  routeIndex(method: string, path: string): number | undefined {
    return this.routeKeys.get(`${method} ${path}`);
  }

  /**
   * Adds a route; returns its index, or undefined (with a finding) when its path is not a valid
   * template or the same method and path is already there.
   */
  addRoute(route: Json & { method: string; path: string }, from: At, construct: string): number | undefined {
    const parsed = parsePath(route.path);
    if (!parsed.ok) {
      this.log.lost(from.file, from.at, construct, `path ${JSON.stringify(route.path)} is not an anygate path template (${parsed.message}); add the route by hand`);
      return undefined;
    }
    const key = `${route.method} ${route.path}`;
    if (this.routeKeys.has(key)) {
      this.log.lost(from.file, from.at, construct, `a second ${key}: the first one read is kept (routes[${this.routeKeys.get(key)}])`);
      return undefined;
    }
    const rawId = typeof route.id === 'string' && route.id ? route.id : `${route.method.toLowerCase()}-${route.path}`;
    const id = uniqueName(toSafeName(rawId, 'route'), this.routeIds);
    this.routeIds.add(id);
    this.routes.push({ ...route, id });
    this.routeKeys.set(key, this.routes.length - 1);
    return this.routes.length - 1;
  }

  /** The spec input (plain data, ready for validateGateway). */
  toInput(): Json {
    const out: Json = { name: this.name };
    if (this.version) out.version = this.version;
    if (this.basePath && this.basePath !== '/') out.basePath = this.basePath;
    if (this.description) out.description = this.description;
    for (const [k, v] of [
      ['backends', this.backends],
      ['authorizers', this.authorizers],
      ['plans', this.plans],
      ['consumers', this.consumers],
    ] as const)
      if (Object.keys(v).length) out[k] = v;
    out.routes = this.routes;
    if (this.components && Object.keys(this.components).length) out.components = this.components;
    if (Object.keys(this.stages).length) out.stages = this.stages;
    if (this.cors) out.cors = this.cors;
    if (this.ipRules && (this.ipRules.allow.length || this.ipRules.deny.length)) out.ipRules = this.ipRules;
    if (this.observability) out.observability = this.observability;
    if (this.aws) out.aws = this.aws;
    if (this.azure) out.azure = this.azure;
    if (this.kubernetes) out.kubernetes = this.kubernetes;
    return out;
  }
}

/** Placeholder backend URL used when the source names no URL anygate can use (RFC 2606 `.invalid`: synth refuses it until it is set). */
export const PLACEHOLDER_URL = 'https://backend.invalid';
/** Placeholder issuer, likewise. */
export const PLACEHOLDER_ISSUER = 'https://issuer.invalid/';

/** An https (or localhost http) URL anygate accepts, or undefined. */
export function usableUrl(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  try {
    const u = new URL(v);
    if (u.protocol === 'https:' || (u.protocol === 'http:' && /^(localhost|127\.0\.0\.1|\[::1\])$/.test(u.hostname))) return v.replace(/\/+$/, '');
  } catch {
    return undefined;
  }
  return undefined;
}
