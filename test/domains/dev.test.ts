/**
 * anygate dev over HTTPS with a domain's mutual TLS: certificates made by openssl in a temp dir
 * (one process per file, once), an echo backend that shows what the gateway forwarded.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { toGatewaySpec } from '../../lib/model/normalize';
import { startDev, type DevServer } from '../../dev/server';
import type { Profile } from '../../dev/profiles';
import { makeCertificates } from './certs';

const { file } = makeCertificates('domains-dev');
const clientCert = new X509Certificate(file('client.pem'));

let backend: Server;
let backendUrl: string;
beforeAll(async () => {
  backend = createServer((req, res) => res.end(JSON.stringify({ path: req.url, headers: req.headers })));
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', () => r()));
  backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => backend.close(() => r())));

function spec(headers = true): Record<string, any> {
  const s: Record<string, any> = {
    name: 'shop',
    backends: { api: { type: 'http', url: 'http://localhost:1' } },
    routes: [{ id: 'getItem', method: 'GET', path: '/items/{id}', backend: 'api', auth: 'none' }],
    kubernetes: { createGateway: {} },
    domains: [
      {
        name: 'api.example.com',
        certificate: { aws: 'arn:aws:acm:eu-west-1:123456789012:certificate/1111', azure: 'https://shop-vault.vault.azure.net/secrets/c', kubernetes: 'api-tls' },
        mtls: { truststore: { aws: 's3://trust/ca.pem', azure: ['AB'.repeat(20)], kubernetes: { name: 'ca' } }, clientCertificate: { headers: { subject: 'X-Client-Subject', fingerprint: 'X-Client-Fingerprint' } } },
      },
    ],
  };
  // AWS refuses certificate headers by record, and so does its dev profile.
  if (!headers) delete s.domains[0].mtls.clientCertificate;
  return s;
}

async function withDev(profile: Profile, f: (dev: DevServer, log: string[]) => Promise<void>): Promise<void> {
  const log: string[] = [];
  const dev = await startDev({ spec: toGatewaySpec(spec(profile !== 'aws')), profile, port: 0, publishAdminToken: false, backends: { api: backendUrl }, tls: { cert: file('server.pem'), key: file('server.key'), clientCa: file('ca.pem') }, log: (l: string) => void log.push(l) });
  try {
    await f(dev, log);
  } finally {
    await dev.close();
  }
}

/** GET over HTTPS as api.example.com; `error` when the connection is closed without an answer. */
function get(dev: DevServer, p: string, withCert: boolean): Promise<{ status: number; body: any } | 'error'> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port: dev.port, path: p, servername: 'api.example.com', headers: { host: 'api.example.com', 'x-client-subject': 'forged' }, ca: file('ca.pem'), ...(withCert ? { cert: file('client.pem'), key: file('client.key') } : {}) }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: text.startsWith('{') ? JSON.parse(text) : text }));
    });
    req.on('error', () => resolve('error'));
    req.end();
  });
}

describe('anygate dev: HTTPS and a domain\'s mutual TLS', () => {
  it('aws: a good certificate passes; none is refused at the connection (as the TLS handshake would)', () =>
    withDev('aws', async (dev) => {
      expect(dev.url).toMatch(/^https:/);
      const ok = await get(dev, '/items/1', true);
      expect(ok).toMatchObject({ status: 200, body: { path: '/items/1' } });
      expect(await get(dev, '/items/1', false)).toBe('error');
    }));

  it('azure: no certificate is 401; the subject and the SHA-1 thumbprint replace what the client sent', () =>
    withDev('azure', async (dev, log) => {
      expect(await get(dev, '/items/1', false)).toMatchObject({ status: 401 });
      // The access log records the 401 and says why, as it does every refusal.
      expect(log).toEqual([expect.stringMatching(/^GET \/items\/1 \S+ 401 .*\(no valid client certificate was presented to this mutual TLS domain\)$/)]);
      expect(await get(dev, '/__anygate/requests', false)).toMatchObject({ status: 401 });
      const ok = (await get(dev, '/items/1', true)) as { status: number; body: any };
      expect(ok.status).toBe(200);
      expect(ok.body.headers['x-client-subject']).toBe('CN=acme-client');
      expect(ok.body.headers['x-client-fingerprint']).toBe(createHash('sha1').update(clientCert.raw).digest('hex').toUpperCase());
    }));

  it('kubernetes: x-forwarded-client-cert carries the SHA-256 hash and the subject, and the spec\'s headers are set as the emitted rules set them', () =>
    withDev('kubernetes', async (dev) => {
      const ok = (await get(dev, '/items/1', true)) as { status: number; body: any };
      const sha256 = createHash('sha256').update(clientCert.raw).digest('hex');
      expect(ok.body.headers['x-forwarded-client-cert']).toBe(`Hash=${sha256};Subject="CN=acme-client"`);
      // %DOWNSTREAM_PEER_SUBJECT% (RFC 2253) and %DOWNSTREAM_PEER_FINGERPRINT_256% (lower-case hex).
      expect([ok.body.headers['x-client-subject'], ok.body.headers['x-client-fingerprint']]).toEqual(['CN=acme-client', sha256]);
    }));
});

/** GET over HTTPS naming `host`, with the client certificate. */
function getAs(dev: DevServer, host: string, p: string): Promise<{ status: number; body: any; errorType?: string } | 'error'> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port: dev.port, path: p, servername: host === 'localhost' ? undefined : host, headers: { host }, ca: file('ca.pem'), cert: file('client.pem'), key: file('client.key'), rejectUnauthorized: host !== 'localhost' }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: text.startsWith('{') ? JSON.parse(text) : text, errorType: res.headers['x-amzn-errortype'] as string | undefined }));
    });
    req.on('error', () => resolve('error'));
    req.end();
  });
}

describe('anygate dev --profile aws answers where API Gateway answers before the API', () => {
  const awsSpec = (domain: Record<string, unknown>) => {
    const s = spec(false);
    s.stages = { dev: {}, prod: {} };
    s.domains[0] = { ...s.domains[0], stage: 'prod', ...domain };
    return toGatewaySpec(s);
  };
  const start = (s: ReturnType<typeof awsSpec>, stage: string, profile: Profile = 'aws') => startDev({ spec: s, stage, profile, port: 0, publishAdminToken: false, backends: { api: backendUrl }, tls: { cert: file('server.pem'), key: file('server.key'), clientCa: file('ca.pem') } });

  it('a custom domain serves the API under its base path only: another path is API Gateway\'s 403 Forbidden', async () => {
    const dev = await start(awsSpec({ basePath: 'shop' }), 'prod');
    try {
      expect(await getAs(dev, 'api.example.com', '/shop/items/1')).toMatchObject({ status: 200, body: { path: '/items/1' } });
      expect(await getAs(dev, 'api.example.com', '/items/1')).toEqual({ status: 403, body: { message: 'Forbidden' }, errorType: 'ForbiddenException' });
      expect(await getAs(dev, 'api.example.com', '/shopx/items/1')).toMatchObject({ status: 403, body: { message: 'Forbidden' } });
    } finally {
      await dev.close();
    }
  });

  it('an mTLS domain disables execute-api for every stage: a stage without a domain is unreachable, and dev says so at start', async () => {
    const dev = await start(awsSpec({}), 'dev');
    try {
      expect(dev.warnings).toContainEqual(expect.stringMatching(/^stage dev: unreachable on AWS: domain api\.example\.com \(stage prod\) has mutual TLS, which disables the API's execute-api endpoint for every stage/));
      expect(await getAs(dev, 'localhost', '/items/1')).toEqual({ status: 403, body: { message: 'Forbidden' }, errorType: 'ForbiddenException' });
    } finally {
      await dev.close();
    }
    // The stage with the domain is reached through it (dev's own address stands for the domain: the certificate is checked).
    const prod = await start(awsSpec({}), 'prod');
    try {
      expect(prod.warnings.some((w) => /unreachable/.test(w))).toBe(false);
      expect(await getAs(prod, 'api.example.com', '/items/1')).toMatchObject({ status: 200 });
      expect(await getAs(prod, 'localhost', '/items/1')).toMatchObject({ status: 200 });
    } finally {
      await prod.close();
    }
    // Other profiles: the stage is served (APIM and Envoy have no execute-api endpoint to disable).
    const k = await start(awsSpec({}), 'dev', 'kubernetes');
    try {
      expect(await getAs(k, 'localhost', '/items/1')).toMatchObject({ status: 200 });
    } finally {
      await k.close();
    }
  });
});

describe('the client certificate subject each target gives the backend', () => {
  /** GET /items/1 as api.example.com with client2 (C=US, O=Acme\\, Inc., CN=client1 in the certificate). */
  async function subjectSeen(profile: Profile): Promise<Record<string, string>> {
    const dev = await startDev({ spec: toGatewaySpec(spec(true)), profile, port: 0, publishAdminToken: false, backends: { api: backendUrl }, tls: { cert: file('server.pem'), key: file('server.key'), clientCa: file('ca.pem') } });
    try {
      const body = await new Promise<any>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: dev.port, path: '/items/1', servername: 'api.example.com', headers: { host: 'api.example.com' }, ca: file('ca.pem'), cert: file('client2.pem'), key: file('client2.key') }, (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve(JSON.parse(text)));
        });
        req.on('error', reject);
        req.end();
      });
      return body.headers;
    } finally {
      await dev.close();
    }
  }

  it('azure: .NET\'s X500DistinguishedName (most specific first, ", " between, a value with a comma quoted)', async () => {
    expect((await subjectSeen('azure'))['x-client-subject']).toBe('CN=client1, O="Acme, Inc.", C=US');
  });

  it('kubernetes: Envoy\'s RFC 2253 in x-forwarded-client-cert (most specific first, "," between, the comma escaped)', async () => {
    expect((await subjectSeen('kubernetes'))['x-forwarded-client-cert']).toMatch(/;Subject="CN=client1,O=Acme\\, Inc\.,C=US"$/);
  });
});
