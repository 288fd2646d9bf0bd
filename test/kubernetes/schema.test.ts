/** Every emitted object validates against the Gateway API / Envoy Gateway CRDs (ajv + CEL checks). */
import { compileKubernetes } from '../../providers/kubernetes/compile';
import { k8sProblems } from './crd';
import { full, traffic } from './fixtures';

describe('kubernetes objects validate against the CRDs', () => {
  it.each([
    ['full', () => full()],
    ['traffic', () => traffic()],
  ])('%s gateway: every object of every stage', (_n, make) => {
    const plan = compileKubernetes(make(), { functions: { prod: { orders: { name: 'orders', namespace: 'fns', port: 8080 }, authz: { name: 'authz', namespace: 'auth' } } } });
    const objects = plan.stages.flatMap((s) => s.objects);
    expect(objects.length).toBeGreaterThan(5);
    if (_n === 'full') expect(objects.filter((o) => o.kind === 'ReferenceGrant').map((o) => o.metadata.namespace)).toEqual(['auth', 'fns']);
    expect(objects.flatMap(k8sProblems)).toEqual([]);
  });

  it('the validator does catch a broken object (schema and CEL)', () => {
    const plan = compileKubernetes(full());
    const route = plan.stages[0].objects.find((o) => o.kind === 'HTTPRoute')!;
    const broken = JSON.parse(JSON.stringify(route));
    broken.spec.rules[0].matches[0].path = { type: 'Exact', value: '/a//b' };
    broken.spec.rules[0].bogus = 1;
    broken.spec.rules.push(...Array.from({ length: 16 }, (_, i) => ({ name: `r${i}` })));
    const problems = k8sProblems(broken).join('\n');
    expect(problems).toMatch(/must NOT have more than 16 items/);
    expect(problems).toMatch(/must not contain "\/\/"/);
  });
});
