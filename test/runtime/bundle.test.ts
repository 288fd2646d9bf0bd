import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { bundleHandler, handlerCode, omittedFeatures } from '../../lib/runtime/bundle';
import type { AuthorizerConfig } from '../../lib/runtime/config';
import { scratch } from '../validators';
import { JwksServer, makeKey, signJwt } from './jwt-kit';

/** The runtime settings every configuration below shares. */
const RUNTIME = { contextClaims: [], jwksCacheSeconds: 60, jwksRefetchCooldownSeconds: 30, jwksStaleIfErrorSeconds: 3600, tokenCacheSize: 0, fetchTimeoutMs: 60_000, maxJwksBytes: 150000 };

describe('bundled handlers', () => {
  it('are deterministic: the same configuration gives the same bytes and hash', () => {
    const a = bundleHandler('authorizer', { version: 1, x: 1 }, scratch('bundle'));
    const b = bundleHandler('authorizer', { version: 1, x: 1 }, scratch('bundle'));
    expect(a.hash).toBe(b.hash);
    expect(readFileSync(path.join(a.dir, 'index.js'), 'utf8')).toBe(readFileSync(path.join(b.dir, 'index.js'), 'utf8'));
    expect(bundleHandler('authorizer', { version: 1, x: 2 }, scratch('bundle')).hash).not.toBe(a.hash);
  });

  it('hold no absolute paths', () => {
    for (const kind of ['authorizer', 'transform'] as const) expect(handlerCode(kind)).not.toContain(path.resolve(__dirname, '..', '..'));
  });

  it('never use global fetch (it loads undici on the cold path)', () => {
    for (const kind of ['authorizer', 'transform'] as const) expect(handlerCode(kind)).not.toMatch(/(^|[^.\w])fetch\(/);
  });

  it('the authorizer stays within 10 KB minified (8 KB before alternatives and the internal key)', () => {
    expect(Buffer.byteLength(handlerCode('authorizer'))).toBeLessThanOrEqual(10 * 1024);
  });

  it('a JWT-only authorizer bundles neither the alternatives planner, the internal-key loader nor the key-scheme reader, and stays within 8 KB', () => {
    const jwtOnly = { version: 1, jwt: {}, apiKeys: {}, schemes: {}, routeGroups: [{ scheme: 's', jwt: ['j'], apiKeys: [], scopes: [], routes: ['GET /a'] }], contextClaims: [] };
    const omit = omittedFeatures('authorizer', jwtOnly);
    expect(omit).toEqual(['ANYGATE_OMIT_ALTERNATIVES', 'ANYGATE_OMIT_DEV_LENIENCY', 'ANYGATE_OMIT_INTERNAL_KEY', 'ANYGATE_OMIT_KEY_SCHEME']);
    const code = handlerCode('authorizer', omit);
    expect(Buffer.byteLength(code)).toBeLessThanOrEqual(8 * 1024);
    expect(code).not.toContain('client-secrets-manager');
    expect(code).not.toContain('ANYGATE_OMIT');
    // The planner (alternatives, optional authentication, shared-header schemes) is tree-shaken out, not only skipped.
    expect(code).not.toContain('none-presented');
    expect(Buffer.byteLength(code)).toBeLessThan(Buffer.byteLength(handlerCode('authorizer')));
    expect(omittedFeatures('authorizer', { ...jwtOnly, apiKeys: { k: { in: 'header', name: 'authorization', scheme: 'bot' } }, routeGroups: [{ ...jwtOnly.routeGroups[0], alternatives: [['j']] }], internalKey: true })).toEqual(['ANYGATE_OMIT_DEV_LENIENCY']);
    // Only dev sets the relaxed JWT checks (dev/probes.ts, running the source): a bundle leaves them out even when asked.
    expect(omittedFeatures('authorizer', { ...jwtOnly, jwt: { j: { expOptional: true } }, apiKeys: { k: { in: 'header', name: 'authorization', scheme: 'bot' } }, routeGroups: [{ ...jwtOnly.routeGroups[0], alternatives: [['j']] }], internalKey: true })).toEqual(['ANYGATE_OMIT_DEV_LENIENCY']);
    expect(bundleHandler('authorizer', jwtOnly, scratch('bundle-jwt-only')).codeBytes).toBe(Buffer.byteLength(code));
  });

  it('never carries the dev profiles\' relaxed JWT checks: a configuration asking for them is refused, naming the authorizer', async () => {
    const jwtOnly = { version: 1, jwt: {}, apiKeys: {}, schemes: {}, routeGroups: [{ scheme: 's', jwt: ['j'], apiKeys: [], scopes: [], routes: ['GET /a'] }], contextClaims: [] };
    expect(() => bundleHandler('authorizer', { ...jwtOnly, jwt: { j: { expOptional: true } } }, scratch('bundle-lenient'))).toThrow(/JWT authorizer j asks for the dev profiles' relaxed checks/);
    expect(() => bundleHandler('authorizer', { ...jwtOnly, jwt: { b: { scopeFallbackClaim: 'scp' }, a: { expOptional: true } } }, scratch('bundle-lenient'))).toThrow(/JWT authorizer a, b asks/);
    // Even code built without omitting anything keeps the strict checks: a token without exp is refused.
    const server = new JwksServer();
    const base = await server.start();
    const key = makeKey('RS256');
    server.keys = [key.jwk];
    try {
      const cfg = { ...RUNTIME, version: 1, apiKeys: {}, schemes: { s: { exact: true, resultTtlSeconds: 0 } }, routeGroups: [{ scheme: 's', jwt: ['j'], apiKeys: [], scopes: [], routes: ['GET /a'] }], jwt: { j: { issuer: base, audiences: ['g'], jwksUri: `${base}/jwks`, algorithms: ['RS256'], requiredClaims: {}, scopeClaim: 'scope', header: 'authorization', clockSkewSeconds: 0, maxTokenBytes: 8192, expOptional: true } } };
      const dir = scratch('bundle-lenient-code');
      writeFileSync(path.join(dir, 'index.js'), handlerCode('authorizer'));
      writeFileSync(path.join(dir, 'config.json'), JSON.stringify(cfg));
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { handler } = require(path.join(dir, 'index.js'));
      const call = (claims: Record<string, unknown>) => handler({ methodArn: 'arn:aws:execute-api:us-east-1:1:a/prod/GET/a', resource: '/a', httpMethod: 'GET', headers: { authorization: `Bearer ${signJwt(key, { iss: base, aud: 'g', ...claims })}` } });
      expect((await call({ exp: Math.floor(Date.now() / 1000) + 60 })).policyDocument.Statement[0].Effect).toBe('Allow');
      await expect(call({})).rejects.toThrow(/^Unauthorized$/);
    } finally {
      await server.stop();
    }
  });

  it('a bundle without a feature refuses a configuration that needs it (fails closed: Unauthorized)', async () => {
    const withAlternatives = { version: 1, jwt: {}, apiKeys: {}, schemes: {}, routeGroups: [{ scheme: 's', jwt: ['j'], apiKeys: [], scopes: [], alternatives: [['j']], routes: ['GET /a'] }], contextClaims: [] };
    const dir = scratch('bundle-mismatch');
    writeFileSync(path.join(dir, 'index.js'), handlerCode('authorizer', ['ANYGATE_OMIT_ALTERNATIVES', 'ANYGATE_OMIT_INTERNAL_KEY']));
    writeFileSync(path.join(dir, 'config.json'), JSON.stringify(withAlternatives));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { handler } = require(path.join(dir, 'index.js'));
    await expect(handler({ methodArn: 'arn:aws:execute-api:us-east-1:1:a/prod/GET/a', resource: '/a', httpMethod: 'GET', headers: {} })).rejects.toThrow(/^Unauthorized$/);
  });

  it('the internal key comes from Secrets Manager through the SDK of the Lambda runtime (not bundled), by the ARN in its environment', () => {
    const code = handlerCode('authorizer');
    expect(code).toContain('require("@aws-sdk/client-secrets-manager")');
    expect(code).toContain('"ANYGATE_INTERNAL_KEY_SECRET"');
    expect(code).not.toContain('SecretsManagerServiceException');
  });

  it('fails closed when the internal key cannot be read (here: no AWS SDK beside the bundle)', async () => {
    const cfg: AuthorizerConfig = {
      version: 1,
      jwt: {},
      apiKeys: { h: { in: 'header', name: 'x-api-key' }, q: { in: 'query', name: 'api_key' } },
      schemes: { anygate_alternatives: { exact: true, resultTtlSeconds: 0 } },
      routeGroups: [{ scheme: 'anygate_alternatives', jwt: [], apiKeys: ['h', 'q'], scopes: [], alternatives: [['h'], ['q']], routes: ['GET /x'] }],
      ...RUNTIME,
      internalKey: true,
    };
    const event = { methodArn: 'arn:aws:execute-api:r:1:api/prod/GET/x', resource: '/x', httpMethod: 'GET', headers: { 'x-api-key': 'k-0123456789abcdefghij' } };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const withKey = require(path.join(bundleHandler('authorizer', cfg, scratch('bundle')).dir, 'index.js'));
    await expect(withKey.handler(event)).rejects.toThrow('Unauthorized');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const without = require(path.join(bundleHandler('authorizer', { ...cfg, internalKey: undefined }, scratch('bundle')).dir, 'index.js'));
    expect((await without.handler(event)).usageIdentifierKey).toBe('k-0123456789abcdefghij');
  });

  it('can be invoked locally: require(dir).handler(event) reads config.json beside it', async () => {
    const server = new JwksServer();
    const base = await server.start();
    const key = makeKey('RS256');
    server.keys = [key.jwk];
    const cfg: AuthorizerConfig = {
      version: 1,
      jwt: { jwt: { issuer: base, audiences: ['a'], jwksUri: `${base}/jwks`, algorithms: ['RS256'], requiredClaims: {}, scopeClaim: 'scope', header: 'authorization', clockSkewSeconds: 60, maxTokenBytes: 8192 } },
      apiKeys: {},
      schemes: { s: { exact: true, resultTtlSeconds: 60 } },
      routeGroups: [{ scheme: 's', jwt: ['jwt'], apiKeys: [], scopes: [], routes: ['GET /x'] }],
      ...RUNTIME,
    };
    const b = bundleHandler('authorizer', cfg, scratch('bundle'));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { handler } = require(path.join(b.dir, 'index.js'));
    const token = signJwt(key, { iss: base, aud: 'a', sub: 's', exp: Math.floor(Date.now() / 1000) + 60 });
    const res = await handler({ methodArn: 'arn:aws:execute-api:r:1:api/prod/GET/x', resource: '/x', httpMethod: 'GET', headers: { authorization: `Bearer ${token}` } });
    expect(res.policyDocument.Statement[0]).toEqual({ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: ['arn:aws:execute-api:r:1:api/prod/GET/x'] });
    await expect(handler({ methodArn: 'arn:aws:execute-api:r:1:api/prod/GET/x', resource: '/x', httpMethod: 'GET', headers: {} })).rejects.toThrow('Unauthorized');
    // In a fresh process: the first call (JWKS fetch included) loads no undici.
    const script = `require(process.argv[1]).handler(${JSON.stringify({ methodArn: 'arn:aws:execute-api:r:1:api/prod/GET/x', resource: '/x', httpMethod: 'GET', headers: { authorization: `Bearer ${token}` } })}).then((r) => console.log(JSON.stringify({ effect: r.policyDocument.Statement[0].Effect, undici: process.moduleLoadList.some((m) => m.includes('undici')) })))`;
    const out = await new Promise<string>((resolve, reject) => execFile(process.execPath, ['-e', script, path.join(b.dir, 'index.js')], (e, stdout) => (e ? reject(e) : resolve(stdout))));
    expect(JSON.parse(out)).toEqual({ effect: 'Allow', undici: false });
    await server.stop();
  });
});
