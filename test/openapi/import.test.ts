import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { loadSpec } from '../../lib/load';
import { AnygateError, SpecValidationError } from '../../lib/model/errors';
import { importOpenApi } from '../../lib/openapi/import';
import { scratch } from '../validators';

function write(dir: string, name: string, doc: unknown): string {
  const f = path.join(dir, name);
  mkdirSync(path.dirname(f), { recursive: true });
  writeFileSync(f, name.endsWith('.json') ? JSON.stringify(doc) : stringify(doc));
  return f;
}

const base = (paths: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ openapi: '3.1.0', info: { title: 'Shop API', version: '2.0.0' }, servers: [{ url: 'https://api.example.com/v2' }], paths, ...extra });
const op = (id?: string, more: Record<string, unknown> = {}) => ({ ...(id ? { operationId: id } : {}), responses: { 200: { description: 'ok' } }, ...more });

describe('OpenAPI import', () => {
  it('maps servers, operations, security and x-anygate extensions', async () => {
    const dir = scratch('oas');
    const f = write(dir, 'api.yaml', base(
      {
        '/items/{id}': { get: op('getItem', { security: [{ oidc: ['items:read'] }], 'x-anygate': { cache: { ttlSeconds: 30 } } }), delete: op('deleteItem', { security: [] }) },
        '/items': { 'x-anygate': { rateLimit: { requestsPerSecond: 5 } }, post: op('createItem', { servers: [{ url: 'https://writer.example.com' }] }) },
      },
      {
        components: { securitySchemes: { oidc: { type: 'openIdConnect', openIdConnectUrl: 'https://id.example.com/.well-known/openid-configuration' }, key: { type: 'apiKey', in: 'header', name: 'x-key' } } },
        security: [{ key: [] }],
        'x-anygate': { authorizers: { oidc: { type: 'jwt', issuer: 'https://id.example.com', audiences: ['shop'] } } },
      },
    ));
    const { spec, warnings } = await loadSpec(f);
    expect(spec.name).toBe('shop-api');
    expect(spec.basePath).toBe('/v2');
    expect(spec.backends).toMatchObject({ api: { type: 'http', url: 'https://api.example.com/v2' }, writer: { type: 'http', url: 'https://writer.example.com' } });
    const r = Object.fromEntries(spec.routes.map((x) => [x.id, x]));
    expect(r.getItem).toMatchObject({ auth: [['oidc']], scopes: ['items:read'], cache: { ttlSeconds: 30 }, backend: 'api' });
    expect(r.deleteItem.auth).toBe('none');
    expect(r.createItem).toMatchObject({ auth: [['key']], backend: 'writer', rateLimit: { requestsPerSecond: 5, burst: 5 } });
    expect(spec.authorizers.oidc).toMatchObject({ issuer: 'https://id.example.com', audiences: ['shop'] });
    expect(warnings).toEqual([]);
  });

  it('resolves $refs, local and in relative files', async () => {
    const dir = scratch('oas-ref');
    write(dir, 'common/params.yaml', { Id: { name: 'id', in: 'path', required: true, schema: { type: 'string' } } });
    const f = write(dir, 'api.yaml', base({ '/items/{id}': { $ref: '#/components/pathItems/Item' } }, { components: { pathItems: { Item: { get: op('getItem', { parameters: [{ $ref: './common/params.yaml#/Id' }] }) } } } }));
    const { spec } = await loadSpec(f);
    expect(spec.routes.map((x) => x.id)).toEqual(['getItem']);
  });

  it('names the pointer of an unresolvable $ref', async () => {
    const dir = scratch('oas-bad');
    const f = write(dir, 'api.yaml', base({ '/a': { $ref: '#/components/pathItems/Nope' } }));
    await expect(loadSpec(f)).rejects.toThrow(AnygateError);
    await expect(loadSpec(f)).rejects.toThrow(/#\/paths\/~1a: \$ref "#\/components\/pathItems\/Nope" (cannot be resolved|points at nothing)/);
  });

  it('names a cyclic $ref', async () => {
    const dir = scratch('oas-cycle');
    const f = write(dir, 'api.yaml', base({ '/a': { $ref: '#/components/pathItems/A' } }, { components: { pathItems: { A: { $ref: '#/components/pathItems/B' }, B: { $ref: '#/components/pathItems/A' } } } }));
    await expect(loadSpec(f)).rejects.toThrow(/is cyclic/);
  });

  it('refuses paths that collide after normalization with different policy, naming both pointers', async () => {
    const dir = scratch('oas-collide');
    const f = write(dir, 'api.yaml', base({ '/a/{x}': { get: op('a1', { security: [] }) }, '/a/{y}': { get: op('a2', { security: [], 'x-anygate': { timeoutMs: 1000 } }) } }));
    await expect(loadSpec(f)).rejects.toThrow(SpecValidationError);
    await expect(loadSpec(f)).rejects.toThrow(/#\/paths\/~1a~1\{y\}\/get: GET \/a\/\{y\} \(a2\) matches the same requests as GET \/a\/\{x\} \(a1\) at #\/paths\/~1a~1\{x\}\/get .* differs in timeoutMs/);
  });

  it('a server variable without a default, credentials, a query or a fragment never reach a backend URL: each is named in a warning, and the spec validates', async () => {
    const { validateGateway } = await import('../../lib/model/normalize');
    const unset = await importOpenApi(base({ '/a': { get: op('a', { security: [] }) } }, { servers: [{ url: 'https://{tenant}.example.com/{v}', variables: { v: { default: 'v2' } } }] }), 'api.yaml');
    expect(unset.input.backends).toEqual({ api: { type: 'http', url: 'https://backend.invalid' } });
    expect(unset.warnings.map((w) => `${w.kind} ${w.file}: ${w.message}`)).toContain('placeholder api.yaml#/servers/0/url: server URL "https://{tenant}.example.com/v2" has variable {tenant} without a default; https://backend.invalid is used instead: give it a default under the server\'s variables, or set the backend\'s url in the spec');
    expect(validateGateway(unset.input).errors).toEqual([]);
    const extra = await importOpenApi(base({ '/a': { get: op('a', { security: [] }) } }, { servers: [{ url: 'https://u:pw@api.example.com/v1?x=1#f' }] }), 'api.yaml');
    expect(extra.input.backends).toEqual({ api: { type: 'http', url: 'https://api.example.com/v1' } });
    expect(extra.warnings.map((w) => w.message)).toContain('server api.example.com/v1: the credentials and query ?x=1 and fragment #f are dropped (a backend URL is scheme, host and path; send query parameters and credentials with transform.request.setQuery / setHeaders)');
    expect(validateGateway(extra.input).errors).toEqual([]);
  });

  it('makes duplicate operationIds unique, with a warning that names both pointers', async () => {
    const { input, warnings } = await importOpenApi(base({ '/a': { get: op('same', { security: [] }) }, '/b': { get: op('same', { security: [] }) } }), 'api.yaml');
    expect(input.routes!.map((r) => r.id)).toEqual(['same', 'same-2']);
    expect(warnings.map((w) => `${w.kind} ${w.file}: ${w.message}`)).toContain('id-duplicate api.yaml#/paths/~1b/get/operationId: operationId "same" is used twice (also at #/paths/~1a/get); this route\'s id is same-2');
  });

  it('keeps unsupported security closed: cookie keys become a custom authorizer that needs a function', async () => {
    const { input, warnings } = await importOpenApi(base({ '/a': { get: op('a', { security: [{ sess: [] }] }) } }, { components: { securitySchemes: { sess: { type: 'apiKey', in: 'cookie', name: 'sid' } } } }), 'api.yaml');
    expect(input.authorizers!.sess).toEqual({ type: 'custom', binding: 'sess-check' });
    expect(input.routes![0].auth).toBe('sess');
    expect(warnings[0].message).toMatch(/apiKey in cookie has no native check .* custom authorizer sess, .*function binding sess-check/);
  });

  it('keeps every OR-ed alternative that reads its own place, and drops (with a warning) one that shares a header', async () => {
    const schemes = {
      oauth: { type: 'oauth2', flows: { clientCredentials: { tokenUrl: 'https://id.example.com/token', scopes: {} } } },
      bearer: { type: 'http', scheme: 'bearer' },
      headerKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
      queryKey: { type: 'apiKey', in: 'query', name: 'api_key' },
    };
    const doc = base(
      { '/p': { get: op('list', { security: [{ oauth: [] }, { headerKey: [] }, { queryKey: [] }] }), post: op('create', { security: [{ oauth: [] }, { bearer: [] }, { headerKey: [] }] }) } },
      { components: { securitySchemes: schemes } },
    );
    const { input, warnings } = await importOpenApi(doc, 'api.yaml');
    expect(input.routes!.find((r) => r.id === 'list')!.auth).toEqual(['oauth', 'headerKey', 'queryKey']);
    expect(input.routes!.find((r) => r.id === 'create')!.auth).toEqual(['oauth', 'headerKey']);
    expect(warnings.filter((w) => w.kind === 'alternatives-narrowed').map((w) => `${w.where}: ${w.message}`)).toEqual([
      '#/paths/~1p/post/security: bearer reads header authorization, as oauth before it does, and a gateway cannot tell the two apart: it is not accepted on this route, callers must use oauth or headerKey. To keep both, give one of them its own header under x-anygate.authorizers; or, when callers send them with different scheme prefixes (authorization: Bot <key> or Bearer <token>), say so: x-anygate.authorizers.bearer: { type: apiKey, in: header, name: authorization, scheme: <prefix> } (AWS, Apigee and anygate dev then tell the two apart by the prefix; API Management and Kubernetes refuse such a route by their capability records)',
    ]);
  });

  it('rejects documents it cannot read, saying which version it wants', async () => {
    await expect(importOpenApi({ openapi: '4.0.0', info: {}, paths: {} }, 'x.yaml')).rejects.toThrow(/OpenAPI 4.0.0 is not supported; use 3.0, 3.1 or Swagger 2.0/);
  });

  it('imports 5,000 operations', async () => {
    const paths: Record<string, unknown> = {};
    for (let i = 0; i < 1250; i++) paths[`/r${i}/{id}`] = { get: op(`g${i}`), put: op(`p${i}`), delete: op(`d${i}`), patch: op(`pa${i}`) };
    const { input } = await importOpenApi(base(paths, { security: [] }), 'big.yaml');
    expect(input.routes).toHaveLength(5000);
  });
});
