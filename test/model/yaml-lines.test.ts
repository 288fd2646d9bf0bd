/**
 * The line-by-line YAML reader (lib/model/yaml-lines.ts) must read exactly the data the reference
 * parser (`yaml`, with positions) reads, or step aside: property-tested over generated documents
 * in block style (where it reads most of them) and in every other style, over damaged documents,
 * and over the bench gateway it exists for.
 */
import fc from 'fast-check';
import { parseDocument, stringify } from 'yaml';
import { blockYamlData } from '../../lib/model/yaml-lines';
import { fastYamlData } from '../../lib/model/yaml-data';
import { generateGateway } from '../../bench/gen-spec';
import { parseDataFile } from '../../lib/model/load';
import { checkCharacters } from '../../lib/model/characters';
import { validateGateway } from '../../lib/model/normalize';
import type { SpecIssue } from '../../lib/model/errors';

const RUNS = Number(process.env.FUZZ_RUNS ?? 250);
const SEED = Number(process.env.FUZZ_SEED ?? 20261208);

function reference(text: string): { data?: unknown; error?: string } {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length) return { error: doc.errors[0]!.message };
  return { data: doc.toJS({ maxAliasCount: 100 }) };
}

/** The reader either steps aside or gives the reference data (NaN, -0 and key order included). */
function expectAgreement(text: string): boolean {
  const got = blockYamlData(text);
  if (got === undefined) return false;
  const ref = reference(text);
  expect(ref.error).toBeUndefined();
  expect(got).toStrictEqual(ref.data);
  expect(Object.keys(got)).toEqual(Object.keys(ref.data as object));
  expect(JSON.stringify(got)).toBe(JSON.stringify(ref.data)); // nested key order too
  return true;
}

const tricky = fc.constantFrom('', ' ', 'null', '~', 'Null', 'true', 'False', 'yes', '0o17', '0x1F', '0b11', '1_000', '1e3', '.5', '+12', '007', '-0', '.inf', '.NaN', '2024-01-01', '- a', 'a: b', 'a:b', 'a :b', 'a#b', 'a #b', '#x', '&a', '*a', '!x', '%x', '@x', '`x', '"q"', "'s'", "it's", 'say "hi"', '\\', '\\n', '\t', 'a\nb', ' lead', 'trail ', '{x}', '[x]', '/p/{id}', 'x: {}', '? x', ':x', '-x', '?x', '<<', '__proto__', '---', '...', '\u00e9\u4e2d\u{1F600}', '\u00a0nbsp\u00a0', '\u3000', '\u202e', '\u0085', '\u2028', 'x'.repeat(120), '${path.id}');
const str = fc.oneof(tricky, fc.string({ maxLength: 10 }), fc.string({ unit: 'binary', maxLength: 6 }));
const key = fc.oneof(str, fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9.:/-]{0,10}$/), fc.integer({ min: 0, max: 999 }).map(String));
const scalar = fc.oneof(str, fc.integer(), fc.double({ noDefaultInfinity: false }), fc.boolean(), fc.constant(null));
const documentOf = (leaf: fc.Arbitrary<unknown>) => {
  const value = fc.letrec<{ v: unknown }>((tie) => ({
    v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(key, tie('v'), { maxKeys: 4 })),
  })).v;
  return fc.dictionary(key, value, { minKeys: 1, maxKeys: 5 });
};
const doc = documentOf(scalar);
/** Spec-like: no nulls, printable strings (the reader refuses the rest, which the other properties cover). */
const plainDoc = documentOf(fc.oneof(tricky, fc.string({ maxLength: 10 }), fc.integer(), fc.double({ noDefaultInfinity: false }), fc.boolean()));
const blockStyle = fc.record({
  defaultStringType: fc.constantFrom('PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE'),
  defaultKeyType: fc.constantFrom(null, 'PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE'),
  collectionStyle: fc.constant('block'),
  indent: fc.constantFrom(2, 3, 4),
  indentSeq: fc.boolean(),
  lineWidth: fc.constant(0),
} as const);
const anyStyle = fc.record({
  defaultStringType: fc.constantFrom('PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL', 'BLOCK_FOLDED'),
  defaultKeyType: fc.constantFrom(null, 'PLAIN', 'QUOTE_DOUBLE'),
  collectionStyle: fc.constantFrom('any', 'block', 'flow'),
  indent: fc.constantFrom(2, 4),
  indentSeq: fc.boolean(),
  lineWidth: fc.constantFrom(0, 20, 80),
} as const);
/** Comments and blank lines between and after lines, at several indentations. */
function withComments(text: string, at: number[]): string {
  const lines = text.split('\n');
  for (const n of at) {
    const i = n % (lines.length + 1);
    const indent = ' '.repeat(n % 5);
    lines.splice(i, 0, n % 3 === 0 ? '' : `${indent}# c${n}`);
  }
  return lines.join('\n');
}

describe('line-by-line YAML reader', () => {
  it('reads generated block-style documents as the reference parser does, or steps aside', () => {
    let read = 0;
    fc.assert(
      fc.property(plainDoc, blockStyle, (d, s) => {
        if (expectAgreement(stringify(d, { ...s, aliasDuplicateObjects: false }))) read++;
      }),
      { numRuns: RUNS, seed: SEED },
    );
    // The property must exercise the reader, not only its refusals.
    expect(read).toBeGreaterThan(RUNS / 4);
  });

  it('reads documents in every writing style, with comments and blank lines, as the reference parser does, or steps aside', () => {
    fc.assert(
      fc.property(doc, anyStyle, fc.array(fc.nat(400), { maxLength: 4 }), (d, s, at) => {
        expectAgreement(withComments(stringify(d, { ...s, aliasDuplicateObjects: false }), at));
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });

  it('reads damaged documents as the reference parser does, or steps aside (never accepts what it refuses)', () => {
    const piece = fc.constantFrom(' ', '\n', ':', '-', '#', ' #', "'", '"', '[', ']', '{', '}', ',', '?', '|', '>', '&', '*', '!', '%', '\\', '\t', '\r', '  ', '\n  ', '\n- ', ': ', '- ', '-', '---', '...', 'a', '1', '~', '\u00a0');
    const edit = fc.tuple(fc.nat(), fc.nat(3), piece);
    fc.assert(
      fc.property(doc, blockStyle, fc.array(edit, { minLength: 1, maxLength: 3 }), (d, s, edits) => {
        let text = stringify(d, { ...s, aliasDuplicateObjects: false });
        for (const [at, cut, insert] of edits) {
          const i = at % (text.length + 1);
          text = text.slice(0, i) + insert + text.slice(i + cut);
        }
        expectAgreement(text);
      }),
      { numRuns: RUNS * 2, seed: SEED },
    );
  });

  it('reads the bench gateway (what yaml.stringify writes of a spec) on its own, as the reference and js-yaml do', () => {
    for (const k8s of [false, true]) {
      const text = stringify(generateGateway(20, { kubernetes: k8s }));
      expect(expectAgreement(text)).toBe(true);
      expect(blockYamlData(text)).toStrictEqual(fastYamlData(text.replace(/\n/g, '\r\n'))); // CRLF: js-yaml's path
    }
  });

  it.each([
    ['nested sequences and compact mappings', 'a:\n- x\n- - y\n  - z\n-   k: 1\n    l: [] # c\nb:\n  - m: {}\n    n:\n    - 1\n'],
    ['quoted keys and values', '"a b": \'it\'\'s\'\n\'c\': "x\\"y\\\\z\\/\\n"\nd: "plain"   # c\n'],
    ['plain scalars with indicators inside', 'p: /pets/{id}\nq: a:b\nr: x#y\ns: -1\nt: -x\nu: :x\nv: ${path.id}\nw: a, b [c]\n'],
    ['numeric keys', '200: ok\n0: z\n'],
    ['white space YAML does not trim', 'a: x\u00a0\nb: y\u3000 # c\nc:\n  - z\u2003\n'],
    ['comments at or past the next line', '# top\na:\n  # in\n  b: 1\n# out\nc: 2\n'],
  ])('reads %s', (_name, text) => {
    expect(expectAgreement(text)).toBe(true);
  });

  it.each([
    ['a null value', 'a:\nb: 1\n'],
    ['a tilde', 'a: ~\n'],
    ['an anchor', 'a: &x 1\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a flow mapping', 'a: {b: 1}\n'],
    ['a block scalar', 'a: |\n  x\n'],
    ['a scalar over two lines', 'a: x\n  y\n'],
    ['a quoted scalar over two lines', 'a: "x\n  y"\n'],
    ['a scalar below its key', 'a:\n  x\n'],
    ['a comment indented less than the value after it', 'a:\n#c\n  b: 1\n'],
    ['a glued comment', 'a: "x"#c\n'],
    ['CRLF', 'a: 1\r\n'],
    ['a tab', 'a:\t1\n'],
    ['a document marker', '---\na: 1\n'],
    ['a repeated key', 'a: 1\na: 2\n'],
    ['keys equal as strings only', '1: a\n"1": b\n'],
    ['a bool key', 'true: 1\n'],
    ['a float key', '1.5: 1\n'],
    ['__proto__', '__proto__:\n  x: 1\n'],
    ['a \\u escape', 'a: "\\u00e9"\n'],
    ['a YAML-only escape', 'a: "\\x41"\n'],
    ['a mapping indicator in a value', 'a: b: c\n'],
    ['a sequence root', '- a\n'],
    ['an indented root', '  a: 1\n'],
    ['an empty text', ''],
  ])('steps aside for %s', (_name, text) => {
    expect(blockYamlData(text)).toBeUndefined();
  });

  it('never returns a character checkCharacters refuses, raw or escaped, in a value or a key (so loading skips that walk)', () => {
    // Every UTF-16 code unit, checked in one walk: the issues' paths name the refused ones.
    const issues: SpecIssue[] = [];
    checkCharacters(Array.from({ length: 0x10000 }, (_, c) => `x${String.fromCharCode(c)}y`), issues);
    let seen = 0;
    for (const issue of issues) {
      const ch = String.fromCharCode(issue.path[0] as number);
      seen++;
      for (const text of [`a: x${ch}y\n`, `a: "x${ch}y"\n`, `x${ch}y: 1\n`, `a:\n  - '${ch}'\n`]) expect(blockYamlData(text)).toBeUndefined();
    }
    expect(seen).toBeGreaterThan(2000); // the C0 controls, U+FFFE/FFFF and every lone surrogate half
    for (const esc of ['\\b', '\\f', '\\u0001', '\\x01', '\\0', '\\ud800']) expect(blockYamlData(`a: "x${esc}"\n`)).toBeUndefined();
    // Both halves of a pair are not refused.
    expect(blockYamlData('a: "\u{1F600}"\n')).toEqual({ a: '\u{1F600}' });
  });

  it('loading says when the line reader read the data, and a character check still runs on the others', () => {
    expect(parseDataFile('name: x\nroutes: []\n', 'g.yaml').charactersChecked).toBe(true);
    const escaped = parseDataFile('name: "x\\by"\nroutes: []\n', 'g.yaml');
    expect(escaped.charactersChecked).toBe(false);
    expect(validateGateway(escaped.data, { charactersChecked: escaped.charactersChecked }).errors.some((i) => i.path.join('.') === 'name' && /U\+0008/.test(i.message))).toBe(true);
    expect(parseDataFile('{"name": "x"}', 'g.json').charactersChecked).toBeUndefined();
  });
});
