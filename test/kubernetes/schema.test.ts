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

  it.each(['Service', 'Backend'] as const)('backendKind %s: every object validates, Backend and BackendTLSPolicy targets included', (backendKind) => {
    const objects = compileKubernetes(full(), { backendKind }).stages.flatMap((s) => s.objects);
    expect(objects.some((o) => o.kind === (backendKind === 'Service' ? 'EndpointSlice' : 'Backend'))).toBe(true);
    expect(objects.flatMap(k8sProblems)).toEqual([]);
  });

  it('the core-object checks catch an ExternalName Service and an EndpointSlice no Service uses', () => {
    const objects = compileKubernetes(full()).stages[0].objects;
    const svc = JSON.parse(JSON.stringify(objects.find((o) => o.kind === 'Service')!));
    svc.spec.type = 'ExternalName';
    svc.spec.ports[0].name = 'Not_A_Name';
    const slice = JSON.parse(JSON.stringify(objects.find((o) => o.kind === 'EndpointSlice')!));
    delete slice.metadata.labels;
    slice.endpoints[0].addresses = ['bad host!'];
    expect(k8sProblems(svc).join('\n')).toMatch(/ExternalName is refused as a backend[\s\S]*port name Not_A_Name/);
    expect(k8sProblems(slice).join('\n')).toMatch(/no kubernetes.io\/service-name label[\s\S]*address bad host! is not FQDN/);
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
