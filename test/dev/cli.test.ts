/**
 * The CLI commands in-process: `anygate dev --port 0` prints its URL on the first line and serves
 * until stopped; `anygate token` prints a token the dev gateway accepts; `anygate conform` prints
 * the table and exits 1 on a failure; a spec the profile's target refuses makes `dev` refuse.
 */
import { capturedIo } from '../io-capture';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main } from '../../bin/cli';
import { cmdDev } from '../../bin/commands/dev';
import { echoBackend, get, isolateDevHome, type EchoBackend } from './helpers';

isolateDevHome();
const ROOT = path.join(__dirname, '..', '..');
const PETSTORE = path.join(ROOT, 'examples/petstore/gateway.yaml');
let backend: EchoBackend;
beforeAll(async () => {
  backend = await echoBackend();
});
afterAll(() => backend.close());

const capture = capturedIo;

describe('anygate dev, token and conform', () => {
  it('serve the petstore: token from the CLI, curl-like calls, conform passes', async () => {
    const dev = capture();
    const stop = new AbortController();
    const running = cmdDev(PETSTORE, { port: '0', mockIdp: true, clock: 'virtual', trustForwarded: true, backend: [`pets=${backend.url}`], function: [`orders-fn=${path.join(__dirname, 'fixtures/orders-any-cloud.js')}`] }, dev.io, stop.signal);
    try {
      await dev.until(() => dev.out.length > 0, 'the listening line', running);
      const first = dev.out.join('').split('\n')[0];
      expect(first).toMatch(/^anygate dev listening on http:\/\/127\.0\.0\.1:\d+$/);
      const url = first.slice('anygate dev listening on '.length);
      expect(dev.out.join('')).toMatch(/api key acme \(plan gold\): dev_/);
      // The banner's token command names the spec, so it works from any directory.
      expect(dev.out.join('')).toContain(`tokens: anygate token ${PETSTORE} --authorizer NAME --scope S`);

      const tok = capture();
      expect(await main(['node', 'anygate', 'token', PETSTORE, '--authorizer', 'jwt', '--scope', 'pets:read', '--expires-in', '10m', '--claim', 'team=pets', '--sub', 'alice'], tok.io)).toBe(0);
      const token = tok.out.join('').trim();
      expect(JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString())).toMatchObject({ sub: 'alice', scope: 'pets:read', team: 'pets', tenant: 'petstore', iss: 'https://login.example.com/' });
      expect((await get(`${url}/v1/pets`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
      expect((await get(`${url}/v1/pets`)).status).toBe(401);
      // The access log names method, path, route, status and caller.
      expect(dev.out.join('')).toMatch(/GET \/v1\/pets listPets 200 [\d.]+ms alice/);

      const conform = capture();
      expect(await main(['node', 'anygate', 'conform', PETSTORE, '--url', url], conform.io)).toBe(0);
      expect(conform.out.join('')).toMatch(/\d+ passed, 0 failed/);

      const vectors = path.join(mkdtempSync(path.join(tmpdir(), 'anygate-vectors-')), 'v.yaml');
      writeFileSync(vectors, 'vectors:\n  - name: mock is down\n    request: { method: GET, path: /v1/status }\n    expect: { status: 503 }\n');
      const failing = capture();
      expect(await main(['node', 'anygate', 'conform', PETSTORE, vectors, '--url', url, '--profile', 'aws'], failing.io)).toBe(1);
      expect(failing.out.join('')).toMatch(/mock is down\s+200\s+FAIL[\s\S]*status 200, expected 503/);
    } finally {
      stop.abort();
      expect(await running).toBe(0);
    }
  });

  it('dev refuses at start what the target would refuse, naming route, feature and target', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'anygate-spec-')), 'g.yaml');
    writeFileSync(file, `name: w\nbackends:\n  api: { type: http, targets: [{ url: "https://a.example.com", weight: 1 }, { url: "https://b.example.com", weight: 1 }] }\nroutes:\n  - { id: canary, method: GET, path: /x, backend: api, auth: none }\n`);
    const c = capture();
    expect(await main(['node', 'anygate', 'dev', file, '--port', '0', '--profile', 'aws'], c.io)).toBe(1);
    expect(c.err.join('')).toMatch(/route canary: backend\.weighted on aws: REST APIs have no weighted integrations/);
  });

  it('usage errors exit 2 with a clear message', async () => {
    const c = capture();
    expect(await main(['node', 'anygate', 'dev', PETSTORE, '--profile', 'gcp'], c.io)).toBe(2);
    expect(c.err.join('')).toMatch(/unknown profile "gcp"; profiles: aws, azure, apigee/);
    const t = capture();
    expect(await main(['node', 'anygate', 'token', PETSTORE, '--authorizer', 'partner-key'], t.io)).toBe(2);
    expect(t.err.join('')).toMatch(/not a JWT authorizer of gateway petstore; JWT authorizers: jwt/);
  });
});
