/**
 * The published package, proved from its tarball: `npm pack`, installed into a fresh fixture root
 * under the OS temp dir, then a user's projects there must synthesize: a CDK TypeScript app compiled
 * by `tsc` (strict, noUncheckedIndexedAccess, skipLibCheck off) and run by node, the same app under
 * ts-node, an ES module consumer, and Pulumi programs for Azure and Apigee under runtime mocks; the
 * README's quick start and its walkthroughs' offline parts (the CDK app's stack outputs, each Pulumi
 * example with the config the packaged README sets) in empty project folders.
 *
 * anygate and its own dependencies are installed from the npm cache (--prefer-offline). The peers
 * and the user's tools (aws-cdk-lib, constructs, @pulumi/*, typescript, ts-node, @types/node) are the
 * registry's packages at the repo's pinned versions; to keep this test fast they are linked from the
 * repo's node_modules (installed by npm ci) instead of unpacked again (~500 MB).
 * ANYGATE_PACKAGE_TEST_INSTALL_PEERS=1 installs them into the fixture root from the cache instead.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ensureBuilt, repoRoot } from '../build';
import { inPairs, spawnAsync, type CliRun } from '../cli/run';

const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string; devDependencies: Record<string, string>; peerDependencies: Record<string, string> };
const USER_TOOLS = ['typescript', 'ts-node', '@types/node'];
const LINKED = [...Object.keys(pkg.peerDependencies), ...USER_TOOLS];

type Run = CliRun;
/** The README's Pulumi walkthroughs and the stack outputs each program exports. */
const WALKTHROUGHS = [
  { cloud: 'walkthrough-azure', heading: '### Azure (API Management, through Pulumi)', outputs: ['apiId', 'gatewayUrl', 'hostname', 'productIds', 'subscriptionIds', 'subscriptionKeys'], files: [] as RegExp[] },
  { cloud: 'walkthrough-apigee', heading: '### Google Cloud (Apigee X, through Pulumi)', outputs: ['credentials', 'keyReferences', 'products', 'revision', 'urls'], files: [/^\.anygate\/apigee\/[\w-]+\.zip$/] },
];
const sh = spawnAsync;

const node = process.execPath;
let work: string;
let files: string[] = [];
let pulumiInstalledWithAnygate = true;
const r: Record<string, Run> = {};
const cdkOut = { tsc: '', tsNode: '' };

beforeAll(async () => {
  ensureBuilt();
  work = mkdtempSync(path.join(tmpdir(), 'anygate-package-'));
  const packed = await sh('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], repoRoot);
  if (packed.code !== 0) throw new Error(`npm pack failed: ${packed.err}`);
  const info = JSON.parse(packed.out) as { filename: string; files: { path: string }[] }[];
  files = info[0]!.files.map((f) => f.path);
  const fixtureRoot = path.join(work, 'root');
  mkdirSync(fixtureRoot);
  const installPeers = process.env.ANYGATE_PACKAGE_TEST_INSTALL_PEERS === '1';
  const deps: Record<string, string> = { anygate: `file:../${info[0]!.filename}` };
  if (installPeers) for (const p of LINKED) deps[p] = pkg.devDependencies[p]!;
  writeFileSync(path.join(fixtureRoot, 'package.json'), JSON.stringify({ name: 'fixture-root', private: true, dependencies: deps }, null, 2));
  const install = await sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock'], fixtureRoot);
  if (install.code !== 0) throw new Error(`npm install of the tarball failed: ${install.err}`);
  pulumiInstalledWithAnygate = existsSync(path.join(fixtureRoot, 'node_modules', '@pulumi')) || existsSync(path.join(fixtureRoot, 'node_modules', 'aws-cdk-lib'));
  if (!installPeers) {
    for (const p of LINKED) {
      mkdirSync(path.dirname(path.join(fixtureRoot, 'node_modules', p)), { recursive: true });
      symlinkSync(path.join(repoRoot, 'node_modules', p), path.join(fixtureRoot, 'node_modules', p), 'dir');
    }
  }
  // One project folder: each fixture resolves anygate and the peers from the fixture root above it.
  const app = path.join(fixtureRoot, 'app');
  cpSync(path.join(__dirname, 'fixtures'), app, { recursive: true });
  cpSync(path.join(repoRoot, 'examples', 'petstore', 'gateway.yaml'), path.join(app, 'gateway.yaml'));
  // The repo's examples as a user copies them: they import the package by name.
  cpSync(path.join(repoRoot, 'examples'), path.join(app, 'examples'), { recursive: true });
  const bin = (p: string) => path.join(fixtureRoot, 'node_modules', p);
  cdkOut.tsc = path.join(work, 'cdk-tsc');
  cdkOut.tsNode = path.join(work, 'cdk-ts-node');
  const tsNode = [bin('ts-node/dist/bin.js'), '--transpile-only'];
  // CDK's built-in template validation (on by default) builds a WebAssembly rule engine in each
  // process: about 10 s of CPU. What it says of the petstore template is checked once, in
  // test/aws/validators.test.ts; here the apps prove loading and synthesis from the package.
  const noValidation = { CDK_VALIDATION: 'false' };
  const jobs: [string, () => Promise<Run>][] = [
    ['tsc', async () => {
      const c = await sh(node, [bin('typescript/bin/tsc'), '-p', 'tsconfig.json'], app);
      r.cdkNode = c.code === 0 ? await sh(node, ['build/cdk-app.js'], app, { CDK_OUTDIR: cdkOut.tsc, ...noValidation }) : c;
      return c;
    }],
    ['cdkTsNode', () => sh(node, [...tsNode, 'cdk-app.ts'], app, { CDK_OUTDIR: cdkOut.tsNode, ...noValidation })],
    ['esm', () => sh(node, ['esm-app.mjs'], app, { CDK_OUTDIR: path.join(work, 'cdk-esm'), ...noValidation })],
    ['azure', () => sh(node, [...tsNode, 'pulumi-azure.ts'], app)],
    ['apigee', () => sh(node, [...tsNode, 'pulumi-apigee.ts'], app)],
    ['examples', () => sh(node, [bin('typescript/bin/tsc'), '-p', 'tsconfig.examples.json'], app)],
    ['examplesValidate', () => sh(node, [bin('.bin/anygate'), 'validate', '--json', 'examples/petstore/gateway.ts'], app)],
    ['cli', () => sh(node, [bin('.bin/anygate'), '--version'], app)],
    ['cliValidate', () => sh(node, [bin('.bin/anygate'), 'validate', '--json'], app)],
    // The README's Pulumi walkthroughs: each example program with the config the packaged README
    // sets, under mocks, from an empty project directory (what it writes there is reported).
    ...WALKTHROUGHS.map(({ cloud, heading }): [string, () => Promise<Run>] => [cloud, async () => {
      const dir = path.join(fixtureRoot, cloud);
      mkdirSync(dir);
      return sh(node, [...tsNode, path.join(app, 'walkthrough.ts'), cloud.replace('walkthrough-', ''), heading], dir);
    }]),
    // The README quick start, in an empty project folder: init, validate, synth (default targets).
    ['quickstart', async () => {
      const dir = path.join(fixtureRoot, 'quickstart');
      mkdirSync(dir);
      let all = '';
      for (const args of [['init'], ['validate'], ['synth']]) {
        const step = await sh(node, [bin('.bin/anygate'), ...args], dir);
        all += `$ anygate ${args.join(' ')}\n${step.out}${step.err}`;
        if (step.code !== 0) return { ...step, out: all };
      }
      return { code: 0, out: all, err: '' };
    }],
  ];
  const done = await inPairs(jobs.map(([, f]) => f));
  jobs.forEach(([name], i) => (r[name] = done[i]!));
}, 20 * 60 * 1000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

const json = (run: Run | undefined) => {
  expect(run?.err ?? 'not run').not.toMatch(/Error|error TS/);
  expect(run?.code).toBe(0);
  // The report is the last line printed, or all of stdout when it is pretty-printed.
  const out = run!.out.trim();
  return JSON.parse(out.startsWith('{\n') ? out : out.split('\n').pop()!);
};

describe('the npm tarball', () => {
  it('holds the compiled package and its docs, not the sources or tests', () => {
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'CHANGELOG.md', 'bin/anygate.js', 'schema/anygate.schema.json', 'dist/lib/index.js', 'dist/lib/index.d.ts', 'dist/providers/aws/index.js', 'dist/providers/azure/index.d.ts', 'dist/providers/apigee/index.js', 'dist/lib/runtime/index.js', 'dist/bin/cli.js']));
    expect(files.filter((f) => /^(test|examples|bench|docs)\/|^tsconfig|\.test\.|^lib\//.test(f) || (f.endsWith('.ts') && !f.endsWith('.d.ts')))).toEqual([]);
  });

  it('installs no cloud SDK by itself: they are optional peer dependencies', () => {
    expect(pulumiInstalledWithAnygate).toBe(false);
  });

  it('a CDK app compiled by tsc (strict, skipLibCheck off) and run by node synthesizes, without loading Pulumi', () => {
    expect(r.tsc?.out + (r.tsc?.err ?? '')).toBe('');
    expect(r.tsc?.code).toBe(0);
    const j = json(r.cdkNode);
    expect([...j.stacks].sort()).toEqual(['hello-gateway', 'petstore-gateway']);
    expect(Math.min(...j.resources)).toBeGreaterThan(3);
    expect(j.pulumiLoaded).toBe(false);
    // The JWT authorizer was bundled by esbuild from the compiled package.
    const assets = readdirSync(cdkOut.tsc).filter((d) => d.startsWith('asset.') && existsSync(path.join(cdkOut.tsc, d, 'config.json')));
    expect(assets.length).toBeGreaterThan(0);
    const code = readFileSync(path.join(cdkOut.tsc, assets[0]!, 'index.js'), 'utf8');
    expect(code).toMatch(/handler/);
    expect(code).not.toMatch(/require\(["'](\.|anygate)/); // one self-contained file
  });

  it('the CDK app has a stack output per stage URL (what cdk deploy prints), and the construct\'s url resolves', () => {
    const j = json(r.cdkNode) as { stacks: string[]; outputs: string[][]; url: string };
    const byStack = Object.fromEntries(j.stacks.map((name, i) => [name, [...j.outputs[i]!].sort()]));
    expect(byStack).toEqual({
      'petstore-gateway': ['Invoke URL of the dev stage of petstore (anygate)', 'Invoke URL of the prod stage of petstore (anygate)'],
      'hello-gateway': ['Invoke URL of the prod stage of hello (anygate)'],
    });
    expect(j.url).toMatch(/execute-api/);
  });

  it.each(WALKTHROUGHS)('$cloud: the example program runs from the package with the config the packaged README sets; its outputs resolve', ({ cloud, outputs, files: written }) => {
    const j = json(r[cloud]) as { set: string[]; outputs: string[]; files: string[] };
    expect(j.set.length).toBeGreaterThan(2);
    expect(j.outputs).toEqual(outputs);
    expect(j.files).toEqual(written.map((f) => expect.stringMatching(f)));
  });

  it('the same CDK app runs under ts-node', () => {
    expect(json(r.cdkTsNode)).toEqual(json(r.cdkNode));
  });

  it('an ES module consumer imports named exports from every subpath', () => {
    expect(json(r.esm)).toMatchObject({ targets: ['aws', 'azure', 'apigee'], stacks: ['esm-gateway'], azureOperations: 1 });
    expect(json(r.esm).authorizerBytes).toBeGreaterThan(1000);
  });

  it('a Pulumi program for Azure registers the API Management resources under mocks', () => {
    const j = json(r.azure);
    expect(j.types).toEqual(expect.arrayContaining(['azure-native:apimanagement:Api', 'azure-native:apimanagement:ApiOperation', 'azure-native:apimanagement:ApiOperationPolicy', 'azure-native:apimanagement:Product']));
  });

  it('a Pulumi program for Apigee registers the proxy and its products under mocks', () => {
    const j = json(r.apigee);
    expect(j.types).toEqual(expect.arrayContaining(['gcp:apigee/api:Api', 'gcp:apigee/apiProduct:ApiProduct', 'gcp:apigee/environmentApiRevisionDeployment:EnvironmentApiRevisionDeployment']));
  });

  it('the README quick start (init, validate, synth) succeeds in an empty folder, with the schema from the package', () => {
    expect([r.quickstart?.code, r.quickstart?.out]).toEqual([0, expect.stringMatching(/^  apigee ok /m)]);
    expect(r.quickstart!.out).toMatch(/# yaml-language-server: \$schema=|wrote anygate\.yaml, gateway quickstart/);
    expect(r.quickstart!.out).toMatch(/^anygate\.yaml: valid \(gateway quickstart, 2 routes\)$/m);
    expect(r.quickstart!.out).not.toMatch(/FAILED/);
  });

  it('the examples import `anygate` and `anygate/<target>` and compile against the package; a TypeScript spec loads from it', () => {
    expect([r.examples?.code, `${r.examples?.out}${r.examples?.err}`]).toEqual([0, '']);
    expect(json(r.examplesValidate)).toMatchObject({ file: 'examples/petstore/gateway.ts', valid: true, gateway: 'petstore' });
  });

  it('the anygate bin runs from the package and finds gateway.yaml in the current directory', () => {
    expect(r.cli?.out.trim()).toBe(pkg.version);
    expect(json(r.cliValidate)).toMatchObject({ file: 'gateway.yaml', valid: true, gateway: 'petstore' });
  });
});
