/** The spec's `kubernetes:` block: parentRefs, namespaces, host names, and Gateway + GatewayClass when asked. */
import { targetProblems } from '../../lib/capabilities';
import { SynthesisError } from '../../lib/model/errors';
import { parseDataFile, specFromData } from '../../lib/model/load';
import { toGatewaySpec, validateGateway } from '../../lib/model/normalize';
import { compileKubernetes } from '../../providers/kubernetes/compile';
import type { K8sObject } from '../../providers/kubernetes/plan';
import { toYaml } from '../../providers/kubernetes/yaml';
import { k8sProblems } from './crd';
import { fullInput } from './fixtures';

const withBlock = (kubernetes: Record<string, unknown>) => toGatewaySpec({ ...fullInput(), kubernetes });
const objectsOf = (plan: ReturnType<typeof compileKubernetes>, stage: string) => plan.stages.find((s) => s.stage === stage)!.objects;
const routesOf = (objects: K8sObject[]) => objects.filter((o) => o.kind === 'HTTPRoute');
const problemsOf = (f: () => unknown): string[] => {
  try {
    f();
  } catch (e) {
    if (e instanceof SynthesisError) return e.problems.map((p) => `${p.where} ${p.feature}: ${p.message}`);
    throw e;
  }
  return [];
};

const TLS_GATEWAY = {
  gateway: { name: 'edge', namespace: 'infra', sectionName: 'https' },
  hostnames: ['api.example.com'],
  namespaces: { prod: 'shop', dev: 'shop-staging' },
  createGateway: {
    className: 'envoy',
    listeners: [
      { protocol: 'HTTP', hostname: 'api.example.com' },
      { protocol: 'HTTPS', hostname: '*.example.com', certificateRefs: [{ name: 'wildcard-tls' }, { name: 'shared-tls', namespace: 'certs' }] },
    ],
  },
};

describe('the spec\'s kubernetes: block', () => {
  it('drives parentRefs, host names and each stage\'s namespace', () => {
    const plan = compileKubernetes(withBlock({ gateway: { name: 'edge', namespace: 'infra', sectionName: 'https' }, hostnames: ['api.example.com', '*.shop.example.com'], namespaces: { prod: 'shop' } }));
    expect(plan.stages.map((s) => [s.stage, s.namespace])).toEqual([['dev', 'shop-dev'], ['prod', 'shop']]);
    for (const s of plan.stages) {
      const routes = routesOf(s.objects);
      expect(routes.length).toBeGreaterThan(0);
      for (const r of routes) {
        expect(r.metadata.namespace).toBe(s.namespace);
        expect((r.spec as any).parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'edge', namespace: 'infra', sectionName: 'https' }]);
        expect((r.spec as any).hostnames).toEqual(['api.example.com', '*.shop.example.com']);
      }
      expect(s.objects.filter((o) => o.kind === 'Gateway' || o.kind === 'GatewayClass')).toEqual([]);
    }
  });

  it('defaults to Envoy Gateway\'s quickstart Gateway, no host names, `<name>-<stage>` namespaces', () => {
    const plan = compileKubernetes(withBlock({}));
    const route = routesOf(objectsOf(plan, 'prod'))[0].spec as any;
    expect(route.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'eg', namespace: 'envoy-gateway-system' }]);
    expect(route.hostnames).toBeUndefined();
    expect(plan.stages.map((s) => s.namespace)).toEqual(['shop-dev', 'shop-prod']);
    expect(toYaml(objectsOf(plan, 'prod'))).toBe(toYaml(objectsOf(compileKubernetes(toGatewaySpec(fullInput())), 'prod')));
  });

  it('lets compile options override the spec', () => {
    const plan = compileKubernetes(withBlock({ gateway: { name: 'edge', namespace: 'infra' }, hostnames: ['a.example.com'], namespaces: { prod: 'shop', dev: 'shop-staging' } }), {
      gateway: { name: 'other', namespace: 'gw' },
      hostnames: ['b.example.com'],
      namespaces: { prod: 'override' },
    });
    expect(plan.stages.map((s) => s.namespace)).toEqual(['shop-staging', 'override']);
    const route = routesOf(objectsOf(plan, 'prod'))[0].spec as any;
    expect(route.parentRefs[0]).toMatchObject({ name: 'other', namespace: 'gw' });
    expect(route.hostnames).toEqual(['b.example.com']);
  });

  it('emits a GatewayClass and Gateway only when asked, valid against the Gateway API CRDs', () => {
    const plan = compileKubernetes(withBlock(TLS_GATEWAY));
    const prod = objectsOf(plan, 'prod');
    const gwClass = prod.find((o) => o.kind === 'GatewayClass')!;
    expect(gwClass).toEqual({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: 'envoy' }, spec: { controllerName: 'gateway.envoyproxy.io/gatewayclass-controller' } });
    const gw = prod.find((o) => o.kind === 'Gateway')!;
    expect(gw.metadata).toEqual({ name: 'edge', namespace: 'infra' });
    const spec = gw.spec as any;
    expect(spec.gatewayClassName).toBe('envoy');
    expect(spec.listeners.map((l: any) => [l.name, l.port, l.protocol, l.hostname])).toEqual([
      ['http', 80, 'HTTP', 'api.example.com'],
      ['https', 443, 'HTTPS', '*.example.com'],
    ]);
    expect(spec.listeners[0].tls).toBeUndefined();
    expect(spec.listeners[1].tls).toEqual({ mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: 'wildcard-tls' }, { group: '', kind: 'Secret', name: 'shared-tls', namespace: 'certs' }] });
    // Routes from the stages' namespaces only, in every listener.
    for (const l of spec.listeners) expect(l.allowedRoutes.namespaces).toEqual({ from: 'Selector', selector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['shop', 'shop-staging'] }] } });
    const grant = prod.find((o) => o.kind === 'ReferenceGrant' && o.metadata.namespace === 'certs')!;
    expect(grant.spec).toEqual({ from: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'infra' }], to: [{ group: '', kind: 'Secret', name: 'shared-tls' }] });
    expect(prod.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name).sort()).toEqual(['infra', 'shop']);
    // The same Gateway in every stage's file, so applying both is idempotent.
    const dev = objectsOf(plan, 'dev');
    expect(dev.find((o) => o.kind === 'Gateway')).toEqual(gw);
    expect(plan.stages.flatMap((s) => s.objects).flatMap(k8sProblems)).toEqual([]);
  });

  it('creates an HTTP listener on port 80 by default, in envoy-gateway-system, class named after the Gateway', () => {
    const plan = compileKubernetes(withBlock({ createGateway: {} }));
    const prod = objectsOf(plan, 'prod');
    const gw = prod.find((o) => o.kind === 'Gateway')!;
    expect(gw.metadata).toEqual({ name: 'eg', namespace: 'envoy-gateway-system' });
    expect((gw.spec as any).listeners.map((l: any) => [l.name, l.port, l.protocol])).toEqual([['http', 80, 'HTTP']]);
    expect(prod.find((o) => o.kind === 'GatewayClass')!.metadata).toEqual({ name: 'eg' });
    expect(prod.map((o) => o.kind).slice(0, 4)).toEqual(['Namespace', 'Namespace', 'GatewayClass', 'Gateway']);
    expect(prod.flatMap(k8sProblems)).toEqual([]);
  });

  it('the CRD check does catch a broken Gateway', () => {
    const gw = objectsOf(compileKubernetes(withBlock(TLS_GATEWAY)), 'prod').find((o) => o.kind === 'Gateway')!;
    const broken = JSON.parse(JSON.stringify(gw));
    delete broken.spec.listeners[1].tls;
    broken.spec.listeners[0].name = 'https';
    broken.spec.listeners[0].tls = { mode: 'Terminate', certificateRefs: [{ name: 'x' }] };
    broken.spec.listeners[0].port = 0;
    const problems = k8sProblems(broken).join('\n');
    expect(problems).toMatch(/must be >= 1/);
    expect(problems).toMatch(/listener names not unique/);
    expect(problems).toMatch(/tls on an HTTP listener/);
    expect(problems).toMatch(/HTTPS listener without tls certificateRefs/);
    const cls = JSON.parse(JSON.stringify(objectsOf(compileKubernetes(withBlock(TLS_GATEWAY)), 'prod').find((o) => o.kind === 'GatewayClass')!));
    cls.metadata.namespace = 'infra';
    expect(k8sProblems(cls).join('\n')).toMatch(/cluster-scoped/);
  });

  it('refuses a block the cluster would reject or that attaches nothing, located under kubernetes', () => {
    const spec = withBlock({
      gateway: { sectionName: 'admin' },
      hostnames: ['api.other.com'],
      namespaces: { prod: 'shop', qa: 'shop-qa', dev: 'shop' },
      createGateway: { listeners: [{ protocol: 'HTTPS' }, { protocol: 'HTTP', certificateRefs: [{ name: 'x' }] }, { name: 'https', port: 8443, protocol: 'HTTPS', certificateRefs: [{ name: 'y' }] }] },
    });
    const problems = problemsOf(() => compileKubernetes(spec));
    expect(problems).toEqual([
      'gateway options.target: kubernetes.namespaces.qa: stage "qa" is not in the spec; stages: dev, prod',
      "gateway options.target: kubernetes.namespaces.prod: namespace shop is also stage dev's; objects of two stages would overwrite each other",
      'gateway options.target: kubernetes.createGateway.listeners[0]: an HTTPS listener terminates TLS: give certificateRefs (TLS Secrets)',
      'gateway options.target: kubernetes.createGateway.listeners[1]: an HTTP listener takes no certificateRefs: use protocol HTTPS',
      'gateway options.target: kubernetes.createGateway.listeners[2]: listener name "https" repeats: name each listener',
      'gateway options.target: kubernetes.gateway.sectionName: no listener of createGateway is named "admin"; listeners: https, http, https',
    ]);
    // The same refusals reach the portability report and `anygate dev` through the capability records.
    expect(targetProblems(spec, 'kubernetes').map((p) => p.message)).toContain('kubernetes.namespaces.qa: stage "qa" is not in the spec; stages: dev, prod');
    const hosts = problemsOf(() => compileKubernetes(withBlock({ hostnames: ['api.other.com'], createGateway: { listeners: [{ hostname: '*.example.com' }] } })));
    expect(hosts).toEqual(['gateway options.target: kubernetes.hostnames: no listener accepts host api.other.com: the routes would not attach']);
  });

  it('points function bindings and custom authorizers at the Services given per stage', () => {
    const plan = compileKubernetes(withBlock({ functions: { prod: { orders: { name: 'orders-svc', namespace: 'fns', port: 8080 }, authz: { name: 'authz' } } } }), {
      functions: { prod: { authz: { name: 'authz-v2', port: 9000 } } },
    });
    const prod = objectsOf(plan, 'prod');
    const rules = routesOf(prod).flatMap((r) => (r.spec as any).rules);
    expect(rules.find((r: any) => r.backendRefs?.some((b: any) => b.name === 'orders-svc')).backendRefs).toEqual([{ kind: 'Service', name: 'orders-svc', namespace: 'fns', port: 8080 }]);
    const ext = prod.find((o) => o.kind === 'SecurityPolicy' && (o.spec as any).extAuth)!.spec as any;
    expect(ext.extAuth.http.backendRefs).toEqual([expect.objectContaining({ name: 'authz-v2', port: 9000 })]);
    expect(prod.filter((o) => o.kind === 'ReferenceGrant').map((o) => o.metadata.namespace)).toEqual(['fns']);
    // The dev stage has no entry: defaults.
    expect(routesOf(objectsOf(plan, 'dev')).flatMap((r) => (r.spec as any).rules).some((r: any) => r.backendRefs?.some((b: any) => b.name === 'orders' && b.port === 80))).toBe(true);
    expect(plan.stages.flatMap((s) => s.objects).flatMap(k8sProblems)).toEqual([]);
    const problems = problemsOf(() => compileKubernetes(withBlock({ functions: { qa: {}, prod: { ghost: { name: 'ghost' } } } })));
    expect(problems).toEqual([
      'gateway options.target: kubernetes.functions.prod.ghost: the spec binds no function "ghost"; bindings: authz, orders',
      'gateway options.target: kubernetes.functions.qa: stage "qa" is not in the spec; stages: dev, prod',
    ]);
  });

  it('types the block: a typo or a bad name is a located spec error', () => {
    const issues = validateGateway({ ...fullInput(), kubernetes: { gatewy: {}, gateway: { namespace: 'Infra_NS' }, createGateway: { listeners: [{ protocol: 'TCP', hostname: '10.0.0.1:80' }] } } }).issues;
    const at = issues.filter((i) => i.severity === 'error').map((i) => i.path.join('.'));
    expect(at).toEqual(expect.arrayContaining(['kubernetes.gatewy', 'kubernetes.gateway.namespace', 'kubernetes.createGateway.listeners.0.protocol', 'kubernetes.createGateway.listeners.0.hostname']));
  });

  it('reads the block from YAML', () => {
    const yaml = `name: y\nbackends: { b: { type: http, url: "https://b.example.com" } }\nroutes: [{ method: GET, path: /, backend: b, auth: none }]\nkubernetes:\n  gateway: { name: edge, namespace: infra }\n  createGateway:\n    listeners:\n      - { protocol: HTTPS, certificateRefs: [{ name: api-tls }] }\n`;
    const spec = specFromData('gateway.yaml', parseDataFile(yaml, 'gateway.yaml'), 'yaml').spec;
    const objects = objectsOf(compileKubernetes(spec), 'prod');
    expect(objects.find((o) => o.kind === 'Gateway')!.spec).toMatchObject({ gatewayClassName: 'edge', listeners: [{ name: 'https', port: 443, protocol: 'HTTPS' }] });
    expect(objects.flatMap(k8sProblems)).toEqual([]);
  });
});
