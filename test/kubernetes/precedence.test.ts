/**
 * The emitted path matches select, for every request, the route the model's own matcher
 * (dev/match.ts) selects. Envoy Gateway is emulated as its v1.9 sort does it
 * (internal/gatewayapi/sort.go): Exact before RegularExpression, then longer match value first,
 * then more header matches (a method counts as one), stable otherwise; the first entry whose path
 * (RE2 full match) and method match wins.
 */
import fc from 'fast-check';
import { createMatcher } from '../../dev/match';
import { validateGateway } from '../../lib/model/normalize';
import type { GatewaySpec, RouteSpec } from '../../lib/model/types';
import { compileKubernetes } from '../../providers/kubernetes/compile';
import { compareTemplates } from '../../lib/model/precedence';
import { ruleName } from '../../providers/kubernetes/rules';
import { exactValues, pathMatches, templateRegex, templatesOverlap } from '../../providers/kubernetes/paths';
import { precedenceOrder } from '../../lib/model/precedence';

interface Entry {
  readonly route: string;
  readonly type: 'Exact' | 'RegularExpression';
  readonly value: string;
  readonly method?: string;
  readonly regex?: RegExp;
}

/** The match entries of the compiled routes, in Envoy Gateway's order. */
export function envoyEntries(spec: GatewaySpec): Entry[] {
  const byRule = new Map(spec.routes.map((r) => [ruleName(r), r.id]));
  const plan = compileKubernetes(spec, { stages: [Object.keys(spec.stages)[0]] });
  const entries: (Entry & { headers: number; order: number })[] = [];
  for (const o of plan.stages[0].objects.filter((x) => x.kind === 'HTTPRoute')) {
    for (const rule of (o.spec as any).rules) {
      for (const m of rule.matches) {
        if (m.headers) continue; // CORS preflight matches: not exercised here
        const headers = m.method ? 1 : 0;
        const regex = m.path.type === 'RegularExpression' ? new RegExp(`^(?:${m.path.value})$`) : undefined;
        entries.push({ route: byRule.get(rule.name)!, type: m.path.type, value: m.path.value, method: m.method, regex, headers, order: entries.length });
      }
    }
  }
  return entries.sort(
    (a, b) => Number(a.type !== 'Exact') - Number(b.type !== 'Exact') || b.value.length - a.value.length || b.headers - a.headers || a.order - b.order,
  );
}

export function envoySelect(entries: readonly Entry[], method: string, path: string): string | undefined {
  const hit = entries.find((e) => (e.method === undefined || e.method === method) && (e.type === 'Exact' ? e.value === path : e.regex!.test(path)));
  return hit?.route;
}

const LITERALS = ['a', 'b', 'c'];
const segment = fc.oneof(
  fc.constantFrom(...LITERALS).map((v) => ({ t: 'lit', v })),
  fc.constant({ t: 'param', v: '' }),
  fc.constantFrom('a', 'x').map((v) => ({ t: 'prefix', v })),
  fc.constantFrom('.json', 'b').map((v) => ({ t: 'suffix', v })),
);
const template = fc.tuple(fc.array(segment, { maxLength: 3 }), fc.boolean()).map(([segs, greedy]) => {
  let n = 0;
  const parts = segs.map((s) => (s.t === 'lit' ? s.v : s.t === 'param' ? `{p${n++}}` : s.t === 'prefix' ? `${s.v}{p${n++}}` : `{p${n++}}${s.v}`));
  if (greedy) parts.push(`{p${n++}+}`);
  return '/' + parts.join('/');
});
const routeSet = fc.uniqueArray(fc.record({ method: fc.constantFrom('GET', 'POST', 'ANY'), path: template }), {
  minLength: 1,
  maxLength: 12,
  selector: (r) => `${r.method} ${r.path.replace(/\{p\d+\+?\}/g, (m) => (m.endsWith('+}') ? '{+}' : '{}'))}`,
});
const requestPath = fc.tuple(fc.array(fc.constantFrom('a', 'b', 'c', 'a.json', 'ab', 'xb', 'x', 'v1', 'zz.json'), { maxLength: 4 }), fc.boolean()).map(
  ([segs, slash]) => '/' + segs.join('/') + (slash && segs.length ? '/' : ''),
);

function specOf(basePath: string, routes: { method: string; path: string }[]): GatewaySpec | undefined {
  const r = validateGateway({
    name: 'prop',
    basePath,
    backends: { m: { type: 'mock' } },
    routes: routes.map((x) => ({ ...x, backend: 'm', auth: 'none' })),
  });
  return r.spec;
}

/**
 * The model's choice. One adjustment, reported to the lead: when no route on the best template
 * takes the method, dev/match.ts falls back to the next template and takes its first route in
 * spec order, which may be an ANY route even when a route of equal precedence takes the exact method.
 * Its own rule (an exact method beats ANY) and Apigee's flow order pick the exact one; so do the
 * emitted matches.
 */
function modelSelect(spec: GatewaySpec, method: string, path: string): string | undefined {
  const m = createMatcher(spec).match(method, path);
  if (!m || !('route' in m)) return undefined;
  const chosen = m.route;
  const matches = (r: RouteSpec) => { const x = createMatcher({ ...spec, routes: [r] }).match(method, path); return Boolean(x && 'route' in x); };
  const exact = chosen.method === 'ANY' ? spec.routes.find((r) => r.method === method && compareTemplates(r.segments, chosen.segments) === 0 && matches(r)) : undefined;
  return (exact ?? chosen).id;
}

describe('kubernetes path matches select what the model selects', () => {
  it('on random route sets and request paths', () => {
    fc.assert(
      fc.property(fc.constantFrom('/', '/v1'), routeSet, fc.array(fc.tuple(fc.constantFrom('GET', 'POST', 'DELETE'), requestPath), { minLength: 1, maxLength: 20 }), (base, routes, requests) => {
        const spec = specOf(base, routes);
        fc.pre(spec !== undefined);
        const entries = envoyEntries(spec!);
        for (const [method, p] of requests) {
          const path = base === '/' ? p : base + (p === '/' ? '' : p);
          expect([method, path, envoySelect(entries, method, path)]).toEqual([method, path, modelSelect(spec!, method, path)]);
        }
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 300) },
    );
  });
});

/** The padding as first written: every rule against every later one (quadratic in the rules). */
function pairwiseLengths(basePath: string, routes: readonly RouteSpec[]): Map<string, number> {
  const ordered = precedenceOrder(routes.filter((r) => exactValues(basePath, r.segments) === undefined));
  const length = ordered.map((r) => templateRegex(basePath, r.segments).length);
  const methodsOverlap = (a: RouteSpec, b: RouteSpec) => a.method === b.method || a.method === 'ANY' || b.method === 'ANY';
  for (let i = ordered.length - 1; i >= 0; i--) {
    for (let j = i + 1; j < ordered.length; j++) {
      if (length[j] >= length[i] && methodsOverlap(ordered[i], ordered[j]) && templatesOverlap(ordered[i].segments, ordered[j].segments)) length[i] = length[j] + 1;
    }
  }
  return new Map(ordered.map((r, i) => [r.id, length[i]]));
}

describe('kubernetes path matches, indexed', () => {
  it('pad every regex as comparing every pair of rules does (paths.ts TemplateIndex only skips pairs that cannot overlap)', () => {
    const many = fc.uniqueArray(fc.record({ method: fc.constantFrom('GET', 'POST', 'ANY'), path: template }), { minLength: 1, maxLength: 40, selector: (r) => `${r.method} ${r.path.replace(/\{p\d+\+?\}/g, (m) => (m.endsWith('+}') ? '{+}' : '{}'))}` });
    fc.assert(
      fc.property(fc.constantFrom('/', '/v1'), many, (base, routes) => {
        const spec = specOf(base, routes);
        fc.pre(spec !== undefined);
        const got = pathMatches(spec!.basePath, spec!.routes);
        const want = pairwiseLengths(spec!.basePath, spec!.routes);
        for (const r of spec!.routes) {
          const m = got.get(r.id)!;
          if (m[0].type === 'RegularExpression') expect([r.id, m[0].value.length]).toEqual([r.id, want.get(r.id)]);
        }
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 300) },
    );
  });
});
