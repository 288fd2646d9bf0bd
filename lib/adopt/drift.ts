/**
 * Drift: what a live gateway's configuration (imported) has that the spec does not, and the
 * reverse, per route and property. Both sides should come through the same reader (the CLI reads
 * the spec's own synthesized output back), so whatever a reader cannot carry is lost on both sides
 * and only real differences remain. Routes are matched by method and path shape (parameter names
 * do not matter: `/pets/{id}` and `/pets/{petId}` are the same route).
 */
import type { GatewaySpec, RouteSpec } from '../model/types';
import { cmp } from './findings';

/** One difference. */
export interface DriftEntry {
  /** `added`: the live gateway has it and the spec does not; `removed`: the reverse; `changed`: both, different. */
  readonly kind: 'added' | 'removed' | 'changed';
  /** `GET /pets/{}` for a route, `gateway` for gateway-wide settings. */
  readonly where: string;
  /** The property (`auth`, `rateLimit`, `cors`...), or `route` for a whole route. */
  readonly property: string;
  /** In the spec. @default - absent */
  readonly expected?: unknown;
  /** In the live configuration. @default - absent */
  readonly actual?: unknown;
  /** The difference weakens or changes access control (auth, scopes, IP rules, CORS). */
  readonly security: boolean;
}

const SECURITY = new Set(['auth', 'scopes', 'ipRules', 'cors', 'route']);

function shape(r: RouteSpec): string {
  return `${r.method} ${r.path.replace(/\{[^}]+\+\}/g, '{+}').replace(/\{[^}+]+\}/g, '{}')}`;
}

function sorted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sorted);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])]));
  return v;
}

const same = (a: unknown, b: unknown) => JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));

/** What a route means, independent of the names the two sides gave backends and authorizers. */
function meaning(spec: GatewaySpec, r: RouteSpec): Record<string, unknown> {
  const b = spec.backends[r.backend];
  const auth = r.auth === 'none' ? 'none' : r.auth.map((alt) => alt.map((n) => JSON.stringify(sorted(spec.authorizers[n] ?? n))).sort()).sort((a, c) => cmp(a.join(), c.join()));
  return {
    backend: b?.type === 'function' ? { type: 'function' } : b,
    auth,
    scopes: [...r.scopes].sort(),
    rateLimit: r.rateLimit,
    cache: r.cache,
    transform: r.transform,
    timeoutMs: r.timeoutMs,
    validation: r.validation,
  };
}

/** The differences between the spec (`expected`) and the imported live configuration (`actual`). */
export function driftSpecs(expected: GatewaySpec, actual: GatewaySpec): DriftEntry[] {
  const out: DriftEntry[] = [];
  const e = new Map(expected.routes.map((r) => [shape(r), r]));
  const a = new Map(actual.routes.map((r) => [shape(r), r]));
  for (const key of [...new Set([...e.keys(), ...a.keys()])].sort()) {
    const x = e.get(key);
    const y = a.get(key);
    if (x && !y) out.push({ kind: 'removed', where: key, property: 'route', expected: x.id, security: true });
    else if (!x && y) out.push({ kind: 'added', where: key, property: 'route', actual: y.id, security: true });
    else if (x && y) {
      const mx = meaning(expected, x);
      const my = meaning(actual, y);
      for (const p of Object.keys(mx)) {
        if (same(mx[p], my[p])) continue;
        const kind = mx[p] === undefined ? 'added' : my[p] === undefined ? 'removed' : 'changed';
        out.push({ kind, where: key, property: p, expected: mx[p], actual: my[p], security: SECURITY.has(p) });
      }
    }
  }
  const gateway: [string, unknown, unknown][] = [
    ['basePath', expected.basePath, actual.basePath],
    ['cors', expected.cors, actual.cors],
    ['ipRules', expected.ipRules, actual.ipRules],
    ['plans', expected.plans, actual.plans],
  ];
  for (const [p, x, y] of gateway) {
    if (same(x, y)) continue;
    out.push({ kind: x === undefined ? 'added' : y === undefined ? 'removed' : 'changed', where: 'gateway', property: p, expected: x, actual: y, security: SECURITY.has(p) });
  }
  return out;
}

/** One line per entry: `GET /pets/{}: ~ rateLimit {...} -> {...}`. */
export function formatDrift(entries: readonly DriftEntry[]): string[] {
  const j = (v: unknown) => (v === undefined ? '(none)' : JSON.stringify(v));
  return entries.map((d) => {
    const sign = d.kind === 'added' ? '+' : d.kind === 'removed' ? '-' : '~';
    if (d.property === 'route') return `${d.where}: ${sign} route ${d.kind === 'added' ? 'only in the live configuration' : 'only in the spec'}`;
    return `${d.where}: ${sign} ${d.property} ${j(d.expected)} -> ${j(d.actual)}${d.security ? ' (security)' : ''}`;
  });
}
