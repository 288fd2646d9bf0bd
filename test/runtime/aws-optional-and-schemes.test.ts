/**
 * The generated AWS authorizer with the configuration the AWS compiler emits for optional
 * authentication (`auth: { anyOf, optional: true }`), an API key after a scheme prefix
 * (`Authorization: Bot <key>`), and alternatives that share that header (`Bot <key>` or
 * `Bearer <jwt>`). Clock, JWKS transport and the internal key's secret are injected.
 */
import { toGatewaySpec } from '../../lib/model/normalize';
import { createAuthorizer, type AuthorizerEvent, type AuthorizerResult, type HttpGet } from '../../lib/runtime/authorizer/handler';
import { handlerCode, omittedFeatures } from '../../lib/runtime/bundle';
import type { AuthorizerConfig } from '../../lib/runtime/config';
import { compileAws } from '../../providers/aws/compile';
import { makeKey, signJwt } from './jwt-kit';
import { unpackRoutes } from '../../lib/runtime/route-groups';

const NOW = 1_800_000_000_000;
const ISS = 'https://login.example.com/';
const idp = makeKey('RS256', 'login-1');
const get: HttpGet = async () => Buffer.from(JSON.stringify({ keys: [idp.jwk] }));
const INTERNAL = 'internal-key-value-0123456789abcdefghij';
const KEY = 'acme-key-0123456789abcdefghij';
const token = (claims: Record<string, unknown> = {}) => `Bearer ${signJwt(idp, { iss: ISS, aud: 'items', sub: 'alice', exp: NOW / 1000 + 300, ...claims })}`;

function configFor(routes: unknown[], authorizers: Record<string, unknown>): AuthorizerConfig {
  const spec = toGatewaySpec({
    name: 'g',
    backends: { api: { type: 'http', url: 'https://api.example.com' } },
    authorizers: { jwt: { type: 'jwt', issuer: ISS, audiences: ['items'], jwksUri: 'https://login.example.com/jwks' }, ...authorizers },
    plans: { basic: {} },
    consumers: { acme: { plan: 'basic' } },
    defaults: { backend: 'api' },
    routes,
  } as never);
  return compileAws(spec).authorizer!.config;
}

function harness(cfg: AuthorizerConfig) {
  const auth = createAuthorizer(cfg, () => NOW, get, async () => INTERNAL);
  return (resource: string, headers: Record<string, string> = {}, query: Record<string, string> = {}): Promise<AuthorizerResult> =>
    auth({ methodArn: `arn:aws:execute-api:us-east-1:1:api/prod/GET${resource}`, resource, httpMethod: 'GET', headers, queryStringParameters: query } as AuthorizerEvent);
}

const allowed = (r: AuthorizerResult) => r.policyDocument.Statement.every((s) => s.Effect === 'Allow');

describe('optional authentication on AWS', () => {
  const cfg = () =>
    configFor(
      [
        { id: 'open', method: 'GET', path: '/open', auth: { anyOf: ['jwt'], optional: true }, scopes: ['items:read'] },
        { id: 'either', method: 'GET', path: '/either', auth: { anyOf: ['jwt', 'key'], optional: true } },
      ],
      { key: { type: 'apiKey' } },
    );

  it('is decided by the alternatives definition (API Gateway would skip a REQUEST authorizer whose identity sources are missing)', () => {
    const c = cfg();
    expect(unpackRoutes(c).map((r) => [r.resource, r.scheme, r.optional])).toEqual([
      ['/either', 'anygate_alternatives', true],
      ['/open', 'anygate_alternatives', true],
    ]);
    expect(c.schemes.anygate_alternatives.resultTtlSeconds).toBe(0);
    expect(c.internalKey).toBe(true);
  });

  it('no credential: allowed as anonymous, with no claims; on a route with a key, keyed by the internal key', async () => {
    const call = harness(cfg());
    const open = await call('/open');
    expect([allowed(open), open.principalId, open.context.sub, open.usageIdentifierKey]).toEqual([true, 'anonymous', undefined, undefined]);
    const either = await call('/either');
    expect([allowed(either), either.principalId, either.usageIdentifierKey]).toEqual([true, 'anonymous', INTERNAL]);
  });

  it('a presented credential must be valid: an expired or malformed token, or an empty-prefixed one, is refused', async () => {
    const call = harness(cfg());
    await expect(call('/open', { Authorization: token({ exp: NOW / 1000 - 3600 }) })).rejects.toThrow('Unauthorized');
    await expect(call('/open', { Authorization: 'Basic YWxpY2U6c2VjcmV0' })).rejects.toThrow('Unauthorized');
    await expect(call('/either', { Authorization: token({ aud: 'other' }), 'x-api-key': KEY })).rejects.toThrow('Unauthorized');
  });

  it('a valid token is checked as on a required route: scopes decide (Deny without them)', async () => {
    const call = harness(cfg());
    const ok = await call('/open', { Authorization: token({ scope: 'items:read' }) });
    expect([allowed(ok), ok.principalId]).toEqual([true, 'alice']);
    const noScope = await call('/open', { Authorization: token() });
    expect(allowed(noScope)).toBe(false);
  });

  it('a presented key goes back as usageIdentifierKey (API Gateway validates it: 403 for an unknown key)', async () => {
    const r = await harness(cfg())('/either', { 'x-api-key': KEY });
    expect([allowed(r), r.usageIdentifierKey]).toEqual([true, KEY]);
  });
});

describe('an API key after a scheme prefix on AWS', () => {
  const cfg = () => configFor([{ id: 'a', method: 'GET', path: '/a', auth: ['bot'] }], { bot: { type: 'apiKey', name: 'Authorization', scheme: 'Bot' } });

  it('the configuration carries the scheme, lower-case, and the bundle keeps the code that strips it', () => {
    const c = cfg();
    expect(c.apiKeys.bot).toEqual({ in: 'header', name: 'authorization', scheme: 'bot' });
    expect(omittedFeatures('authorizer', c)).not.toContain('ANYGATE_OMIT_KEY_SCHEME');
  });

  it('the key is what follows the scheme (any case) and one space; without the scheme there is no key', async () => {
    const call = harness(cfg());
    expect((await call('/a', { Authorization: `Bot ${KEY}` })).usageIdentifierKey).toBe(KEY);
    expect((await call('/a', { authorization: `bOT ${KEY}` })).usageIdentifierKey).toBe(KEY);
    await expect(call('/a', { Authorization: KEY })).rejects.toThrow('Unauthorized');
    await expect(call('/a', { Authorization: `Bearer ${KEY}` })).rejects.toThrow('Unauthorized');
    await expect(call('/a', { Authorization: 'Bot ' })).rejects.toThrow('Unauthorized');
  });

  it('a bundle built without the scheme code refuses a configuration that needs it (fails closed)', () => {
    const code = handlerCode('authorizer', ['ANYGATE_OMIT_ALTERNATIVES', 'ANYGATE_OMIT_INTERNAL_KEY', 'ANYGATE_OMIT_KEY_SCHEME']);
    const mod = { exports: {} as { handler?: (e: unknown) => Promise<unknown> } };
    // The bundle reads config.json beside it: here a require shim hands it the configuration.
    new Function('module', 'exports', 'require', '__dirname', code)(mod, mod.exports, (id: string) => (id.endsWith('config.json') ? cfg() : require(id)), '/x');
    return expect(mod.exports.handler!({ methodArn: 'arn:aws:execute-api:r:1:api/prod/GET/a', resource: '/a', httpMethod: 'GET', headers: { Authorization: `Bot ${KEY}` } })).rejects.toThrow(/^Unauthorized$/);
  });
});

describe('alternatives sharing one header, told apart by scheme (Authorization: Bot <key> or Bearer <jwt>)', () => {
  const cfg = (optional = false) =>
    configFor([{ id: 'a', method: 'GET', path: '/a', auth: optional ? { anyOf: ['jwt', 'bot'], optional: true } : ['jwt', 'bot'] }], { bot: { type: 'apiKey', name: 'Authorization', scheme: 'Bot' } });

  it('Bot <key> presents the key alone; Bearer <jwt> the token alone', async () => {
    const call = harness(cfg());
    const bot = await call('/a', { Authorization: `Bot ${KEY}` });
    expect([allowed(bot), bot.usageIdentifierKey, bot.principalId]).toEqual([true, KEY, 'api-key']);
    const bearer = await call('/a', { Authorization: token() });
    expect([allowed(bearer), bearer.principalId, bearer.usageIdentifierKey]).toEqual([true, 'alice', INTERNAL]);
  });

  it('an invalid token under Bearer is refused, never tried as a key; a value with neither scheme presents nothing', async () => {
    const call = harness(cfg());
    await expect(call('/a', { Authorization: token({ iss: 'https://evil.example.com/' }) })).rejects.toThrow('Unauthorized');
    await expect(call('/a', { Authorization: `Basic ${KEY}` })).rejects.toThrow('Unauthorized');
    await expect(call('/a')).rejects.toThrow('Unauthorized');
  });

  it('optional: no header is anonymous, but a header with neither scheme is a credential, and refused', async () => {
    const call = harness(cfg(true));
    expect((await call('/a')).principalId).toBe('anonymous');
    await expect(call('/a', { Authorization: `Basic ${KEY}` })).rejects.toThrow('Unauthorized');
  });
});
