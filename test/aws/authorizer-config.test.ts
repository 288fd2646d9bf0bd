/**
 * The generated authorizer's route table as config.json holds it: routes packed by requirement
 * (lib/runtime/route-groups.ts), each route's ARN pattern derived at run time from its
 * `METHOD /resource` key (lib/runtime/authorizer/policy.ts routeArn), which must be the very
 * pattern the compiler computes (providers/aws/resources.ts) for every path shape.
 */
import { toGatewaySpec } from '../../lib/model/normalize';
import { routeArn } from '../../lib/runtime/authorizer/policy';
import type { AuthorizerRoute } from '../../lib/runtime/config';
import { packRoutes, unpackRoutes } from '../../lib/runtime/route-groups';
import { compileAwsAuth } from '../../providers/aws/auth';
import { buildResources } from '../../providers/aws/resources';

const jwt = { type: 'jwt', issuer: 'https://login.example.com/', audiences: ['items'], jwksUri: 'https://login.example.com/jwks' };

function compiled(routes: Record<string, unknown>[]) {
  const spec = toGatewaySpec({ name: 'g', backends: { api: { type: 'http', url: 'https://api.example.com' } }, authorizers: { jwt, key: { type: 'apiKey', name: 'x-key' } }, defaults: { backend: 'api' }, routes });
  const resources = buildResources(spec);
  return { spec, resources, config: compileAwsAuth(spec, resources, new Set()).config! };
}

/** A small seeded generator (LCG), so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe('the authorizer route table (config.json)', () => {
  it('derives the compiler ARN pattern of every route: root, variables renamed by position, greedy variables, ANY (property: 40 random route sets)', () => {
    const fixed = [
      { id: 'root', method: 'GET', path: '/', auth: 'jwt' },
      { id: 'files', method: 'ANY', path: '/files/{path+}', auth: 'jwt' },
      { id: 'card', method: 'GET', path: '/user/{userID}/card/{itemId}', auth: 'jwt' },
      { id: 'user', method: 'DELETE', path: '/user/{itemId}', auth: 'jwt' },
    ];
    const sets = [fixed];
    for (let seed = 1; seed <= 40; seed++) {
      const r = rng(seed);
      const shapes = new Map<string, Record<string, unknown>>();
      for (let i = 0; i < 3 + Math.floor(r() * 8); i++) {
        const segs = Array.from({ length: 1 + Math.floor(r() * 4) }, (_, d) => (r() < 0.5 ? ['a', 'b', 'user'][Math.floor(r() * 3)] : `{p${d}}`));
        const method = ['GET', 'POST', 'ANY'][Math.floor(r() * 3)];
        const path = '/' + segs.join('/');
        shapes.set(`${method} ${path.replace(/\{[^}]+\}/g, '{}')}`, { id: `r${i}`, method, path, auth: 'jwt' });
      }
      sets.push([...shapes.values()] as typeof fixed);
    }
    for (const routes of sets) {
      const { spec, resources, config } = compiled(routes);
      const listed = new Set(config.routeGroups.flatMap((g) => g.routes));
      for (const route of spec.routes) {
        const res = resources.get(route.id)!;
        const key = `${route.method} ${res.path}`;
        expect(listed.has(key)).toBe(true);
        expect({ key, arn: routeArn(key) }).toEqual({ key, arn: res.arn });
      }
    }
  });

  it('lists each requirement once, with its routes; reading it back gives every route with its requirement', () => {
    const { config } = compiled([
      { id: 'a', method: 'GET', path: '/a', auth: 'jwt', scopes: ['read'] },
      { id: 'b', method: 'GET', path: '/b/{id}', auth: 'jwt', scopes: ['read'] },
      { id: 'c', method: 'POST', path: '/b/{id}', auth: 'jwt', scopes: ['write'] },
      { id: 'd', method: 'GET', path: '/d', auth: ['jwt', 'key'] },
      { id: 'e', method: 'PUT', path: '/a', auth: 'jwt', scopes: ['write'] },
    ]);
    expect(config.routeGroups.map((g) => [g.scopes, [...g.routes].sort()])).toEqual([
      [['read'], ['GET /a', 'GET /b/{id}']],
      [['write'], ['POST /b/{id}', 'PUT /a']],
      [[], ['GET /d']],
    ]);
    expect(config.routeGroups[2]).toMatchObject({ alternatives: [['jwt'], ['key']], jwt: ['jwt'], apiKeys: ['key'] });
    expect(unpackRoutes(config).map((r) => `${r.method} ${r.resource} ${r.scopes.join(',')}`).sort()).toEqual(['GET /a read', 'GET /b/{id} read', 'GET /d ', 'POST /b/{id} write', 'PUT /a write']);
  });

  it('packs routes by requirement, groups in order of first use, and a later route of the same method and resource replaces an earlier one', () => {
    const r = (method: string, resource: string, scopes: string[], extra: Partial<AuthorizerRoute> = {}): AuthorizerRoute => ({ method, resource, scheme: 's', jwt: ['j'], apiKeys: [], scopes, ...extra });
    const routes = [r('GET', '/x', ['a']), r('GET', '/y', ['b']), r('GET', '/z', ['a']), r('GET', '/x', ['b']), r('GET', '/o', [], { alternatives: [['j']], optional: true })];
    const groups = packRoutes(routes);
    expect(groups).toEqual([
      { scheme: 's', jwt: ['j'], apiKeys: [], scopes: ['b'], routes: ['GET /y', 'GET /x'] },
      { scheme: 's', jwt: ['j'], apiKeys: [], scopes: ['a'], routes: ['GET /z'] },
      { scheme: 's', jwt: ['j'], apiKeys: [], scopes: [], alternatives: [['j']], optional: true, routes: ['GET /o'] },
    ]);
    expect(unpackRoutes({ routeGroups: groups })).toEqual([r('GET', '/y', ['b']), r('GET', '/x', ['b']), r('GET', '/z', ['a']), r('GET', '/o', [], { alternatives: [['j']], optional: true })]);
  });

  it('stays small at 2,000 routes with coarse scopes: under 25 bytes of config.json per route', () => {
    const methods = ['GET', 'POST', 'PUT', 'DELETE'];
    const routes = Array.from({ length: 2000 }, (_, i): AuthorizerRoute => ({ method: methods[i % 4], resource: `/res${i >> 2}/{id}`, scheme: 'anygate-jwt', jwt: ['jwt'], apiKeys: [], scopes: [i % 4 ? 'write' : 'read'] }));
    const groups = packRoutes(routes);
    expect(groups).toHaveLength(2);
    expect(JSON.stringify(groups).length / 2000).toBeLessThan(25);
  });
});
