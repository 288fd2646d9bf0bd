import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { validateGateway } from '../lib/model/normalize';
import { SPEC_FILES } from '../bin/commands/spec-file';

describe('README', () => {
  const readme = readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');

  it('shows the two commands', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm ci && npm test');
  });

  it('every dev command followed by conform starts dev with what the generated cases need', () => {
    const docs = [readme, readFileSync(path.join(__dirname, '..', 'docs', 'dev.md'), 'utf8')];
    for (const doc of docs) {
      for (const block of doc.match(/```sh\n[\s\S]*?```/g) ?? []) {
        if (!block.includes('anygate conform')) continue;
        const dev = /anygate dev [^\n]*(\\\n[^\n]*)*/.exec(block)![0];
        for (const flag of ['--mock-idp', '--clock virtual', '--trust-forwarded']) expect([dev, dev.includes(flag)]).toEqual([dev, true]);
      }
    }
  });

  it('says how to install until the package is published: npm pack\'s tarball of this version, or git', () => {
    const version = (JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;
    const install = readme.slice(readme.indexOf('\n## Install'), readme.indexOf('\n## ', readme.indexOf('\n## Install') + 1));
    expect(install).toMatch(/Until anygate is published to the npm registry/);
    expect(install).toContain(`npm pack          # builds dist/ and writes anygate-${version}.tgz`);
    expect(install).toContain(`npm install ../anygate/anygate-${version}.tgz`);
    expect(install).toContain('npm install git+');
    expect(install).toContain('npx anygate init && npx anygate validate && npx anygate synth');
  });

  it('names the mock backend\'s status field as the schema does (statusCode)', () => {
    expect(readme).toMatch(/`mock` \(`statusCode`/);
  });

  it('docs/dev.md states the current default spec (the files every command looks for)', () => {
    const row = readFileSync(path.join(__dirname, '..', 'docs', 'dev.md'), 'utf8').split('\n').find((l) => l.startsWith('| `[spec]` |'))!;
    expect(row).toContain(SPEC_FILES.map((f) => `\`${f}\``).join(', '));
  });

  it('its YAML example is a valid spec', () => {
    const block = /```yaml\n([\s\S]*?)```/.exec(readme)![1];
    const r = validateGateway(parse(block));
    expect(r.errors).toEqual([]);
    expect(r.spec!.routes).toHaveLength(2);
  });

  it('every placeholder the README and docs/model.md list is one a spec accepts (upper-case names stand for the user\'s own)', () => {
    const model = readFileSync(path.join(__dirname, '..', 'docs', 'model.md'), 'utf8');
    const listed = [readme.slice(readme.indexOf('Transforms use one small placeholder language'), readme.indexOf('See `docs/model.md` for every field')), model.slice(model.indexOf('Placeholders: '), model.indexOf('\n\n', model.indexOf('Placeholders: ')))];
    const placeholders = listed.flatMap((text) => [...text.matchAll(/`(\$\{(\w+)\.([\w-]+)\})`/g)]);
    expect(placeholders.map((m) => m[2])).toEqual(expect.arrayContaining(['path', 'query', 'header', 'body', 'claim', 'stage']));
    for (const [, text, source, name] of placeholders) {
      // A metavariable (NAME, VAR, FIELD) becomes the name this spec defines for its kind.
      const used = /^[A-Z]+$/.test(name!) ? `\${${source}.${source === 'path' ? 'id' : 'v'}}` : text!;
      const spec = {
        name: 'placeholders',
        backends: { api: { type: 'http', url: 'https://api.example.com' } },
        authorizers: { jwt: { type: 'jwt', issuer: 'https://issuer.example.com', audiences: ['api'] } },
        stages: { dev: { variables: { v: 'x' } } },
        routes: [{ method: 'POST', path: '/pets/{id}', backend: 'api', auth: ['jwt'], transform: { request: { setHeaders: { 'x-out': used } } } }],
      };
      expect([text, validateGateway(spec).errors.map((e) => e.message)]).toEqual([text, []]);
    }
  });

  it('docs/dev.md and docs/model.md state the refusals the default error contract gives (an unknown API key is 401 on AWS too)', () => {
    const { ERROR_CONTRACT } = require('../lib/model/error-contract') as typeof import('../lib/model/error-contract');
    const { compileAws } = require('../providers/aws/compile') as typeof import('../providers/aws/compile');
    const dev = readFileSync(path.join(__dirname, '..', 'docs', 'dev.md'), 'utf8');
    // The workflow runs the petstore as it is (errors: anygate): each commented refusal is the contract's.
    const workflow = dev.slice(dev.indexOf('## The workflow, end to end'), dev.indexOf('\n## ', dev.indexOf('## The workflow, end to end') + 1));
    const refusals = [...workflow.matchAll(/# (4\d\d) (.*)$/gm)];
    expect(refusals.length).toBeGreaterThan(1);
    for (const [line, status, body] of refusals) {
      const code = /^\{"error":\{"code":"(\w+)"/.exec(body!)?.[1];
      expect([line, code && ERROR_CONTRACT[code as keyof typeof ERROR_CONTRACT]?.status]).toEqual([line, Number(status)]);
    }
    const spec = validateGateway({ name: 'keys', authorizers: { key: { type: 'apiKey' } }, plans: { gold: {} }, consumers: { acme: { plan: 'gold' } }, backends: { api: { type: 'http', url: 'https://api.example.com' } }, routes: [{ method: 'GET', path: '/a', backend: 'api', auth: ['key'] }] }).spec!;
    const responses = compileAws(spec).body['x-amazon-apigateway-gateway-responses'] as Record<string, { statusCode: string }>;
    const model = readFileSync(path.join(__dirname, '..', 'docs', 'model.md'), 'utf8').replace(/\s+/g, ' ');
    expect(/an API key the gateway does not know gets (\d{3}) on every target with `errors: anygate`, the default/.exec(model)?.[1]).toBe(responses.INVALID_API_KEY!.statusCode);
  });

  it('says which developer owns the Apigee apps by default and how to set your own, as compileApigee does', () => {
    const { compileApigee } = require('../providers/apigee/compile') as typeof import('../providers/apigee/compile');
    const spec = validateGateway({ name: 'shop', authorizers: { key: { type: 'apiKey' } }, plans: { gold: {} }, consumers: { acme: { plan: 'gold' } }, backends: { api: { type: 'http', url: 'https://api.example.com' } }, routes: [{ method: 'GET', path: '/a', backend: 'api', auth: ['key'] }] }).spec!;
    const text = readme.replace(/\s+/g, ' ');
    const stated = /by default `<consumer>@<gateway>\.anygate\.invalid` \(first name the consumer, last name the gateway\)/.exec(text);
    expect(stated).not.toBeNull();
    expect(compileApigee(spec).developers.map((d) => [d.email, d.firstName, d.lastName])).toEqual([['acme@shop.anygate.invalid', 'acme', 'shop']]);
    expect(text).toContain('pass `developers: { acme: { email, firstName, lastName } }` (by consumer) to `ApigeeGateway.fromSpec` or `compileApigee`');
    const own = { acme: { email: 'ops@example.com', firstName: 'Ops', lastName: 'Team' } };
    expect(compileApigee(spec, { developers: own }).developers.map((d) => d.email)).toEqual(['ops@example.com']);
    // The component takes the same option (ApigeeGatewayFromSpecArgs extends ApigeeCompileOptions).
    const args: Pick<import('../providers/apigee/gateway').ApigeeGatewayFromSpecArgs, 'developers'> = { developers: own };
    expect(args.developers).toBe(own);
  });
});
