/**
 * What a client of the Kubernetes target observes, read from the emitted objects: CORS preflights
 * never reach a backend (issue 27: a public GET beside an authenticated ANY on one path let an
 * OPTIONS with the preflight headers through the public rule), the Backend API requirement is
 * said in the synth notes and the portability report, and every known behaviour difference is a
 * record the report prints.
 */
import fc from 'fast-check';
import { formatPortabilityMarkdown, formatPortabilityTable } from '../../lib/capabilities/format';
import { portability } from '../../lib/capabilities/portability';
import { toGatewaySpec, validateGateway } from '../../lib/model/normalize';
import type { GatewaySpec } from '../../lib/model/types';
import { compileKubernetes } from '../../providers/kubernetes/compile';
import { ruleName } from '../../providers/kubernetes/rules';
import type { K8sObject } from '../../providers/kubernetes/plan';
import { fullInput } from './fixtures';
import { k8sProblems } from './crd';

const RUNS = Number(process.env.FUZZ_RUNS ?? 200);

interface Hit {
  readonly route: K8sObject;
  readonly rule: Record<string, any>;
}

/** The rule Envoy Gateway v1.9 picks (internal/gatewayapi/sort.go), header matches included. */
function envoyPick(objects: K8sObject[], method: string, path: string, headers: Record<string, string>): Hit | undefined {
  const entries: (Hit & { exact: boolean; value: string; weight: number; order: number; test: () => boolean })[] = [];
  for (const route of objects.filter((o) => o.kind === 'HTTPRoute')) {
    for (const rule of (route.spec as any).rules) {
      for (const m of rule.matches) {
        const hs: { name: string; value: string }[] = m.headers ?? [];
        const pathOk = () => (m.path.type === 'Exact' ? m.path.value === path : new RegExp(`^(?:${m.path.value})$`).test(path));
        const test = () => (!m.method || m.method === method) && pathOk() && hs.every((h) => headers[h.name.toLowerCase()] !== undefined && new RegExp(`^(?:${h.value})$`).test(headers[h.name.toLowerCase()]));
        entries.push({ route, rule, exact: m.path.type === 'Exact', value: m.path.value, weight: (m.method ? 1 : 0) + hs.length, order: entries.length, test });
      }
    }
  }
  entries.sort((a, b) => Number(b.exact) - Number(a.exact) || b.value.length - a.value.length || b.weight - a.weight || a.order - b.order);
  return entries.find((e) => e.test());
}

const policyOf = (objects: K8sObject[], hit: Hit) =>
  objects.find((o) => o.kind === 'SecurityPolicy' && (o.spec as any).targetRefs.some((t: any) => t.name === hit.route.metadata.name && (t.sectionName === undefined || t.sectionName === hit.rule.name)));

const PREFLIGHT = { origin: 'https://evil.example.com', 'access-control-request-method': 'DELETE' };

function mixedPath(): GatewaySpec {
  return toGatewaySpec({
    name: 'mixed',
    backends: { api: { type: 'http', url: 'https://api.example.com' } },
    authorizers: { jwt: { type: 'jwt', issuer: 'https://id.example.com/', audiences: ['a'], jwksUri: 'https://id.example.com/jwks' } },
    cors: { allowOrigins: ['https://app.example.com'] },
    routes: [
      { id: 'publicGet', method: 'GET', path: '/p/{id}', backend: 'api', auth: 'none' },
      { id: 'privateAny', method: 'ANY', path: '/p/{id}', backend: 'api', auth: ['jwt'] },
    ],
  });
}

describe('kubernetes CORS preflights', () => {
  const objects = compileKubernetes(mixedPath()).stages[0].objects;

  it('answers an OPTIONS with the preflight headers on a backend-less rule: a public GET beside an authenticated ANY lets nothing through', () => {
    const hit = envoyPick(objects, 'OPTIONS', '/p/1', PREFLIGHT)!;
    expect(hit.rule.backendRefs).toBeUndefined();
    expect(hit.rule.filters).toEqual([{ type: 'ExtensionRef', extensionRef: { group: 'gateway.envoyproxy.io', kind: 'HTTPRouteFilter', name: 'mixed-preflight' } }]);
    const filter = objects.find((o) => o.kind === 'HTTPRouteFilter' && o.metadata.name === 'mixed-preflight')!;
    expect((filter.spec as any).directResponse.statusCode).toBe(403);
    expect(policyOf(objects, hit)!.spec).toEqual(expect.objectContaining({ cors: expect.objectContaining({ allowOrigins: ['https://app.example.com'] }) }));
  });

  it('sends any other OPTIONS to the authenticated ANY rule, and GET to the public one', () => {
    const options = envoyPick(objects, 'OPTIONS', '/p/1', { origin: 'https://app.example.com' })!;
    expect(options.rule.name).toBe(ruleName(mixedPath().routes.find((r) => r.id === 'privateAny')!));
    expect(policyOf(objects, options)!.spec).toHaveProperty('jwt');
    expect(envoyPick(objects, 'GET', '/p/1', PREFLIGHT)!.rule.name).toBe(ruleName(mixedPath().routes.find((r) => r.id === 'publicGet')!));
  });

  it('an OPTIONS route\'s path gets a preflight rule too: preflights there are CORS\'s, every other OPTIONS the route\'s', () => {
    const spec = toGatewaySpec({ name: 'own', backends: { api: { type: 'http', url: 'https://api.example.com' } }, authorizers: { jwt: { type: 'jwt', issuer: 'https://id.example.com/', audiences: ['a'], jwksUri: 'https://id.example.com/jwks' } }, cors: { allowOrigins: ['https://app.example.com'] }, routes: [{ id: 'opts', method: 'OPTIONS', path: '/o', backend: 'api', auth: ['jwt'] }] });
    const objs = compileKubernetes(spec).stages[0].objects;
    const pre = envoyPick(objs, 'OPTIONS', '/o', PREFLIGHT)!;
    expect(pre.rule.backendRefs).toBeUndefined();
    expect(pre.route.metadata.name).toMatch(/preflight/);
    const plain = envoyPick(objs, 'OPTIONS', '/o', { origin: 'https://app.example.com' })!;
    expect(plain.rule.name).toBe(ruleName(spec.routes[0]));
    expect(policyOf(objs, plain)!.spec).toHaveProperty('jwt');
    expect(objs.flatMap(k8sProblems)).toEqual([]);
  });

  it('on random route sets, no preflight reaches a rule with a backend', () => {
    const route = fc.record({ method: fc.constantFrom('GET', 'POST', 'ANY', 'OPTIONS'), path: fc.constantFrom('/a', '/a/{id}', '/a/{id}.json', '/a/{p+}', '/b', '/{x}'), auth: fc.constantFrom('none', 'jwt') });
    fc.assert(
      fc.property(fc.uniqueArray(route, { minLength: 1, maxLength: 6, selector: (r) => `${r.method} ${r.path}` }), fc.constantFrom('/a', '/a/1', '/a/1.json', '/a/1/2', '/b', '/c'), (routes, path) => {
        const v = validateGateway({
          name: 'prop',
          backends: { api: { type: 'http', url: 'https://api.example.com' } },
          authorizers: { jwt: { type: 'jwt', issuer: 'https://id.example.com/', audiences: ['a'], jwksUri: 'https://id.example.com/jwks' } },
          cors: { allowOrigins: ['https://app.example.com'] },
          routes: routes.map((r) => ({ ...r, backend: 'api', auth: r.auth === 'none' ? 'none' : ['jwt'] })),
        });
        if (!v.spec) return;
        const objs = compileKubernetes(v.spec).stages[0].objects;
        const hit = envoyPick(objs, 'OPTIONS', path, PREFLIGHT);
        if (hit) expect(hit.rule.backendRefs).toBeUndefined();
      }),
      { numRuns: RUNS, seed: 27 },
    );
  });
});

describe('kubernetes deploy requirements and behaviour differences', () => {
  const spec = toGatewaySpec(fullInput());

  it('emits Services with EndpointSlices by default (no Envoy Gateway extension), and says what applying them needs', () => {
    const plan = compileKubernetes(spec);
    const kinds = new Set(plan.stages[0].objects.map((o) => o.kind));
    expect(kinds.has('Backend')).toBe(false);
    expect(kinds.has('Service') && kinds.has('EndpointSlice')).toBe(true);
    expect(plan.notes.join('\n')).not.toContain('enableBackend');
    expect(plan.notes.join('\n')).toContain('RBAC to create EndpointSlices');
  });

  it('says in the synth notes which helm value the Backend objects need (backendKind: Backend, spec or option)', () => {
    const input = fullInput();
    input.kubernetes = { backendKind: 'Backend' };
    for (const plan of [compileKubernetes(toGatewaySpec(input)), compileKubernetes(spec, { backendKind: 'Backend' })]) {
      expect(plan.stages[0].objects.some((o) => o.kind === 'Backend')).toBe(true);
      expect(plan.stages[0].objects.some((o) => o.kind === 'EndpointSlice')).toBe(false);
      expect(plan.notes.join('\n')).toContain('--set config.envoyGateway.extensionApis.enableBackend=true');
    }
  });

  it('gives no Backend note when no Backend is emitted', () => {
    const input = fullInput();
    input.backends = { m: { type: 'mock' } };
    input.routes = [{ id: 'h', method: 'GET', path: '/h', backend: 'm', auth: 'none' }];
    delete input.stages.dev.backends;
    expect(compileKubernetes(toGatewaySpec(input)).notes.join('\n')).not.toContain('enableBackend');
  });

  it('prints every difference of the spec per feature on kubernetes, with the remedy', () => {
    const input = fullInput();
    input.routes.push({ id: 'limited', method: 'GET', path: '/limited', backend: 'api', auth: 'none', rateLimit: { requestsPerSecond: 10, burst: 20 } });
    input.plans.basic.rateLimit = { requestsPerSecond: 5, burst: 10 };
    input.plans.basic.quota = { limit: 1000, period: 'month' };
    const backendInput = { ...input, kubernetes: { backendKind: 'Backend' as const } };
    const backendReport = formatPortabilityMarkdown(portability(toGatewaySpec(backendInput), ['kubernetes']), 'shop');
    expect(backendReport).toContain('HTTP backend on kubernetes: deploy: HTTP backends are Envoy Gateway Backend objects');
    expect(backendReport).toContain('config.envoyGateway.extensionApis.enableBackend=true');
    expect(backendReport).not.toContain('needs RBAC to create EndpointSlices');
    const report = portability(toGatewaySpec(input), ['kubernetes']);
    const md = formatPortabilityMarkdown(report, 'shop');
    const table = formatPortabilityTable(report);
    for (const text of [md, table]) {
      expect(text).toContain('HTTP backend on kubernetes: deploy: HTTP backends are selector-less Services with an EndpointSlice');
      expect(text).not.toContain('config.envoyGateway.extensionApis.enableBackend=true');
      expect(text).toMatch(/route rate limit on kubernetes: burst: burst is dropped/);
      expect(text).toMatch(/plan rate limit on kubernetes: burst: burst is dropped/);
      expect(text).toMatch(/required scopes on kubernetes: claims: scopes are read from the "scope" claim and also from "scp"/);
      expect(text).toMatch(/JWT authorizer on kubernetes: claims: a token without exp is accepted/);
      expect(text).toMatch(/plan quota on kubernetes: window: .*a month is 30 days counted from 1970-01-01/);
      expect(text).toMatch(/IP allow list on kubernetes: client address: .*remedy: attach a ClientTrafficPolicy with clientIPDetection/);
      expect(text).toMatch(/backend timeout on kubernetes: timeout: the rule's timeouts\.request covers the whole request/);
    }
    expect(md).toMatch(/\| HTTP backend \| .* \| native: .*\(differs: deploy\) \|/);
    expect(table).toMatch(/HTTP backend .*native, differs/);
  });

  it('names burst as dropped only where the spec sets one', () => {
    const report = portability(toGatewaySpec(fullInput()), ['kubernetes']);
    expect(formatPortabilityTable(report)).not.toMatch(/plan rate limit on kubernetes: burst/);
  });
});
