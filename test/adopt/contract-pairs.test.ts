/**
 * The (example, target) pairs that now round-trip, beside ROUND_TRIPS
 * (test/adopt/roundtrip.test.ts, which another change is reworking): importing what synth emitted
 * gives back a spec that synthesizes to the same bytes.
 */
import * as path from 'node:path';
import { emittedTree } from '../../bin/adopt/emitted';
import { adopt, type AdoptPlatform } from '../../lib/adopt';
import { loadSpecFile } from '../../lib/model/load';
import { validateGateway } from '../../lib/model/normalize';

const root = path.join(__dirname, '..', '..');

/** Pairs to add to ROUND_TRIPS. */
export const CONTRACT_ROUND_TRIPS: [string, AdoptPlatform][] = [
  ['contract/gateway.yaml', 'aws'],
  // Validation, body templates, redaction, declared parameters, anygate's subscription ids.
  ['petstore/gateway.yaml', 'azure'],
  // Body templates, redaction, path rewrites, request validation, JWT claims, the function backend.
  ['petstore/gateway.yaml', 'apigee'],
];

describe('round trip of the published contract', () => {
  it.each(CONTRACT_ROUND_TRIPS)('%s on %s gives the same artifacts', (example, target) => {
    const spec = loadSpecFile(path.join(root, 'examples', example)).spec;
    const first = emittedTree(spec, target);
    const v = validateGateway(adopt(target, first).input);
    expect(v.errors).toEqual([]);
    const second = emittedTree(v.spec!, target);
    expect([...second.files.keys()]).toEqual([...first.files.keys()]);
    for (const [f, text] of first.files) expect({ f, text: second.files.get(f) }).toEqual({ f, text });
  });
});
