import { compileApigee } from '../../providers/apigee/compile';
import { compileKubernetes } from '../../providers/kubernetes/compile';
import { toGatewaySpec } from '../../lib/model/normalize';
import { refusals } from '../helpers';
import { k8sProblems } from '../kubernetes/crd';
import { plainSpec, portableSpec } from './fixtures';

/** The portable spec without mutual TLS, which Apigee refuses. */
function noMtls(): Record<string, any> {
  const s = portableSpec();
  for (const d of s.domains) delete d.mtls;
  return s;
}

describe('Apigee custom domains', () => {
  it('an environment group per stage with its host names, attached to the stage\'s environment', () => {
    const plan = compileApigee(toGatewaySpec(noMtls()));
    expect(plan.domains).toEqual([
      { stage: 'dev', envGroup: 'shop-dev', hostnames: ['dev.example.com'], certificates: { 'dev.example.com': 'google-managed' } },
      { stage: 'prod', envGroup: 'shop-prod', hostnames: ['api.example.com'], certificates: { 'api.example.com': 'google-managed' } },
    ]);
    const groups = plan.resources.filter((r) => r.type.startsWith('gcp:apigee/envGroup'));
    expect(groups).toEqual([
      { type: 'gcp:apigee/envGroup:EnvGroup', name: 'envgroup-dev', inputs: { orgId: { $ref: 'arg', name: 'orgPath' }, name: 'shop-dev', hostnames: ['dev.example.com'] }, dependsOn: [] },
      { type: 'gcp:apigee/envGroupAttachment:EnvGroupAttachment', name: 'envgroup-dev-attach', inputs: { envgroupId: { $ref: 'resource', name: 'envgroup-dev', property: 'id' }, environment: 'dev' }, dependsOn: ['envgroup-dev'] },
      { type: 'gcp:apigee/envGroup:EnvGroup', name: 'envgroup-prod', inputs: { orgId: { $ref: 'arg', name: 'orgPath' }, name: 'shop-prod', hostnames: ['api.example.com'] }, dependsOn: [] },
      { type: 'gcp:apigee/envGroupAttachment:EnvGroupAttachment', name: 'envgroup-prod-attach', inputs: { envgroupId: { $ref: 'resource', name: 'envgroup-prod', property: 'id' }, environment: 'prod' }, dependsOn: ['envgroup-prod'] },
    ]);
    expect(plan.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/external load balancer; it must serve google-managed/)]));
  });

  it('adding domains changes no existing resource or bundle file', () => {
    const before = compileApigee(toGatewaySpec(plainSpec()));
    const after = compileApigee(toGatewaySpec(noMtls()));
    expect(after.files).toEqual(before.files);
    expect(after.resources.filter((r) => !r.name.startsWith('envgroup-'))).toEqual(before.resources);
  });

  it('refuses mutual TLS by record, with the reason', () => {
    expect(refusals(() => compileApigee(toGatewaySpec(portableSpec())))).toEqual([
      expect.stringMatching(/^gateway mtls apigee \(INTERMEDIATE\): Apigee X checks client certificates at the external load balancer/),
      expect.stringMatching(/^gateway mtls\.headers apigee/),
    ]);
  });
});

describe('Kubernetes custom domains and mutual TLS', () => {
  const plan = compileKubernetes(toGatewaySpec(portableSpec()));
  const objects = plan.stages.flatMap((s) => s.objects);
  const prod = plan.stages.find((s) => s.stage === 'prod')!.objects;

  it('an HTTPS listener per domain, routes from its stage only', () => {
    const gw = prod.find((o) => o.kind === 'Gateway')!;
    const listeners = (gw.spec as any).listeners;
    expect(listeners.map((l: any) => [l.name, l.port, l.protocol, l.hostname, l.tls?.certificateRefs])).toEqual([
      ['http', 80, 'HTTP', undefined, undefined],
      ['domain-api.example.com', 443, 'HTTPS', 'api.example.com', [{ group: '', kind: 'Secret', name: 'shop-tls' }]],
      ['domain-dev.example.com', 443, 'HTTPS', 'dev.example.com', [{ group: '', kind: 'Secret', name: 'shop-tls' }]],
    ]);
    expect(listeners[1].allowedRoutes.namespaces.selector.matchExpressions[0].values).toEqual(['shop-prod']);
  });

  it('a ClientTrafficPolicy validates client certificates on each mTLS listener and sets x-forwarded-client-cert', () => {
    const policies = prod.filter((o) => o.kind === 'ClientTrafficPolicy');
    expect(policies.map((p) => p.spec)).toEqual([
      expect.objectContaining({ targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'eg', sectionName: 'domain-api.example.com' }], tls: { clientValidation: { caCertificateRefs: [{ group: '', kind: 'ConfigMap', name: 'shop-ca' }] } }, headers: { xForwardedClientCert: { mode: 'SanitizeSet', certDetailsToAdd: ['Subject'] }, earlyRequestHeaders: { remove: ['X-Client-Subject', 'X-Client-Fingerprint'] } } }),
      expect.objectContaining({ targetRefs: [expect.objectContaining({ sectionName: 'domain-dev.example.com' })] }),
    ]);
  });

  it("every rule of the stage sets the spec's certificate headers from the verified certificate, replacing a client's", () => {
    const rules = prod.filter((o) => o.kind === 'HTTPRoute').flatMap((r) => (r.spec as any).rules);
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      const m = rule.filters.find((f: any) => f.type === 'RequestHeaderModifier').requestHeaderModifier;
      expect(m.set).toEqual([
        { name: 'X-Client-Fingerprint', value: '%DOWNSTREAM_PEER_FINGERPRINT_256%' },
        { name: 'X-Client-Subject', value: '%DOWNSTREAM_PEER_SUBJECT%' },
      ]);
    }
  });

  it("a stage with mTLS domains attaches its routes to their listeners only (the plain listener cannot reach it)", () => {
    const routes = prod.filter((o) => o.kind === 'HTTPRoute');
    expect(routes.length).toBeGreaterThan(0);
    for (const r of routes) expect((r.spec as any).parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'eg', namespace: 'envoy-gateway-system', sectionName: 'domain-api.example.com' }]);
  });

  it('every object passes the Gateway API and Envoy Gateway CRD schemas', () => {
    expect(objects.flatMap((o) => k8sProblems(o).map((p) => `${o.kind} ${o.metadata.name}: ${p}`))).toEqual([]);
  });

  it('refuses a domain without createGateway, naming the fix', () => {
    const s = portableSpec();
    delete s.kubernetes;
    expect(refusals(() => compileKubernetes(toGatewaySpec(s)))).toEqual([expect.stringMatching(/custom domains need listeners on the Gateway: set kubernetes\.createGateway/)]);
  });
});
