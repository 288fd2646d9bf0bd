/**
 * The manifests are written by js-yaml where it gives `yaml`'s bytes (providers/kubernetes/yaml.ts)
 * and by `yaml` otherwise: the output must be `yaml`'s, byte for byte, for every object, and the
 * fast writer must actually serve a real gateway.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { generateGateway } from '../../bench/gen-spec';
import { toGatewaySpec } from '../../lib/model/normalize';
import { compileKubernetes } from '../../providers/kubernetes/compile';
import { objectYaml, toYaml, writtenAlike } from '../../providers/kubernetes/yaml';
import { fullInput, trafficInput } from './fixtures';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261129);

const reference = (o: unknown) => stringify(o, { lineWidth: 0, aliasDuplicateObjects: false });

// Strings near the edges of what YAML reads as something else, and arbitrary ones.
const edgy = fc.constantFrom('y', 'n', 'yes', 'No', 'on', 'OFF', 'true', 'False', 'null', '~', 'nan', '.inf', 'x', '%REQ(x-item-id)%', '.+', '...', '...=', '---', '/svc0/items', 'https://dev.example.com:443/a', 'a: b', 'a:b', 'a #b', '-a', 'a-', '/', '%', '(a)', '{a}', '${x}', 'a=b', 'a,b', '@x', '29s', '10ms', '1h', '1e3', '1e3s', '0x1F', '0o7', '0b11', '1_000', '1.5', '12', '08', '1:20', '2024-01-01', ' lead', 'trail ', "it's", 'say "hi"', 'a\nb', '\t', '', '/a/([^/]+)', '/a/(.*)', 'a|b', '[a]', 'a]', '^a', 'a?', 'a*');
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
    expect(objects.filter((o) => !writtenAlike(o)).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([]);
  });
});
