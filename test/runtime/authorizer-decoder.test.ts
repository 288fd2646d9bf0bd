/**
 * The authorizer's decoder keeps each call's bytes in one buffer of its own (lib/runtime/authorizer/
 * jwt.ts decoder): a decoded token is valid until the next decode. Calls that wait for the JWKS
 * must therefore decode again once the keys arrive, or a later call's bytes would be verified
 * in their place.
 */
import { createAuthorizer, type HttpGet } from '../../lib/runtime/authorizer/handler';
import { AUTHORIZER_DEFAULTS, type AuthorizerConfig } from '../../lib/runtime/config';
import { packRoutes } from '../../lib/runtime/route-groups';
import { makeKey, signJwt } from './jwt-kit';

const ISS = 'https://id.example.com/';
const ARN = 'arn:aws:execute-api:us-east-1:1:api/prod';
const key = makeKey('RS256');
const cfg: AuthorizerConfig = {
  version: 1,
  jwt: { j: { issuer: ISS, audiences: ['a'], jwksUri: `${ISS}jwks`, algorithms: ['RS256'], requiredClaims: {}, scopeClaim: 'scope', header: 'authorization', clockSkewSeconds: 60, maxTokenBytes: 8192 } },
  apiKeys: {},
  schemes: { s: { exact: true, resultTtlSeconds: 0 } },
  routeGroups: packRoutes([{ method: 'GET', resource: '/x', scheme: 's', jwt: ['j'], apiKeys: [], scopes: [] }]),
  contextClaims: [],
  ...AUTHORIZER_DEFAULTS,
  tokenCacheSize: 0,
};
const now = 1_800_000_000_000;
const token = (sub: string, scope: string) => signJwt(key, { iss: ISS, aud: 'a', sub, exp: now / 1000 + 600, scope });
const event = (t: string) => ({ methodArn: `${ARN}/GET/x`, resource: '/x', httpMethod: 'GET', headers: { authorization: `Bearer ${t}` } });

describe('authorizer decoder buffer', () => {
  it('calls waiting for the JWKS each verify their own token, whatever was decoded meanwhile', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const get: HttpGet = async () => {
      await gate;
      return Buffer.from(JSON.stringify({ keys: [key.jwk] }));
    };
    const authorize = createAuthorizer(cfg, () => now, get);
    const good = token('alice', 'read');
    // Same header, a payload of another length, a signature of another token: refused on its own.
    const forged = `${token('mallory', 'admin write read').split('.').slice(0, 2).join('.')}.${good.split('.')[2]}`;
    const calls = [authorize(event(good)), authorize(event(forged)), authorize(event(token('bob', 'write')))];
    release();
    const [a, m, b] = await Promise.allSettled(calls);
    expect(a).toMatchObject({ status: 'fulfilled', value: { principalId: 'alice', context: { sub: 'alice', scope: 'read' } } });
    expect(m).toMatchObject({ status: 'rejected', reason: new Error('Unauthorized') });
    expect(b).toMatchObject({ status: 'fulfilled', value: { principalId: 'bob', context: { sub: 'bob', scope: 'write' } } });
    // With the keys in hand, back-to-back calls decode into the same buffer.
    await expect(authorize(event(forged))).rejects.toThrow('Unauthorized');
    expect((await authorize(event(good))).principalId).toBe('alice');
  });

  it('decodes each header on its own when headers alternate (the last one is kept without a lookup)', async () => {
    const other = makeKey('RS256', 'rs256-2');
    const authorize = createAuthorizer(cfg, () => now, async () => Buffer.from(JSON.stringify({ keys: [key.jwk, other.jwk] })));
    const mine = token('alice', 'read');
    const theirs = signJwt(other, { iss: ISS, aud: 'a', sub: 'bob', exp: now / 1000 + 600, scope: 'read' });
    // The header of `theirs` names the other key: its payload and signature under the first header are refused.
    const swapped = `${mine.split('.')[0]}.${theirs.split('.').slice(1).join('.')}`;
    const refused = signJwt(key, { iss: ISS, aud: 'a', sub: 'eve', exp: now / 1000 + 600 }, { alg: 'RS512' });
    for (let round = 0; round < 3; round++) {
      expect((await authorize(event(mine))).principalId).toBe('alice');
      expect((await authorize(event(theirs))).principalId).toBe('bob');
      await expect(authorize(event(swapped))).rejects.toThrow('Unauthorized');
      await expect(authorize(event(refused))).rejects.toThrow('Unauthorized');
    }
  });

  it('verifies a token within maxTokenBytes and refuses a longer one', async () => {
    const authorize = createAuthorizer({ ...cfg, jwt: { j: { ...cfg.jwt.j, maxTokenBytes: 600 } } }, () => now, async () => Buffer.from(JSON.stringify({ keys: [key.jwk] })));
    const t = token('alice', 'read');
    expect(t.length).toBeLessThanOrEqual(600);
    expect((await authorize(event(t))).principalId).toBe('alice');
    await expect(authorize(event(token('alice', 'read '.repeat(60))))).rejects.toThrow('Unauthorized');
  });
});
