/**
 * `validation: { contract: true }` in anygate dev: requests are checked against the route's
 * contract (parameters coerced to their schema types, the body by media type and JSON Schema
 * 2020-12) and refused with the error contract's 400 bad_request or 415, on every profile that can
 * enforce it; a profile whose target cannot (kubernetes) or cannot check what the contract says
 * (aws: a parameter's schema) refuses to start.
 */
import { generateVectors } from '../../dev/conform/generate';
import { runVectors } from '../../dev/conform/run';
import { startDev } from '../../dev/server';
import { toGatewaySpec } from '../../lib/model/normalize';
import { echoBackend, get, isolateDevHome, type EchoBackend } from './helpers';

isolateDevHome();

function spec(countType: 'string' | 'integer') {
  return toGatewaySpec({
    name: 'c',
    backends: { api: { type: 'http', url: 'https://api.example.com' } },
    components: { schemas: { Item: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1 }, note: { type: ['string', 'null'] } } } } },
    routes: [
      {
        id: 'postItem', method: 'POST', path: '/items/{id}', backend: 'api', auth: 'none',
        validation: { contract: true },
        contract: {
          parameters: [{ name: 'count', in: 'query', required: true, schema: { type: countType } }],
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/Item' }, example: { name: 'a' } } } },
        },
      },
    ],
  });
}

describe('validation.contract in anygate dev', () => {
  let backend: EchoBackend;
  beforeAll(async () => (backend = await echoBackend()));
  afterAll(async () => backend.close());

  const ask = async (url: string, query: string, body: string | undefined, type = 'application/json') => {
    const r = await get(`${url}/items/7${query}`, { method: 'POST', headers: { 'content-type': type }, ...(body !== undefined ? { body } : {}) });
    let code: string | undefined;
    try {
      code = (JSON.parse(r.text) as { error?: { code?: string } }).error?.code;
    } catch {
      code = undefined;
    }
    return [r.status, code];
  };

  it.each(['aws', 'azure', 'apigee'] as const)('%s: a valid request passes; a bad body, a missing parameter or another media type is refused with the contract', async (profile) => {
    const dev = await startDev({ spec: spec(profile === 'aws' ? 'string' : 'integer'), profile, port: 0, clock: 'virtual', publishAdminToken: false, backends: { api: backend.url } });
    try {
      expect(await ask(dev.url, '?count=2', '{"name":"a","note":null}')).toEqual([200, undefined]);
      expect(await ask(dev.url, '?count=2', '{"name":""}')).toEqual([400, 'bad_request']);
      expect(await ask(dev.url, '?count=2', '{"note":"x"}')).toEqual([400, 'bad_request']);
      expect(await ask(dev.url, '?count=2', 'not json')).toEqual([400, 'bad_request']);
      expect(await ask(dev.url, '?count=2', undefined)).toEqual([400, 'bad_request']);
      expect(await ask(dev.url, '', '{"name":"a"}')).toEqual([400, 'bad_request']);
      // API Gateway checks other types against the $default model: 400 there (a named difference).
      expect(await ask(dev.url, '?count=2', 'name=a', 'text/plain')).toEqual(profile === 'aws' || profile === 'azure' ? [400, 'bad_request'] : [415, 'unsupported_media_type']);
      if (profile !== 'aws') expect(await ask(dev.url, '?count=two', '{"name":"a"}')).toEqual([400, 'bad_request']);
      // conform's generated contract cases hold dev (and a deployed stage) to the same answers.
      const s = spec(profile === 'aws' ? 'string' : 'integer');
      const vectors = generateVectors(s, Object.keys(s.stages)[0]!, profile).filter((v) => v.route === 'postItem');
      expect(vectors.map((v) => v.name)).toEqual(['postItem: a request the contract accepts', 'postItem: without the required query parameter count', 'postItem: a body that is not an object']);
      const results = await runVectors(s, vectors, { url: dev.url });
      expect(results.filter((r) => !r.pass)).toEqual([]);
    } finally {
      await dev.close();
    }
  });

  it.each(['aws', 'azure', 'apigee'] as const)('%s answers as its gateway: an empty body, an undeclared type, a blank parameter, a large body, a type in capitals', async (profile) => {
    // A schema {} satisfies, a plain string parameter: every profile can start on it.
    const loose = toGatewaySpec({
      name: 'c',
      backends: { api: { type: 'http', url: 'https://api.example.com' } },
      routes: [{
        id: 'postItem', method: 'POST', path: '/items/{id}', backend: 'api', auth: 'none', validation: { contract: true },
        contract: { parameters: [{ name: 'count', in: 'query', required: true, schema: { type: 'string' } }], requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', properties: { name: { type: 'string' } } } } } } },
      }],
    });
    const dev = await startDev({ spec: loose, profile, port: 0, clock: 'virtual', publishAdminToken: false, backends: { api: backend.url } });
    const by = (answers: Record<typeof profile, unknown[]>) => answers[profile];
    try {
      // API Gateway checks an empty body as {} (requestBody.required is no model keyword).
      expect(await ask(dev.url, '?count=2', undefined)).toEqual(by({ aws: [200, undefined], azure: [400, 'bad_request'], apigee: [400, 'bad_request'] }));
      // An undeclared type is checked against the $default model on AWS: JSON it accepts passes.
      expect(await ask(dev.url, '?count=2', '{"name":"a"}', 'text/plain')).toEqual(by({ aws: [200, undefined], azure: [400, 'bad_request'], apigee: [415, 'unsupported_media_type'] }));
      // "Included and not blank": a blank required parameter is missing on AWS only.
      expect(await ask(dev.url, '?count=', '{"name":"a"}')).toEqual(by({ aws: [400, 'bad_request'], azure: [200, undefined], apigee: [200, undefined] }));
      // validate-content's max-size (102,400 bytes) on Azure; 10 MB elsewhere.
      expect(await ask(dev.url, '?count=2', JSON.stringify({ name: 'x'.repeat(120_000) }))).toEqual(by({ aws: [200, undefined], azure: [400, 'bad_request'], apigee: [200, undefined] }));
      // Media types are case-insensitive everywhere (Apigee's 415 gate included).
      expect(await ask(dev.url, '?count=2', '{"name":"a"}', 'Application/JSON; charset=UTF-8')).toEqual([200, undefined]);
      // Parameters first: a missing parameter is 400 whatever the body's type.
      expect(await ask(dev.url, '', 'x', 'text/plain')).toEqual([400, 'bad_request']);
    } finally {
      await dev.close();
    }
  });

  it('refuses to start where the target cannot check the contract: kubernetes, and aws with a typed parameter', async () => {
    await expect(startDev({ spec: spec('string'), profile: 'kubernetes', port: 0, clock: 'virtual', publishAdminToken: false })).rejects.toThrow(/validation\.contract on kubernetes: Envoy Gateway validates neither/);
    await expect(startDev({ spec: spec('integer'), profile: 'aws', port: 0, clock: 'virtual', publishAdminToken: false })).rejects.toThrow(/contract\.parameters\[0\] \(query parameter count\): API Gateway models and request validators only checks that a required parameter is present/);
  });
});
