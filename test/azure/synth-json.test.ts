/**
 * bin/synth/files.ts JsonOut: plan.json and resources.json written through one reused buffer (and
 * from it into a new file as it fills), the top levels by hand and the big arrays a chunk at a
 * time, give the bytes of files.ts `json`.
 */
import fc from 'fast-check';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beginRun, finishRun, json, JsonOut } from '../../bin/synth/files';
import { resourceList } from '../../bin/synth/azure';
import { compileAzure } from '../../providers/azure/compile';
import { parseDataFile, specFromData } from '../../lib/model/load';
import { toGatewaySpec } from '../../lib/model/normalize';
import { SynthesisError } from '../../lib/model/errors';
import { generateGateway } from '../../bench/gen-spec';
import type { GatewaySpec } from '../../lib/model/types';

const same = (out: JsonOut, value: unknown, depth?: number) => expect(out.bytes(value, depth).equals(Buffer.from(json(value), 'utf8'))).toBe(true);
/** `v` nested `n` levels deep, alternately in an array and an object. */
const nested = (v: unknown, n: number): unknown => {
  for (let i = 0; i < n; i++) v = i % 2 ? { k: v } : [v];
  return v;
};
/** Every character JSON.stringify escapes or encodes differently: controls, quote, backslash, DEL, two- and three-byte characters, U+2028/2029, BOM, surrogate pairs and lone surrogates (at the ends too). */
const EVERY_ESCAPE = [...Array.from({ length: 0x80 }, (_, i) => String.fromCharCode(i)), '\u0080', '\u07ff', '\u0800', '\u2028', '\u2029', '\ufeff', '\uffff', '\ud83d\ude80', '\ud800\udc00', '\udbff\udfff', '\ud800', '\udbff', '\udc00', '\udfff', '\udc00\ud800'].join('');
/** EVERY_ESCAPE without its surrogates. */
const EVERY_BMP = EVERY_ESCAPE.replace(/[\ud800-\udfff]/g, '');

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
    ['boxed strings, numbers and booleans', { s: Object('x'), n: Object(1), b: Object(false), list: [Object('y')] }],
    ['an object without a prototype', Object.assign(Object.create(null) as object, { b: 1, a: { c: [] } })],
    ['a toJSON method', { a: { toJSON: () => ({ z: 1 }) }, list: [{ toJSON: () => 'x' }] }],
    ['numbers', { list: [0, -0, 1e21, 1e-7, -1.5, 2 ** 53, NaN, Infinity, -Infinity, Number.MIN_VALUE] }],
    ['every escape', { s: EVERY_ESCAPE, list: [EVERY_ESCAPE, '\ud800'], [EVERY_ESCAPE]: 'key' }],
    ['operations holding long strings, in more than one chunk', { operations: Array.from({ length: 70 }, (_, i) => (i % 3 === 1 ? { i, x: undefined, f: () => 1, 2: 'two', policy: `<p i="${i}">\n</p>\t"\\`.repeat(60), after: [i, { s: 'x' }], more: 'y', last: (i % 2 ? EVERY_ESCAPE : EVERY_BMP).repeat(5) } : i % 3 ? { only: EVERY_BMP.repeat(4) } : { i, short: 'z' })) }],
    ['long strings alone, first or last in their object', { list: [{ p: 'x'.repeat(600) }, { p: 'a\u00e9"\n'.repeat(20000) }, { p: '"'.repeat(600), q: 1 }, { q: 1, p: '\\'.repeat(600) }, { q: undefined, p: '\u00e9'.repeat(600), r: undefined }] }],
    ['long strings in elements that are not plain', { list: [{ toJSON: () => ({ p: 'x'.repeat(600) }) }, Object.assign(Object.create(null) as object, { p: '\n'.repeat(600) }), ['y'.repeat(600)]] }],
    ['a long policy-like string', { policy: ('<set-body>@("\\u007b\\"error\\": " + x)</set-body>\n  <a b="\u00e9\ud83d\ude80">\t</a>\r\n').repeat(500) + '\udc00' }],
  ])('%s: the bytes of json() at every depth', (_name, value) => {
    const out = new JsonOut();
    for (const depth of [0, 1, 2, 3, 5]) {
      same(out, value, depth);
      same(out, nested(value, depth), depth);
    }
  });

  it('a BigInt fails as JSON.stringify fails', () => {
    expect(() => new JsonOut().bytes({ a: [1n] })).toThrow(TypeError);
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
        same(out, nested(v, depth), 4 - depth);
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

  describe('write: into the out dir', () => {
    const value = { name: 'g', list: Array.from({ length: 200 }, (_, i) => ({ i, policy: `<p a="${i}">\n  \u2028\ud800\ud83d\ude80 caf\u00e9</p>`.repeat(1 + (i % 7)) })) };
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'jsonout-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('a new file: its bytes written as the buffer fills (a buffer smaller than one chunk), directories made', () => {
      const out = new JsonOut(256);
      beginRun(dir);
      expect(out.write(dir, 'a/b/plan.json', value)).toBe('a/b/plan.json');
      expect(out.write(dir, 'a/list.json', value.list, 0)).toBe('a/list.json');
      finishRun(dir);
      expect(readFileSync(path.join(dir, 'a/b/plan.json'), 'utf8')).toBe(json(value));
      expect(readFileSync(path.join(dir, 'a/list.json'), 'utf8')).toBe(json(value.list));
      // The buffer is flushed, not grown: `bytes` after `write` still gives whole texts.
      expect(out.bytes(value).toString('utf8')).toBe(json(value));
    });

    it('a file the out dir held: left alone when its bytes are the same, replaced when not', () => {
      const same = path.join(dir, 'same.json');
      const changed = path.join(dir, 'changed.json');
      writeFileSync(same, json(value));
      writeFileSync(changed, json({ ...value, name: 'old' }) + 'longer than the new text '.repeat(100));
      const old = new Date(2000, 0, 1);
      utimesSync(same, old, old);
      utimesSync(changed, old, old);
      beginRun(dir);
      const out = new JsonOut(256);
      out.write(dir, 'same.json', value);
      out.write(dir, 'changed.json', value);
      finishRun(dir);
      expect(statSync(same).mtimeMs).toBe(old.getTime());
      expect(readFileSync(same, 'utf8')).toBe(json(value));
      expect(readFileSync(changed, 'utf8')).toBe(json(value));
    });

    it('a value JSON cannot write leaves no file behind', () => {
      const out = new JsonOut(64);
      beginRun(dir);
      expect(() => out.write(dir, 'bad.json', { list: Array.from({ length: 100 }, (_, i) => ({ i, s: 'x'.repeat(50) })).concat([{ i: 1n } as never]) })).toThrow(TypeError);
      finishRun(dir);
      expect(readdirSync(dir)).toEqual([]);
      // The buffer is usable again.
      expect(out.bytes(value).toString('utf8')).toBe(json(value));
    });

    it('a file written outside a run is written whole', () => {
      new JsonOut(64).write(dir, 'x.json', value);
      expect(readFileSync(path.join(dir, 'x.json'), 'utf8')).toBe(json(value));
    });
  });
});
