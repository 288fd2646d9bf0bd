/**
 * providers/azure/canonical.ts: the plan is canonical (keys sorted, no undefined, as
 * lib/model/normalize.ts `canonical` makes it) although the operations and their resources are
 * built in that order and shared rather than copied; and what is kept per spec across stages
 * (compile.ts STAGE_FREE, OPERATION_BASES) never leaks from one spec into another's plan.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { compileAzure, type AzureCompileOptions } from '../../providers/azure/compile';
import { insertSorted } from '../../providers/azure/canonical';
import { canonical, toGatewaySpec } from '../../lib/model/normalize';
import { parseDataFile, specFromData } from '../../lib/model/load';
import { SynthesisError } from '../../lib/model/errors';
import type { GatewaySpec } from '../../lib/model/types';
import { generateGateway } from '../../bench/gen-spec';

const dir = path.join(__dirname, '../golden/features');
const cases = readdirSync(dir).filter((f) => f.endsWith('.yaml') && !/\.(aws|azure|apigee|kubernetes|compile)\.yaml$/.test(f));
const load = (f: string): GatewaySpec => specFromData(f, parseDataFile(readFileSync(path.join(dir, f), 'utf8'), f), 'yaml').spec;
const optionsOf = (f: string): AzureCompileOptions => {
  const file = path.join(dir, f.replace(/\.yaml$/, '.compile.yaml'));
  return existsSync(file) ? ((parse(readFileSync(file, 'utf8')) as { azure?: AzureCompileOptions }).azure ?? {}) : {};
};

/** Every stage's plan, or undefined where Azure refuses the spec. */
function plans(spec: GatewaySpec, options: AzureCompileOptions = {}) {
  try {
    return Object.keys(spec.stages).map((stage) => compileAzure(spec, { ...options, stage }));
  } catch (e) {
    if (e instanceof SynthesisError) return undefined;
    throw e;
  }
}

describe('azure plans are canonical without copying what was built canonical', () => {
  it('every feature case, every stage: the plan is its own canonical copy, key order included', () => {
    let compiled = 0;
    for (const f of cases) {
      for (const plan of plans(load(f), optionsOf(f)) ?? []) {
        compiled++;
        expect(JSON.stringify(plan)).toBe(JSON.stringify(canonical(plan)));
      }
    }
    expect(compiled).toBeGreaterThan(80);
  });

  it('a generated gateway: operations and their resources are canonical, and shared rather than copied', () => {
    const spec = toGatewaySpec(generateGateway(24));
    const [dev, prod] = plans(spec)!;
    for (const plan of [dev!, prod!]) {
      expect(JSON.stringify(plan)).toBe(JSON.stringify(canonical(plan)));
      const op = plan.resources.find((r) => r.name === `op-${plan.operations[3]!.id}`)!;
      // The ApiOperation's inputs hold the operation's own parameter lists, not copies.
      expect(op.inputs.templateParameters).toBe(plan.operations[3]!.templateParameters);
      expect(op.inputs.request).toMatchObject({ queryParameters: plan.operations[3]!.queryParameters });
    }
    // The stage-free parts of an operation are one object in both stages' plans.
    expect(prod!.operations[0]!.templateParameters).toBe(dev!.operations[0]!.templateParameters);
    expect(prod!.operations[0]!.policy).not.toBe(dev!.operations[0]!.policy);
  });

  it('insertSorted puts a key in its sorted place', () => {
    expect(Object.keys(insertSorted({ a: 1, m: 2, z: 3 }, 'p', 0))).toEqual(['a', 'm', 'p', 'z']);
    expect(Object.keys(insertSorted({ a: 1 }, 'p', 0))).toEqual(['a', 'p']);
    expect(Object.keys(insertSorted({ q: 1 }, 'p', 0))).toEqual(['p', 'q']);
  });
});

describe('what a compile keeps per spec stays with that spec', () => {
  it('two specs with the same route ids never share a kept fragment or operation', () => {
    const input = generateGateway(8) as Record<string, any>;
    const changed = structuredClone(input);
    changed.routes[1].scopes = ['other:scope'];
    changed.routes[1].description = 'changed';
    changed.routes[2].validation = { requiredQuery: ['q'] };
    const a = toGatewaySpec(input);
    const b = toGatewaySpec(changed);
    // a first, then b: each as a fresh copy of b compiled alone gives it.
    const afterA = [...plans(a)!, ...plans(b)!].slice(2);
    const alone = plans(toGatewaySpec(structuredClone(changed)))!;
    expect(JSON.stringify(afterA)).toBe(JSON.stringify(alone));
    expect(afterA[0]!.operations[1]!.policy).toContain('other:scope');
    expect(afterA[0]!.operations[1]!.description).toBe('changed');
    expect(afterA[1]!.operations[2]!.queryParameters.map((p) => p.name)).toContain('q');
    expect(plans(a)![0]!.operations[1]!.policy).not.toContain('other:scope');
  });

  it('nodes shared by the routes of one compile (emit/backend.ts) carry that stage and backend only', () => {
    const [dev, prod] = plans(toGatewaySpec(generateGateway(10)))!;
    // Routes 0 and 5 use the function backend, the others the HTTP one (bench/gen-spec.ts).
    expect(dev!.operations[0]!.policy).toContain('backend-id="scale-dev-fn"');
    expect(dev!.operations[1]!.policy).toContain('backend-id="scale-dev-api"');
    expect(prod!.operations[0]!.policy).toContain('backend-id="scale-prod-fn"');
    expect(prod!.operations[1]!.policy).toContain('backend-id="scale-prod-api"');
    expect(prod!.operations.some((o) => o.policy?.includes('scale-dev-'))).toBe(false);
  });

  it('kept transform and cache fragments are taken only by a stage with the same variables and externalCache', () => {
    const input = generateGateway(6) as Record<string, any>;
    // Routes 4 and 5 set a header from a path parameter; route 4 also sets one from a stage variable.
    input.routes[4].transform = { request: { setHeaders: { 'x-item': '${path.itemId}', 'x-env': '${stage.env}' } } };
    input.stages = { dev: { variables: { env: 'development' } }, test: { variables: { env: 'testing' } }, prod: { variables: { env: 'production' } }, qa: { variables: { env: 'development' } } };
    const spec = toGatewaySpec(input);
    // Stages and options in an order that takes and replaces kept fragments both ways.
    const runs: [string, boolean][] = [['dev', false], ['prod', false], ['qa', false], ['test', true], ['dev', true], ['prod', false], ['dev', false]];
    for (const [stage, externalCache] of runs) {
      const plan = compileAzure(spec, { stage, externalCache });
      const alone = compileAzure(toGatewaySpec(structuredClone(input)), { stage, externalCache });
      expect(JSON.stringify(plan)).toBe(JSON.stringify(alone));
      const env = { dev: 'development', qa: 'development', prod: 'production', test: 'testing' }[stage]!;
      expect(plan.operations[4]!.policy).toContain(`<value>@("${env}")</value>`);
      expect(plan.operations[0]!.policy).toContain(`caching-type="${externalCache ? 'external' : 'internal'}"`);
    }
  });

  it('cache nodes shared by routes (emit/cache.ts) differ where the routes\' keys and durations do', () => {
    const [dev] = plans(toGatewaySpec(generateGateway(10)))!;
    // r0: GET, API key, 30 s; r4: GET, JWT, 150 s (bench/gen-spec.ts).
    const r0 = dev!.operations[0]!.policy!;
    const r4 = dev!.operations[4]!.policy!;
    expect(r4).toContain('<vary-by-header>Authorization</vary-by-header>');
    expect(r0).not.toContain('<vary-by-header>Authorization</vary-by-header>');
    expect(r0).toContain('<cache-store duration="30"/>');
    expect(r4).toContain('<cache-store duration="150"/>');
  });
});
