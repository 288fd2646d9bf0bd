/**
 * Every problem in one round (#34): a spec with problems of several kinds gets them all from one
 * command, so a user fixes them in one pass: model errors with the objectives' route references
 * (checked on derived ids), placeholders an import left with every target's refusals (synth), and
 * the targets' refusals beside the model's verdict (validate --target).
 */
import { existsSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { scratch } from '../validators';
import { cli } from './run';

/** Valid for the model, with a placeholder backend, a JWT without jwksUri and 11 JWT authorizers. */
function refusedEverywhere(): Record<string, unknown> {
  const authorizers: Record<string, unknown> = { jwt: { type: 'jwt', issuer: 'https://id.example.com/', audiences: ['shop'] } };
  const routes: Record<string, unknown>[] = [{ method: 'GET', path: '/items', backend: 'api', auth: ['jwt'] }];
  for (let i = 0; i < 10; i++) {
    authorizers[`j${i}`] = { type: 'jwt', issuer: 'https://id.example.com/', audiences: ['shop'], jwksUri: 'https://id.example.com/jwks' };
    routes.push({ method: 'GET', path: `/j/${i}`, backend: 'api', auth: [`j${i}`] });
  }
  return { name: 'rounds', backends: { api: { type: 'http', url: 'https://backend.invalid' } }, authorizers, routes };
}

function write(dir: string, name: string, spec: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, stringify(spec));
  return file;
}

describe('every problem in one round', () => {
  const dir = scratch('one-round');

  it('validate: a wrong field and an objective naming a route that does not exist, together', async () => {
    const file = write(dir, 'model.yaml', {
      name: 'rounds',
      backends: { api: { type: 'http', url: 'not a url' } },
      routes: [{ method: 'GET', path: '/items', backend: 'api', auth: 'none' }],
      observability: { objectives: [{ name: 'checkout', routes: ['get-basket'], availability: 99.9 }] },
    });
    const r = await cli(['validate', file]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/backends\.api\.url: must be an absolute URL/);
    expect(r.err).toMatch(/observability\.objectives\[0\]\.routes: refers to route "get-basket", which is not defined; route ids: get-items/);
    expect(r.err).toMatch(/^2 errors$/m);
  });

  it('synth: the placeholders and every target\'s refusals at once, nothing written', async () => {
    const file = write(dir, 'refused.yaml', refusedEverywhere());
    const out = path.join(dir, 'out');
    const r = await cli(['synth', file, '--target', 'aws,apigee,kubernetes', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/backends\.api\.url: "https:\/\/backend\.invalid" is a placeholder/);
    expect(r.err).toMatch(/gateway: auth on aws: the routes need 11 API Gateway authorizers/);
    expect(r.err).toMatch(/auth\.jwt on apigee \(INTERMEDIATE\): authorizer jwt: VerifyJWT needs a JWKS URI/);
    expect(r.err).toMatch(/auth\.jwt on kubernetes: authorizer jwt: set jwksUri/);
    expect(r.err).toMatch(/^4 errors$/m);
    expect(existsSync(out)).toBe(false);
  });

  it('validate --target: the targets\' refusals in the same report, with rule ids in --json', async () => {
    const file = write(dir, 'targets.yaml', refusedEverywhere());
    const plain = await cli(['validate', file]);
    expect(plain.code).toBe(0);
    const r = await cli(['validate', file, '--target', 'aws,apigee', '--json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out) as { valid: boolean; errors: { rule: string; message: string }[]; warnings: { rule: string }[] };
    expect(report.valid).toBe(false);
    expect(report.errors.every((e) => e.rule === 'target-refusal')).toBe(true);
    const messages = report.errors.map((e) => e.message).join('\n');
    expect(messages).toMatch(/auth on aws: the routes need 11 API Gateway authorizers/);
    expect(messages).toMatch(/auth\.jwt on apigee/);
    // The placeholder stays a warning for validate (synth refuses it).
    expect(report.warnings.length).toBeGreaterThan(0);
  });

  it('a route\'s refusal is located as model errors are (file:line:column of the refused field, else the route) and names the route\'s method and path', async () => {
    const file = path.join(dir, 'located.yaml');
    writeFileSync(file, ['name: located', 'backends:', '  api: { type: http, url: https://api.example.com }', 'routes:', '  - { method: GET, path: "/files/{name}.json", backend: api, auth: none }', '  - id: getThing', '    method: GET', '    path: /things/{id}', '    backend: api', '    auth: none', '    cache: { ttlSeconds: 7200 }', ''].join('\n'));
    const r = await cli(['validate', file, '--target', 'aws']);
    expect(r.code).toBe(1);
    // The mixed segment: at the route's path, which the line shows.
    expect(r.err).toMatch(/^.*located\.yaml:5:\d+: route get-files-name-json \(GET \/files\/\{name\}\.json\): path\.mixedSegment on aws: .* \[target-refusal\]$/m);
    expect(r.err).toMatch(/^.*located\.yaml:11:5: route getThing \(GET \/things\/\{id\}\): route\.cache on aws: TTL 7200 s is above API Gateway's 3600 s maximum; lower cache\.ttlSeconds \[target-refusal\]$/m);
    const json = JSON.parse((await cli(['validate', file, '--target', 'aws', '--json'])).out) as { errors: { line?: number; column?: number }[] };
    expect(json.errors.map((e) => e.line)).toEqual([5, 11]);
    // synth's summary names the path too.
    const synth = await cli(['synth', file, '--target', 'aws', '--out', path.join(dir, 'located-out')]);
    expect(synth.out).toMatch(/route getThing \(GET \/things\/\{id\}\): route\.cache on aws/);
  });

  it('portability takes synth\'s --stage: the same stages, the same refusals', async () => {
    const file = write(dir, 'stages.yaml', refusedEverywhere());
    const unknown = await cli(['portability', file, '--stage', 'qa']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/qa/);
    const r = await cli(['portability', file, '--stage', 'prod', '--target', 'aws', '--allow-placeholders', '--json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out) as { problems: { feature: string; message: string }[] };
    expect(report.problems.map((p) => p.feature)).toEqual(['auth']);
  });
});
