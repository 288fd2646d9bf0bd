/**
 * canonical (lib/model/normalize.ts): a deep copy with every object's keys sorted and undefined
 * values dropped. It remembers the sorted order of each key sequence (lib/model/sorted-keys.ts); the copy must
 * be the one sorting every object afresh gives, and no two key sequences may share an order.
 */
import fc from 'fast-check';
import { canonical } from '../../lib/model/normalize';
import { sortedKeys } from '../../lib/model/sorted-keys';

/** canonical as first written: every object's keys sorted on the spot. */
function reference(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reference);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = reference(v);
    }
    return out;
  }
  return value;
}

/** The copy's text with key order (JSON.stringify keeps insertion order; toEqual ignores it). */
const text = (v: unknown) => JSON.stringify(v);

// Few letters and NUL, so key sequences repeat, permute and join alike (`a\0` + `b` vs `a` + `\0b`).
const key = fc.stringMatching(/^[ab\0B]{0,3}$/);
const value = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof({ depthSize: 'small', maxDepth: 4 }, fc.integer(), fc.constant(undefined), key, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(key, tie('v'), { maxKeys: 4, noNullPrototype: true })),
})).v;

describe('canonical', () => {
  it('copies as sorting every object afresh does, key order included, whatever sequences came before', () => {
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 4 }), (values) => {
        for (const v of values) expect(text(canonical(v))).toBe(text(reference(v)));
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 300), seed: 20261207 },
    );
  });

  it('never gives a key sequence the order of another that joins to the same text', () => {
    expect(sortedKeys(['b\0', 'a'])).toEqual(['a', 'b\0']);
    expect(sortedKeys(['b', '\0a'])).toEqual(['\0a', 'b']);
    expect(sortedKeys(['b\0', 'a'])).toEqual(['a', 'b\0']);
    expect(sortedKeys(['b', 'a', 'c'])).toEqual(['a', 'b', 'c']);
    expect(sortedKeys(['c', 'a', 'b'])).toEqual(['a', 'b', 'c']);
    expect(sortedKeys(['b', 'a\0c'])).toEqual(['a\0c', 'b']);
  });

  it('drops undefined values and copies: the result shares no object with its input', () => {
    const input = { z: { y: [{ b: 1, a: undefined }] }, a: 1 };
    const out = canonical(input);
    expect(text(out)).toBe('{"a":1,"z":{"y":[{"b":1}]}}');
    expect(out.z).not.toBe(input.z);
    expect(out.z.y[0]).not.toBe(input.z.y[0]);
  });
});
