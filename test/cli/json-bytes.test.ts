/** bin/synth/files.ts jsonBytes: the bytes of `json`, written without flattening `text + '\n'`. */
import { json, jsonBytes } from '../../bin/synth/files';

describe('jsonBytes', () => {
  it.each([
    ['plain', { b: 1, a: [true, null, 'x'] }],
    ['non-ASCII text', { name: 'caf\u00e9 \u2603 \ud83d\ude80', nested: { policy: '<a b="\u00fc">\n</a>' } }],
    ['empty object', {}],
    ['a string alone', 'text'],
  ])('%s: the same bytes as json()', (_name, value) => {
    expect(jsonBytes(value).equals(Buffer.from(json(value), 'utf8'))).toBe(true);
  });
});
