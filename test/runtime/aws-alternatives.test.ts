/**
 * Alternative credentials in the generated AWS authorizer, with the configuration the AWS compiler
 * emits for examples/payments (a token, or a key in the X-Api-Key header, or a key in the api_key
 * query parameter). Clock, JWKS transport and the internal key's secret are injected.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { loadSpecFile } from '../../lib/model/load';
import { toGatewaySpec } from '../../lib/model/normalize';
import { createAuthorizer, type AuthorizerEvent, type AuthorizerResult, type HttpGet } from '../../lib/runtime/authorizer/handler';
import type { AuthorizerConfig } from '../../lib/runtime/config';
import { compileAws } from '../../providers/aws/compile';
import { createDevAuthorizer } from '../../dev/aws-authorizer';
import { virtualClock } from '../../dev/clock';
import { JwksServer, makeKey, signJwt } from './jwt-kit';
import { unpackRoutes } from '../../lib/runtime/route-groups';

const NOW = 1_800_000_000_000;
const now = () => NOW;
const exp = NOW / 1000 + 300;
const ISS = 'https://login.example.com/';
const idp = makeKey('RS256', 'login-1');
const partner = makeKey('ES256', 'partner-1');
const get: HttpGet = async (url) => Buffer.from(JSON.stringify({ keys: [url.includes('partner') ? partner.jwk : idp.jwk] }));
const INTERNAL = 'internal-key-value-0123456789abcdefghij';

const PAYMENTS = path.join(__dirname, '../../examples/payments/gateway.yaml');
const paymentsInput = () => parse(readFileSync(PAYMENTS, 'utf8')) as { routes: unknown[] } & Record<string, unknown>;
const payments = () => compileAws(loadSpecFile(PAYMENTS).spec).authorizer!.config;
const token = (claims: Record<string, unknown> = {}) => `Bearer ${signJwt(idp, { iss: ISS, aud: 'payments', sub: 'alice', exp, ...claims })}`;

/** An authorizer over `cfg` whose internal-key fetch is counted and can be made to fail. */
function harness(cfg: AuthorizerConfig, fail = false) {
  const fetch = { calls: 0, fail };
  const auth = createAuthorizer(cfg, now, get, async () => {
    fetch.calls++;
    if (fetch.fail) throw new Error('AccessDenied');
    return INTERNAL;
  });
  const call = (method: string, resource: string, headers: Record<string, string> = {}, query: Record<string, string> = {}): Promise<AuthorizerResult> =>
    auth({ methodArn: `arn:aws:execute-api:us-east-1:1:api/prod/${method}${resource.replace('{id}', 'p1')}`, resource, httpMethod: method, headers, queryStringParameters: query } as AuthorizerEvent);
  return { call, fetch };
}

const allowed = (r: AuthorizerResult) => r.policyDocument.Statement.every((s) => s.Effect === 'Allow');

describe('the payments configuration', () => {
  it('routes with alternatives carry them, on the one scheme without decision cache; the scoped route stays as it was', () => {
    const cfg = payments();
    const byId = Object.fromEntries(unpackRoutes(cfg).map((r) => [`${r.method} ${r.resource}`, r]));
    expect(byId['GET /payments']).toMatchObject({ scheme: 'anygate_alternatives', jwt: ['oauth'], apiKeys: ['headerKey', 'queryKey'], alternatives: [['oauth'], ['headerKey'], ['queryKey']] });
    expect(byId['POST /payments']).toMatchObject({ alternatives: [['oauth'], ['headerKey']], apiKeys: ['headerKey'] });
    expect(byId['POST /payments/{id}/refund']).toEqual({ method: 'POST', resource: '/payments/{id}/refund', scheme: 'anygate-oauth', jwt: ['oauth'], apiKeys: [], scopes: ['payments:refund'] });
    expect(cfg.schemes.anygate_alternatives).toEqual({ exact: true, resultTtlSeconds: 0 });
    expect(cfg.internalKey).toBe(true);
    // API Gateway's cache is off for a scheme: the function keeps verified tokens.
    expect(cfg.tokenCacheSize).toBe(1000);
  });
});

describe('GET /payments/{id}: a token, or a key in the header, or a key in the query', () => {
  const R = '/payments/{id}';

  it('a valid token alone: allowed, keyed by the internal key (counts against no consumer plan)', async () => {
    const { call } = harness(payments());
    const r = await call('GET', R, { Authorization: token() });
    expect(allowed(r)).toBe(true);
    expect(r.policyDocument.Statement[0].Resource).toEqual(['arn:aws:execute-api:us-east-1:1:api/prod/GET/payments/p1']);
    expect(r.principalId).toBe('alice');
    expect(r.usageIdentifierKey).toBe(INTERNAL);
  });

  it('a header key alone, or a query key alone: allowed, the key is the usageIdentifierKey (API Gateway validates and meters it)', async () => {
    const { call } = harness(payments());
    const h = await call('GET', R, { 'X-Api-Key': 'widget-key-0123456789abcdef' });
    expect([allowed(h), h.usageIdentifierKey, h.principalId]).toEqual([true, 'widget-key-0123456789abcdef', 'api-key']);
    const q = await call('GET', R, {}, { api_key: 'widget-key-0123456789abcdef' });
    expect([allowed(q), q.usageIdentifierKey]).toEqual([true, 'widget-key-0123456789abcdef']);
  });

  it('a valid token and a key: allowed, the caller key counts (not the internal one)', async () => {
    const { call } = harness(payments());
    const r = await call('GET', R, { authorization: token(), 'x-api-key': 'widget-key-0123456789abcdef' });
    expect([allowed(r), r.usageIdentifierKey, r.principalId]).toEqual([true, 'widget-key-0123456789abcdef', 'alice']);
  });

  it('the same key in the header and the query: allowed once', async () => {
    const { call } = harness(payments());
    const r = await call('GET', R, { 'X-Api-Key': 'k-0123456789abcdefghij' }, { api_key: 'k-0123456789abcdefghij' });
    expect(r.usageIdentifierKey).toBe('k-0123456789abcdefghij');
  });

  it.each([
    ['a valid key with an expired token', { 'X-Api-Key': 'widget-key-0123456789abcdef', Authorization: token({ exp: NOW / 1000 - 3600 }) }, {}],
    ['a valid key with a forged token', { 'X-Api-Key': 'widget-key-0123456789abcdef', Authorization: `${token()}x` }, {}],
    ['a valid key with a token of another issuer', { 'X-Api-Key': 'widget-key-0123456789abcdef', Authorization: token({ iss: 'https://evil.example.com/' }) }, {}],
    ['a query key with a non-bearer Authorization', { Authorization: 'Basic YWxpY2U6cGFzcw==' }, { api_key: 'widget-key-0123456789abcdef' }],
    ['an expired token alone', { Authorization: token({ exp: NOW / 1000 - 3600 }) }, {}],
    ['nothing', {}, {}],
    ['empty credentials', { Authorization: '', 'X-Api-Key': '' }, { api_key: '' }],
    ['two different keys (header and query)', { 'X-Api-Key': 'key-one-0123456789abcdef' }, { api_key: 'key-two-0123456789abcdef' }],
    ['the internal key as a caller key (header)', { 'X-Api-Key': INTERNAL }, {}],
    ['the internal key as a caller key (query), beside a valid token', { Authorization: token() }, { api_key: INTERNAL }],
  ])('refused (401 Unauthorized): %s', async (_, headers, query) => {
    const { call } = harness(payments());
    await expect(call('GET', R, headers as Record<string, string>, query as Record<string, string>)).rejects.toThrow('Unauthorized');
  });
});

describe('POST /payments: a token or a header key (no query key)', () => {
  it('a query key is not one of its credentials: nothing presented, 401', async () => {
    const { call } = harness(payments());
    await expect(call('POST', '/payments', {}, { api_key: 'widget-key-0123456789abcdef' })).rejects.toThrow('Unauthorized');
    expect((await call('POST', '/payments', { 'X-Api-Key': 'widget-key-0123456789abcdef' })).usageIdentifierKey).toBe('widget-key-0123456789abcdef');
    expect((await call('POST', '/payments', { Authorization: token() })).usageIdentifierKey).toBe(INTERNAL);
  });
});

describe('POST /payments/{id}/refund: one scoped JWT authorizer, as before', () => {
  it('needs the scope; returns no key (the method requires none)', async () => {
    const { call } = harness(payments());
    const ok = await call('POST', '/payments/{id}/refund', { Authorization: token({ scope: 'payments:refund' }) });
    expect(allowed(ok)).toBe(true);
    expect(ok.usageIdentifierKey).toBeUndefined();
    const no = await call('POST', '/payments/{id}/refund', { Authorization: token({ scope: 'payments:read' }) });
    expect(no.policyDocument.Statement[0].Effect).toBe('Deny');
  });
});

describe('the internal key', () => {
  it('is fetched once at cold start and shared', async () => {
    const { call, fetch } = harness(payments());
    expect(fetch.calls).toBe(1);
    await Promise.all([call('GET', '/payments', { Authorization: token() }), call('GET', '/payments', { 'X-Api-Key': 'widget-key-0123456789abcdef' })]);
    expect(fetch.calls).toBe(1);
  });

  it('a failed fetch fails closed (401 for requests that need it) and is retried by the next one', async () => {
    const h = harness(payments(), true);
    await expect(h.call('GET', '/payments', { Authorization: token() })).rejects.toThrow('Unauthorized');
    // A key caller needs it too: the internal key is refused as a caller key.
    await expect(h.call('GET', '/payments', { 'X-Api-Key': 'widget-key-0123456789abcdef' })).rejects.toThrow('Unauthorized');
    // A route without keys does not.
    expect(allowed(await h.call('POST', '/payments/{id}/refund', { Authorization: token({ scope: 'payments:refund' }) }))).toBe(true);
    h.fetch.fail = false;
    expect((await h.call('GET', '/payments', { Authorization: token() })).usageIdentifierKey).toBe(INTERNAL);
    expect(h.fetch.calls).toBe(4);
  });

  it('is refused on a single-key route of the same API too (it would skip every plan)', async () => {
    const s = paymentsInput();
    const spec = toGatewaySpec({ ...s, routes: [...s.routes, { id: 'export', method: 'GET', path: '/export', backend: 'api', auth: ['queryKey'] }] });
    const { call } = harness(compileAws(spec).authorizer!.config);
    expect((await call('GET', '/export', {}, { api_key: 'widget-key-0123456789abcdef' })).usageIdentifierKey).toBe('widget-key-0123456789abcdef');
    await expect(call('GET', '/export', {}, { api_key: INTERNAL })).rejects.toThrow('Unauthorized');
  });

  it('is not configured when no alternative lets a request in without a key', () => {
    const spec = toGatewaySpec({ ...paymentsInput(), routes: [{ id: 'list', method: 'GET', path: '/payments', backend: 'api', auth: ['headerKey', 'queryKey'] }] });
    const plan = compileAws(spec);
    expect(plan.authorizer!.config.internalKey).toBeUndefined();
    expect(plan.apiKeySource).toBe('AUTHORIZER');
  });
});

describe('a pair among alternatives: auth: [oauth, [partnerKey, partnerJwt]], scopes [payments:read]', () => {
  const spec = () =>
    toGatewaySpec({
      name: 'pair',
      backends: { api: { type: 'http', url: 'https://api.example.com' } },
      authorizers: {
        oauth: { type: 'jwt', issuer: ISS, audiences: ['payments'], jwksUri: 'https://login.example.com/jwks' },
        partnerJwt: { type: 'jwt', issuer: 'https://partner.example.com/', audiences: ['payments'], jwksUri: 'https://partner.example.com/jwks', header: 'X-Partner-Token', algorithms: ['ES256'] },
        partnerKey: { type: 'apiKey', in: 'header', name: 'X-Partner-Key' },
      },
      plans: { p: {} },
      consumers: { acme: { plan: 'p' } },
      routes: [{ id: 'read', method: 'GET', path: '/r', backend: 'api', auth: ['oauth', ['partnerKey', 'partnerJwt']], scopes: ['payments:read'] }],
    });
  const partnerToken = (scope: string) => `Bearer ${signJwt(partner, { iss: 'https://partner.example.com/', aud: 'payments', sub: 'acme', exp, scope })}`;

  it('the pair together: allowed with the partner key; half of the pair: 401', async () => {
    const { call } = harness(compileAws(spec()).authorizer!.config);
    const r = await call('GET', '/r', { 'X-Partner-Key': 'acme-key-0123456789abcdef', 'X-Partner-Token': partnerToken('payments:read') });
    expect([allowed(r), r.usageIdentifierKey, r.principalId]).toEqual([true, 'acme-key-0123456789abcdef', 'acme']);
    await expect(call('GET', '/r', { 'X-Partner-Key': 'acme-key-0123456789abcdef' })).rejects.toThrow('Unauthorized');
    await expect(call('GET', '/r', { 'X-Partner-Token': partnerToken('payments:read') })).rejects.toThrow('Unauthorized');
  });

  it('oauth alone: the internal key; oauth with half of the pair: let in by oauth, the presented key counts', async () => {
    const { call } = harness(compileAws(spec()).authorizer!.config);
    expect((await call('GET', '/r', { Authorization: token({ scope: 'payments:read' }) })).usageIdentifierKey).toBe(INTERNAL);
    const r = await call('GET', '/r', { Authorization: token({ scope: 'payments:read' }), 'X-Partner-Key': 'acme-key-0123456789abcdef' });
    expect(r.usageIdentifierKey).toBe('acme-key-0123456789abcdef');
  });

  it('scopes: every token checked must carry them on its own', async () => {
    const { call } = harness(compileAws(spec()).authorizer!.config);
    const ok = await call('GET', '/r', { Authorization: token({ scope: 'payments:read' }), 'X-Partner-Key': 'acme-key-0123456789abcdef', 'X-Partner-Token': partnerToken('payments:read other') });
    expect(allowed(ok)).toBe(true);
    expect(ok.context.scope).toBe('payments:read');
    // The pair would pass, but the oauth token presented beside it lacks the scope: refused.
    const no = await call('GET', '/r', { Authorization: token({ scope: 'other' }), 'X-Partner-Key': 'acme-key-0123456789abcdef', 'X-Partner-Token': partnerToken('payments:read') });
    expect(no.policyDocument.Statement[0].Effect).toBe('Deny');
  });
});

describe('anygate dev: the bridge to the generated authorizer (dev/aws-authorizer.ts)', () => {
  const server = new JwksServer();
  let base = '';
  beforeAll(async () => {
    base = await server.start();
    server.keys = [idp.jwk];
  });
  afterAll(() => server.stop());

  const dev = () => {
    const spec = loadSpecFile(PAYMENTS).spec;
    const route = spec.routes.find((r) => r.id === 'getPayment')!;
    const a = createDevAuthorizer(spec, { clock: virtualClock(NOW), jwksUris: { oauth: `${base}/jwks` } });
    const req = (headers: Record<string, string>, query: Record<string, string> = {}) => a.authorize(route, { method: 'GET', path: '/payments/p1', headers, query });
    return { a, route, req };
  };

  it('covers routes with alternatives and lets in what the deployed authorizer lets in', async () => {
    const { a, route, req } = dev();
    expect(a.covers(route)).toBe(true);
    const byToken = await req({ authorization: token() });
    expect(byToken).toEqual({ ok: true, principal: 'alice', context: { sub: 'alice', scope: '' } });
    expect(await req({ 'x-api-key': 'widget-key-0123456789abcdef' })).toEqual({ ok: true, principal: 'api-key', context: { scope: '' } });
    expect(await req({}, { api_key: 'widget-key-0123456789abcdef' })).toEqual({ ok: true, principal: 'api-key', context: { scope: '' } });
    expect(await req({ authorization: token(), 'x-api-key': 'widget-key-0123456789abcdef' })).toMatchObject({ ok: true, principal: 'alice' });
  });

  it('refuses what the deployed authorizer refuses', async () => {
    const { req } = dev();
    expect(await req({ 'x-api-key': 'widget-key-0123456789abcdef', authorization: token({ exp: NOW / 1000 - 3600 }) })).toEqual({ ok: false, reason: 'unauthorized' });
    expect(await req({})).toEqual({ ok: false, reason: 'unauthorized' });
    expect(await req({ 'x-api-key': 'key-one-0123456789abcdef' }, { api_key: 'key-two-0123456789abcdef' })).toEqual({ ok: false, reason: 'unauthorized' });
  });
});
