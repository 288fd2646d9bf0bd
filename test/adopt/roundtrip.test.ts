/**
 * Round trip on anygate's own output: importing what synth emits for a target gives back a spec
 * that synthesizes to the same artifacts. ROUND_TRIPS lists the (example, target) pairs that hold
 * today; every other pair must still import without a crash and validate or be refused by record,
 * and the list may only grow (a pair that starts to hold fails the test until it is added).
 */
import * as path from 'node:path';
import { emittedTree } from '../../bin/adopt/emitted';
import { adopt, sourceTreeOf, type AdoptPlatform, type SourceTree } from '../../lib/adopt';
import { SynthesisError } from '../../lib/model/errors';
import { loadSpecFile } from '../../lib/model/load';
import { validateGateway } from '../../lib/model/normalize';
import type { GatewaySpec } from '../../lib/model/types';
import { treeDifference } from './roundtrip-property';

const root = path.join(__dirname, '..', '..');
const EXAMPLES = ['minimal/gateway.yaml', 'payments/gateway.yaml', 'petstore/gateway.yaml', 'multi-stage/gateway.ts', 'contract/gateway.yaml'];
const TARGETS: AdoptPlatform[] = ['aws', 'azure', 'apigee', 'kubernetes'];

/** The pairs whose round trip gives byte-identical artifacts. */
const ROUND_TRIPS = new Set([
  'minimal/gateway.yaml aws',
  'minimal/gateway.yaml azure',
  'minimal/gateway.yaml apigee',
  'minimal/gateway.yaml kubernetes',
  'payments/gateway.yaml aws',
  'payments/gateway.yaml azure',
  'payments/gateway.yaml apigee',
  'petstore/gateway.yaml aws',
  'multi-stage/gateway.ts aws',
  'multi-stage/gateway.ts azure',
  'multi-stage/gateway.ts apigee',
  // Kubernetes publishes no contract (Gateway API has no place for one), so nothing is lost.
  'contract/gateway.yaml kubernetes',
  // The published contract is read back: Apigee's resources/oas/contract.json
  // (lib/adopt/apigee-contract.ts), APIM's representations, responses and API schema (azure-contract.ts).
  'contract/gateway.yaml apigee',
  'contract/gateway.yaml azure',
  // And on AWS: summaries, parameters, bodies, responses, models and documentation parts (aws-contract.ts).
  'contract/gateway.yaml aws',
  // Validation, body templates, redaction, declared parameters, anygate's subscription ids.
  'petstore/gateway.yaml azure',
  // Body templates, redaction, path rewrites, request validation, JWT claims, the function backend.
  'petstore/gateway.yaml apigee',
]);

/**
 * The pairs that do not round-trip yet, and why. Every other pair either holds (above) or is
 * refused by synthesis itself (a capability record: payments' alternatives, petstore's plan quotas
 * beside route limits, multi-stage's cache and stage throttle on Kubernetes).
 */
const NOT_YET: Record<string, string> = {};

function emitted(spec: GatewaySpec, t: AdoptPlatform): SourceTree | SynthesisError {
  try {
    return emittedTree(spec, t);
  } catch (e) {
    if (e instanceof SynthesisError) return e;
    throw e;
  }
}

const same = (a: SourceTree, b: SourceTree) => a.files.size === b.files.size && [...a.files].every(([f, text]) => b.files.get(f) === text);

describe('import --from T of what synth emitted for T', () => {
  const cases = EXAMPLES.flatMap((e) => TARGETS.map((t) => [e, t] as const));
  it.each(cases)('%s on %s', (example, target) => {
    const spec = loadSpecFile(path.join(root, 'examples', example)).spec;
    const first = emitted(spec, target);
    if (first instanceof SynthesisError) {
      expect(ROUND_TRIPS.has(`${example} ${target}`) || `${example} ${target}` in NOT_YET).toBe(false);
      return;
    }
    expect(ROUND_TRIPS.has(`${example} ${target}`) || `${example} ${target}` in NOT_YET).toBe(true);
    const imported = adopt(target, first);
    const v = validateGateway(imported.input);
    const second = v.spec ? emitted(v.spec, target) : undefined;
    const holds = second !== undefined && !(second instanceof SynthesisError) && same(first, second);
    expect(holds).toBe(ROUND_TRIPS.has(`${example} ${target}`));
    if (!holds) {
      // What does not round-trip is still reported: the loss report is never empty for a lossy read.
      expect(imported.findings.some((f) => f.status !== 'mapped') || !v.spec || second instanceof SynthesisError || second !== undefined).toBe(true);
    }
  });
});

describe('the published contract (#35)', () => {
  const spec = () => loadSpecFile(path.join(root, 'examples', 'contract/gateway.yaml')).spec;
  it('is read back on aws: every method\'s contract and every model mapped, nothing of it lost', () => {
    const findings = adopt('aws', emittedTree(spec(), 'aws')).findings.filter((f) => /^method contract|^model |^documentation part/.test(f.construct));
    expect(findings.filter((f) => f.status !== 'mapped')).toEqual([]);
    expect(findings.filter((f) => /^method contract/.test(f.construct)).map((f) => f.mappedTo).sort()).toEqual(spec().routes.map((_, i) => `routes[${i}].contract`));
    expect(findings.filter((f) => /^model /.test(f.construct)).map((f) => f.mappedTo)).toEqual(expect.arrayContaining(['components.schemas.Error', 'components.schemas.Payment']));
  });

  it('is read back on azure: each operation\'s representations and responses, and the API schema, mapped', () => {
    const findings = adopt('azure', emittedTree(spec(), 'azure')).findings.filter((f) => /\(contract\)$/.test(f.construct));
    expect(findings.filter((f) => f.status !== 'mapped')).toEqual([]);
    expect(findings.map((f) => f.construct).sort()).toEqual(['API schema (contract)', ...spec().routes.map(() => 'operation representations and responses (contract)')]);
  });

  it('is read back on apigee: every operation and component mapped, nothing of it lost', () => {
    const findings = adopt('apigee', emittedTree(spec(), 'apigee')).findings.filter((f) => f.file.endsWith('resources/oas/contract.json'));
    expect(findings.filter((f) => f.status !== 'mapped')).toEqual([]);
    expect(findings.filter((f) => /^contract of /.test(f.construct)).map((f) => f.mappedTo).sort()).toEqual(spec().routes.map((_, i) => `routes[${i}].contract`));
    expect(findings.filter((f) => /^contract component /.test(f.construct)).map((f) => f.mappedTo).sort()).toEqual(['components.responses.NotFound', 'components.schemas.Error', 'components.schemas.Payment']);
  });
});

// The property over generated specs: roundtrip-specs-*.test.ts (test/adopt/roundtrip-property.ts).
describe("the property's comparison of two emitted trees", () => {
  const tree = (files: Record<string, string>) => sourceTreeOf('t', files);
  it('is silent on the same bytes, and names the first differing file and line on both sides', () => {
    expect(treeDifference(tree({ a: 'x\ny', b: 'z' }), tree({ b: 'z', a: 'x\ny' }))).toBeUndefined();
    expect(treeDifference(tree({ a: 'one\ntwo\nthree', b: 'z' }), tree({ a: 'one\nTWO\nthree', b: 'y' }))).toBe('a differs from line 2:\n  emitted for the spec:\n    1: one\n    2: two\n    3: three\n  emitted for its import:\n    1: one\n    2: TWO\n    3: three');
  });
  it('names a file only one side emits', () => {
    expect(treeDifference(tree({ a: 'x', b: 'y' }), tree({ a: 'x' }))).toBe('b is emitted for the spec, not for its import');
    expect(treeDifference(tree({ a: 'x' }), tree({ a: 'x', c: 'y' }))).toBe('c is emitted for the import, not for the spec');
  });
});
