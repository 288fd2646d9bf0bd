/**
 * The XML module (providers/shared/xml.ts) writes every spec string so that an XML parser reads
 * back exactly that string: `&` before something shaped like a reference (`&#64;(...)` would reach
 * APIM as `@(...)`, `&#123;x&#125;` Apigee as `{x}`), tabs and line breaks in attributes (which
 * a parser turns into spaces), a lone carriage return. Spec strings holding characters XML cannot
 * carry at all are refused by validation, at their spec path.
 */
import { XMLParser } from 'fast-xml-parser';
import fc from 'fast-check';
import { validateGateway } from '../../lib/model/normalize';
import { compileAzure } from '../../providers/azure/compile';
import { el, toXml } from '../../providers/shared/xml';

// Decodes every entity and character reference, as the gateways' parsers do.
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', processEntities: true, htmlEntities: true, parseTagValue: false, parseAttributeValue: false, trimValues: false });

const XML_CHAR = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;
const shaped = fc.constantFrom('&#64;', '&#x40;', '&#123;', '&#125;', '&amp;', '&lt;', '&foo;', '&', '&#', ';', '@(', '{', '\t', '\n', '\r', '\r\n', ' ', ']]>', '"', "'", '<', '>');
const strings = fc.array(fc.oneof(shaped, fc.string({ maxLength: 6 }), fc.string({ unit: 'grapheme', maxLength: 4 })), { maxLength: 8 }).map((parts) => parts.join('')).filter((s) => XML_CHAR.test(s));

describe('XML output reads back as the spec string', () => {
  it('in text and in attributes, whatever the string (property)', () => {
    fc.assert(
      fc.property(strings, (s) => {
        const out = toXml(el('v', { a: s }, s));
        const doc = parser.parse(out).v;
        const textBack = typeof doc === 'string' ? doc : (doc['#text'] ?? '');
        expect(doc['@a'] ?? '').toBe(s);
        if (typeof doc !== 'string') expect(textBack).toBe(s);
        // No raw tab or line break inside an attribute value, where a parser would make it a space.
        expect(/a="[^"]*[\t\n\r]/.test(out)).toBe(false);
      }),
      { numRuns: 500, seed: 20261129 },
    );
  });

  it('a character reference in a spec string stays text: APIM never sees an expression', () => {
    expect(toXml(el('value', {}, '&#64;(context.Request.Url)'))).toBe('<value>&amp;#64;(context.Request.Url)</value>\n');
    expect(toXml(el('x', { template: '&#123;private.secret&#125;' }))).toBe('<x template="&amp;#123;private.secret&amp;#125;"/>\n');
  });

  it('end to end: a transform header value that spells @( as a reference reaches the Azure policy as text', () => {
    const v = validateGateway({
      name: 'refs',
      backends: { api: { type: 'http', url: 'https://api.example.com' } },
      routes: [{ id: 'r', method: 'GET', path: '/r', backend: 'api', auth: 'none', transform: { request: { setHeaders: { 'x-a': '&#64;(context.Request.Url)' } } } }],
    });
    expect(v.errors).toEqual([]);
    const policies = JSON.stringify(compileAzure(v.spec!));
    expect(policies).toContain('&amp;#64;(context.Request.Url)');
    expect(policies).not.toMatch(/[^;]&#64;\(/);
  });
});

describe('characters no gateway can carry are refused where they are', () => {
  const spec = (value: string) => ({
    name: 'chars',
    backends: { api: { type: 'http', url: 'https://api.example.com' } },
    routes: [{ id: 'r', method: 'GET', path: '/r', backend: 'api', auth: 'none', transform: { request: { setHeaders: { 'x-a': value } } } }],
  });

  it.each([
    ['a C0 control character', 'a\u0001b', 'U+0001'],
    ['U+FFFF', 'a\uFFFFb', 'U+FFFF'],
    ['an unpaired surrogate', 'a\uD800b', 'U+D800'],
  ])('%s', (_, value, code) => {
    const v = validateGateway(spec(value));
    expect(v.spec).toBeUndefined();
    expect(v.errors.map((e) => `${e.path.join('.')}: ${e.message}`)).toContain(`routes.0.transform.request.setHeaders.x-a: the value holds ${code}, a character that gateway configurations (XML) and HTTP headers cannot carry; remove it`);
  });

  it('tabs, line breaks and any paired astral character are fine', () => {
    expect(validateGateway({ ...spec('a\tb'), description: 'line\r\nbreaks \u{1F600}' }).errors).toEqual([]);
  });
});
