/**
 * Spec strings never reach a position Envoy evaluates as anything but literal text: header values
 * and direct-response bodies are Envoy format strings (`%...%` operators), path literals are RE2.
 */
import fc from 'fast-check';
import { validateGateway } from '../../lib/model/normalize';
import { compileKubernetes } from '../../providers/kubernetes/compile';

/** The literal text an Envoy format string produces, or undefined when it holds an operator. */
function formatLiteral(s: string): string | undefined {
  if (/%(?!%)/.test(s.replace(/%%/g, ''))) return undefined;
  return s.replace(/%%/g, '%');
}

const text = fc.string({ unit: fc.constantFrom(...'ab%()[]\\.*+?^|{}:"\'<>/ -_1'.split('')), minLength: 1, maxLength: 24 });
/** Header values Envoy Gateway accepts (printable ASCII, single spaces between words): others are refused by record (header-values.test.ts). */
const headerText = text.filter((s) => /^[!-~]+(?: [!-~]+)*$/.test(s));
const segment = fc.string({ unit: fc.constantFrom(...'a.*+()$!,;=:@~-'.split('')), minLength: 1, maxLength: 8 });

describe('kubernetes: spec text is inert', () => {
  it('in header values and direct responses (Envoy format strings)', () => {
    fc.assert(
      fc.property(headerText, text, (value, body) => {
        const r = validateGateway({
          name: 'inj',
          backends: { api: { type: 'http', url: 'https://api.example.com' }, m: { type: 'mock', body: { v: body }, headers: { 'x-m': value } } },
          routes: [
            { method: 'GET', path: '/a', backend: 'api', auth: 'none', transform: { request: { setHeaders: { 'x-h': value } }, response: { setHeaders: { 'x-r': value } } } },
            { method: 'GET', path: '/m', backend: 'm', auth: 'none' },
          ],
        });
        fc.pre(Boolean(r.spec));
        const objects = compileKubernetes(r.spec!).stages[0].objects;
        const rules = objects.filter((o) => o.kind === 'HTTPRoute').flatMap((o) => (o.spec as any).rules);
        const filters = rules.flatMap((x: any) => x.filters ?? []);
        const req = filters.find((f: any) => f.requestHeaderModifier).requestHeaderModifier.set[0].value;
        const res = filters.find((f: any) => f.responseHeaderModifier).responseHeaderModifier.set[0].value;
        const dr = (objects.find((o) => o.kind === 'HTTPRouteFilter' && (o.spec as any).directResponse)!.spec as any).directResponse;
        expect([formatLiteral(req), formatLiteral(res), formatLiteral(dr.header.set[0].value)]).toEqual([value, value, value]);
        expect(formatLiteral(dr.body.inline)).toBe(JSON.stringify({ v: body }));
      }),
      { numRuns: 200 },
    );
  });

  it('in path literals (RE2 regexes match the literal text only)', () => {
    fc.assert(
      fc.property(segment, (lit) => {
        const r = validateGateway({ name: 'inj', backends: { m: { type: 'mock' } }, routes: [{ method: 'GET', path: `/${lit}/{id}`, backend: 'm', auth: 'none' }] });
        fc.pre(Boolean(r.spec));
        const rule = (compileKubernetes(r.spec!).stages[0].objects.find((o) => o.kind === 'HTTPRoute')!.spec as any).rules[0];
        const re = new RegExp(`^(?:${rule.matches[0].path.value})$`);
        expect(re.test(`/${lit}/x`)).toBe(true);
        // Any other first segment of the same length does not match: the literal is not a pattern.
        const other = lit.replace(/./g, 'z');
        if (other !== lit) expect(re.test(`/${other}/x`)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});
