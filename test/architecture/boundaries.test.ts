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

/** The model's parsers of spec strings: placeholders (template.ts) and paths (path.ts); lib/model's index re-exports them. */
const PARSER_MODULES = ['lib/model/template', 'lib/model/path', 'lib/model/normalize', 'lib/model', 'lib/model/index'];
const PARSERS = ['parseTemplate', 'parsePath', 'mustParsePath'];
const NAMED = /(?:import|export)\s+(?:type\s+)?\{([^}]*)\}\s*from\s*['"]([^'"]+)['"]/g;
const WHOLE = /import\s+\*\s+as\s+\w+\s+from\s+['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)|export\s+\*\s+from\s+['"]([^'"]+)['"]/g;

/** Where `file`'s source text takes a parser: a named import of one, or a whole parser module. */
function parserImports(file: string, text: string): string[] {
  const resolve = (s: string) => (s.startsWith('.') ? path.posix.normalize(path.posix.join(path.posix.dirname(file), s)) : s);
  const code = text.replace(/^\s*(\/\/.*|\*.*|\/\*.*)$/gm, '');
  const named = [...code.matchAll(NAMED)].flatMap((m) => {
    if (!PARSER_MODULES.includes(resolve(m[2]))) return [];
    const names = m[1].split(',').map((n) => n.trim().replace(/^type\s+/, '').split(/\s+as\s+/)[0]);
    return names.filter((n) => PARSERS.includes(n)).map((n) => `${file} -> ${n} (${resolve(m[2])})`);
  });
  const whole = [...code.matchAll(WHOLE)].map((m) => resolve(m[1] ?? m[2] ?? m[3] ?? m[4])).filter((s) => PARSER_MODULES.includes(s)).map((s) => `${file} -> all of ${s}`);
  return [...named, ...whole];
}

describe('import boundaries (docs/architecture.md)', () => {
  it('no provider parses a path or a placeholder: they read route.segments and route.templates (#26)', () => {
    const providers = all.filter((f) => f.startsWith('providers/'));
    expect(providers.length).toBeGreaterThan(50);
    const bad = providers.flatMap((f) => parserImports(f, fs.readFileSync(path.join(ROOT, f), 'utf8')));
    expect(bad).toEqual([]);
  });

  it('the parser guard sees each way of taking a parser', () => {
    const f = 'providers/x/y.ts';
    expect(parserImports(f, "import { parseTemplate, type TemplatePart } from '../../lib/model/template';")).toEqual([`${f} -> parseTemplate (lib/model/template)`]);
    expect(parserImports(f, "import { formatPath, mustParsePath as p } from '../../lib/model/path';")).toEqual([`${f} -> mustParsePath (lib/model/path)`]);
    expect(parserImports(f, "import { parsePath } from '../../lib/model';")).toHaveLength(1);
    expect(parserImports(f, "import * as T from '../../lib/model/template';")).toHaveLength(1);
    expect(parserImports(f, "const t = require('../../lib/model/path');")).toHaveLength(1);
    expect(parserImports(f, "import type { TemplatePart } from '../../lib/model/template';\nimport { formatPath } from '../../lib/model/path';")).toEqual([]);
  });


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
