/**
 * The fast YAML path (lib/model/yaml-data.ts) must read exactly the data the reference parser
 * (`yaml`, with positions) reads, or step aside: property-tested over generated documents written
 * in every style the reference writer has, and over hand-written corners of YAML.
 */
import fc from 'fast-check';
import { parseAllDocuments, parseDocument, stringify } from 'yaml';
import { parseDataFile } from '../../lib/model/load';
import { SpecValidationError } from '../../lib/model/errors';
import { fastYamlData, fastYamlDocuments, yamlDocumentTexts } from '../../lib/model/yaml-data';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261129);

/** The reference reading: data, or the first error message. */
function reference(text: string): { data?: unknown; error?: string } {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length) return { error: doc.errors[0]!.message };
  return { data: doc.toJS({ maxAliasCount: 100 }) };
}

/** Agreement: the fast path either steps aside or gives the reference data (NaN and -0 included). */
function expectAgreement(text: string): boolean {
  const fast = fastYamlData(text);
  if (fast === undefined) return false;
  const ref = reference(text);
  expect(ref.error).toBeUndefined();
  expect(fast).toStrictEqual(ref.data);
  return true;
}

// Strings that look like other scalars, YAML indicators, escapes, unicode, long and multi-line text.
const tricky = fc.constantFrom('', ' ', 'null', '~', 'Null', 'true', 'False', 'yes', 'on', '0o17', '0x1F', '0b11', '1_000', '1e3', '.5', '+12', '007', '-0', '.inf', '.NaN', '2024-01-01', '- a', 'a: b', '#x', '&a', '*a', '!x', '%x', '@x', '`x', '"q"', "'s'", '\\', '\t', 'a\nb', 'a\n\nb\n', ' lead', 'trail ', '{x}', '[x]', '? x', '<<', '__proto__', '\u00e9\u4e2d\u{1F600}', '\u202e', '\u0085', '\u2028', 'x'.repeat(200));
const str = fc.oneof(tricky, fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 8 }));
const scalar = fc.oneof(str, fc.integer(), fc.double({ noDefaultInfinity: false }), fc.boolean(), fc.constant(null));
const value = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(str, tie('v'), { maxKeys: 4 })),
})).v;
const doc = fc.dictionary(str, value, { minKeys: 1, maxKeys: 5 });
const style = fc.record({
  defaultStringType: fc.constantFrom('PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL', 'BLOCK_FOLDED'),
  defaultKeyType: fc.constantFrom(null, 'PLAIN', 'QUOTE_DOUBLE'),
  collectionStyle: fc.constantFrom('any', 'block', 'flow'),
  indent: fc.constantFrom(2, 4),
  indentSeq: fc.boolean(),
  lineWidth: fc.constantFrom(0, 20, 80),
} as const);

describe('fast YAML data', () => {
  it('reads generated documents, in every writing style, as the reference parser does', () => {
    let fast = 0;
    fc.assert(
      fc.property(doc, style, (d, s) => {
        if (expectAgreement(stringify(d, { ...s, aliasDuplicateObjects: false }))) fast++;
      }),
      { numRuns: RUNS, seed: SEED },
    );
    // The property must exercise the fast path, not only its refusals.
    expect(fast).toBeGreaterThan(RUNS / 10);
  });

  it('resolves plain scalars as the reference parser does: numbers, bools and nulls in every spelling, and the words beside them', () => {
    // The fast path tests a plain scalar against the core schema's forms only when its first
    // character (or its length, for words) allows one: every spelling near those forms, as a
    // value, a key and a list item, must read as the reference reads it.
    const numeric = fc.stringMatching(/^[-+]?[0-9.eEoxXbB_a-fA-F]{0,6}$/);
    const wordish = fc.stringMatching(/^[nNtTfFuUlLrReEaAsS~.iIzZ]{0,6}$/);
    const special = fc.constantFrom('.inf', '-.Inf', '+.INF', '.nan', '.NaN', '.NAN', '~', 'null', 'Null', 'NULL', 'nULL', 'true', 'True', 'TRUE', 'tRUE', 'false', 'False', 'FALSE', 'fALSE', 'nulls', 'trues', 'fals', '0o17', '0o8', '0x1F', '0xg', '1e3', '1E+3', '.5', '5.', '+.5e-3', '-0', '012', 'tree', 'fell', 'nope');
    let fast = 0;
    fc.assert(
      fc.property(fc.oneof(numeric, wordish, special).filter((x) => /^(?:[^-.]|[-.][0-9a-zA-Z])/.test(x)) /* no lone `-` or `.`: list and document syntax */, (x) => {
        for (const text of [`k: ${x}\n`, `${x}: v\n`, `k:\n  - ${x}\n`]) if (expectAgreement(text)) fast++;
      }),
      { numRuns: RUNS, seed: SEED },
    );
    expect(fast).toBeGreaterThan(RUNS);
  });

  it('reads damaged documents as the reference parser does, or steps aside (never accepts what it refuses)', () => {
    // Spliced YAML punctuation into written documents: the corners where the two parsers differ.
    const piece = fc.constantFrom(' ', '\n', ':', '-', '#', "'", '"', '[', ']', '{', '}', ',', '?', '|', '>', '|+', '\t', '  ', '\n  ', ': ', '- ', '\\', 'a');
    const edit = fc.tuple(fc.nat(), fc.nat(3), piece);
    fc.assert(
      fc.property(doc, fc.constantFrom('any', 'block', 'flow'), fc.array(edit, { minLength: 1, maxLength: 3 }), (d, collectionStyle, edits) => {
        let text = stringify(d, { collectionStyle, aliasDuplicateObjects: false });
        for (const [at, cut, insert] of edits) {
          const i = at % (text.length + 1);
          text = text.slice(0, i) + insert + text.slice(i + cut);
        }
        expectAgreement(text);
      }),
      { numRuns: RUNS * 5, seed: SEED },
    );
  });

  it.each([
    ['YAML 1.2 core scalars', 'a: 0o17\nb: 0x1F\nc: 1e3\nd: .5\ne: +12\nf: 007\ng: -.Inf\nh: .NaN\ni: 1.\nj: TRUE\nk: yes\nl: 0b11\nm: 1_000\nn: 2024-01-01\no: 12345678901234567890\n'],
    ['quoting and escapes', 'a: "\\x41\\u00e9\\U0001F600\\N\\_\\L\\P\\/"\nb: \'it\'\'s\'\n'],
    ['block scalars', 'a: |\n  x\n   y\n\nb: >-\n  x\n  y\n\n  z\n'],
    ['empty flow collections', 'b: {}\nc: []\n'],
    ['CRLF line ends', 'a: 1\r\nb:\r\n  - x\r\n  - "y"\r\nc: |\r\n  l1\r\n  l2\r\n'],
    ['a scalar below its key', 'a:\n  x\nb: 1 # c\n'],
    ['comments and keys', '# top\n"quoted key": 1 # c\n1: one\ntrue: yes\n__proto__:\n  x: 1\n<<:\n  m: 1\nr:\n  # c\n  - a\n'],
  ])('reads %s on the fast path, as the reference parser does', (_name, text) => {
    expect(expectAgreement(text)).toBe(true);
  });

  it.each([
    ['a null key', 'null: 1\n'],
    ['an empty explicit key', '? \n: 1\n'],
    ['a collection key', '? [a]\n: 1\n'],
    ['a flow collection key', '[a]: 1\n'],
    ['an anchor and alias', 'a: &x 1\nb: *x\n'],
    ['an explicit tag', 'a: !!str 12\n'],
    ['the non-specific tag', 'a: ! 12\n'],
    ['a verbatim tag', 'a: !<tag:anygate.dev,2026:int> 12\n'],
    ['a YAML 1.1 directive', '%YAML 1.1\n---\na: yes\n'],
    ['a null value', 'a: ~\n'],
    ['keys equal as strings only', 'a: 1\n1: 2\n"1": 3\n'],
    ['an implicit key over 1,024 characters', `${'k'.repeat(1100)}: 1\n`],
    ['a scalar root', '12\n'],
    ['a sequence root', '- a\n'],
    ['an empty document', ''],
    ['two documents', 'a: 1\n---\nb: 2\n'],
    ['a syntax error', 'a: b: c\n'],
    ['a comment glued to a quoted scalar', 'a: "x"#c\n'],
    ['a flow scalar over two lines', 'a: "x\n  y"\n'],
    ['a comment indented less than the value after it', 'a:\n#c\n  x\n'],
    ['a keep-chomped block scalar', 'a: |+\n  x\n\n'],
    ['a flow mapping', 'a: {b: 1}\n'],
    ['a tab', 'a:\t1\n'],
    ['an empty sequence item', 'a:\n  -\n  - b\n'],
    ['a repeated key', 'a: 1\na: 2\n'],
  ])('steps aside for %s', (_name, text) => {
    expect(fastYamlData(text)).toBeUndefined();
  });

  it('leaves syntax errors to the reference parser, which words them with file and line', () => {
    let err: unknown;
    try {
      parseDataFile('name: x\nroutes:\n  - id: a\n    id: b\n', 'spec.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SpecValidationError);
    expect((err as SpecValidationError).issues[0]).toMatchObject({ file: 'spec.yaml', line: 4, message: expect.stringContaining('Map keys must be unique') });
  });

  it('locates spec paths in a fast-parsed file, parsing positions only when asked', () => {
    const parsed = parseDataFile('name: x\nroutes:\n  - id: a\n    method: GETT\n', 'spec.yaml');
    expect(parsed.data).toEqual({ name: 'x', routes: [{ id: 'a', method: 'GETT' }] });
    expect(parsed.locate(['routes', 0, 'method'])).toEqual({ line: 4, column: 13 });
  });

  describe('multi-document streams', () => {
    /** The reference reading of a stream: the data of each document that holds a node, or an error. */
    function referenceDocs(text: string): { data?: unknown[]; error?: string } {
      const docs = parseAllDocuments(text, { uniqueKeys: true, prettyErrors: false });
      const list = Array.isArray(docs) ? docs : [docs];
      const err = list.find((d) => d.errors.length);
      if (err) return { error: err.errors[0]!.message };
      return { data: list.map((d) => d.toJS({ maxAliasCount: 100 })).filter((v) => v !== null && v !== undefined) };
    }
    // Block style as manifests are written, beside every style the reference writer has.
    const blockStyle = fc.record({ defaultStringType: fc.constantFrom('PLAIN', 'QUOTE_DOUBLE'), collectionStyle: fc.constant('block'), indent: fc.constant(2), lineWidth: fc.constant(0) } as const);
    // Manifest-like documents: plain keys, every kind of scalar below them.
    const key = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9.-]{0,10}$/);
    const manifest = fc.dictionary(key, fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.dictionary(key, scalar, { maxKeys: 3 })), { minKeys: 1, maxKeys: 5 });
    // Bare markers mostly; the others (which the fast path leaves to the reference parser) now and then.
    const separator = fc.oneof({ weight: 6, arbitrary: fc.constantFrom('---\n', '---\r\n', '\n---\n', '---\n# between\n', '---\n---\n') }, { weight: 1, arbitrary: fc.constantFrom('---   \n', '--- \n---\n', '...\n---\n', '--- a: 1\n') });

    it('reads generated streams as the reference parser does, or steps aside', () => {
      let fast = 0;
      fc.assert(
        fc.property(fc.array(fc.tuple(fc.oneof(doc, manifest), fc.oneof(style, blockStyle)), { minLength: 1, maxLength: 4 }), fc.array(separator, { minLength: 4, maxLength: 4 }), fc.boolean(), (docs, seps, lead) => {
          const text = (lead ? '---\n' : '') + docs.map(([d, s], i) => (i ? seps[i]! : '') + stringify(d, { ...s, aliasDuplicateObjects: false })).join('');
          const got = fastYamlDocuments(text);
          if (got === undefined) return;
          fast++;
          const ref = referenceDocs(text);
          expect(ref.error).toBeUndefined();
          expect(got).toStrictEqual(ref.data);
        }),
        { numRuns: Math.ceil(RUNS / 4), seed: SEED },
      );
      expect(fast).toBeGreaterThan(RUNS / 40);
    });

    it('splits at bare --- lines only, leaving out documents without a node', () => {
      expect(yamlDocumentTexts('a: 1\n---\n# only a comment\n---\nb: 2\n---\n')).toEqual(['a: 1\n', 'b: 2\n']);
      expect(fastYamlDocuments('---\na: 1\n---\r\nb: [x]\n')).toBeUndefined(); // a flow sequence: the reference parser's
      expect(fastYamlDocuments('---\na: 1\n---\r\nb: x\n')).toEqual([{ a: 1 }, { b: 'x' }]);
      expect(fastYamlDocuments('a: |\n  ---\n  x\n---\nb: 1\n')).toEqual([{ a: '---\nx\n' }, { b: 1 }]);
      for (const text of ['a: 1\n--- b: 2\n', 'a: 1\n...\nb: 2\n', 'a: 1\n--- !x\nb: 2\n', 'a: 1\n---\n- b\n', 'a: 1\n---\nb: &x 1\n']) expect(fastYamlDocuments(text)).toBeUndefined();
    });
  });
});
