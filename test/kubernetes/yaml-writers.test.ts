/**
 * The manifests are written by js-yaml where it gives the reference writer's bytes
 * (providers/kubernetes/yaml.ts) and by `yaml` (YAML 1.1 schema) otherwise: the output must be the
 * reference writer's, byte for byte, for every object, the fast writer must actually serve a real
 * gateway, and a YAML 1.1 reader (what kubectl runs) must read every string back as written.
 */
import fc from 'fast-check';
import { dump, JSON_SCHEMA } from 'js-yaml';
import { parse, parseAllDocuments } from 'yaml';
import { generateGateway } from '../../bench/gen-spec';
import { toGatewaySpec } from '../../lib/model/normalize';
import { compileKubernetes } from '../../providers/kubernetes/compile';
import { objectYaml, referenceYaml, toYaml, writtenAlike, writtenFast } from '../../providers/kubernetes/yaml';
import { misreadAsYaml11 } from '../../providers/kubernetes/yaml11';
import { fullInput, trafficInput } from './fixtures';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = Number(process.env.FUZZ_SEED ?? 20261129);

const reference = referenceYaml;

// Strings near the edges of what YAML reads as something else, and arbitrary ones.
const edgy = fc.constantFrom('y', 'n', 'yes', 'No', 'on', 'OFF', 'true', 'False', 'null', '~', 'nan', '.inf', 'x', '%REQ(x-item-id)%', '.+', '...', '...=', '---', '/svc0/items', 'https://dev.example.com:443/a', 'a: b', 'a:b', 'a #b', '-a', 'a-', '/', '%', '(a)', '{a}', '${x}', 'a=b', 'a,b', '@x', '29s', '10ms', '1h', '1e3', '1e3s', '0x1F', '0X1F', '0o7', '0O17', '0b11', '0B11', '-0b11', '1_000', '1__0', '._5', '+12', '012', '1_0.5', 'Y', 'NO', 'Off', 'NULL', 'Null', '-.inf', '.NaN', '<<', '2024-1-2', '1:20:30', '-1:20', 'E0', 'e5', '.e3', '1.5', '12', '08', '1:20', '2024-01-01', ' lead', 'trail ', "it's", 'say "hi"', 'a\nb', '\t', '', '/a/([^/]+)', '/a/(.*)', 'a|b', '[a]', 'a]', '^a', 'a?', 'a*');
const str = fc.oneof(edgy, fc.stringMatching(/^[a-zA-Z0-9 ._:/@%$#{}()\-'"=*,+[\]^?|]{0,10}$/), fc.string({ maxLength: 8 }));
const scalar = fc.oneof(str, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(-0));
const value = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(str, tie('v'), { maxKeys: 3 })),
})).v;

describe('kubernetes manifest YAML', () => {
  it('writes every value as the reference writer does, byte for byte', () => {
    fc.assert(
      fc.property(fc.dictionary(str, value, { maxKeys: 5 }), (o) => {
        expect(objectYaml(o)).toBe(reference(o));
      }),
      { numRuns: RUNS * 5, seed: SEED },
    );
  });

  it('writes values of the fast subset, which the fast writer serves, as the reference writer does', () => {
    const plainStr = str.filter((x) => writtenAlike(x));
    const plain = fc.letrec<{ v: unknown }>((tie) => ({
      v: fc.oneof({ depthSize: 'small' }, plainStr, fc.integer(), fc.boolean(), fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(plainStr, tie('v'), { maxKeys: 3, noNullPrototype: true })),
    })).v;
    fc.assert(
      fc.property(fc.dictionary(plainStr, plain, { maxKeys: 5, noNullPrototype: true }), (o) => {
        expect(writtenAlike(o)).toBe(true);
        expect(objectYaml(o)).toBe(reference(o));
      }),
      { numRuns: RUNS * 5, seed: SEED },
    );
  });

  it('lays out documents as js-yaml does, itself serving them: nesting, lists of lists and of mappings, empty ones, long keys', () => {
    // FastWriter writes js-yaml's layout without js-yaml: compare with js-yaml's own dump (the
    // options yaml.ts gives it) on shapes a manifest rarely has, and check it served them.
    const jsYaml = (o: unknown) => dump(o, { lineWidth: -1, noRefs: true, quotingType: '"', noCompatMode: true, schema: JSON_SCHEMA });
    const plainStr = fc.oneof(str, fc.constantFrom('a: b', '(a)', '%REQ(x)%', '/a/([^/]+)', 'a|b', 'x'.repeat(1030))).filter((x) => writtenAlike(x));
    const shaped = fc.letrec<{ v: unknown }>((tie) => ({
      v: fc.oneof({ depthSize: 'small', maxDepth: 5 }, plainStr, fc.integer(), fc.boolean(), fc.constant([]), fc.constant({}), fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(plainStr, tie('v'), { maxKeys: 3, noNullPrototype: true })),
    })).v;
    fc.assert(
      fc.property(shaped, (o) => {
        const longKey = o !== null && typeof o === 'object' && JSON.stringify(o).includes(`"${'x'.repeat(1030)}":`);
        expect(writtenFast(o)).toBe(!longKey);
        expect(objectYaml(o)).toBe(jsYaml(o));
        if (!longKey) expect(objectYaml(o)).toBe(reference(o));
      }),
      { numRuns: RUNS * 5, seed: SEED },
    );
  });

  it.each([
    ['the full fixture', () => toGatewaySpec(fullInput())],
    ['the traffic fixture', () => toGatewaySpec(trafficInput())],
    ['a generated 200-route gateway', () => toGatewaySpec(generateGateway(200, { kubernetes: true }))],
  ])('writes %s as the reference writer does', (_name, spec) => {
    const objects = compileKubernetes(spec()).stages.flatMap((s) => s.objects);
    expect(toYaml(objects)).toBe(objects.map(reference).join('---\n'));
  });

  it('takes the fast writer for every object of a generated gateway (the point of having two)', () => {
    const objects = compileKubernetes(toGatewaySpec(generateGateway(50, { kubernetes: true }))).stages.flatMap((s) => s.objects);
    // Objects holding a JSON body (the preflight refusal, the BackendTrafficPolicies carrying the
    // error contract's response overrides) are not written alike, but their bodies are quoted on
    // one line by the reference writer and put in place: no object needs the reference writer.
    const held = objects.filter((o) => !writtenAlike(o));
    const jsonBodies = (o: (typeof objects)[number]) => o.kind === 'HTTPRouteFilter' || (o.kind === 'BackendTrafficPolicy' && 'responseOverride' in (o.spec as object));
    expect(held.filter((o) => !jsonBodies(o)).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([]);
    expect(held.length).toBeGreaterThan(0);
    expect(objects.filter((o) => !writtenFast(o)).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([]);
  });

  it('puts strings the reference writer quotes on one line in place, wherever they stand, byte for byte', () => {
    const quoted = fc.constantFrom('{"error":{"code":"x","requestId":"%REQ(x-request-id)%"}}', "it's", 'say "hi"', 'a: b', 'a #b', '-a', '[a]', '{a}', '@x', '%', 'yes', '0o17', '<<', '', ' lead', 'trail ', 'anygate-held-0-end', 'a\nb');
    const plainStr = str.filter((x) => writtenAlike(x));
    const mixed = fc.letrec<{ v: unknown }>((tie) => ({
      v: fc.oneof({ depthSize: 'small' }, quoted, plainStr, fc.integer(), fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(plainStr, tie('v'), { maxKeys: 3, noNullPrototype: true })),
    })).v;
    fc.assert(
      fc.property(fc.dictionary(plainStr, mixed, { maxKeys: 5, noNullPrototype: true }), (o) => {
        expect(objectYaml(o)).toBe(reference(o));
      }),
      { numRuns: RUNS * 5, seed: SEED },
    );
  });

  // What a YAML 1.1 reader gets back: the `yaml` package with { version: '1.1' } (the YAML 1.1
  // schema: bools y/n/yes/no/on/off, ~, binary, octal, hex, sexagesimal, underscores, .inf, dates).
  const plainData = fc.letrec<{ v: unknown }>((tie) => ({
    v: fc.oneof({ depthSize: 'small' }, str, fc.integer(), fc.boolean(), fc.constant(null), fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(str, tie('v'), { maxKeys: 3, noNullPrototype: true })),
  })).v;

  it('writes every string so that a YAML 1.1 reader reads the same string back', () => {
    fc.assert(
      fc.property(fc.dictionary(str, plainData, { maxKeys: 5, noNullPrototype: true }), (o) => {
        expect(parse(objectYaml(o), { version: '1.1' })).toEqual(o);
      }),
      { numRuns: RUNS * 5, seed: SEED },
    );
  });

  const TRAPS = ['on', 'off', 'yes', 'no', 'y', 'n', 'Y', 'NO', 'On', 'TRUE', 'false', '~', 'null', '', '1_000', '0b11', '0x1F', '0o17', '0O17', '012', '08', '1e3', '1:20', '.inf', '-.Inf', '.nan', '<<', '2024-01-01', '12', '+1', '.5'];

  it.each(TRAPS)('quotes %j wherever it stands: value, key, list item', (t) => {
    const text = objectYaml({ spec: { [t]: t, list: [t] } });
    expect(parse(text, { version: '1.1' })).toEqual({ spec: { [t]: t, list: [t] } });
    // go-yaml v2 (kubectl) resolves a few the `yaml` 1.1 schema does not (Go's ParseInt takes 0o17):
    // every occurrence must be quoted, never plain.
    expect(text.split('\n').filter((l) => l.includes(t) && !l.includes(JSON.stringify(t)))).toEqual(t === '' ? expect.any(Array) : []);
    expect(misreadAsYaml11(t)).toBe(true);
  });

  it('leaves ordinary strings plain (names, paths, durations, Envoy operators)', () => {
    for (const s of ['shop-prod', '/a/([^/]+)', '29s', '%REQ(x-id)%', 'api.example.com', 'a:b', 'onward', 'nope', '1.2.3', '0o8', '0x', '12ab']) expect(misreadAsYaml11(s)).toBe(false);
  });

  it('writes a compiled gateway whose header values, claim values and names are YAML 1.1 traps so kubectl reads them back', () => {
    const input = fullInput() as any;
    const route = input.routes.find((r: any) => r.id === 'getItem');
    route.transform.request.setHeaders = Object.fromEntries(TRAPS.filter(Boolean).map((t, i) => [`x-t${i}`, t]));
    input.authorizers.jwt.requiredClaims = { tenant: 'acme', no: 'yes', on: '0o17', y: '1:20' };
    const objects = compileKubernetes(toGatewaySpec(input)).stages.flatMap((s) => s.objects);
    const docs = parseAllDocuments(toYaml(objects), { version: '1.1' });
    expect(docs.map((d) => (Array.isArray(d) ? undefined : d.toJS()))).toEqual(JSON.parse(JSON.stringify(objects)));
    const text = toYaml(objects);
    for (const t of TRAPS.filter(Boolean)) expect(text).toContain(`value: ${t === '<<' ? '!!str ' : ''}${JSON.stringify(t)}`);
    for (const t of ['no', 'on', 'y', 'yes', '0o17', '1:20']) expect(text).toContain(`${JSON.stringify(t)}`);
  });
});
