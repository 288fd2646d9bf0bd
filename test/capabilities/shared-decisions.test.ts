/**
 * The work every target shares around the compilers decides exactly as before it was shared:
 * - featureUses (one walk over the routes asking every route record) answers what each record's
 *   own detect answers, over fuzzed specs and every golden feature case;
 * - targetProblems, which decides each record once per spec and reuses the decision for options
 *   the record did not read, answers for a spec already asked with other options what it answers
 *   for a fresh copy of the spec asked only with these.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { FEATURE_IDS, FEATURE_RECORDS, featureUses } from '../../lib/capabilities/features';
import { targetProblems } from '../../lib/capabilities/support';
import { ALL_TARGETS, type SupportOptions } from '../../lib/capabilities/types';
import { parseDataFile, specFromData } from '../../lib/model/load';
import { validateGateway } from '../../lib/model/normalize';
import type { GatewaySpec } from '../../lib/model/types';
import { generateGateway } from '../../bench/gen-spec';
import { compileOptions, gatewayInput } from './arbitraries';

const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
const SEED = Number(process.env.FUZZ_SEED ?? 29_2026);

/** featureUses as it was: every record's detect on its own, in record order, repeats dropped. */
const usesOneByOne = (spec: GatewaySpec) =>
  FEATURE_IDS.map((feature) => ({ feature, where: [...new Set(FEATURE_RECORDS[feature].detect(spec))] })).filter((u) => u.where.length > 0);

const plain = (uses: readonly { feature: string; where: readonly string[] }[]) => uses.map((u) => ({ feature: u.feature, where: [...u.where] }));

type Drawn = typeof compileOptions extends fc.Arbitrary<infer T> ? T : never;

/** Option sets as the callers pass them: a compile's own block, the report's tiers only, none. */
const optionSets = (d: Drawn): SupportOptions[] => [
  { azureSku: d.azureSku, apigeeEnvironmentType: d.apigeeEnvironmentType },
  { aws: { cacheClusterSize: d.cacheClusterSize, stages: d.stages } },
  { azureSku: d.azureSku, azure: { externalCache: d.externalCache, apiDefinition: d.apiDefinition } },
  { apigeeEnvironmentType: d.apigeeEnvironmentType, apigee: { environments: Object.fromEntries((d.stages ?? ['prod']).map((s) => [s, s])) } },
  { kubernetes: { stages: d.stages, namespaces: d.namespaces, backendKind: d.backendKind, functions: d.functions } },
  {},
];

describe('featureUses in one walk', () => {
  it(`answers what each detect answers, on ${RUNS} fuzzed specs`, () => {
    fc.assert(
      fc.property(gatewayInput, (input) => {
        const v = validateGateway(input);
        fc.pre(Boolean(v.spec));
        expect(plain(featureUses(v.spec!))).toEqual(usesOneByOne(v.spec!));
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('answers what each detect answers, on every golden feature case', () => {
    const dir = path.join(__dirname, '..', 'golden', 'features');
    const cases = readdirSync(dir).filter((f) => f.endsWith('.yaml') && !/\.(aws|azure|apigee|kubernetes|compile)\.yaml$/.test(f));
    expect(cases.length).toBeGreaterThan(50);
    for (const f of cases) {
      const file = path.join(dir, f);
      const spec = specFromData(`test/golden/features/${f}`, parseDataFile(readFileSync(file, 'utf8'), file), 'yaml').spec;
      expect({ f, uses: plain(featureUses(spec)) }).toEqual({ f, uses: usesOneByOne(spec) });
    }
  });

  it("answers what each detect answers, on the examples and the bench's generated gateways", () => {
    const root = path.join(__dirname, '..', '..', 'examples');
    const examples = readdirSync(root).map((d) => path.join(root, d, 'gateway.yaml')).filter((f) => existsSync(f));
    const specs = examples.map((file) => specFromData(path.relative(root, file), parseDataFile(readFileSync(file, 'utf8'), file), 'yaml').spec);
    for (const kubernetes of [false, true]) specs.push(validateGateway(generateGateway(60, { kubernetes })).spec!);
    for (const spec of specs) expect({ spec: spec.name, uses: plain(featureUses(spec)) }).toEqual({ spec: spec.name, uses: usesOneByOne(spec) });
  });
});

describe('targetProblems decides each record once per spec', () => {
  it(`answers, after other options, what a fresh spec answers, on ${RUNS} fuzzed specs, every target`, () => {
    fc.assert(
      fc.property(gatewayInput, compileOptions, (input, drawn) => {
        const v = validateGateway(input);
        fc.pre(Boolean(v.spec));
        const sets = optionSets(drawn);
        for (const target of ALL_TARGETS) {
          // Asked in turn with every option set, as compile, report and dev ask one spec...
          const shared = sets.map((o) => targetProblems(v.spec!, target, o));
          // ...and each set alone, on a spec object of its own (nothing remembered).
          const fresh = sets.map((o) => targetProblems(validateGateway(input).spec!, target, o));
          expect({ target, problems: shared }).toEqual({ target, problems: fresh });
        }
      }),
      { numRuns: Math.ceil(RUNS / 4), seed: SEED },
    );
  });

  it('decides afresh when options differ in a key a record read, on the same spec object', () => {
    const spec = validateGateway(generateGateway(3)).spec!;
    const stages = (o: SupportOptions) => targetProblems(spec, 'aws', o).filter((p) => p.feature === 'stage').map((p) => p.message);
    expect(stages({ aws: { stages: ['prod'] } })).toEqual([]);
    // Same spec object, only aws.stages differs: the stage record read it, so it decides again.
    expect(stages({ aws: { stages: ['nope'] } })).toEqual(['stage "nope" is not in the spec; stages: dev, prod']);
    expect(stages({ aws: { stages: ['dev'] } })).toEqual([]);
    // The same options object, changed in place between two asks, is read again too.
    const changed = { apigee: { environments: { prod: 'prod' } as Record<string, string> } };
    expect(targetProblems(spec, 'apigee', changed).filter((p) => p.feature === 'stage')).toEqual([]);
    changed.apigee.environments = { nope: 'x' };
    expect(targetProblems(spec, 'apigee', changed).filter((p) => p.feature === 'stage').map((p) => p.message)).toEqual(['environments.nope: stage "nope" is not in the spec; stages: dev, prod']);
  });

  it('reuses a decision for options that differ only in keys the record did not read', () => {
    const spec = validateGateway(generateGateway(3)).spec!;
    const first = targetProblems(spec, 'azure', { azureSku: 'Consumption' });
    expect(first.map((p) => p.feature)).toEqual(['route.rateLimit', 'route.cache']);
    // externalCache is read by the cache record (decided again, now with no problem); the
    // rate-limit refusal reads no option and is the very same decision.
    const second = targetProblems(spec, 'azure', { azureSku: 'Consumption', azure: { externalCache: true } });
    expect(second.map((p) => p.feature)).toEqual(['route.rateLimit']);
    expect(second[0]).toBe(first[0]);
    // Another tier is another question: nothing of Consumption's is reused.
    expect(targetProblems(spec, 'azure', { azureSku: 'Premium' })).toEqual([]);
  });
});
