/**
 * The layers of docs/architecture.md, held by the code's own imports: the model and capabilities
 * (lib/) know no target, compilers know no CDK or Pulumi, and nothing imports in a circle. Import
 * specifiers are read from the source text (static imports, re-exports, require and import()).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const SPECIFIER = /(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function sources(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(path.join(ROOT, d), { withFileTypes: true })) {
      const rel = path.posix.join(d, e.name);
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(rel);
    }
  };
  walk(dir);
  return out.sort();
}

/** Every specifier a file imports: relative ones resolved to repo paths (no extension), packages as written. */
function imports(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8').replace(/^\s*(\/\/.*|\*.*|\/\*.*)$/gm, '');
  const out: string[] = [];
  for (const m of text.matchAll(SPECIFIER)) {
    const s = m[1] ?? m[2] ?? m[3];
    out.push(s.startsWith('.') ? path.posix.normalize(path.posix.join(path.posix.dirname(file), s)) : s);
  }
  return out;
}

const LAYERS = ['lib', 'providers', 'dev', 'bin'] as const;
const all = LAYERS.flatMap((d) => (fs.existsSync(path.join(ROOT, d)) ? sources(d) : []));
const graph = new Map(all.map((f) => [f, imports(f)]));
const isPackage = (s: string, names: string[]) => names.some((n) => s === n || s.startsWith(`${n}/`));
const CLOUD_SDKS = ['aws-cdk-lib', 'constructs', '@pulumi/pulumi', '@pulumi/azure-native', '@pulumi/gcp'];

describe('import boundaries (docs/architecture.md)', () => {
  it('lib/ imports no provider, no CLI and not the local gateway', () => {
    const bad = all.filter((f) => f.startsWith('lib/')).flatMap((f) => graph.get(f)!.filter((s) => /^(providers|bin|dev)\//.test(s)).map((s) => `${f} -> ${s}`));
    expect(bad).toEqual([]);
  });

  it('only the binders import aws-cdk-lib, constructs or @pulumi/* (compilers and emitters stay pure)', () => {
    // Binders: each target's gateway.ts, the AWS body resolver construct it owns, the Apigee trace
    // config's dynamic resource ApigeeGateway creates, and the resource graph's Pulumi types; the
    // CLI's CDK app and AWS synth drive CDK themselves.
    const binder = (f: string) => /^providers\/[^/]+\/gateway\.ts$/.test(f) || f === 'providers/aws/body.ts' || f === 'providers/apigee/trace-config.ts' || f === 'providers/shared/graph.ts' || f.startsWith('bin/');
    const bad = all.filter((f) => !binder(f)).flatMap((f) => graph.get(f)!.filter((s) => isPackage(s, CLOUD_SDKS)).map((s) => `${f} -> ${s}`));
    expect(bad).toEqual([]);
  });

  it('emitters never refuse: no problem is pushed under providers/*/emit, providers/aws/routes or the Kubernetes filters', () => {
    const emitters = all.filter((f) => /^providers\/[^/]+\/emit\//.test(f) || f.startsWith('providers/aws/routes/') || f === 'providers/kubernetes/filters.ts');
    expect(emitters.length).toBeGreaterThan(10);
    const bad = emitters.filter((f) => /problems\.push\(|\.problem\(/.test(fs.readFileSync(path.join(ROOT, f), 'utf8')));
    expect(bad).toEqual([]);
  });

  it('nothing imports aws-cdk-lib\'s root or cdk-nag directly (the type check would parse all of aws-cdk-lib: test/aws/nag.ts)', () => {
    const everywhere = ['lib', 'providers', 'dev', 'bin', 'test', 'bench', 'examples'].flatMap((d) => sources(d));
    const bad = everywhere.filter((f) => f !== 'test/aws/nag.ts').flatMap((f) => imports(f).filter((s) => s === 'aws-cdk-lib' || s === 'cdk-nag').map((s) => `${f} -> ${s}`));
    expect(bad).toEqual([]);
  });

  it('no two modules import each other', () => {
    const resolve = (s: string) => (graph.has(`${s}.ts`) ? `${s}.ts` : graph.has(`${s}/index.ts`) ? `${s}/index.ts` : undefined);
    const edges = new Map([...graph].map(([f, specs]) => [f, new Set(specs.map(resolve).filter((x): x is string => x !== undefined))]));
    const cycles = [...edges].flatMap(([a, to]) => [...to].filter((b) => a < b && edges.get(b)?.has(a)).map((b) => `${a} <-> ${b}`));
    expect(cycles).toEqual([]);
  });
});
