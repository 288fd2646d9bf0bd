/**
 * `anygate conform` says what to change when cases fail for a reason of the gateway's setup: a
 * wall clock under tight rate limits (--clock virtual), X-Forwarded-For not trusted
 * (--trust-forwarded), tokens from an IdP the gateway does not trust (--mock-idp).
 */
import { capturedIo } from '../io-capture';
import * as path from 'node:path';
import { main } from '../../bin/cli';
import { conformHints } from '../../bin/commands/conform-hints';
import { cmdDev } from '../../bin/commands/dev';
import { echoBackend, isolateDevHome, type EchoBackend } from '../dev/helpers';

isolateDevHome();
const PETSTORE = path.join(__dirname, '..', '..', 'examples/petstore/gateway.yaml');

const fail = (name: string, status: number) => ({ name, status, pass: false, problems: [`status ${status}`] });
const pass = (name: string) => ({ name, status: 200, pass: true, problems: [] });

describe('conform hints', () => {
  it('a rate-limit case failing, or a 429 before its turn, hints --clock virtual', () => {
    expect(conformHints([pass('listPets: valid credentials')])).toEqual([]);
    expect(conformHints([fail('createPet: over the rate limit (21 requests)', 201)])[0]).toMatch(/start it with --clock virtual/);
    expect(conformHints([fail('listPets: valid credentials', 429)])[0]).toMatch(/--clock virtual/);
  });

  it('a failed denied-IP case hints --trust-forwarded; a refused valid token hints --mock-idp', () => {
    expect(conformHints([fail('denied IP 198.51.100.7', 200)])).toEqual([expect.stringMatching(/--trust-forwarded/)]);
    expect(conformHints([fail('listPets: valid credentials', 401)])).toEqual([expect.stringMatching(/--mock-idp/)]);
    expect(conformHints([fail('listPets: no credentials', 200)])).toEqual([]);
  });

  it('403s under ipRules name the rules and where the address came from, and no rate-limit hint', () => {
    const failed = [fail('createPet: over the rate limit (21 requests)', 403), fail('listPets: valid credentials', 403)];
    const ipRules = 'allow 203.0.113.0/24';
    expect(conformHints(failed)[0]).toMatch(/--clock virtual/);
    const dev = conformHints(failed, { ipRules, clientIp: '203.0.113.1', gateway: { dev: true, trustForwarded: false } });
    expect(dev).toEqual([expect.stringMatching(/^hint: 2 cases were refused 403 and the spec has ipRules \(allow 203\.0\.113\.0\/24\): anygate dev .*Restart it with --trust-forwarded; conform claims 203\.0\.113\.1/)]);
    const deployed = conformHints(failed, { ipRules, gateway: { dev: false, trustForwarded: false } });
    expect(deployed).toEqual([expect.stringMatching(/a deployed gateway checks the address it sees this machine connect from\. Run conform from an address the rules allow, or, if the gateway reads X-Forwarded-For, pass --client-ip/)]);
    // anygate dev took the claimed (allowed) address: the 403s are not the rules'.
    expect(conformHints(failed, { ipRules, clientIp: '203.0.113.1', gateway: { dev: true, trustForwarded: true } })[0]).toMatch(/--clock virtual/);
  });

  it('end to end: dev without --trust-forwarded fails the denied-IP case only, and conform says which flag to add', async () => {
    const backend: EchoBackend = await echoBackend();
    const { out, io, until } = capturedIo();
    const stop = new AbortController();
    const running = cmdDev(PETSTORE, { port: '0', mockIdp: true, clock: 'virtual', quiet: true, backend: [`pets=${backend.url}`], function: [`orders-fn=${path.join(__dirname, '../dev/fixtures/orders-any-cloud.js')}`] }, io, stop.signal);
    try {
      await until(() => out.length > 0, 'the listening line', running);
      const url = out.join('').split('\n')[0]!.slice('anygate dev listening on '.length);
      let text = '';
      expect(await main(['node', 'anygate', 'conform', PETSTORE, '--url', url], { out: (s) => void (text += s), err: () => undefined })).toBe(1);
      expect(text).toMatch(/\d+ passed, 1 failed/);
      expect(text).toMatch(/^denied IP .*FAIL$/m);
      expect(text).toMatch(/^hint: .*start anygate dev with --trust-forwarded/m);
    } finally {
      stop.abort();
      await running;
      await backend.close();
    }
  });
});

describe('a backend the gateway could not reach', () => {
  it('names the 502/504 cases, passed or failed, and says how to reach the backend', () => {
    const hints = conformHints([{ name: 'getOrder: valid credentials', pass: true, status: 502, problems: [] }, { name: 'listPets: cache fill', pass: false, status: 502, problems: ['status 502, expected 200'] }]);
    expect(hints).toEqual([expect.stringMatching(/^hint: 2 cases were answered 502 or 504: the gateway could not reach a backend, so those cases could not be checked\. Start the backends, or point anygate dev at them with --backend NAME=URL\.$/)]);
    expect(conformHints([{ name: 'status', pass: true, status: 200, problems: [] }])).toEqual([]);
  });
});
