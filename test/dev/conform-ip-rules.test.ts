/**
 * `anygate conform` on a spec with `ipRules.allow`: it claims an address the rules allow
 * (X-Forwarded-For, read by anygate dev --trust-forwarded), checks that an address outside the
 * list is refused, names ipRules (not rate limits) when cases fail with 403, and at a gateway that
 * is not anygate dev skips the cases it cannot check and says which depend on the caller's address.
 * anygate dev warns at start when 127.0.0.1 is outside the rules.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { cmdConform } from '../../bin/commands/conform';
import { loadSpec } from '../../lib/load';
import { addressOutsideAllow, allowedAddress, ipAllowed } from '../../dev/ip-rules';
import { loopbackRefused, startDev, type DevServer } from '../../dev/server';
import type { GatewaySpec } from '../../lib/model/types';
import { echoBackend, isolateDevHome, type EchoBackend } from './helpers';

isolateDevHome();

const SPEC = `name: shop
version: 1.0.0
basePath: /api
backends:
  catalog: { type: http, url: https://catalog.example.com }
authorizers:
  key: { type: apiKey, in: header, name: x-api-key }
plans:
  basic: { rateLimit: { requestsPerSecond: 5, burst: 10 } }
consumers:
  acme: { plan: basic }
stages:
  dev: {}
cors:
  allowOrigins: [https://shop.example.com]
ipRules:
  allow: [203.0.113.0/24, 10.0.0.0/8]
routes:
  - { id: listProducts, method: GET, path: /products, backend: catalog, auth: none }
  - { id: getProduct, method: GET, path: "/products/{productId}", backend: catalog, auth: [key] }
`;

let file: string;
let spec: GatewaySpec;
let backend: EchoBackend;
beforeAll(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'anygate-conform-ip-'));
  file = path.join(dir, 'gateway.yaml');
  writeFileSync(file, SPEC);
  spec = (await loadSpec(file)).spec;
  backend = await echoBackend();
});
afterAll(() => backend.close());

const dev = (trustForwarded: boolean) => startDev({ spec, stage: 'dev', port: 0, clock: 'virtual', trustForwarded, backends: { catalog: backend.url } });

async function conform(url: string, flags: { clientIp?: string; json?: boolean } = {}): Promise<{ code: number; text: string }> {
  let text = '';
  const code = await cmdConform(file, undefined, { url, ...flags }, { out: (s) => void (text += s) });
  return { code, text };
}

async function withDev<T>(trustForwarded: boolean, f: (d: DevServer) => Promise<T>): Promise<T> {
  const d = await dev(trustForwarded);
  try {
    return await f(d);
  } finally {
    await d.close();
  }
}

describe('addresses conform claims', () => {
  it('inside the allow list and outside every deny range; outside the allow list', () => {
    const rules = spec.ipRules!;
    expect(allowedAddress(rules)).toBe('10.0.0.1');
    expect(addressOutsideAllow(rules)).toBe('192.0.2.1');
    expect(allowedAddress({ allow: ['203.0.113.0/24'], deny: ['203.0.113.0/28'] })).toBeUndefined();
    expect(allowedAddress({ allow: ['2001:db8::/32', '198.51.100.7/32'], deny: [] })).toBe('198.51.100.7');
    expect(allowedAddress({ allow: ['2001:db8::/32'], deny: [] })).toBe('2001:db8::1');
    expect(addressOutsideAllow({ allow: ['0.0.0.0/0'], deny: [] })).toBe('2001:db8::1');
    expect(allowedAddress({ allow: [], deny: ['198.51.100.0/24'] })).toBeUndefined();
    for (const r of [rules, { allow: ['10.1.2.0/23', '::ffff:192.0.2.0/120'], deny: ['10.1.2.1/32'] }]) expect(ipAllowed(r, allowedAddress(r)!)).toBe(true);
  });
});

describe('anygate conform against anygate dev, ipRules.allow leaving 127.0.0.1 out', () => {
  it('with --trust-forwarded: every case passes, the address outside the list among them', async () => {
    const { code, text } = await withDev(true, (d) => conform(d.url));
    if (code !== 0) throw new Error(text);
    expect(text).toMatch(/^IP outside ipRules\.allow 192\.0\.2\.1 +403 +pass$/m);
    expect(text).toMatch(/^getProduct: valid credentials +200 +pass$/m);
    expect(text).toMatch(/^\d+ passed, 0 failed$/m);
    expect(text).not.toMatch(/hint:/);
  });

  it('--client-ip chooses the claimed address; one the rules refuse is a usage error', async () => {
    const { code, text } = await withDev(true, (d) => conform(d.url, { clientIp: '10.9.8.7' }));
    if (code !== 0) throw new Error(text);
    await expect(conform('http://127.0.0.1:1', { clientIp: '192.0.2.9' })).rejects.toThrow(/--client-ip 192\.0\.2\.9: the spec's ipRules refuse it \(allow 10\.0\.0\.0\/8, 203\.0\.113\.0\/24\); name an address they allow, e\.g\. 10\.0\.0\.1/);
    await expect(conform('http://127.0.0.1:1', { clientIp: 'me' })).rejects.toThrow(/--client-ip "me": write an IPv4 or IPv6 address/);
  });

  it('without --trust-forwarded: the 403s are blamed on ipRules and the flag is named, not the clock', async () => {
    const { code, text } = await withDev(false, (d) => conform(d.url));
    expect(code).toBe(1);
    expect(text).toMatch(/^hint: \d+ cases were refused 403 and the spec has ipRules \(allow 10\.0\.0\.0\/8, 203\.0\.113\.0\/24\): anygate dev checks the address its clients connect from \(127\.0\.0\.1\) unless started with --trust-forwarded\. Restart it with --trust-forwarded; conform claims 10\.0\.0\.1 in X-Forwarded-For/m);
    expect(text).not.toMatch(/--clock virtual/);
  });

  it("dev's start warns that its clients' address is outside the rules, and what to do", async () => {
    expect(loopbackRefused(spec, false)).toBe('ipRules: clients of anygate dev connect from 127.0.0.1, and ipRules.allow (10.0.0.0/8, 203.0.113.0/24) leaves it out: every request is refused 403. Restart with --trust-forwarded and send an allowed address in X-Forwarded-For (e.g. X-Forwarded-For: 10.0.0.1; anygate conform claims one)');
    expect(loopbackRefused(spec, true)).toMatch(/^ipRules: .*a request is let in only when X-Forwarded-For names an address the rules allow/);
    expect(loopbackRefused({ ...spec, ipRules: { allow: [], deny: ['127.0.0.0/8'] } }, false)).toMatch(/ipRules\.deny \(127\.0\.0\.0\/8\) covers it: every request is refused 403/);
    expect(loopbackRefused({ ...spec, ipRules: { allow: ['127.0.0.1/32'], deny: [] } }, false)).toBeUndefined();
    await withDev(false, async (d) => expect(d.warnings).toContain(loopbackRefused(spec, false)));
  });
});

describe('anygate conform against a gateway that is not anygate dev', () => {
  let server: Server;
  let url: string;
  const forwarded: (string | undefined)[] = [];
  beforeAll(async () => {
    // Answers every request 200 and has no /__anygate endpoints: a deployed gateway as conform sees it.
    server = createServer((req, res) => {
      forwarded.push(req.headers['x-forwarded-for'] as string | undefined);
      res.writeHead(req.url?.startsWith('/__anygate/') ? 404 : 200, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('skips the cases claiming another address, claims none, and says every case sent depends on the caller being allowed', async () => {
    forwarded.length = 0;
    const { text } = await conform(url);
    expect(text).toMatch(/^IP outside ipRules\.allow 192\.0\.2\.1 +- +skip$/m);
    expect(text).toMatch(/this gateway is not anygate dev and checks the address it sees you connect from/);
    expect(text).toMatch(/, 1 skipped$/m);
    expect(text).toMatch(/^note: http:\/\/127\.0\.0\.1:\d+\/ is not anygate dev: it checks the spec's ipRules \(allow 10\.0\.0\.0\/8, 203\.0\.113\.0\/24\) against the address it sees this machine connect from, which conform cannot choose\. So every case sent depends on that address being in ipRules\.allow/m);
    expect(forwarded.filter((f) => f !== undefined)).toEqual([]);
  });

  it('with --client-ip, the gateway is taken to read X-Forwarded-For: the claims are sent', async () => {
    forwarded.length = 0;
    const { text } = await conform(url, { clientIp: '203.0.113.9' });
    expect(text).not.toMatch(/skip|^note:/m);
    expect(forwarded).toContain('203.0.113.9');
    expect(forwarded).toContain('192.0.2.1');
  });
});
