/** Every emitted object validates against the Gateway API / Envoy Gateway CRDs (ajv + CEL checks). */
import { compileKubernetes } from '../../providers/kubernetes/compile';
import { portability } from '../../lib/capabilities/portability';
import { toGatewaySpec } from '../../lib/model/normalize';
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

describe('https backends given as an IP address', () => {
  const spec = (backend: Record<string, unknown>, stages?: Record<string, unknown>) =>
    toGatewaySpec({ name: 'ips', backends: { api: backend }, routes: [{ id: 'get', method: 'GET', path: '/x', backend: 'api', auth: 'none' }], ...(stages ? { stages } : {}) });
  const refusal = (s: ReturnType<typeof spec>) => {
    try {
      compileKubernetes(s);
    } catch (e) {
      return String((e as Error).message);
    }
    return 'compiled';
  };

  it.each([
    ['IPv4', { type: 'http', url: 'https://10.0.0.5/api' }, '10.0.0.5'],
    ['IPv6', { type: 'http', url: 'https://[2001:db8::5]:8443' }, '2001:db8::5'],
    ['a weighted target', { type: 'http', targets: [{ url: 'https://api.example.com', weight: 90 }, { url: 'https://192.0.2.7', weight: 10 }] }, '192.0.2.7'],
  ])('%s: synthesis refuses it, naming the route and the remedy (no BackendTLSPolicy can verify an address)', (_n, backend, host) => {
    const msg = refusal(spec(backend));
    expect(msg).toContain('get');
    expect(msg).toContain(`https to the IP address ${host}`);
    expect(msg).toMatch(/give the backend URL a DNS name its certificate carries/);
  });

  it('a stage\'s backend URL too, and the report says the same', () => {
    const s = spec({ type: 'http', url: 'https://api.example.com' }, { prod: { backends: { api: { url: 'https://203.0.113.9' } } } });
    expect(refusal(s)).toContain('stage prod, backend api: https to the IP address 203.0.113.9');
    expect(JSON.stringify(portability(s, ['kubernetes']))).toContain('https to the IP address 203.0.113.9');
  });

  it.each(['Service', 'Backend'] as const)('backendKind %s: an http address (127.0.0.1, the one the model allows) and an https host name compile to objects the CRDs accept; the TLS hostname is the DNS name', (backendKind) => {
    const plain = compileKubernetes(spec({ type: 'http', url: 'http://127.0.0.1:8080' }), { backendKind }).stages.flatMap((s) => s.objects);
    expect(plain.some((o) => o.kind === 'BackendTLSPolicy')).toBe(false);
    expect(plain.flatMap(k8sProblems)).toEqual([]);
    const named = compileKubernetes(spec({ type: 'http', url: 'https://api.example.com' }), { backendKind }).stages.flatMap((s) => s.objects);
    const tls = named.find((o) => o.kind === 'BackendTLSPolicy')!;
    expect((tls.spec as { validation: { hostname: string } }).validation.hostname).toBe('api.example.com');
    expect(named.flatMap(k8sProblems)).toEqual([]);
  });

  it('the CRD check catches an IP address as BackendTLSPolicy validation.hostname (the pattern alone lets it through)', () => {
    const named = compileKubernetes(spec({ type: 'http', url: 'https://api.example.com' })).stages[0].objects;
    const tls = JSON.parse(JSON.stringify(named.find((o) => o.kind === 'BackendTLSPolicy')!));
    tls.spec.validation.hostname = '10.0.0.5';
    expect(k8sProblems(tls).join('\n')).toMatch(/validation.hostname 10.0.0.5 is an IP address/);
  });
});
