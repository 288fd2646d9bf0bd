/**
 * Golden cases per feature (test/golden/features/, see its README.md): for every FeatureId a small
 * spec, <feature>.yaml, and beside it each target's fragment (<feature>.<target>.yaml) or refusal
 * lines (<feature>.<target>.refused.txt), produced by the pure compilers and compared byte for
 * byte. Refresh on purpose and read the diff:
 *
 *   UPDATE_GOLDEN=1 npx jest test/golden/features.test.ts
 *
 * The fragments are also put through the clouds' validators, one process per validator for all
 * cases together (their start-up is most of their cost).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { FEATURE_IDS, FEATURE_RECORDS, featureUses, isFeatureId, type FeatureId } from '../../lib/capabilities/features';
import { targetProblems } from '../../lib/capabilities/support';
import type { SupportOptions, Target } from '../../lib/capabilities/types';
import { formatProblem } from '../../lib/model/errors';
import { parseDataFile, specFromData } from '../../lib/model/load';
import type { GatewaySpec } from '../../lib/model/types';
import type { K8sObject } from '../../providers/kubernetes/plan';
import { objectYaml } from '../../providers/kubernetes/yaml';
import { k8sProblems } from '../kubernetes/crd';
import { apigeelintBundles, apimPolicyErrors, openApiFileErrors, scratch } from '../validators';
import { BASELINE_CASE, FEATURE_TARGETS, fullOutputs, goldenName, render, subtract, targetOutput, type CaseOptions, type Item, type Output } from './feature-fragments';

const dir = path.join(__dirname, 'features');
const update = process.env.UPDATE_GOLDEN === '1';

const caseFiles = readdirSync(dir).filter((f) => f.endsWith('.yaml') && !/\.(aws|azure|apigee|kubernetes|compile)\.yaml$/.test(f));
const caseNames = caseFiles.map((f) => f.slice(0, -'.yaml'.length)).sort();
/** A case is `<feature>` or a variant `<feature>@<label>` (another shape or tier of the same feature). */
const featureOf = (name: string) => name.split('@')[0];

function loadCase(name: string): GatewaySpec {
  const file = path.join(dir, `${name}.yaml`);
  return specFromData(`test/golden/features/${name}.yaml`, parseDataFile(readFileSync(file, 'utf8'), file), 'yaml').spec;
}

/** The case's compile options: `<case>.compile.yaml` when present (see CaseOptions). */
function caseOptions(name: string): CaseOptions {
  const file = path.join(dir, `${name}.compile.yaml`);
  return existsSync(file) ? (parse(readFileSync(file, 'utf8')) as CaseOptions) : {};
}

// Every case compiled once for every test below (the compilers are pure, so order does not matter).
const specs = new Map(caseNames.map((n) => [n, loadCase(n)]));
const options = new Map(caseNames.map((n) => [n, caseOptions(n)]));
const outputs = new Map(caseNames.map((n) => [n, Object.fromEntries(FEATURE_TARGETS.map((t) => [t, targetOutput(specs.get(n)!, t, options.get(n))])) as Record<string, Output>]));
/** A case's whole AWS body and Apigee bundle (fullOutputs), compiled once for the two validator tests that read them. */
const wholes = new Map<string, ReturnType<typeof fullOutputs>>();
const whole = (name: string) => wholes.get(name) ?? wholes.set(name, fullOutputs(specs.get(name)!, options.get(name))).get(name)!;

/** What a case's golden shows for a target: the items that differ from the baseline's. */
function kept(name: string, t: Target): Item[] {
  const out = outputs.get(name)![t];
  const base = outputs.get(BASELINE_CASE)![t];
  if ('refused' in out) return [];
  return subtract(out.items, name === BASELINE_CASE || 'refused' in base ? undefined : base.items);
}

/** The golden files of one case: name -> text. */
function goldens(name: string): Map<string, string> {
  return new Map(FEATURE_TARGETS.map((t) => [goldenName(name, t, outputs.get(name)![t]), render(name, t, outputs.get(name)![t], kept(name, t))]));
}

/** The first differing line of two texts, for a readable failure. */
function firstDifference(want: string, got: string): string {
  const a = want.split('\n');
  const b = got.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `line ${i + 1}:\n  golden: ${JSON.stringify(a[i]?.slice(0, 300))}\n  now:    ${JSON.stringify(b[i]?.slice(0, 300))}`;
  }
  return 'same text, different bytes';
}

describe('golden cases per feature (test/golden/features)', () => {
  it('every FeatureId has a case, and every case is named after a FeatureId', () => {
    expect(FEATURE_IDS.filter((f) => !caseNames.includes(f))).toEqual([]);
    expect(caseNames.filter((n) => !isFeatureId(featureOf(n)) || /@$|@.*[^a-z0-9-]/.test(n))).toEqual([]);
    // A compile-options file belongs to a case.
    expect(readdirSync(dir).filter((f) => f.endsWith('.compile.yaml') && !caseNames.includes(f.slice(0, -'.compile.yaml'.length)))).toEqual([]);
  });

  it('every case uses its feature; a route feature\'s main case on every route', () => {
    const problems: string[] = [];
    for (const name of caseNames) {
      const feature = featureOf(name) as FeatureId;
      const spec = specs.get(name)!;
      const where = FEATURE_RECORDS[feature].detect(spec);
      if (where.length === 0) problems.push(`${name}: the spec does not use ${feature}`);
      // A main case has no bystander routes, so its fragments hold only its feature; a variant may
      // need one (a greedy parameter beside a plain one).
      else if (!where.includes('gateway') && name === feature) {
        const idle = spec.routes.map((r) => r.id).filter((id) => !where.includes(id));
        if (idle.length) problems.push(`${name}: routes ${idle.join(', ')} do not use ${name}`);
      }
      if (!featureUses(spec).some((u) => u.feature === feature)) problems.push(`${name}: featureUses does not list ${feature}`);
    }
    expect(problems).toEqual([]);
  });

  it('every fragment and refusal matches its golden file byte for byte (UPDATE_GOLDEN=1 rewrites them)', () => {
    const want = new Map(caseNames.flatMap((n) => [...goldens(n)]));
    const present = readdirSync(dir).filter((f) => /\.(aws|azure|apigee|kubernetes)\.(yaml|refused\.txt)$/.test(f));
    if (update) {
      for (const f of present.filter((f) => !want.has(f))) rmSync(path.join(dir, f));
      for (const [f, text] of want) writeFileSync(path.join(dir, f), text);
      return;
    }
    const problems: string[] = [];
    for (const f of present.filter((f) => !want.has(f))) problems.push(`${f}: no longer produced (a refusal became a fragment, or the reverse?)`);
    for (const [f, text] of want) {
      const file = path.join(dir, f);
      if (!existsSync(file)) problems.push(`${f}: new, not in test/golden/features`);
      else if (readFileSync(file, 'utf8') !== text) problems.push(`${f}: ${firstDifference(readFileSync(file, 'utf8'), text)}`);
    }
    if (problems.length) {
      throw new Error(`${problems.length} feature golden(s) differ (refresh on purpose with UPDATE_GOLDEN=1 and read the diff):\n${problems.slice(0, 20).join('\n')}`);
    }
  });

  // Portability reads the same records as the compilers (docs/architecture.md): what a case's
  // golden refuses is exactly what targetProblems lists for it at the same tier and options.
  it('every refusal golden is what portability lists for that target, and every fragment\'s target lists nothing', () => {
    const disagreements = caseNames.flatMap((name) => {
      const spec = specs.get(name)!;
      const o = options.get(name)!;
      const support: SupportOptions = {
        azureSku: o.azure?.sku ?? spec.azure?.sku,
        apigeeEnvironmentType: o.apigee?.environmentType,
        aws: o.aws,
        azure: { externalCache: o.azure?.externalCache ?? spec.azure?.externalCache },
        apigee: { environments: o.apigee?.environments, modelArmorTemplate: o.apigee?.modelArmorTemplate, hostnames: o.apigee?.hostnames, organization: o.apigee?.organization },
      };
      return FEATURE_TARGETS.flatMap((t) => {
        const out = outputs.get(name)![t];
        const synth = 'refused' in out ? out.refused : [];
        const report = targetProblems(spec, t, support).map(formatProblem);
        return JSON.stringify(synth) === JSON.stringify(report) ? [] : [`${name} on ${t}:\n  synth:       ${JSON.stringify(synth)}\n  portability: ${JSON.stringify(report)}`];
      });
    });
    expect(disagreements).toEqual([]);
  });

  it('the baseline case synthesizes on every target (the other cases are compared with it)', () => {
    const base = outputs.get(BASELINE_CASE)!;
    expect(FEATURE_TARGETS.filter((t) => 'refused' in base[t])).toEqual([]);
  });

  it('every API Management policy of every case: xmllint against Microsoft\'s policy schemas (one run)', () => {
    const tmp = scratch('feature-apim');
    const files: string[] = [];
    for (const [name, out] of outputs) {
      const azure = out.azure;
      if ('refused' in azure) continue;
      // API and operation policies, and product policies inside resources: every rawxml value.
      const xml = azure.items.flatMap((i) => policiesIn(i.value));
      xml.forEach((text, n) => {
        const file = path.join(tmp, `${name}-${n}.xml`);
        writeFileSync(file, text);
        files.push(file);
      });
    }
    // At least one policy document per case Azure synthesizes (refused cases have none).
    expect(files.length).toBeGreaterThan([...outputs.values()].filter((o) => !('refused' in o.azure)).length);
    expect(apimPolicyErrors(files)).toBe('');
  });

  it('every case\'s whole API Gateway body: openapi-spec-validator (one run)', () => {
    const tmp = scratch('feature-oas');
    const files = caseNames.flatMap((name) => {
      const body = whole(name).awsBody;
      if (!body) return [];
      const file = path.join(tmp, `${name}.json`);
      writeFileSync(file, JSON.stringify(greedyForValidator(body)));
      return [file];
    });
    expect(files.length).toBeGreaterThan(caseNames.length / 2);
    expect(openApiFileErrors(files)).toBe('');
  });

  it('every Apigee bundle that adds a policy, target or resource to the baseline\'s: apigeelint --profile apigeex, no errors (one process)', () => {
    const tmp = scratch('feature-apigee');
    // apigeelint costs about 0.1 s of CPU a bundle: bundles whose only change is the flows file
    // (proxies/default.xml, plain XML the others' lint covers) are left out.
    const adds = (name: string) => name === BASELINE_CASE || kept(name, 'apigee').some((i) => (i.path[0] === 'files' && i.path[1] !== 'proxies/default.xml') || i.path[0] === 'mcpProxies');
    // Its JavaScript lint costs about 0.9 s of CPU a script, and most bundles carry the same shared
    // script (the access log's timing step): each distinct script is linted once.
    const scripts = new Set<string>();
    const write = (bundle: string, files: Record<string, string>) => {
      for (const [f, text] of Object.entries(files)) {
        if (f.startsWith('resources/jsc/')) {
          if (scripts.has(text)) continue;
          scripts.add(text);
        }
        mkdirSync(path.dirname(path.join(bundle, 'apiproxy', f)), { recursive: true });
        writeFileSync(path.join(bundle, 'apiproxy', f), text);
      }
      return bundle;
    };
    const dirs = caseNames.filter(adds).flatMap((name) => {
      const out = whole(name);
      if (!out.apigeeFiles) return [];
      // The MCP Discovery Proxies are bundles of their own.
      return [write(path.join(tmp, name), out.apigeeFiles), ...Object.entries(out.apigeeMcpFiles ?? {}).map(([proxy, files]) => write(path.join(tmp, `${name}-${proxy}`), files))];
    });
    const findings = apigeelintBundles(dirs);
    const errors = dirs.flatMap((d) => findings[d]!.filter((f) => f.severity === 'error').map((f) => `${path.basename(d)}: ${f.file}: ${f.ruleId} ${f.message}`));
    expect(errors).toEqual([]);
  });

  it('every Kubernetes object of every case: the Gateway API and Envoy Gateway CRD schemas and their CEL rules', () => {
    const objects = [...outputs.values()].flatMap((o) => ('refused' in o.kubernetes ? [] : o.kubernetes.items.filter((i) => i.path[0] === 'objects').map((i) => i.value as K8sObject)));
    expect(objects.length).toBeGreaterThan(caseNames.length);
    expect(objects.flatMap(k8sProblems)).toEqual([]);
  });

  // kubectl decodes manifests as YAML 1.1 (docs: DESIGN "Known cloud facts"), where a plain `yes`,
  // `no`, `on` or `off` is a boolean. spec.strings sets a header to `yes`; the writers
  // (providers/kubernetes/yaml.ts) quote it, so kubectl reads the string back.
  it('every Kubernetes golden reads back as the emitted objects under YAML 1.1, as kubectl decodes it', () => {
    const mismatches = caseNames.flatMap((name) => {
      const out = outputs.get(name)!.kubernetes;
      if ('refused' in out) return [];
      return out.items
        .filter((i) => i.path[0] === 'objects')
        .filter((i) => JSON.stringify(parse(objectYaml(i.value), { version: '1.1' })) !== JSON.stringify(i.value))
        .map((i) => `${name}: ${i.path[1]}`);
    });
    expect(mismatches).toEqual([]);
  });
});

/**
 * API Gateway writes greedy parameters as `{name+}` in paths but `name` in parameter lists, which
 * plain OpenAPI tooling cannot match up; for the validator only, the parameters take the `+`
 * (as validators.test.ts does for the example goldens).
 */
function greedyForValidator(body: Record<string, unknown>): unknown {
  const copy = structuredClone(body) as { paths: Record<string, Record<string, { parameters?: { in: string; name: string }[] }>> };
  for (const [p, ops] of Object.entries(copy.paths)) {
    const greedy = [...p.matchAll(/\{([^}]+)\+\}/g)].map((m) => m[1]);
    for (const op of Object.values(ops)) for (const prm of op.parameters ?? []) if (prm.in === 'path' && greedy.includes(prm.name)) prm.name += '+';
  }
  return copy;
}

/** Every APIM policy document in a value: strings that are a whole <policies> document. */
function policiesIn(v: unknown): string[] {
  if (typeof v === 'string') return v.startsWith('<policies>') ? [v] : [];
  if (Array.isArray(v)) return v.flatMap(policiesIn);
  if (v && typeof v === 'object') return Object.values(v).flatMap(policiesIn);
  return [];
}
