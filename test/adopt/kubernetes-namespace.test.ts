/**
 * Foreign Gateway API manifests in a namespace of their own: the import keeps the namespace
 * (kubernetes.namespaces.<stage>), so re-synthesis puts the routes where they were, attaches them
 * to the same Gateway (a parentRef without namespace means the route's own) and finds the same
 * Services (a backendRef without namespace, too). What a stage cannot say is in the loss report.
 */
import { emittedTree } from '../../bin/adopt/emitted';
import { adopt, sourceTreeOf } from '../../lib/adopt';
import { validateGateway } from '../../lib/model/normalize';
import { compileKubernetes } from '../../providers/kubernetes/compile';

type Json = Record<string, any>;

const route = (name: string, ns: string, prefix: string) => `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: ${name}, namespace: ${ns} }
spec:
  parentRefs: [{ name: eg }]
  hostnames: [www.example.com]
  rules:
  - backendRefs: [{ group: "", kind: Service, name: backend, port: 3000, weight: 1 }]
    matches: [{ path: { type: PathPrefix, value: ${prefix} } }]
`;
const JWT = `apiVersion: gateway.envoyproxy.io/v1alpha1
kind: SecurityPolicy
metadata: { name: jwt-example, namespace: team-a }
spec:
  targetRef: { group: gateway.networking.k8s.io, kind: HTTPRoute, name: foo }
  jwt: { providers: [{ name: example, remoteJWKS: { uri: https://id.example.com/jwks.json } }] }
`;
const read = (files: Record<string, string>, name?: string) => adopt('kubernetes', sourceTreeOf('k8s', files), name ? { name } : {});
const objects = (input: unknown) => compileKubernetes(validateGateway(input).spec!, {}).stages.flatMap((s) => s.objects as Json[]);

describe('the namespace of imported Gateway API routes', () => {
  it('becomes the stage namespace: re-synthesized routes, their Gateway and their Services are where they were', () => {
    const r = read({ 'jwt.yaml': [JWT, route('foo', 'team-a', '/foo'), route('bar', 'team-a', '/bar')].join('---\n') });
    const k = (r.input as Json).kubernetes;
    expect(k.namespaces).toEqual({ prod: 'team-a' });
    expect(k.gateway).toEqual({ name: 'eg', namespace: 'team-a' });
    expect(r.findings).toEqual(expect.arrayContaining([expect.objectContaining({ construct: 'namespace', status: 'mapped', mappedTo: expect.stringMatching(/^kubernetes\.namespaces\.prod \(and the spec name/) })]));
    const out = objects(r.input);
    const routes = out.filter((o) => o.kind === 'HTTPRoute');
    expect(routes.length).toBeGreaterThan(0);
    for (const o of out) if (o.metadata.namespace !== undefined) expect(o.metadata.namespace).toBe('team-a');
    for (const h of routes) {
      expect(h.spec.parentRefs).toEqual([expect.objectContaining({ name: 'eg', namespace: 'team-a' })]);
      for (const rule of h.spec.rules) for (const b of rule.backendRefs ?? []) expect([b.name, b.namespace ?? 'team-a']).toEqual(['backend', 'team-a']);
    }
  });

  it('--name changes the spec name only: the namespace and the Gateway stay', () => {
    const r = read({ 'r.yaml': route('foo', 'team-a', '/foo') }, 'shop');
    expect((r.input as Json).name).toBe('shop');
    expect((r.input as Json).kubernetes.namespaces).toEqual({ prod: 'team-a' });
  });

  it('routes in another namespace keep their Services there, and the report says the route moves', () => {
    const r = read({ 'r.yaml': [route('foo', 'team-a', '/foo'), route('bar', 'team-b', '/bar')].join('---\n') });
    expect((r.input as Json).kubernetes.functions.prod).toEqual({ backend: { name: 'backend', port: 3000 }, 'backend-team-b': { name: 'backend', namespace: 'team-b', port: 3000 } });
    expect(Object.fromEntries(((r.input as Json).routes as Json[]).map((x) => [x.path, x.backend]))).toMatchObject({ '/foo': 'backend', '/bar': 'backend-team-b' });
    expect(r.findings).toEqual(expect.arrayContaining([expect.objectContaining({ construct: 'namespace', status: 'lost', at: '/1/metadata/namespace', reason: expect.stringContaining('HTTPRoute bar is in namespace "team-b"') })]));
  });

  it("anygate's own output in that namespace reads back with the same name and namespace", () => {
    const first = validateGateway(read({ 'r.yaml': route('foo', 'team-a', '/foo') }).input).spec!;
    const back = adopt('kubernetes', emittedTree(first, 'kubernetes')).input as Json;
    expect(back.name).toBe('team-a');
    expect(back.kubernetes.namespaces).toEqual({ prod: 'team-a' });
  });
});
