/**
 * The consumer header (x-anygate-consumer) and the client-certificate headers on Kubernetes: only
 * the gateway's own values reach the plans' rate-limit selectors, the backends and the access log.
 * Envoy Gateway v1.9: apiKeyAuth's forwardClientIDHeader overwrites the header (Envoy's
 * api_key_auth filter, headers.setCopy) in the filter chain; a rule's RequestHeaderModifier runs in
 * the router after every filter (so it may remove a client's value, but on an API-key rule it would
 * remove the check's); a ClientTrafficPolicy's earlyRequestHeaders run before routing and every
 * filter (so the global rate limit never sees a client's value).
 */
import { toGatewaySpec } from '../../lib/model/normalize';
import { compileKubernetes } from '../../providers/kubernetes/compile';
import type { K8sObject } from '../../providers/kubernetes/plan';
import { k8sProblems } from './crd';

const CERT_SHA256 = 'AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89';

/** The reviewer's repro (/tmp/rev-security/mtls/s.yaml): a certificate consumer, an API-key consumer, a public route. */
function mtlsSpec(): Record<string, any> {
  return {
    name: 'm',
    backends: { api: { type: 'http', url: 'https://api.example.com' } },
    authorizers: { k: { type: 'apiKey' } },
    plans: { gold: { quota: { limit: 100, period: 'day' }, rateLimit: { requestsPerSecond: 2 } } },
    consumers: { certy: { plan: 'gold', clientCertificate: { sha256: CERT_SHA256 } }, keyy: { plan: 'gold' } },
    stages: { prod: {} },
    domains: [
      {
        name: 'api.example.com',
        certificate: { aws: 'arn:aws:acm:eu-west-1:123456789012:certificate/1111', azure: 'https://myvault.vault.azure.net/secrets/apicert', kubernetes: 'api-tls' },
        mtls: {
          truststore: { aws: 's3://trust/ca.pem', azure: ['A1B2C3D4E5F60718293A4B5C6D7E8F9012345678'], kubernetes: { kind: 'ConfigMap', name: 'ca' } },
          clientCertificate: { headers: { subject: 'X-Client-Subject', fingerprint: 'X-Client-Fingerprint' } },
        },
      },
    ],
    kubernetes: { createGateway: {} },
    routes: [
      { id: 'r1', method: 'GET', path: '/x', backend: 'api', auth: 'none' },
      { id: 'r2', method: 'GET', path: '/y', backend: 'api', auth: ['k'] },
    ],
  };
}

/** No domain: an API-key route, a public one, a JWT one, and a public one whose transform sets the header itself. */
function plainSpec(): Record<string, any> {
  return {
    name: 'p',
    backends: { api: { type: 'http', url: 'https://api.example.com' } },
    authorizers: { k: { type: 'apiKey' }, j: { type: 'jwt', issuer: 'https://id.example.com/', audiences: ['p'], jwksUri: 'https://id.example.com/jwks.json' } },
    plans: { gold: { rateLimit: { requestsPerSecond: 2 } } },
    consumers: { keyy: { plan: 'gold' } },
    stages: { prod: {} },
    routes: [
      { id: 'keyed', method: 'GET', path: '/k', backend: 'api', auth: ['k'] },
      { id: 'open', method: 'GET', path: '/o', backend: 'api', auth: 'none' },
      { id: 'jwt', method: 'GET', path: '/j', backend: 'api', auth: ['j'], transform: { request: { removeHeaders: ['cookie'] } } },
      { id: 'named', method: 'GET', path: '/n', backend: 'api', auth: 'none', transform: { request: { setHeaders: { 'x-anygate-consumer': 'batch' } } } },
    ],
  };
}

const objectsOf = (input: Record<string, any>): K8sObject[] => compileKubernetes(toGatewaySpec(input)).stages.flatMap((s) => s.objects);
const rules = (objects: K8sObject[]) => new Map<string, any>(objects.filter((o) => o.kind === 'HTTPRoute').flatMap((r) => (r.spec as any).rules.map((rule: any) => [rule.name, rule])));
const requestModifiers = (rule: any): any[] => (rule.filters ?? []).filter((f: any) => f.type === 'RequestHeaderModifier').map((f: any) => f.requestHeaderModifier);
const crdProblems = (objects: K8sObject[]) => objects.flatMap((o) => k8sProblems(o).map((p) => `${o.kind} ${o.metadata.name}: ${p}`));

describe('the consumer header on rules the API-key check does not authorize', () => {
  it('is removed on public and JWT rules (merged into the rule\'s one RequestHeaderModifier), kept on the API-key rule', () => {
    const objects = objectsOf(plainSpec());
    const r = rules(objects);
    expect(requestModifiers(r.get('keyed'))).toEqual([]);
    expect(requestModifiers(r.get('open'))).toEqual([{ remove: ['x-anygate-consumer'] }]);
    expect(requestModifiers(r.get('jwt'))).toEqual([{ remove: ['cookie', 'x-anygate-consumer'] }]);
    expect(crdProblems(objects)).toEqual([]);
  });

  it('a route whose own transform sets the header keeps its value (set, not removed)', () => {
    expect(requestModifiers(rules(objectsOf(plainSpec())).get('named'))).toEqual([{ set: [{ name: 'x-anygate-consumer', value: 'batch' }] }]);
  });

  it('without certificate consumers the plans target the API-key rules only', () => {
    const plans = objectsOf(plainSpec()).find((o) => o.kind === 'BackendTrafficPolicy' && o.metadata.name === 'p-plans')!;
    expect((plans.spec as any).targetRefs.map((t: any) => t.sectionName)).toEqual(['keyed']);
  });
});

describe('a stage behind mutual TLS that meters certificates (every rule is metered)', () => {
  const objects = objectsOf(mtlsSpec());
  const ctp = objects.find((o) => o.kind === 'ClientTrafficPolicy')!;
  const plans = objects.find((o) => o.kind === 'BackendTrafficPolicy' && o.metadata.name === 'm-plans')!;

  it('the listener strips a client\'s consumer header before any filter, so the key rules match only the API-key check\'s value', () => {
    // The plans cover the public rule too (the certificate identifies a caller on any route) ...
    expect((plans.spec as any).targetRefs.map((t: any) => t.sectionName)).toEqual(['r1', 'r2']);
    expect((plans.spec as any).rateLimit.global.rules).toContainEqual(expect.objectContaining({ clientSelectors: [{ headers: [{ name: 'x-anygate-consumer', type: 'Exact', value: 'keyy' }] }] }));
    // ... so a client's x-anygate-consumer: keyy on /x must be gone before the rate-limit filter reads it.
    expect((ctp.spec as any).headers.earlyRequestHeaders.remove).toContain('x-anygate-consumer');
    expect((ctp.spec as any).targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'eg', sectionName: 'domain-api.example.com' }]);
  });

  it('the public rule also removes it for the backend and the access log; the API-key rule does not', () => {
    const r = rules(objects);
    expect(requestModifiers(r.get('r1'))[0].remove).toEqual(['x-anygate-consumer']);
    expect(requestModifiers(r.get('r2'))[0].remove).toBeUndefined();
  });

  it('every object passes the CRD schemas', () => {
    expect(crdProblems(objects)).toEqual([]);
  });

  it('a stage behind mutual TLS without certificate consumers leaves the consumer header to the rules', () => {
    const input = mtlsSpec();
    delete input.consumers.certy;
    const spec = objectsOf(input).find((o) => o.kind === 'ClientTrafficPolicy')!.spec as any;
    expect(spec.headers.earlyRequestHeaders.remove).toEqual(['X-Client-Subject', 'X-Client-Fingerprint']);
  });
});

describe("the client-certificate headers the spec names (mtls.clientCertificate.headers)", () => {
  it("every rule sets them from Envoy's verified-certificate operators; the listener strips a client's copies first", () => {
    const objects = objectsOf(mtlsSpec());
    const ctp = objects.find((o) => o.kind === 'ClientTrafficPolicy')!;
    expect((ctp.spec as any).headers.earlyRequestHeaders.remove).toEqual(['x-anygate-consumer', 'X-Client-Subject', 'X-Client-Fingerprint']);
    for (const [, rule] of rules(objects)) {
      expect(requestModifiers(rule)[0].set).toEqual([
        { name: 'X-Client-Fingerprint', value: '%DOWNSTREAM_PEER_FINGERPRINT_256%' },
        { name: 'X-Client-Subject', value: '%DOWNSTREAM_PEER_SUBJECT%' },
      ]);
    }
  });

  it("they win over a route's own transform of the same header (set or remove), in one modifier", () => {
    const input = mtlsSpec();
    input.routes[0].transform = { request: { setHeaders: { 'x-client-subject': 'forged', 'x-other': 'v' }, removeHeaders: ['X-Client-Fingerprint', 'cookie'] } };
    const objects = objectsOf(input);
    expect(requestModifiers(rules(objects).get('r1'))).toEqual([
      {
        set: [
          { name: 'X-Client-Fingerprint', value: '%DOWNSTREAM_PEER_FINGERPRINT_256%' },
          { name: 'X-Client-Subject', value: '%DOWNSTREAM_PEER_SUBJECT%' },
          { name: 'x-other', value: 'v' },
        ],
        remove: ['cookie', 'x-anygate-consumer'],
      },
    ]);
    expect(crdProblems(objects)).toEqual([]);
  });
});

describe('domain listener names', () => {
  it("a wildcard and the literal host its name would spell get distinct listeners; other names stay as they were", () => {
    const input = mtlsSpec();
    const certificate = input.domains[0].certificate;
    input.domains = [
      { name: 'api.example.com', certificate },
      { name: '*.example.com', certificate },
      { name: 'wildcard.example.com', certificate },
      { name: '*.other.example.com', certificate },
    ];
    delete input.consumers.certy;
    const objects = objectsOf(input);
    const gw = objects.find((o) => o.kind === 'Gateway')!;
    const listeners = (gw.spec as any).listeners as { name: string; hostname?: string }[];
    expect(listeners.map((l) => [l.name, l.hostname])).toEqual([
      ['http', undefined],
      ['domain-wildcard-2.example.com', '*.example.com'],
      ['domain-wildcard.other.example.com', '*.other.example.com'],
      ['domain-api.example.com', 'api.example.com'],
      ['domain-wildcard.example.com', 'wildcard.example.com'],
    ]);
    expect(new Set(listeners.map((l) => l.name)).size).toBe(listeners.length);
    expect(crdProblems(objects)).toEqual([]);
  });
});
