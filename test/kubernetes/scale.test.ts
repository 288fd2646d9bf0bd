/**
 * A 2,000-route gateway: synthesizes deterministically, splits into HTTPRoutes within the API's
 * limits, validates, and adding a route renames no object that holds other routes.
 */
import { toGatewaySpec } from '../../lib/model/normalize';
import { compileKubernetes } from '../../providers/kubernetes/compile';
import { toYaml } from '../../providers/kubernetes/yaml';
import { k8sProblems } from './crd';

function input(n: number, extra: { method: string; path: string }[] = []) {
  const routes: Record<string, unknown>[] = [];
  for (let i = 0; routes.length < n; i++) {
    const r = `res${i % 125}`;
    const shapes = [`/${r}/items${i}`, `/${r}/items${i}/{id}`, `/${r}/{id}/sub${i}`, `/${r}/files${i}/{path+}`];
    for (const path of shapes) if (routes.length < n) routes.push({ method: i % 3 ? 'GET' : 'ANY', path, backend: 'api', auth: i % 2 ? 'jwt' : 'none', ...(i % 5 === 0 ? { transform: { request: { setHeaders: { 'x-n': String(i) } } } } : {}) });
  }
  return {
    name: 'big',
    backends: { api: { type: 'http', url: 'https://api.example.com' } },
    authorizers: { jwt: { type: 'jwt', issuer: 'https://id.example.com/', audiences: ['big'], jwksUri: 'https://id.example.com/jwks' } },
    routes: [...routes, ...extra.map((e) => ({ ...e, backend: 'api', auth: 'none' }))],
  };
}

describe('2,000 routes', () => {
  const spec = toGatewaySpec(input(2000));
  const started = process.hrtime.bigint();
  const plan = compileKubernetes(spec);
  const ms = Number((process.hrtime.bigint() - started) / 1_000_000n);
  const objects = plan.stages[0].objects;

  it('synthesizes deterministically and within the limits', () => {
    const routes = objects.filter((o) => o.kind === 'HTTPRoute');
    const rules = routes.flatMap((r) => (r.spec as any).rules);
    expect(rules).toHaveLength(2000);
    expect(routes.every((r) => (r.spec as any).rules.length <= 16)).toBe(true);
    expect(toYaml(compileKubernetes(toGatewaySpec(input(2000))).stages[0].objects)).toBe(toYaml(objects));
    // Figures for the report (not a timed assertion).
    process.stdout.write(`kubernetes 2000 routes: ${ms} ms, ${objects.length} objects (${routes.length} HTTPRoutes)\n`);
  });

  it('every object validates', () => {
    expect(objects.flatMap(k8sProblems)).toEqual([]);
  });

  it('adding a route renames no object that holds other routes', () => {
    const before = new Set(objects.map((o) => `${o.kind}/${o.metadata.name}`));
    const after = compileKubernetes(toGatewaySpec(input(2000, [{ method: 'GET', path: '/res7/zzz' }]))).stages[0].objects;
    const names = new Set(after.map((o) => `${o.kind}/${o.metadata.name}`));
    expect([...before].filter((n) => !names.has(n))).toEqual([]);
    expect([...names].filter((n) => !before.has(n)).length).toBeLessThanOrEqual(3);
  });
});
