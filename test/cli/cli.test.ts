import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { groupWarnings, fromText } from '../../bin/commands/warnings';
import { closest } from '../../bin/commands/suggest';
import { colorWanted } from '../../bin/commands/context';
import { scratch, sharedDir } from '../validators';
import { cli, root, run, runAsync } from './run';

// The tests call the CLI's main in this process (./run.ts `cli`): the same command tree, parsing,
// exit codes and wording. The real bin (`run`, `runAsync`: node, bin/anygate.js, dist/) runs only
// where the process itself is the subject: exit status and output streams (validate), what a
// start-up loads (--help, --version), paths found from dist/ (--version's package.json, init's
// $schema), colour decided from the process's stderr and environment, and cdk.json's app. Synth in
// child processes: test/cli/synth.test.ts; a closed pipe: test/cli/pipe.test.ts.

describe('anygate CLI', () => {
  it('validate: exit 0 on a valid spec', () => {
    const r = run('validate', 'examples/petstore/gateway.yaml');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/valid \(gateway petstore, 7 routes\)/);
  });

  it('validate: exit 1 with every error located, no stack trace', async () => {
    const r = await cli(['validate', 'test/fixtures/broken.yaml']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/broken\.yaml:12:19: routes\[0\]\.cache\.ttlSeconds: must be at most 86400/);
    expect(r.err).toMatch(/broken\.yaml:15:14: routes\[1\]\.backend/);
    expect(r.err).toMatch(/^3 errors$/m);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('validate: exit 1 for a missing file and a throwing module, one clear line each', async () => {
    const missing = await cli(['validate', 'nope.yaml']);
    expect(missing.code).toBe(1);
    expect(missing.err.trim()).toBe('anygate: nope.yaml: no such file; give the path of a YAML, JSON, OpenAPI or TypeScript spec');
    const throws = await cli(['validate', 'test/fixtures/throws.ts']);
    expect(throws.code).toBe(1);
    expect(throws.err).toMatch(/the module threw while loading: spec module exploded on purpose/);
    expect(throws.err).not.toMatch(/\n\s+at /);
  });

  it('a TypeScript spec that does not compile: every compiler error at file:line:column, with the compiler\'s message', async () => {
    const dir = scratch('syntax');
    writeFileSync(path.join(dir, 'gateway.ts'), "export default {\n  name: 'x',\n  routes: [ { method: 'GET' path: '/a' } ],\n};\n");
    const r = await cli(['validate', 'gateway.ts'], dir);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^gateway\.ts:3:29: Expected "}" but found "path" \(the module does not compile\) \[module-syntax\]$/m);
    expect(r.err).not.toMatch(/Transform failed/);
    const j = JSON.parse((await cli(['validate', 'gateway.ts', '--json'], dir)).out);
    expect(j.errors).toEqual([expect.objectContaining({ file: 'gateway.ts', line: 3, column: 29, message: expect.stringContaining('Expected "}" but found "path"') })]);
  });

  it('validate: stable rule ids on every issue (text and --json); --ignore silences warnings by id, never errors', async () => {
    const dir = scratch('rules');
    writeFileSync(path.join(dir, 'g.yaml'), 'name: w\nbackends:\n  api: { type: http, url: https://api.example.com }\nplans:\n  gold: { rateLimit: { requestsPerSecond: 5 } }\nroutes:\n  - { method: GET, path: /a, backend: api, auth: none }\n');
    const warned = await cli(['validate', 'g.yaml'], dir);
    expect([warned.code, warned.err]).toEqual([0, expect.stringMatching(/^g\.yaml:5:3: plans\.gold: warning: no consumer is on this plan; it will exist but meter nobody \[plan-unused\]$/m)]);
    const quiet = await cli(['validate', 'g.yaml', '--ignore', 'plan-unused'], dir);
    expect([quiet.code, quiet.err]).toEqual([0, '']);
    expect(JSON.parse((await cli(['validate', 'g.yaml', '--json'], dir)).out).warnings).toEqual([expect.objectContaining({ rule: 'plan-unused', path: ['plans', 'gold'] })]);
    expect(JSON.parse((await cli(['validate', 'g.yaml', '--json', '--ignore', 'x,plan-unused'], dir)).out).warnings).toEqual([]);
    const broken = await cli(['validate', 'test/fixtures/broken.yaml', '--ignore', 'schema']);
    expect(broken.code).toBe(1);
    expect(broken.err).toMatch(/routes\[0\]\.cache\.ttlSeconds: must be at most 86400 \(got 999999\) \[schema\]$/m);
    expect(broken.err).toMatch(/routes\[1\]\.backend: refers to backend "nowhere".* \[unknown-reference\]$/m);
    const j = JSON.parse((await cli(['validate', 'test/fixtures/broken.yaml', '--json'])).out);
    expect(j.errors.map((e: { rule: string }) => e.rule).sort()).toEqual(['check-backends', 'schema', 'unknown-reference']);
  });

  it('synth and dev print the rule ids validate prints, so a warning seen there can be silenced by id in the spec', async () => {
    const dir = scratch('rules-synth');
    const spec = 'name: w\nbackends:\n  api: { type: http, url: https://api.example.com }\nplans:\n  gold: { rateLimit: { requestsPerSecond: 5 } }\nroutes:\n  - { method: GET, path: /a, backend: api, auth: none }\n';
    writeFileSync(path.join(dir, 'g.yaml'), spec);
    const warned = await cli(['synth', 'g.yaml', '--target', 'azure', '--out', 'o'], dir);
    expect([warned.code, warned.err]).toEqual([0, expect.stringMatching(/^g\.yaml:5:3: plans\.gold: warning: no consumer is on this plan; it will exist but meter nobody \[plan-unused\]$/m)]);
    writeFileSync(path.join(dir, 'g.yaml'), `ignoreWarnings: [plan-unused]\n${spec}`);
    expect((await cli(['synth', 'g.yaml', '--target', 'azure', '--out', 'o'], dir)).err).not.toMatch(/plan-unused|no consumer/);
    const broken = await cli(['synth', 'test/fixtures/broken.yaml', '--target', 'azure', '--out', path.join(dir, 'b')]);
    expect(broken.code).toBe(1);
    expect(broken.err).toMatch(/routes\[1\]\.backend: refers to backend "nowhere".* \[unknown-reference\]$/m);
    const dev = await cli(['dev', 'test/fixtures/broken.yaml', '--port', '0']);
    expect(dev.code).toBe(1);
    expect(dev.err).toMatch(/routes\[0\]\.cache\.ttlSeconds: must be at most 86400 \(got 999999\) \[schema\]$/m);
  });

  it('--debug adds the stack trace', async () => {
    const r = await cli(['validate', 'test/fixtures/throws.ts', '--debug']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/\n\s+at /);
  });

  it('usage errors exit 2', async () => {
    expect((await cli(['frobnicate'])).code).toBe(2);
    expect((await cli(['validate'])).code).toBe(2);
    const r = await cli(['portability', 'examples/petstore/gateway.yaml', '--target', 'aws,gcp']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown target "gcp"; targets: aws, azure, apigee, kubernetes/);
  });

  it('portability prints a table, and JSON with --json', async () => {
    const r = await cli(['portability', 'examples/petstore/gateway.ts', '--target', 'aws,azure']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^feature\s+used by\s+aws\s+azure \(Developer\)$/m);
    expect(r.out).toMatch(/^JWT authorizer\s+4 routes\s+emulated\s+native, differs$/m);
    const j = await cli(['portability', 'examples/petstore/gateway.yaml', '--json']);
    expect(JSON.parse(j.out).targets).toEqual(['aws', 'azure', 'apigee']);
  });

  it('portability exits 1 when a target cannot synthesize the spec', async () => {
    const r = await cli(['portability', 'examples/petstore/gateway.yaml', '--target', 'azure', '--azure-sku', 'Consumption']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/2 routes \(createOrder, createPet\): route\.rateLimit on azure \(Consumption\): Consumption has no rate-limit-by-key/);
    expect(r.out).toMatch(/^response cache +2 routes +REFUSED$/m);
  });
});

describe('anygate import / export and the CDK app', () => {

  it('import writes a spec that validates; export writes OpenAPI 3.1', async () => {
    const dir = scratch('cli-io');
    const spec = path.join(dir, 'imported.yaml');
    // nytimes is not valid Swagger 2.0 (info.logo, path parameters without required): --lenient imports it.
    const imp = await cli(['import', path.join(sharedDir(), 'corpus', 'openapi', 'nytimes-mostpopular-2.0.0.json'), '--lenient', '--out', spec]);
    expect(imp.code).toBe(0);
    expect(readFileSync(spec, 'utf8')).toMatch(/^# Imported from nytimes-mostpopular-2\.0\.0\.json by anygate import\nname: most-popular-api/);
    expect((await cli(['validate', spec])).code).toBe(0);
    const out = path.join(dir, 'openapi.json');
    expect((await cli(['export', 'examples/minimal/gateway.yaml', '--out', out])).code).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).openapi).toBe('3.1.0');
    const notOas = await cli(['import', 'examples/minimal/gateway.yaml']);
    expect([notOas.code, notOas.err.trim()]).toEqual([2, 'anygate: examples/minimal/gateway.yaml is not an OpenAPI or Swagger document (no "openapi" or "swagger" key)']);
  });

  it('cdk.json\'s app synthesizes the petstore with no credentials', () => {
    const outdir = scratch('cdk-app');
    // CDK's built-in template validation costs ~10 s of CPU per process; the tarball test runs a user's
    // app with it, and cfn-lint checks the petstore template (test/cli/synth.test.ts).
    const r = spawnSync(process.execPath, [path.join(root, 'bin', 'cdk-app.js')], { cwd: root, encoding: 'utf8', env: { ...process.env, CDK_OUTDIR: outdir, CDK_VALIDATION: 'false' } });
    expect(r.status).toBe(0);
    expect(existsSync(path.join(outdir, 'petstore-gateway.template.json'))).toBe(true);
  });
});

describe('start-up, discovery and the small commands', () => {
  it('--help and --version load no cloud SDK, esbuild, XML builder or schema library', () => {
    const cli = path.join(root, 'dist', 'bin', 'cli.js');
    const heavy = ['aws-cdk-lib', '@pulumi', 'esbuild', 'xmlbuilder2', 'zod', 'swagger-parser', 'yazl', 'tsx'];
    const calls = [['--help'], ['--version'], ['validate', '--help']];
    // One process runs the three in turn: what is loaded after each call is what that call and
    // the ones before it loaded, so every list empty means no call loaded anything heavy.
    const probe = `const io={out:()=>{},err:()=>{}};const main=require(${JSON.stringify(cli)}).main;(async()=>{for(const args of ${JSON.stringify(calls)}){const code=await main(['node','anygate',...args],io);console.log(JSON.stringify({args,code,loaded:Object.keys(require.cache).filter((k)=>${JSON.stringify(heavy)}.some((h)=>k.includes('/node_modules/'+h+'/')))}))}})()`;
    const r = spawnSync(process.execPath, ['-e', probe], { cwd: root, encoding: 'utf8' });
    expect(r.stdout.trim().split('\n').map((l) => JSON.parse(l))).toEqual(calls.map((args) => ({ args, code: 0, loaded: [] })));
  });

  it('--version prints the package version', () => {
    const r = run('--version');
    expect([r.code, r.out.trim()]).toEqual([0, JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version]);
  });

  it('validate --json prints a machine-readable report on stdout, also when invalid', async () => {
    const bad = await cli(['validate', 'test/fixtures/broken.yaml', '--json']);
    expect(bad.code).toBe(1);
    const j = JSON.parse(bad.out);
    expect(j).toMatchObject({ file: 'test/fixtures/broken.yaml', valid: false });
    expect(j.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: ['routes', 0, 'cache', 'ttlSeconds'], line: 12, column: 19 })]));
    const missing = await cli(['validate', 'nope.yaml', '--json']);
    expect([missing.code, JSON.parse(missing.out).errors[0].message]).toEqual([1, 'no such file; give the path of a YAML, JSON, OpenAPI or TypeScript spec']);
    const good = JSON.parse((await cli(['validate', 'examples/petstore/gateway.yaml', '--json'])).out);
    expect(good).toMatchObject({ valid: true, gateway: 'petstore', routes: 7, errors: [] });
  });

  it('init writes a starter spec with its $schema line; validate and synth find it with no argument', async () => {
    const dir = scratch('init');
    const init = await runAsync(['init', '--name', 'starter'], dir);
    expect(init.code).toBe(0);
    const text = readFileSync(path.join(dir, 'anygate.yaml'), 'utf8');
    expect(text.split('\n')[0]).toBe(`# yaml-language-server: $schema=${path.join(root, 'schema', 'anygate.schema.json')}`);
    expect(existsSync(text.split('\n')[0]!.split('$schema=')[1]!)).toBe(true);
    const v = await cli(['validate'], dir);
    expect([v.code, v.out.trim()]).toEqual([0, 'anygate.yaml: valid (gateway starter, 2 routes)']);
    expect(v.err).toMatch(/^using anygate\.yaml \(no spec given; looked for anygate\.yaml, anygate\.yml, anygate\.json, gateway\.yaml, gateway\.yml, gateway\.json, gateway\.ts\)$/m);
    expect((await cli(['init'], dir)).code).toBe(1); // never overwrites without --force
    const empty = await cli(['synth'], scratch('empty'));
    expect(empty.code).toBe(2);
    expect(empty.err).toMatch(/no spec given and none found in .*: looked for anygate\.yaml, .*gateway\.ts; name one/);
  });

  it('the quick start: init, validate and synth in an empty directory succeed on every target; init names each target\'s peers', async () => {
    const dir = scratch('quickstart');
    const init = await cli(['init'], dir);
    expect(init.code).toBe(0);
    expect(init.err).toMatch(/^next: anygate validate && anygate synth$/m);
    expect(init.err).toMatch(/^  aws {9}aws-cdk-lib constructs +needed by anygate synth \(aws\) and cdk deploy$/m);
    expect(init.err).toMatch(/^  azure {7}@pulumi\/pulumi @pulumi\/azure-native +needed by pulumi up/m);
    expect(init.err).toMatch(/^  apigee {6}@pulumi\/pulumi @pulumi\/gcp +needed by pulumi up/m);
    expect(init.err).toMatch(/^  kubernetes  - +none needed/m);
    expect((await cli(['validate'], dir)).code).toBe(0);
    // The quick start's synth: the default targets (aws, azure, apigee).
    const synth = await cli(['synth'], dir);
    expect(synth.err).not.toMatch(/FAILED/);
    expect(synth.code).toBe(0);
    expect(synth.out).toMatch(/^gateway anygate-quickstart-[a-z0-9]+: 2 routes, 1 stage$/im);
    expect(synth.out).toMatch(/^  aws {4}ok {6}\d+ resources, 0 policies, 0 warnings$/m);
    expect(synth.out).toMatch(/^  apigee ok {6}/m);
    // Kubernetes (opt-in) takes it too; one status column when its longer name is in the list.
    const k8s = await cli(['synth', '--target', 'azure,kubernetes', '--out', 'out-k8s'], dir);
    expect(k8s.code).toBe(0);
    expect(k8s.out).toMatch(/^  azure {6}ok {6}\d+ resources, 3 policies, 2 warnings\n {21}warning: /m);
    expect(k8s.out).toMatch(/^  kubernetes ok +\d+ resources, \d+ polic(y|ies), \d+ warnings?$/m);
  });

  it('init --name with a display name writes a safe gateway name, the text as its description, and a spec that validates', async () => {
    const dir = scratch('init-name');
    const init = await cli(['init', '--name', 'My API'], dir);
    expect(init.code).toBe(0);
    expect(init.err).toMatch(/gateway my-api \("My API" is not a gateway name/);
    const text = readFileSync(path.join(dir, 'anygate.yaml'), 'utf8');
    expect(text).toMatch(/^name: my-api\ndescription: "My API"$/m);
    const v = await cli(['validate', '--json'], dir);
    expect(JSON.parse(v.out)).toMatchObject({ valid: true, gateway: 'my-api' });
    const odd = await cli(['init', '--name', '42: "quoted" \\ name', '--out', 'b.yaml'], dir);
    expect(odd.code).toBe(0);
    expect((await cli(['validate', 'b.yaml'], dir)).code).toBe(0);
  });

  it('"did you mean" for a mistyped command or option', async () => {
    const cmd = await cli(['synht']);
    expect([cmd.code, cmd.err]).toEqual([2, expect.stringContaining('(Did you mean synth?)')]);
    const opt = await cli(['diff', 'a', 'b', '--fail-on', 'destrutive']);
    expect(opt.code).toBe(2);
    expect(opt.err).toMatch(/Allowed choices are changes, destructive/);
    expect(closest('apigee', ['aws', 'azure', 'apigee'])).toBe('apigee');
    expect(closest('azrue', ['aws', 'azure', 'apigee'])).toBe('azure');
    expect(closest('kubernetes', ['aws', 'azure', 'apigee'])).toBeUndefined();
  });

  it('colour only on a terminal, never with NO_COLOR, always with FORCE_COLOR', () => {
    expect(colorWanted({ isTTY: true }, {})).toBe(true);
    expect(colorWanted({ isTTY: false }, {})).toBe(false);
    expect(colorWanted({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colorWanted({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
    expect(colorWanted({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    // Piped output (these tests) carries no escape codes.
    expect(run('validate', 'test/fixtures/broken.yaml').err).not.toMatch(/\u001b\[/);
    const forced = spawnSync(process.execPath, [path.join(root, 'bin', 'anygate.js'), 'validate', 'test/fixtures/broken.yaml'], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '1' } });
    expect(forced.stderr).toMatch(/\u001b\[31m3 errors/);
  });

  it('repeated warnings are grouped with a count; --verbose lists each', () => {
    const ws = ['route a: no cache key', 'route b: no cache key', 'route c: no cache key', 'route d: no cache key', 'route a: something else', 'gateway-wide note', 'gateway-wide note'].map(fromText);
    expect(groupWarnings(ws, false)).toEqual(['no cache key (4 places: route a, route b, route c, and 1 more; --verbose lists all)', 'route a: something else', 'gateway-wide note']);
    expect(groupWarnings(ws, true)).toHaveLength(6);
  });
});
