/**
 * A version canary (`release.canary.version`): a share of the requests to version `of` is served
 * by the canary version's routes. A route of `of` and a route of the canary version pair when they
 * have the same method and path (parameters compared by position); validation requires a pair to
 * differ in backend only (lib/model/versions-validate.ts), so "served by the version's route" is
 * "the `of` route's request path, the version's backend", which every target expresses with the
 * backend canary it already has: lowerVersionCanary gives the paired `of` routes a backend of their
 * own (a copy of their backend) and makes the canary share that backend with the version's one.
 */
import { uniqueName, toSafeName } from './names';
import { canonical } from './normalize';
import type { GatewaySpec, RouteSpec } from './types';

/** What pairing reads of a route, parsed or normalized. */
export interface PairView {
  readonly method: string;
  readonly path: string;
  readonly backend: string | undefined;
  /** The versions serving it; undefined is every version. */
  readonly versions: readonly string[] | undefined;
}

/** A path with parameter names dropped (`/items/{id}` and `/items/{itemId}` are one path), no trailing slash. */
export function pathShape(path: string): string {
  return path.replace(/\{[^}+]*(\+?)\}/g, '{$1}').replace(/(.)\/+$/, '$1');
}

const serves = (versions: readonly string[] | undefined, v: string) => !versions || versions.includes(v);

/**
 * The pairs of a version canary: each route serving `of` and the other route serving `version` on
 * the same method and path. Pairs whose backends are equal are kept (the caller decides).
 */
export function versionCanaryPairs<T>(routes: readonly T[], view: (r: T) => PairView | undefined, version: string, of: string): { stable: T; canary: T }[] {
  const out: { stable: T; canary: T }[] = [];
  for (const stable of routes) {
    const s = view(stable);
    if (!s || !serves(s.versions, of)) continue;
    const canary = routes.find((r) => {
      const c = view(r);
      return r !== stable && c !== undefined && serves(c.versions, version) && c.method === s.method && pathShape(c.path) === pathShape(s.path);
    });
    if (canary !== undefined) out.push({ stable, canary });
  }
  return out;
}

const normalizedView = (r: RouteSpec): PairView => ({ method: r.method, path: r.path, backend: r.backend, versions: r.versions });

/**
 * The backend pair of a validated version canary: the `of` routes' backend, the version routes'
 * backend, and the `of` routes that share it (validation allows exactly one backend pair).
 */
export function versionCanaryBackends(spec: GatewaySpec): { of: string; backend: string; routes: RouteSpec[] } | undefined {
  const c = spec.release?.canary;
  if (!c?.version) return undefined;
  const pairs = versionCanaryPairs(spec.routes, normalizedView, c.version, c.of).filter((p) => p.stable.backend !== p.canary.backend);
  if (!pairs.length) return undefined;
  return { of: pairs[0].stable.backend, backend: pairs[0].canary.backend, routes: pairs.map((p) => p.stable) };
}

/**
 * The backends a canary splits between, whichever kind it is: `of` (the stable side) and
 * `backend` (the canary side). Capability checks read this.
 */
export function canaryBackendPair(spec: GatewaySpec): { of: string; backend: string } | undefined {
  const c = spec.release?.canary;
  if (!c) return undefined;
  if (c.backend) return { of: c.of, backend: c.backend };
  const v = versionCanaryBackends(spec);
  return v && { of: v.of, backend: v.backend };
}

/**
 * A version canary as a backend canary: the paired routes of `of` get their own copy of their
 * backend (named `<backend>-<of>`, kept unique), split per version where a route also serves other
 * versions, and the canary shares that copy with the version's backend. Specs without a version
 * canary are returned as they are. The result is still versioned (expandVersions follows).
 */
export function lowerVersionCanary(spec: GatewaySpec): GatewaySpec {
  const c = spec.release?.canary;
  if (!c?.version) return spec;
  const pair = versionCanaryBackends(spec)!;
  const taken = new Set(Object.keys(spec.backends).map((n) => n.toLowerCase()));
  const copy = uniqueName(toSafeName(`${pair.of}-${c.of}`, 'backend'), taken, true);
  const stable = new Set(pair.routes);
  const routes = spec.routes.flatMap((r): RouteSpec[] => {
    if (!stable.has(r)) return [r];
    const others = r.versions!.filter((v) => v !== c.of);
    const shared: RouteSpec = { ...r, versions: [c.of], backend: copy };
    return others.length ? [{ ...r, versions: others }, shared] : [shared];
  });
  const { version: _version, ...rest } = c;
  return canonical({ ...spec, backends: { ...spec.backends, [copy]: spec.backends[pair.of] }, routes, release: { canary: { ...rest, backend: pair.backend, of: copy } } });
}
