/**
 * toXml (providers/shared/xml.ts) writes trees itself; xmlbuilder2 is the reference it must equal
 * byte for byte, on any tree: names, attributes, text with every character XML carries (and the
 * reference-shaped and markup characters), mixed content, empty text, with and without the
 * declaration. The goldens check the same on every document the compilers emit.
 */
import fc from 'fast-check';
import { el, shared, toXml, toXmlByLibrary, type XNode } from '../../providers/shared/xml';

const XML_CHAR = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;
const shaped = fc.constantFrom('&#64;', '&#123;', '&amp;', '&lt;', '&foo;', '&', '<', '>', '"', "'", '\t', '\n', '\r', '\r\n', ' ', ']]>', '');
const strings = fc.array(fc.oneof(shaped, fc.string({ maxLength: 5 })), { maxLength: 5 }).map((p) => p.join('')).filter((s) => XML_CHAR.test(s));
const names = fc.constantFrom('a', 'Set-Header', 'x_y', 'P.1', 'policies', 'value');

const tree: fc.Arbitrary<XNode> = fc.letrec<{ node: XNode }>((tie) => ({
  node: fc.record({
    name: names,
    attrs: fc.option(fc.dictionary(names, strings, { maxKeys: 3 }), { nil: undefined }),
    children: fc.option(fc.array(fc.oneof({ depthSize: 'small' }, strings, tie('node')), { maxLength: 4 }), { nil: undefined }),
  }) as fc.Arbitrary<XNode>,
})).node;

describe('toXml writes what xmlbuilder2 writes', () => {
  it('for any tree, with and without the declaration (property)', () => {
    fc.assert(
      fc.property(tree, fc.boolean(), (t, declaration) => {
        expect(toXml(t, { declaration })).toBe(toXmlByLibrary(t, { declaration }));
      }),
      { numRuns: 400, seed: 20261207 },
    );
  });

  it('for the shapes the compilers build', () => {
    const doc = el('policies', {}, el('inbound', {}, el('base'), el('set-header', { name: 'x-a', 'exists-action': 'override' }, el('value', {}, '@(context.Request.Url)'))), el('outbound', {}, 'text', el('b', {}, '', '')));
    expect(toXml(doc)).toBe(toXmlByLibrary(doc));
    expect(toXml(doc, { declaration: true })).toBe(toXmlByLibrary(doc, { declaration: true }));
  });

  it('writes a shared subtree held at several depths and in several documents as the library does (property)', () => {
    fc.assert(
      fc.property(tree, tree, (common, other) => {
        const node = shared(common);
        const a = el('policies', {}, node, el('inbound', {}, el('base'), node, el('when', {}, node)), other);
        const b = el('outbound', {}, el('x', {}, node), node);
        for (const doc of [a, b, a, node]) expect(toXml(doc)).toBe(toXmlByLibrary(doc));
      }),
      { numRuns: 200, seed: 20261207 },
    );
  });

  it('leaves names it does not take to the library, which refuses invalid ones', () => {
    expect(toXml(el('ns:a', { 'xml:lang': 'en' }))).toBe(toXmlByLibrary(el('ns:a', { 'xml:lang': 'en' })));
    expect(() => toXml(el('a b'))).toThrow();
  });
});
