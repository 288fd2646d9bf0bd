/**
 * bin/synth/files.ts JsonOut: plan.json and resources.json written through one reused buffer, the
 * top levels by hand and the big arrays a chunk at a time, give the bytes of files.ts `json`.
 */
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { json, JsonOut } from '../../bin/synth/files';
import { resourceList } from '../../bin/synth/azure';
import { compileAzure } from '../../providers/azure/compile';
import { parseDataFile, specFromData } from '../../lib/model/load';
import { toGatewaySpec } from '../../lib/model/normalize';
import { SynthesisError } from '../../lib/model/errors';
import { generateGateway } from '../../bench/gen-spec';
import type { GatewaySpec } from '../../lib/model/types';

const same = (out: JsonOut, value: unknown, depth?: number) => expect(out.bytes(value, depth).toString('utf8')).toBe(json(value));

describe('JsonOut', () => {
  it.each([
    ['plain', { b: 1, a: [true, null, 'x'] }],
    ['non-ASCII text', { name: 'caf\u00e9 \u2603 \ud83d\ude80', nested: { policy: '<a b="\u00fc">\n</a>' }, list: ['\u2028', '\ud800', 'x\\"y'] }],
    ['empty object', {}],
    ['empty parts', { a: [], b: {}, c: [[]], d: [{}] }],
    ['left out and null', { a: undefined, f: () => 1, list: [undefined, () => 1, null, 1], deep: { x: undefined } }],
    ['only left out', { a: undefined }],
    ['a string alone', 'text'],
    ['a number alone', 1.5],
    ['an array alone', [1, [2, [3, { a: [4] }]]]],
    ['more elements than a chunk', { list: Array.from({ length: 50 }, (_, i) => ({ i, s: `v${i}`, sub: [i, { k: [] }] })) }],
    ['a sparse array', { list: [1, , 3] }],
    ['integer-like keys', { b: 1, 2: 'two', 1: 'one', a: { 10: 1, 9: 2 } }],
    ['a Date', { at: new Date(0), list: [new Date(0)] }],
  ])('%s: the bytes of json() at every depth', (_name, value) => {
    const out = new JsonOut();
    for (const depth of [0, 1, 2, 3, 5]) same(out, value, depth);
  });

  it('values with nothing to write are refused rather than written as nothing', () => {
    expect(() => new JsonOut().bytes(undefined)).toThrow(/no JSON text/);
  });

  it('random JSON values (through one buffer, shorter after longer, growing from 64 bytes): the bytes of json()', () => {
    const out = new JsonOut(64);
    const value = fc.letrec((tie) => ({
      leaf: fc.oneof(fc.string({ unit: 'binary' }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(undefined)),
      node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, tie('leaf'), fc.array(tie('node'), { maxLength: 40 }),
      // Longer than a chunk (16 elements) at any depth.
      fc.array(tie('leaf'), { minLength: 15, maxLength: 50 }), fc.dictionary(fc.string({ unit: 'binary', maxLength: 6 }), tie('node'), { maxKeys: 6 })),
    })).node;
    fc.assert(
      fc.property(value, fc.integer({ min: 0, max: 4 }), (v, depth) => {
        if (v === undefined) return;
        same(out, v, depth);
      }),
      { numRuns: 300 },
    );
  });

  it('every feature case and a generated gateway: plan.json and resources.json as json() writes them', () => {
    const dir = path.join(__dirname, '../golden/features');
    const specs: GatewaySpec[] = [toGatewaySpec(generateGateway(60))];
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.yaml') && !/\.(aws|azure|apigee|kubernetes|compile)\.yaml$/.test(x))) {
      specs.push(specFromData(f, parseDataFile(readFileSync(path.join(dir, f), 'utf8'), f), 'yaml').spec);
    }
    // A small first buffer: the plans outgrow it.
    const out = new JsonOut(1024);
    let compared = 0;
    for (const spec of specs) {
      for (const stage of Object.keys(spec.stages)) {
        let plan;
        try {
          plan = compileAzure(spec, { stage });
        } catch (e) {
          if (e instanceof SynthesisError) continue;
          throw e;
        }
        const { resources, ...rest } = plan;
        same(out, rest);
        same(out, resourceList(resources, spec.name), 0);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(40);
  });
});
