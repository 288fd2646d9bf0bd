/**
 * anygate conform against anygate dev serving a mutual TLS domain over HTTPS: the generated cases
 * present the client certificate (a trusted request passes) and omit it (API Management's 401 in
 * the error contract; API Gateway and Envoy fail the handshake), on each profile whose target
 * synthesizes mTLS. Certificates by openssl (certs.ts).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main } from '../../bin/cli';
import { generateVectors } from '../../dev/conform/generate';
import { formatResults, runVectors } from '../../dev/conform/run';
import { startDev, type DevServer } from '../../dev/server';
import type { Profile } from '../../dev/profiles';
import { toGatewaySpec } from '../../lib/model/normalize';
import type { GatewaySpec } from '../../lib/model/types';
import { echoBackend, isolateDevHome, type EchoBackend } from '../dev/helpers';
import { capturedIo } from '../io-capture';
import { makeCertificates } from './certs';
import { mtlsInput } from './fixtures';

isolateDevHome();
const { file } = makeCertificates('domains-conform');
let backend: EchoBackend;
beforeAll(async () => {
  backend = await echoBackend();
});
afterAll(() => backend.close());

/** A key-protected route and a public one behind an mTLS domain (no certificate headers: AWS refuses them by record). */
function mtlsSpec(): GatewaySpec {
  return toGatewaySpec(mtlsInput());
}

async function withDev(profile: Profile, f: (dev: DevServer, spec: GatewaySpec) => Promise<void>): Promise<void> {
  const spec = mtlsSpec();
  const dev = await startDev({ spec, profile, port: 0, clock: 'virtual', publishAdminToken: false, backends: { api: backend.url }, tls: { cert: file('server.pem'), key: file('server.key'), clientCa: file('ca.pem') } });
  try {
    await f(dev, spec);
  } finally {
    await dev.close();
  }
}

const client = () => ({ cert: file('client.pem'), key: file('client.key'), ca: file('ca.pem') });

describe('anygate conform: mutual TLS vectors', () => {
  it.each(['aws', 'azure', 'kubernetes'] as const)('%s: every generated case passes, the certificate present and omitted', (profile) =>
    withDev(profile, async (dev, spec) => {
      const vectors = generateVectors(spec, 'prod', profile);
      const mtls = vectors.filter((v) => v.name.startsWith('mTLS:'));
      expect(mtls.map((v) => v.request.clientCertificate)).toEqual([true, false]);
      expect(mtls[1].expect).toEqual(profile === 'azure' ? { status: 401, body: { 'error.code': 'unauthorized' } } : { connectionRefused: true });
      const results = await runVectors(spec, vectors, { url: dev.url, adminToken: dev.adminToken, tls: client() });
      if (results.some((r) => !r.pass)) throw new Error(formatResults(results));
    }));

  it('fails where the gateway does not refuse as the profile says, and without a certificate to present', () =>
    withDev('kubernetes', async (dev, spec) => {
      // Azure's vectors expect a 401; the Envoy profile closes the connection instead.
      const azure = generateVectors(spec, 'prod', 'azure').filter((v) => v.name.startsWith('mTLS:'));
      const [present, omitted] = await runVectors(spec, azure, { url: dev.url, adminToken: dev.adminToken, tls: client() });
      expect(present.pass).toBe(true);
      expect(omitted).toMatchObject({ pass: false, problems: [expect.stringMatching(/^request failed/)] });
      // Conform without --client-cert cannot run the case that presents one, and says so.
      const [noCert] = await runVectors(spec, azure, { url: dev.url, adminToken: dev.adminToken, tls: { ca: file('ca.pem') } });
      expect(noCert).toMatchObject({ pass: false, problems: [expect.stringContaining('--client-cert')] });
    }));

  it('a case that expects the connection refused fails when the gateway answers', () =>
    withDev('azure', async (dev, spec) => {
      const k8s = generateVectors(spec, 'prod', 'kubernetes').filter((v) => v.name.startsWith('mTLS:'));
      const [, omitted] = await runVectors(spec, k8s, { url: dev.url, adminToken: dev.adminToken, tls: client() });
      expect(omitted).toMatchObject({ pass: false, status: 401, problems: [expect.stringContaining('expected the connection refused')] });
    }));

  it('the CLI: conform --client-cert/--client-key/--ca passes against dev; a lone --client-cert is a usage error', () =>
    withDev('azure', async (dev) => {
      const dir = mkdtempSync(path.join(tmpdir(), 'anygate-mtls-'));
      const f = (name: string, data: string | Buffer) => {
        writeFileSync(path.join(dir, name), data);
        return path.join(dir, name);
      };
      const spec = f('gateway.json', JSON.stringify(mtlsInput()));
      const tls = ['--client-cert', f('client.pem', file('client.pem')), '--client-key', f('client.key', file('client.key')), '--ca', f('ca.pem', file('ca.pem'))];
      const ok = capturedIo();
      expect(await main(['node', 'anygate', 'conform', spec, '--url', dev.url, '--profile', 'azure', '--stage', 'prod', ...tls], ok.io)).toBe(0);
      expect(ok.out.join('')).toMatch(/mTLS: a request without a client certificate is refused \(401\)\s+401\s+pass/);
      const bad = capturedIo();
      expect(await main(['node', 'anygate', 'conform', spec, '--url', dev.url, '--client-cert', tls[1]], bad.io)).toBe(2);
      expect(bad.err.join('')).toContain('--client-cert and --client-key go together');
    }));

  it('generates no mTLS case for a stage without an mTLS domain, nor for Apigee (refused by record)', () => {
    const spec = mtlsSpec();
    expect(generateVectors(spec, 'prod', 'apigee').some((v) => v.name.startsWith('mTLS:'))).toBe(false);
    const plain = toGatewaySpec({ ...JSON.parse(JSON.stringify({ name: 'shop', backends: { api: { type: 'http', url: 'http://localhost:1' } }, routes: [{ method: 'GET', path: '/a', backend: 'api', auth: 'none' }] })) });
    expect(generateVectors(plain, 'prod', 'aws').some((v) => v.name.startsWith('mTLS:'))).toBe(false);
  });
});
