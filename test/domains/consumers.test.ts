/**
 * A client certificate as a plan identity (consumers.<name>.clientCertificate.sha256): the model's
 * rules, what Azure and Kubernetes emit, the refusals of AWS and Apigee, and anygate dev metering
 * the certificate's consumer over HTTPS with the conform case that checks it. Certificates by
 * openssl (certs.ts).
 */
import { X509Certificate } from 'node:crypto';
import { generateVectors } from '../../dev/conform/generate';
import { formatResults, runVectors } from '../../dev/conform/run';
import { startDev, type DevServer } from '../../dev/server';
import type { Profile } from '../../dev/profiles';
import { targetProblems } from '../../lib/capabilities';
import { SpecValidationError } from '../../lib/model/errors';
import { toGatewaySpec } from '../../lib/model/normalize';
import { compileAzure } from '../../providers/azure/compile';
import { compileKubernetes } from '../../providers/kubernetes/compile';
import { echoBackend, isolateDevHome, type EchoBackend } from '../dev/helpers';
import { makeCertificates } from './certs';
import { mtlsInput } from './fixtures';

isolateDevHome();
const { file } = makeCertificates('domains-consumers');
const clientSha256 = new X509Certificate(file('client.pem')).fingerprint256;
let backend: EchoBackend;
beforeAll(async () => {
  backend = await echoBackend();
});
afterAll(() => backend.close());

/** A key consumer on a key route and a certificate consumer (the test client's certificate, burst 2) behind mutual TLS. */
function input(fingerprint = clientSha256): Record<string, any> {
  const base = mtlsInput();
  return {
    ...base,
    plans: { ...base.plans, partner: { rateLimit: { requestsPerSecond: 2, burst: 2 } } },
    consumers: { ...base.consumers, globex: { plan: 'partner', clientCertificate: { sha256: fingerprint } } },
  };
}

const issues = (s: Record<string, any>) => {
  try {
    toGatewaySpec(s);
    return [];
  } catch (e) {
    return (e as SpecValidationError).issues.filter((i) => i.severity === 'error').map((i) => `${i.path.join('.')}: ${i.message}`);
  }
};

describe('model: consumers identified by a client certificate', () => {
  it('normalizes the fingerprint to lower-case hex without colons; such a consumer holds no key', () => {
    const spec = toGatewaySpec(input());
    expect(spec.consumers.globex.clientCertificate).toEqual({ sha256: clientSha256.replace(/:/g, '').toLowerCase() });
    expect(clientSha256).toMatch(/:/);
  });

  it('refuses a key and a certificate on one consumer, a certificate without an mTLS domain, one certificate twice, a bad fingerprint', () => {
    const both = input();
    both.consumers.globex.apiKey = { secretRef: 'env:GLOBEX' };
    expect(issues(both)).toEqual([expect.stringMatching(/^consumers\.globex\.clientCertificate: a consumer is identified by an API key or by a client certificate, not both/)]);
    const noMtls = input();
    delete noMtls.domains[0].mtls;
    expect(issues(noMtls)).toEqual([expect.stringMatching(/^consumers\.globex\.clientCertificate: no domain asks for client certificates/)]);
    const twice = input();
    twice.consumers.initech = { plan: 'partner', clientCertificate: { sha256: clientSha256.replace(/:/g, '').toUpperCase() } };
    expect(issues(twice)).toEqual([expect.stringMatching(/^consumers\.initech\.clientCertificate\.sha256: consumer globex already has this certificate/)]);
    expect(issues(input('ab'.repeat(31)))).toEqual([expect.stringMatching(/sha256: must be a SHA-256 fingerprint/)]);
  });

  it('certificate consumers alone need no apiKey authorizer', () => {
    const s = input();
    delete s.authorizers;
    delete s.consumers.acme;
    delete s.plans.basic;
    s.routes = [s.routes[1]];
    expect(issues(s)).toEqual([]);
  });
});

describe('synthesis', () => {
  const fp = clientSha256.replace(/:/g, '').toLowerCase();

  it('azure: the certificate\'s SHA-256 picks the consumer\'s rate-limit-by-key in the API policy; no subscription or product for it', () => {
    const text = JSON.stringify(compileAzure(toGatewaySpec(input())));
    expect(text).toContain(`== &quot;${fp}&quot;)`);
    expect(text).toMatch(/rate-limit-by-key calls=\\"2\\" renewal-period=\\"1\\" counter-key=\\"shop-prod-cert-globex-rate\\"/);
    expect(text).not.toMatch(/shop-prod-globex/);
    expect(text).not.toMatch(/shop-prod-partner/);
  });

  it('kubernetes: plan rules select the certificate hash in x-forwarded-client-cert, set by the listener\'s policy, on every rule', () => {
    const objects = compileKubernetes(toGatewaySpec(input())).stages.flatMap((s: any) => s.objects);
    const plans = objects.find((o: any) => o.kind === 'BackendTrafficPolicy' && o.metadata.name === 'shop-plans');
    expect(plans.spec.targetRefs).toHaveLength(2);
    expect(plans.spec.rateLimit.global.rules).toContainEqual({ clientSelectors: [{ headers: [{ name: 'x-forwarded-client-cert', type: 'RegularExpression', value: `(By=[^;]*;)?Hash=${fp}(;.*)?` }] }], limit: { requests: 2, unit: 'Second' }, shared: true });
    const ctp = objects.find((o: any) => o.kind === 'ClientTrafficPolicy');
    expect(ctp.spec.headers.xForwardedClientCert).toEqual({ mode: 'SanitizeSet' });
    // The certificate consumer holds no key: no Secret reference for it.
    const keys = objects.filter((o: any) => o.kind === 'SecurityPolicy').flatMap((o: any) => o.spec.apiKeyAuth?.credentialRefs ?? []);
    expect(keys.map((k: any) => k.name)).toEqual(['shop-key-acme']);
  });

  it('kubernetes refuses a route with its own rate limit (its policy would drop the plan rules); aws and apigee refuse by record, naming the fix', () => {
    const own = input();
    own.routes[1].rateLimit = { requestsPerSecond: 5 };
    expect(targetProblems(toGatewaySpec(own), 'kubernetes').filter((p) => p.feature === 'mtls.consumers').map((p) => p.where)).toEqual(['health']);
    const spec = toGatewaySpec(input());
    expect(targetProblems(spec, 'aws').find((p) => p.feature === 'mtls.consumers')?.message).toMatch(/give the consumer an apiKey for AWS/);
    expect(targetProblems(spec, 'apigee').find((p) => p.feature === 'mtls.consumers')?.message).toMatch(/give the consumer an apiKey for apigee/);
    expect(targetProblems(spec, 'azure', { azureSku: 'Consumption' }).find((p) => p.feature === 'mtls.consumers')?.message).toMatch(/Consumption has no rate-limit-by-key/);
  });
});

async function withDev(profile: Profile, spec: Record<string, any>, f: (dev: DevServer) => Promise<void>): Promise<void> {
  const dev = await startDev({ spec: toGatewaySpec(spec), profile, port: 0, clock: 'virtual', publishAdminToken: false, backends: { api: backend.url }, tls: { cert: file('server.pem'), key: file('server.key'), clientCa: file('ca.pem') } });
  try {
    await f(dev);
  } finally {
    await dev.close();
  }
}

const client = () => ({ cert: file('client.pem'), key: file('client.key'), ca: file('ca.pem') });

describe('anygate dev and conform: the certificate consumer\'s plan', () => {
  it.each(['azure', 'kubernetes'] as const)('%s: the certificate\'s plan case is generated and passes, with every other case', (profile) =>
    withDev(profile, input(), async (dev) => {
      const spec = toGatewaySpec(input());
      const vectors = generateVectors(spec, 'prod', profile, { clientCertSha256: clientSha256 });
      const own = vectors.filter((v) => v.name.startsWith('mTLS: certificate consumer globex'));
      expect(own).toHaveLength(1);
      expect(own[0].request.repeat).toBe(3);
      const results = await runVectors(spec, vectors, { url: dev.url, adminToken: dev.adminToken, tls: client() });
      if (results.some((r) => !r.pass)) throw new Error(formatResults(results));
      // On the public route too: the certificate alone names the consumer, whose plan refuses the third request.
      const publicRoute = { ...own[0], name: 'health over the plan', route: 'health', request: { method: 'GET', path: '/health', clientCertificate: true, repeat: 3 } };
      const [over] = await runVectors(spec, [publicRoute], { url: dev.url, adminToken: dev.adminToken, tls: client() });
      expect(over).toMatchObject({ pass: true, status: 429 });
      const last = dev.accessLog.recent().at(-1)!;
      expect([last.routeId, last.consumer, last.plan]).toEqual(['health', 'globex', 'partner']);
    }));

  it('the case fails against a gateway that does not meter that certificate; none is generated for another certificate', () => {
    const spec = toGatewaySpec(input());
    expect(generateVectors(spec, 'prod', 'azure', { clientCertSha256: 'AB:'.repeat(31) + 'AB' }).some((v) => v.name.startsWith('mTLS: certificate consumer'))).toBe(false);
    const other = input('cd'.repeat(32));
    return withDev('azure', other, async (dev) => {
      const own = generateVectors(spec, 'prod', 'azure', { clientCertSha256: clientSha256 }).filter((v) => v.name.startsWith('mTLS: certificate consumer'));
      const [result] = await runVectors(spec, own, { url: dev.url, adminToken: dev.adminToken, tls: client() });
      expect(result.pass).toBe(false);
    });
  });
});
